use super::{NO_DEPLOYMENT, facts, provided};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};

pub struct RequiredVarsProvided;

static META: CheckMeta = CheckMeta {
    code: "CONTRACT001",
    slug: "contract-required-vars-provided",
    category: Category::Configuration,
    severity: Severity::High,
    summary: "Every variable the code reads without a default is set by the production deployment",
    doc: CheckDoc {
        what: "golive parses the application's code with tree-sitter grammars and lists the \
environment variables it reads: Python `os.getenv`, `os.environ[...]`, `os.environ.get` and \
pydantic `BaseSettings` classes (with `env_prefix`, `env_nested_delimiter`, nested models, \
`alias`/`validation_alias`, inherited fields), JavaScript/TypeScript `process.env.X`, \
`process.env['X']` and destructuring, Go `os.Getenv`, Rust `std::env::var`, django-environ \
(`env(\"X\")`, `env.bool(\"X\", default=False)`), and calls of the code's own helpers that pass a \
parameter to one of these as the name (`getEnv(\"PORT\", \"8080\")`, `mustMapEnv(&addr, \"ADDR\")`). \
A read whose value is only compared with a literal (`os.Getenv(\"TRACING\") == \"1\"`) or that sits \
in a `try` catching `KeyError` handles an unset variable itself. Each one read \
without a default (no default argument, no `||`/`??`, no `unwrap_or`, no field default) must be \
set by production: a production env file; the `environment`/`env_file` of a production \
compose service built from this repository (services brought in by `include:` too); or a \
Kubernetes workload's application containers (not database, cache or proxy images): `env` \
entries (`value` or `valueFrom`), and `envFrom` ConfigMaps (`data` keys) and Secrets (`data`/\
`stringData` key names, never values; SealedSecret and ExternalSecret keys count) found among \
the manifests, with their `prefix`. Manifests are the environment's `manifests` in golive.toml, \
else every manifest of the repository outside paths named for another environment (`dev`, \
`staging`, `local`, …: a Kustomize `overlays/staging/`); Helm charts are read with their production values \
(`env: {{ toYaml .Values.env | nindent 12 }}` counts). Tests and examples are not scanned. \
When a variable could come from a source golive cannot list — an env file or `envFrom` \
ConfigMap/Secret not in the repository (created by the pipeline or an operator), a Helm `env` \
that needs rendering, a manifest that does not parse — its finding is a warning naming that \
source, never a pass.",
        why: "A variable nobody sets makes the service crash at start (`KeyError`, pydantic \
`ValidationError`) or, worse, run with `None` where a URL or key should be: the mistake a \
renamed setting or a forgotten overlay line makes, found only after the deploy.",
        fix: "Set the variable in the production env file, compose overlay, container `env` or \
the ConfigMap/Secret the container loads with `envFrom`, give it a default in the code if one \
is safe, or remove the read if the setting is gone.",
        example: "```python\nclass Database(BaseModel):\n    database: str          # read as DATABASE__DATABASE\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter=\"__\")\n    database: Database\n```\n```yaml\n# fails: docker-compose.prod.yml sets DATABASE__NAME instead\nenvironment:\n  DATABASE__NAME: shop\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "environment variables",
        "settings",
        "config",
        "BaseSettings",
        "os.getenv",
        "process.env",
        "required variables",
        "configuration contract",
        "envFrom",
    ],
};

/// Set by the platform or the image, not by the deployment's files.
const PLATFORM: &[&str] = &[
    "HOME",
    "PATH",
    "HOSTNAME",
    "USER",
    "PWD",
    "TERM",
    "SHELL",
    "LANG",
    "TMPDIR",
    "CI",
    "GITHUB_ACTIONS",
    "KUBERNETES_SERVICE_HOST",
];

#[async_trait::async_trait]
impl Check for RequiredVarsProvided {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let (reads, sets) = match facts(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        if sets.sources.is_empty() {
            return Outcome::skipped(NO_DEPLOYMENT);
        }
        if reads.reads.is_empty() {
            return Outcome::skipped(format!(
                "no environment variable read found in {} parsed source file(s)",
                reads.files_parsed
            ));
        }
        let mut findings = Findings::new();
        let mut seen = std::collections::HashSet::new();
        for r in &reads.reads {
            findings.inspected();
            if r.has_default || PLATFORM.contains(&r.name.as_str()) || provided(r, &sets) {
                continue;
            }
            // A field whose nested variables have their own defaults is satisfied by them.
            if r.how == "BaseSettings field"
                && reads.reads.iter().any(|x| {
                    x.how == "BaseSettings nested field"
                        && x.name
                            .to_ascii_uppercase()
                            .starts_with(&format!("{}_", r.name.to_ascii_uppercase()))
                })
                && reads
                    .reads
                    .iter()
                    .filter(|x| {
                        x.how == "BaseSettings nested field"
                            && x.name
                                .to_ascii_uppercase()
                                .starts_with(&format!("{}_", r.name.to_ascii_uppercase()))
                    })
                    .all(|x| x.has_default || provided(x, &sets))
            {
                continue;
            }
            if !seen.insert(r.name.to_ascii_uppercase()) {
                continue;
            }
            let shown = if r.case_insensitive {
                r.name.to_ascii_uppercase()
            } else {
                r.name.clone()
            };
            let msg = format!(
                "{shown} is read without a default ({}) and production does not set it",
                r.how
            );
            let at = Location::line(r.file.clone(), r.line);
            if let Some(u) = sets
                .unknown
                .iter()
                .find(|u| u.could_set(&r.name, r.case_insensitive))
            {
                findings.warn(
                    format!(
                        "{msg} as far as golive can tell: {} ({}:{}), so it may set it",
                        u.reason, u.file, u.line
                    ),
                    at,
                );
            } else {
                findings.fail(msg, at);
            }
        }
        let mut outcome = findings.into_outcome(
            "every variable read without a default is set by production",
            NO_DEPLOYMENT,
            "set the variable in the production env file or compose overlay, or give it a safe default",
        );
        outcome.evidence.push(format!(
            "production sets variables in: {}",
            sets.sources.join("; ")
        ));
        for u in &sets.unknown {
            let scope = if u.prefix.is_empty() {
                String::new()
            } else {
                format!(" (variables starting with {})", u.prefix)
            };
            outcome.evidence.push(format!(
                "{}:{}: {}; what it sets{scope} is unknown",
                u.file, u.line, u.reason
            ));
        }
        outcome
    }
}
