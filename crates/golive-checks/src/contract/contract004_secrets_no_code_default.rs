use golive_core::redact::is_secret_name;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::contract::{CodeReads, DefaultValue};

pub struct SecretsNoCodeDefault;

static META: CheckMeta = CheckMeta {
    code: "CONTRACT004",
    slug: "contract-secrets-no-code-default",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "The code gives no secret-named setting a literal default",
    doc: CheckDoc {
        what: "Among the environment variables the code reads (the configuration contract of \
CONTRACT001: Python `os.getenv`, `os.environ.get`, pydantic `BaseSettings` fields with their \
prefix, aliases and nested models, django-environ; JavaScript/TypeScript `process.env`; Go \
`os.Getenv`; Rust `std::env::var`; the code's own helpers around these), \
no secret-named one (`*SECRET*`, `*PASSWORD*`, `*TOKEN*`, `*_KEY`, … — the names ENV008 and \
COMPOSE001 treat as secrets) may fall back to a non-empty literal: `os.getenv(\"SECRET_KEY\", \
\"dev\")`, `os.environ.get(\"X\") or \"dev\"`, a field default `secret_key: str = \"insecure\"` or \
`Field(default=\"…\")`, `process.env.X ?? \"dev\"` / `|| 'dev'`, `const { X = \"dev\" } = \
process.env`, Go's `v := os.Getenv(\"X\")` followed by `if v == \"\" { v = \"dev\" }`, \
`.unwrap_or(\"dev\".into())`, `.unwrap_or_else(|_| \"dev\".to_string())`. Empty \
strings, `None`/`null`/`undefined`, another variable, a call or an interpolated string are not \
literal defaults, and a number or `true`/`false` (`ACCESS_TOKEN_EXPIRE_MINUTES = \
os.getenv(\"ACCESS_TOKEN_EXPIRE_MINUTES\", \"30\")`) is taken for a setting about a secret, not \
the secret, and listed in the evidence. Test files, test and example directories and Rust `#[cfg(test)]` modules are \
not read. A default passed through the code's own helper (`getenv(\"X\", \"dev\")` around \
`os.Getenv(name)`, the helper returning its fallback parameter) counts; a computed name golive \
cannot trace to a literal is listed in the evidence. Defaults are never shown, only their \
redacted form.",
        why: "A default applies silently whenever the variable is unset: the deploy whose \
pipeline forgot to export `SESSION_SECRET` starts without complaint and signs every session \
with the string in the repository, which anyone who has read the code can forge. Nothing \
fails, so nothing tells you.",
        fix: "Remove the default so a missing value stops the service at start-up: read \
`os.environ[\"SECRET_KEY\"]`, make the pydantic field required (`secret_key: SecretStr`), \
throw when `process.env.X` is unset, `env::var(\"X\")?`; give development its value from a \
local `.env` file or `${VAR:?}` in the development compose file instead.",
        example: "```python\n# fails\nSECRET_KEY = os.getenv(\"SECRET_KEY\", \"dev-secret-change-me\")\nclass Settings(BaseSettings):\n    jwt_secret: str = \"insecure\"\n# passes\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\nclass Settings(BaseSettings):\n    jwt_secret: SecretStr\n```\n```ts\n// fails\nconst secret = process.env.SESSION_SECRET ?? \"dev-secret\";\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "default secrets",
        "secret defaults",
        "defaults for secrets",
        "hardcoded default",
        "fallback secret",
        "code default",
        "dev defaults",
        "development defaults",
    ],
};

#[async_trait::async_trait]
impl Check for SecretsNoCodeDefault {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let reads = match cx.facts.get::<CodeReads>().await {
            Ok(r) => r,
            Err(e) => return e.outcome(),
        };
        if reads.files_parsed == 0 && reads.errors.is_empty() {
            return Outcome::skipped(
                "no Python, JavaScript, TypeScript, Go or Rust source file outside tests and examples",
            );
        }
        let mut findings = Findings::new();
        let mut seen = std::collections::HashSet::new();
        let mut scalars = Vec::new();
        for r in reads.reads.iter().filter(|r| is_secret_name(&r.name)) {
            findings.inspected();
            let Some(d) = &r.default else { continue };
            let DefaultValue::Literal { redacted, scalar } = &d.value else {
                continue;
            };
            let shown = if r.case_insensitive {
                r.name.to_ascii_uppercase()
            } else {
                r.name.clone()
            };
            if !seen.insert((shown.clone(), r.file.clone(), d.line)) {
                continue;
            }
            if *scalar {
                scalars.push(format!("{shown} ({}:{})", r.file, d.line));
                continue;
            }
            findings.fail(
                format!(
                    "{shown} ({}) falls back to the literal {redacted} in the code when it is unset",
                    r.how
                ),
                Location::line(r.file.clone(), d.line),
            );
        }
        // A default in a file golive could not read would go unseen.
        for (file, why) in &reads.errors {
            findings.warn(
                format!("{file} {why}: a default written in it cannot be seen"),
                Location::file(file.clone()),
            );
        }
        let mut outcome = findings.into_outcome(
            "no secret-named variable the code reads has a literal default",
            format!(
                "the code reads no secret-named environment variable ({} read(s) in {} parsed source file(s))",
                reads.reads.len(),
                reads.files_parsed
            ),
            "remove the default so a missing secret stops the service at start-up (os.environ[\"X\"], a required pydantic field, ${VAR:?} in compose)",
        );
        if !scalars.is_empty() {
            let shown: Vec<&str> = scalars.iter().take(10).map(String::as_str).collect();
            outcome.evidence.push(format!(
                "{} default(s) that are a number or true/false, taken for a quantity or switch about a secret rather than the secret: {}",
                scalars.len(),
                shown.join(", ")
            ));
        }
        if let Some((f, l)) = reads.dynamic.first() {
            outcome.evidence.push(format!(
                "{} read(s) of a variable whose name is computed (first at {f}:{l}): a default passed through such a helper is not seen",
                reads.dynamic.len()
            ));
        }
        outcome
    }
}
