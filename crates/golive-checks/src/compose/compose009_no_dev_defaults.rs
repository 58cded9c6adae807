use super::{NO_PRODUCTION_COMPOSE, compose, loc, visit_production};
use crate::env::default_reason;
use golive_core::redact::{is_secret_name, redact};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::compose::{var_refs, with_defaults};

pub struct NoDevDefaults;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE009",
    slug: "compose-no-dev-defaults",
    category: Category::Configuration,
    severity: Severity::High,
    summary: "Production compose services carry no development defaults (debug on, dev environment, vendor passwords)",
    doc: CheckDoc {
        what: "In every service of the production compose files, after applying `${VAR:-default}` \
defaults: debug switches (`DEBUG`, `FLASK_DEBUG`, `APP_DEBUG`, `DJANGO_DEBUG`, …) are not on, \
environment names (`ENVIRONMENT`, `APP_ENV`, `NODE_ENV`, `RAILS_ENV`, …) are not \
development/dev/local/test, log levels are not debug/trace, and secret-named variables are not \
written literally with a placeholder or vendor default (`minioadmin`, `postgres`, `change-me`, \
`dev-*`), and connection URLs (`DATABASE_URL`, `REDIS_URL`) carry no password equal to the user \
name or a default. Values are never shown for secrets.",
        why: "Base compose files are written for laptops; their defaults leak into production \
through overlays that override some keys and not others: a worker left with the MinIO root \
password `minioadmin`, Vault in dev mode, Flask's debugger reachable from the internet.",
        fix: "Override every development value in the production overlay, or move the development \
values out of the base file into `docker-compose.override.yml`, and take secrets from \
`${VAR:?message}`.",
        example: "```yaml\n# fails\nworker:\n  environment:\n    DEBUG: \"${DEBUG:-true}\"\n    MINIO_ROOT_PASSWORD: minioadmin\n# passes\nworker:\n  environment:\n    DEBUG: \"false\"\n    MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD:?set it}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "dev defaults",
        "minioadmin",
        "compose",
        "production overlay",
    ],
};

/// Why the password inside a connection URL (`postgresql://user:pass@host/db`) is a development
/// default: equal to the user name, or a placeholder or well-known default.
fn url_password_reason(v: &str) -> Option<&'static str> {
    let rest = v.split_once("://")?.1;
    let userinfo = rest.split(['/', '?', '#']).next()?.rsplit_once('@')?.0;
    let (user, pass) = userinfo.split_once(':')?;
    if pass.is_empty() || pass.contains('$') {
        return None;
    }
    if pass == user {
        return Some("has a password equal to its user name");
    }
    default_reason(pass).map(|_| "has a default or placeholder password")
}

fn is_debug_key(k: &str) -> bool {
    let u = k.to_ascii_uppercase();
    u == "DEBUG" || u.ends_with("_DEBUG") || u == "FLASK_DEBUG"
}

fn is_env_name_key(k: &str) -> bool {
    matches!(
        k.to_ascii_uppercase().as_str(),
        "ENVIRONMENT"
            | "ENV"
            | "APP_ENV"
            | "NODE_ENV"
            | "RAILS_ENV"
            | "RACK_ENV"
            | "FLASK_ENV"
            | "DJANGO_ENV"
            | "APP_ENVIRONMENT"
            | "GO_ENV"
            | "MIX_ENV"
            | "ASPNETCORE_ENVIRONMENT"
    )
}

#[async_trait::async_trait]
impl Check for NoDevDefaults {
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
            for (key, value, node) in s.environment() {
                let Some(raw) = value else { continue };
                let refs = var_refs(&raw);
                let Some(v) = with_defaults(&raw) else {
                    continue;
                };
                let via = if refs.is_empty() { "is" } else { "defaults to" };
                let lv = v.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
                let dev_value = (is_debug_key(&key)
                    && matches!(lv.as_str(), "true" | "1" | "yes" | "on"))
                    || (is_env_name_key(&key)
                        && matches!(
                            lv.as_str(),
                            "development" | "dev" | "local" | "test" | "testing"
                        ))
                    || (key.to_ascii_uppercase().ends_with("LOG_LEVEL")
                        && matches!(lv.as_str(), "debug" | "trace"));
                if dev_value {
                    f.fail(format!("service {}: {key} {via} {lv}", s.name), loc(node));
                } else if let Some(why) = refs.is_empty().then(|| url_password_reason(&v)).flatten()
                {
                    f.fail(format!("service {}: {key} {why}", s.name), loc(node));
                } else if is_secret_name(&key)
                    && refs.is_empty()
                    && !v.trim().is_empty()
                    && let Some(why) = default_reason(&v)
                {
                    f.fail(
                        format!("service {}: {key} {why} ({})", s.name, redact(&v)),
                        loc(node),
                    );
                }
            }
        });
        findings.into_outcome(
            "no production service carries development defaults",
            NO_PRODUCTION_COMPOSE,
            "override development values in the production overlay and take secrets from ${VAR:?message}",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn url_passwords() {
        assert!(
            super::url_password_reason("postgresql://webshop:webshop@db:5432/webshop").is_some()
        );
        assert!(super::url_password_reason("postgres://app:postgres@db/app").is_some());
        assert!(super::url_password_reason("redis://:changeme@redis:6379/0").is_some());
        assert!(super::url_password_reason("postgresql://app:${DB_PASSWORD}@db/app").is_none());
        assert!(super::url_password_reason("postgresql://app:Xk29fj3kLq9zP0s@db/app").is_none());
        assert!(super::url_password_reason("redis://redis:6379/0").is_none());
    }
}
