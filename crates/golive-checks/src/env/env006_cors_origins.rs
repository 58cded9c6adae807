use crate::support::{NO_TARGET_ENV, at, env_files, parse_bool, split_list, visit_target_vars};
use golive_core::redact::display_value;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct CorsOrigins;

static META: CheckMeta = CheckMeta {
    code: "ENV006",
    slug: "env-cors-origins",
    category: Category::Security,
    severity: Severity::High,
    summary: "CORS origin variables list production origins only: no *, no localhost",
    doc: CheckDoc {
        what: "In each production env file, every CORS origin variable (`CORS_ORIGINS`, \
`CORS_ALLOWED_ORIGINS`, `BACKEND_CORS_ORIGINS`, `ALLOWED_ORIGINS`, `CSRF_TRUSTED_ORIGINS`, \
`*__CORS_ORIGINS`, ...) is read as a list (JSON array, or comma/space separated). `*`, \
`localhost`, `127.0.0.1`, `0.0.0.0` and `[::1]` fail; a plain `http://` origin is a warning. \
`CORS_ALLOW_ALL_ORIGINS=true` and `CORS_ORIGIN_ALLOW_ALL=true` fail.",
        why: "A wildcard or a developer's origin lets any page, or any page a developer's machine \
serves, call the API from a user's browser. With credentials allowed, that page acts as the user.",
        fix: "List the production front-end origins explicitly, with https.",
        example: "```\n# fails\nCORS_ORIGINS=*\nCORS_ORIGINS=http://localhost:3000,https://app.example.com\n# passes\nCORS_ORIGINS=https://app.example.com,https://admin.example.com\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "CORS",
        "CORS_ORIGINS",
        "CORS_ALLOWED_ORIGINS",
        "origins",
        "wildcard",
    ],
};

fn is_origin_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    (k.contains("CORS") && (k.contains("ORIGIN") || k.contains("ALLOW")))
        || k.ends_with("ALLOWED_ORIGINS")
        || k.ends_with("TRUSTED_ORIGINS")
}

fn is_allow_all_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    k.contains("CORS") && (k.contains("ALLOW_ALL") || k.ends_with("ALLOW_ANY_ORIGIN"))
}

/// Hosts that only exist on a developer's machine.
pub fn is_local_origin(origin: &str) -> bool {
    let host = origin
        .split("://")
        .nth(1)
        .unwrap_or(origin)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "0.0.0.0"
        || h == "[::1]"
        || h == "[::]"
}

#[async_trait::async_trait]
impl Check for CorsOrigins {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(
            &files,
            &mut findings,
            |k| is_origin_key(k) || is_allow_all_key(k),
            |file, e, f| {
                if is_allow_all_key(&e.key) {
                    if parse_bool(&e.value) == Some(true) {
                        f.fail(
                            format!(
                                "{} is \"{}\": every origin is allowed",
                                e.key,
                                display_value(&e.value)
                            ),
                            at(file, e),
                        );
                    }
                    return;
                }
                for origin in split_list(&e.value) {
                    let shown = display_value(&origin);
                    if origin == "*" || origin.contains("://*") || origin == "null" {
                        f.fail(format!("{} allows \"{shown}\"", e.key), at(file, e));
                    } else if is_local_origin(&origin) {
                        f.fail(
                            format!("{} allows the local origin \"{shown}\"", e.key),
                            at(file, e),
                        );
                    } else if origin.starts_with("http://") {
                        f.warn(
                            format!("{} allows \"{shown}\" over plain http", e.key),
                            at(file, e),
                        );
                    }
                }
            },
        );
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped("no production env file sets a CORS origin variable");
        }
        findings.into_outcome(
            "CORS origins are explicit production origins",
            NO_TARGET_ENV,
            "list the production front-end origins explicitly, e.g. CORS_ORIGINS=https://app.example.com",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_origins() {
        for o in [
            "http://localhost:3000",
            "localhost",
            "http://127.0.0.1:8000",
            "http://[::1]:80",
            "http://app.localhost",
        ] {
            assert!(super::is_local_origin(o), "{o}");
        }
        for o in ["https://app.example.com", "https://localhost.example.com"] {
            assert!(!super::is_local_origin(o), "{o}");
        }
    }
}
