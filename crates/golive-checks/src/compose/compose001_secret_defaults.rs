use super::{NO_PRODUCTION_COMPOSE, compose, loc, visit_production};
use golive_core::redact::{is_secret_name, redact};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::compose::var_refs;

pub struct SecretDefaults;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE001",
    slug: "compose-no-secret-defaults",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "Production compose files give no secret variable a default value",
    doc: CheckDoc {
        what: "In the compose files that make up production (golive.toml `compose_files`, else \
each file whose name says prod/production merged over its base file, else a base file with an \
`override` file beside it, the override being the development layer), no `${VAR:-default}` or \
`${VAR-default}` may give a non-empty default to a secret-named variable (`*SECRET*`, \
`*PASSWORD*`, `*TOKEN*`, `*_KEY`, …), and no secret-named `environment` entry may take its value \
from a reference with a default. `${VAR:?error}` and `${VAR}` are fine. Defaults are never shown.",
        why: "A default applies silently whenever the variable is unset: the deploy that forgot \
to export `SECRET_KEY` starts happily with `dev-secret-change-me`, and every token it signs can \
be forged by anyone who read the compose file.",
        fix: "Make the variable required: `${SECRET_KEY:?SECRET_KEY must be set}`, and provide it \
from the secret store or the production env file.",
        example: "```yaml\n# fails\nenvironment:\n  SECRET_KEY: ${SECRET_KEY:-dev-secret-change-me}\n# passes\nenvironment:\n  SECRET_KEY: ${SECRET_KEY:?set SECRET_KEY}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "${SECRET_KEY:-",
        "compose",
        "secrets not default",
        "interpolation",
    ],
};

#[async_trait::async_trait]
impl Check for SecretDefaults {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_production(&files, &mut findings, |_, s, f| {
            let mut seen = std::collections::HashSet::new();
            for (key, value, node) in s.environment() {
                let Some(value) = value else { continue };
                for r in var_refs(&value) {
                    let Some(d) = r.default.as_deref().filter(|d| !d.is_empty()) else {
                        continue;
                    };
                    if is_secret_name(&r.name) || is_secret_name(&key) {
                        let who = if key == r.name {
                            key.clone()
                        } else {
                            format!("{key} (via ${{{}}})", r.name)
                        };
                        seen.insert((node.file.clone(), node.line, r.name.clone()));
                        f.fail(
                            format!(
                                "service {}: {who} defaults to {} when unset",
                                s.name,
                                redact(d)
                            ),
                            loc(node),
                        );
                    }
                }
            }
            for n in s.node.scalars() {
                let Some(text) = n.str() else { continue };
                for r in var_refs(text) {
                    let Some(d) = r.default.as_deref().filter(|d| !d.is_empty()) else {
                        continue;
                    };
                    if is_secret_name(&r.name)
                        && seen.insert((n.file.clone(), n.line, r.name.clone()))
                    {
                        f.fail(
                            format!(
                                "service {}: {} defaults to {} when unset",
                                s.name,
                                r.name,
                                redact(d)
                            ),
                            loc(n),
                        );
                    }
                }
            }
        });
        findings.into_outcome(
            "no secret variable has a default in the production compose files",
            NO_PRODUCTION_COMPOSE,
            "use ${VAR:?message} for secrets so compose refuses to start without them",
        )
    }
}
