//! `golive.toml`: environments, gate, run limits, parameter overrides, disabled checks, waivers.
//!
//! Every error names the file and line; unknown keys come with a did-you-mean.

use crate::inputs::{Input, InputValue, expand_vars};
use crate::model::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "golive.toml";

/// An error in an input file, at a line when one is known. Displays as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// 1-based line of byte offset `pos` in `text`.
pub fn line_of(text: &str, pos: usize) -> u32 {
    let pos = pos.min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    checklist: Option<String>,
    default_environment: Option<Spanned<String>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    gate: GateConfig,
    #[serde(default)]
    run: RunConfig,
    #[serde(default)]
    checks: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, toml::Value>>,
    #[serde(default)]
    environments: BTreeMap<Spanned<String>, RawEnvironment>,
    #[serde(default)]
    waivers: Vec<Spanned<RawWaiver>>,
    #[serde(default)]
    store: StoreConfig,
    #[serde(default)]
    signoff: SignoffConfig,
    #[serde(default)]
    waiver_policy: WaiverPolicy,
}

/// `[store]`: where history, sign-offs and waivers are kept (issue 7).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `postgres://…` (credentials through `${VAR}`), or a SQLite file path relative to the
    /// checked root. Default: `.golive/history.db`.
    pub url: Option<String>,
}

/// `[signoff]`: the roles whose sign-off the gate requires for the current commit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffConfig {
    #[serde(default)]
    pub roles: Vec<String>,
}

/// `[waiver_policy]`: which deviations may be waived at all.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverPolicy {
    /// Waivers of checks at or above this severity are refused and do not apply.
    pub forbid_at: Option<Severity>,
}

impl WaiverPolicy {
    pub fn allows(&self, severity: Severity) -> bool {
        self.forbid_at.is_none_or(|f| severity < f)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvironment {
    api_url: Option<String>,
    admin_url: Option<String>,
    database_url: Option<String>,
    redis_url: Option<String>,
    s3_endpoint: Option<String>,
    s3_bucket: Option<String>,
    vault_url: Option<String>,
    prometheus_url: Option<String>,
    alertmanager_url: Option<String>,
    otel_endpoint: Option<String>,
    metrics_url: Option<String>,
    #[serde(default)]
    env_files: Vec<String>,
    #[serde(default)]
    compose_files: Vec<String>,
    #[serde(default)]
    manifests: Vec<String>,
    ca_file: Option<String>,
    #[serde(default)]
    s3_addressing: S3Addressing,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    check: String,
    reason: String,
    until: String,
    by: String,
}

/// When the deploy is blocked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// Failing checks at or above this severity block the deploy.
    #[serde(default = "default_gate_severity")]
    pub severity: Severity,
    /// A check that could not decide (`error`) at or above the gate blocks too: an unverified
    /// critical item is not a ready one.
    #[serde(default = "yes")]
    pub fail_on_error: bool,
}

fn default_gate_severity() -> Severity {
    Severity::High
}
fn yes() -> bool {
    true
}

impl Default for GateConfig {
    fn default() -> Self {
        Self {
            severity: default_gate_severity(),
            fail_on_error: true,
        }
    }
}

/// Bounds on a run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    #[serde(default = "default_check_timeout")]
    pub check_timeout_secs: u64,
    #[serde(default = "default_deadline")]
    pub deadline_secs: u64,
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Set by `golive check --send-test-alert` only (never from the file): allows the one
    /// write golive makes, posting a test alert to Alertmanager.
    #[serde(skip)]
    pub send_test_alert: bool,
}

fn default_check_timeout() -> u64 {
    15
}
fn default_deadline() -> u64 {
    300
}
fn default_concurrency() -> usize {
    16
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            check_timeout_secs: default_check_timeout(),
            deadline_secs: default_deadline(),
            concurrency: default_concurrency(),
            send_test_alert: false,
        }
    }
}

/// A configured environment, inputs still unexpanded (expansion happens when selected, so a
/// missing variable of another environment is no error).
#[derive(Debug, Clone, Default)]
pub struct EnvironmentConfig {
    pub name: String,
    pub line: u32,
    pub inputs: BTreeMap<Input, String>,
    pub env_files: Vec<String>,
    pub compose_files: Vec<String>,
    pub manifests: Vec<String>,
    pub ca_file: Option<String>,
    pub s3_addressing: S3Addressing,
}

/// How S3 requests name the bucket: in the path (`endpoint/bucket?versioning`, MinIO, moto,
/// Ceph) or in the host name (`bucket.s3.region.amazonaws.com/?versioning`, what AWS documents
/// and requires for some buckets). `auto` uses the host name when `s3_endpoint` already starts
/// with the bucket, else the path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum S3Addressing {
    #[default]
    Auto,
    Path,
    Virtual,
}

/// A recorded deviation: a check that is allowed to fail until a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub check: String,
    pub reason: String,
    pub until: jiff::civil::Date,
    pub by: String,
    pub line: u32,
}

/// `name = value` under `[checks.CODE]`, with the line it is on.
pub type ParamOverride = (String, u32, toml::Value);

/// A spanned reference to a check code in the config, validated against the registry later.
#[derive(Debug, Clone)]
pub struct CodeRef {
    pub code: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, `None` for the defaults used when there is no golive.toml.
    pub path: Option<PathBuf>,
    pub checklist: Option<String>,
    pub default_environment: Option<String>,
    pub disable: Vec<CodeRef>,
    pub gate: GateConfig,
    pub run: RunConfig,
    /// `[checks.CODE]` overrides: code (with line) to parameter name (with line) to value.
    pub check_params: Vec<(CodeRef, Vec<ParamOverride>)>,
    pub environments: Vec<EnvironmentConfig>,
    pub waivers: Vec<Waiver>,
    /// `[store]`, `[signoff]`, `[waiver_policy]` (issue 7).
    pub store: StoreConfig,
    pub signoff: SignoffConfig,
    pub waiver_policy: WaiverPolicy,
}

impl Config {
    /// Loads `path`. A missing file is the caller's business (see [`Config::discover`]).
    pub fn load(path: &Path) -> Result<Self, InputError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| InputError {
            file: display.clone(),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        let mut cfg = Self::parse(&text, &display)?;
        cfg.path = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// `root/golive.toml` when it exists, else the defaults.
    pub fn discover(root: &Path) -> Result<Self, InputError> {
        let p = root.join(FILE_NAME);
        if p.is_file() {
            Self::load(&p)
        } else {
            Ok(Self::default())
        }
    }

    pub fn parse(text: &str, file: &str) -> Result<Self, InputError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
        let err = |span: std::ops::Range<usize>, message: String| InputError {
            file: file.to_string(),
            line: Some(line_of(text, span.start)),
            message,
        };

        let mut environments = Vec::new();
        for (name, env) in raw.environments {
            let line = line_of(text, name.span().start);
            let name = name.into_inner();
            if name.trim().is_empty() {
                return Err(InputError {
                    file: file.into(),
                    line: Some(line),
                    message: "an environment needs a name".into(),
                });
            }
            let mut inputs = BTreeMap::new();
            let pairs = [
                (Input::ApiUrl, env.api_url),
                (Input::AdminUrl, env.admin_url),
                (Input::DatabaseUrl, env.database_url),
                (Input::RedisUrl, env.redis_url),
                (Input::S3Endpoint, env.s3_endpoint),
                (Input::S3Bucket, env.s3_bucket),
                (Input::VaultUrl, env.vault_url),
                (Input::PrometheusUrl, env.prometheus_url),
                (Input::AlertmanagerUrl, env.alertmanager_url),
                (Input::OtelEndpoint, env.otel_endpoint),
                (Input::MetricsUrl, env.metrics_url),
            ];
            for (input, value) in pairs {
                if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
                    inputs.insert(input, v);
                }
            }
            environments.push(EnvironmentConfig {
                name,
                line,
                inputs,
                env_files: env.env_files,
                compose_files: env.compose_files,
                manifests: env.manifests,
                ca_file: env.ca_file,
                s3_addressing: env.s3_addressing,
            });
        }

        let default_environment = match raw.default_environment {
            Some(d) => {
                let span = d.span();
                let d = d.into_inner();
                if !environments.iter().any(|e| e.name == d) {
                    let names: Vec<&str> = environments.iter().map(|e| e.name.as_str()).collect();
                    return Err(err(span, unknown_name_message("environment", &d, &names)));
                }
                Some(d)
            }
            None => None,
        };

        let mut waivers = Vec::new();
        for w in raw.waivers {
            let span = w.span();
            let line = line_of(text, span.start);
            let w = w.into_inner();
            if w.reason.trim().is_empty() {
                return Err(err(span, "a waiver needs a reason".into()));
            }
            if w.by.trim().is_empty() {
                return Err(err(
                    span,
                    "a waiver needs `by`: who accepted the deviation".into(),
                ));
            }
            let until: jiff::civil::Date = w.until.trim().parse().map_err(|_| {
                err(
                    span.clone(),
                    format!(
                        "waiver `until` must be a date like 2026-12-31, got {:?}",
                        w.until
                    ),
                )
            })?;
            waivers.push(Waiver {
                check: w.check.trim().to_ascii_uppercase(),
                reason: w.reason,
                until,
                by: w.by,
                line,
            });
        }

        if raw.run.concurrency == 0 {
            return Err(InputError {
                file: file.into(),
                line: None,
                message: "[run] concurrency must be at least 1".into(),
            });
        }

        Ok(Self {
            path: None,
            checklist: raw.checklist,
            default_environment,
            disable: raw
                .disable
                .into_iter()
                .map(|c| CodeRef {
                    line: line_of(text, c.span().start),
                    code: c.into_inner().trim().to_ascii_uppercase(),
                })
                .collect(),
            gate: raw.gate,
            run: raw.run,
            check_params: raw
                .checks
                .into_iter()
                .map(|(code, params)| {
                    let code_ref = CodeRef {
                        line: line_of(text, code.span().start),
                        code: code.into_inner().trim().to_ascii_uppercase(),
                    };
                    let params = params
                        .into_iter()
                        .map(|(k, v)| {
                            let line = line_of(text, k.span().start);
                            (k.into_inner(), line, v)
                        })
                        .collect();
                    (code_ref, params)
                })
                .collect(),
            environments,
            waivers,
            store: raw.store,
            signoff: SignoffConfig {
                roles: raw
                    .signoff
                    .roles
                    .into_iter()
                    .map(|r| r.trim().to_ascii_lowercase())
                    .filter(|r| !r.is_empty())
                    .collect(),
            },
            waiver_policy: raw.waiver_policy,
        })
    }

    /// The file name used in error messages.
    pub fn file_label(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| FILE_NAME.to_string())
    }

    /// Picks the environment: the one asked for, else the default, else the only one.
    /// With several and no choice, that is a usage error listing them.
    pub fn select_environment(
        &self,
        requested: Option<&str>,
    ) -> Result<Option<&EnvironmentConfig>, String> {
        let names: Vec<&str> = self.environments.iter().map(|e| e.name.as_str()).collect();
        if let Some(r) = requested {
            return self
                .environments
                .iter()
                .find(|e| e.name == r)
                .map(Some)
                .ok_or_else(|| {
                    if names.is_empty() {
                        format!("--env {r}: {} defines no environments", self.file_label())
                    } else {
                        unknown_name_message("environment", r, &names)
                    }
                });
        }
        if let Some(d) = &self.default_environment {
            return Ok(self.environments.iter().find(|e| &e.name == d));
        }
        match self.environments.len() {
            0 => Ok(None),
            1 => Ok(self.environments.first()),
            _ => Err(format!(
                "{} defines several environments ({}); choose one with --env or set default_environment",
                self.file_label(),
                names.join(", ")
            )),
        }
    }
}

/// Resolves an environment's inputs against the process environment.
pub fn resolve_inputs(
    env: &EnvironmentConfig,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<Input, InputValue> {
    env.inputs
        .iter()
        .map(|(input, raw)| {
            let v = match expand_vars(raw, lookup) {
                Ok(v) if v.trim().is_empty() => {
                    InputValue::Unresolved(format!("{input} expands to an empty value"))
                }
                Ok(v) => InputValue::Set(v),
                Err(e) => InputValue::Unresolved(format!("{input}: {e}")),
            };
            (*input, v)
        })
        .collect()
}

pub fn unknown_name_message(kind: &str, name: &str, known: &[&str]) -> String {
    match crate::suggest::did_you_mean(name, known) {
        Some(s) => format!("unknown {kind} `{name}` (did you mean `{s}`?)"),
        None if known.is_empty() => format!("unknown {kind} `{name}`"),
        None => format!("unknown {kind} `{name}`; known: {}", known.join(", ")),
    }
}

/// Turns toml's multi-line error into one line at file:line, with did-you-mean for unknown keys.
fn toml_error(text: &str, file: &str, e: &toml::de::Error) -> InputError {
    let line = e.span().map(|s| line_of(text, s.start));
    let msg = e.message().trim().to_string();
    let message = match parse_unknown_field(&msg) {
        Some((field, expected)) => {
            let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
            match crate::suggest::did_you_mean(&field, &exp) {
                Some(s) => format!("unknown key `{field}` (did you mean `{s}`?)"),
                None => format!("unknown key `{field}`; expected one of {}", exp.join(", ")),
            }
        }
        None => msg.replace('\n', " "),
    };
    InputError {
        file: file.to_string(),
        line,
        message,
    }
}

fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((field.to_string(), expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let text = r#"
checklist = "PRODUCTION_CHECKLIST.md"
default_environment = "production"
disable = ["repo005"]

[gate]
severity = "critical"

[checks.ENV009]
min_bits = 128

[environments.production]
api_url = "https://api.example.com"
database_url = "${DATABASE_URL}"
env_files = [".env.production"]

[environments.staging]
api_url = "https://staging.example.com"

[[waivers]]
check = "REPO004"
reason = "runbook in the wiki"
until = "2027-01-31"
by = "alice"
"#;
        let c = Config::parse(text, "golive.toml").unwrap();
        assert_eq!(c.gate.severity, Severity::Critical);
        assert_eq!(c.disable[0].code, "REPO005");
        assert_eq!(c.disable[0].line, 4);
        assert_eq!(c.environments.len(), 2);
        assert_eq!(c.check_params[0].0.code, "ENV009");
        assert_eq!(c.check_params[0].1[0].1, 10);
        assert_eq!(c.waivers[0].line, 20);
        let env = c.select_environment(None).unwrap().unwrap();
        assert_eq!(env.name, "production");
        let inputs = resolve_inputs(env, &|_| None);
        assert!(matches!(
            inputs.get(&Input::DatabaseUrl),
            Some(InputValue::Unresolved(m)) if m.contains("DATABASE_URL")
        ));
    }

    #[test]
    fn unknown_keys_name_the_line_and_suggest() {
        let text = "[environments.prod]\napi_url = \"x\"\napi_ur = \"y\"\n";
        let e = Config::parse(text, "golive.toml").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("did you mean `api_url`"), "{e}");
        assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn malformed_toml_is_one_line_with_position() {
        let e = Config::parse("[gate\nseverity = 1", "golive.toml").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(!e.to_string().contains('\n'));
        let e = Config::parse("[gate]\nseverity = \"urgent\"\n", "x.toml").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn waivers_need_reason_and_date() {
        let e = Config::parse(
            "[[waivers]]\ncheck = \"A\"\nreason = \"\"\nuntil = \"2027-01-01\"\nby = \"x\"\n",
            "g.toml",
        )
        .unwrap_err();
        assert!(e.message.contains("reason"));
        let e = Config::parse(
            "[[waivers]]\ncheck = \"A\"\nreason = \"r\"\nuntil = \"soon\"\nby = \"x\"\n",
            "g.toml",
        )
        .unwrap_err();
        assert!(e.message.contains("date"));
    }

    #[test]
    fn store_signoff_and_waiver_policy_sections() {
        let text = "[store]\nurl = \"postgres://golive@db/golive\"\n[signoff]\nroles = [\"Security\", \" ops \"]\n[waiver_policy]\nforbid_at = \"critical\"\n";
        let c = Config::parse(text, "g.toml").unwrap();
        assert_eq!(c.store.url.as_deref(), Some("postgres://golive@db/golive"));
        assert_eq!(c.signoff.roles, ["security", "ops"]);
        assert!(!c.waiver_policy.allows(Severity::Critical));
        assert!(c.waiver_policy.allows(Severity::High));
        let c = Config::parse("", "g.toml").unwrap();
        assert!(c.signoff.roles.is_empty() && c.waiver_policy.allows(Severity::Critical));
    }

    #[test]
    fn several_environments_need_a_choice() {
        let c = Config::parse("[environments.a]\n[environments.b]\n", "g.toml").unwrap();
        assert!(c.select_environment(None).is_err());
        assert_eq!(c.select_environment(Some("b")).unwrap().unwrap().name, "b");
        assert!(c.select_environment(Some("c")).is_err());
    }
}
