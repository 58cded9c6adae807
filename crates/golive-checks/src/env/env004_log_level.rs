use crate::support::{NO_TARGET_ENV, at, env_files, visit_target_vars};
use golive_core::redact::display_value;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, ParamKind, ParamSpec, Severity};

pub struct LogLevel;

static META: CheckMeta = CheckMeta {
    code: "ENV004",
    slug: "env-log-level",
    category: Category::Observability,
    severity: Severity::Medium,
    summary: "LOG_LEVEL is info or above in production env files",
    doc: CheckDoc {
        what: "In each production env file, `LOG_LEVEL`, `LOGLEVEL`, `LOGGING_LEVEL` and every \
`*_LOG_LEVEL` must be at least `min_level` (default `info`); `RUST_LOG` directives must not enable \
`debug` or `trace`. Levels are ordered trace < debug < info < notice < warning < error < critical. \
An unrecognised level is a warning.",
        why: "Debug logging writes request bodies, headers, SQL with parameters and tokens to logs \
that are kept for months and read by many people; it also multiplies log volume and cost.",
        fix: "Set `LOG_LEVEL=info` (or `warning`) in the production env file.",
        example: "```\n# fails\nLOG_LEVEL=debug\n# passes\nLOG_LEVEL=info\n```",
    },
    params: &[ParamSpec {
        name: "min_level",
        kind: ParamKind::Str,
        default: "info",
        help: "the lowest acceptable level: debug, info, warning or error",
    }],
    requires: &[],
    keywords: &["LOG_LEVEL", "LOG_LEVEL=info", "debug logging", "log level", "RUST_LOG"],
};

/// Rank of a level name; higher is quieter.
pub fn level_rank(level: &str) -> Option<u8> {
    Some(match level.trim().to_ascii_lowercase().as_str() {
        "trace" | "verbose" | "silly" | "all" | "finest" | "finer" => 0,
        "debug" | "fine" => 1,
        "info" | "information" | "http" => 2,
        "notice" => 3,
        "warn" | "warning" => 4,
        "error" | "err" => 5,
        "critical" | "crit" | "fatal" | "alert" | "emergency" | "panic" | "off" | "none" | "silent" => 6,
        _ => return None,
    })
}

fn is_level_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    matches!(k.as_str(), "LOG_LEVEL" | "LOGLEVEL" | "LOGGING_LEVEL" | "RUST_LOG")
        || k.ends_with("_LOG_LEVEL")
        || k.ends_with("__LOG_LEVEL")
        || k.ends_with("_LOGLEVEL")
}

#[async_trait::async_trait]
impl Check for LogLevel {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let min_name = cx.params.str("min_level");
        let Some(min) = level_rank(min_name) else {
            return Outcome::error(format!("parameter min_level: unknown level {min_name:?}"));
        };
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(&files, &mut findings, is_level_key, |file, e, f| {
            let shown = display_value(&e.value);
            if e.key.eq_ignore_ascii_case("RUST_LOG") {
                // Directives: `info`, `app=debug,tower=warn`.
                for directive in e.value.split(',') {
                    let level = directive.rsplit('=').next().unwrap_or(directive);
                    if let Some(r) = level_rank(level)
                        && r < min
                    {
                        f.fail(format!("RUST_LOG \"{shown}\" enables {} logging", level.trim()), at(file, e));
                        return;
                    }
                }
                return;
            }
            match level_rank(&e.value) {
                Some(r) if r < min => f.fail(format!("{} is \"{shown}\", below {min_name}", e.key), at(file, e)),
                Some(_) => {}
                None => f.warn(format!("{} is \"{shown}\", not a level golive knows", e.key), at(file, e)),
            }
        });
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped("no production env file sets LOG_LEVEL; the application's default applies");
        }
        findings.into_outcome(
            format!("log levels are {min_name} or above"),
            NO_TARGET_ENV,
            format!("set LOG_LEVEL={min_name} or higher").as_str(),
        )
    }
}
