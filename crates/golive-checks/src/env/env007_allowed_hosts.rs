use crate::support::{NO_TARGET_ENV, at, env_files, split_list, visit_target_vars};
use golive_core::redact::display_value;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct AllowedHosts;

static META: CheckMeta = CheckMeta {
    code: "ENV007",
    slug: "env-allowed-hosts",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "ALLOWED_HOSTS / TRUSTED_HOSTS are not * in production env files",
    doc: CheckDoc {
        what: "In each production env file, `ALLOWED_HOSTS`, `TRUSTED_HOSTS` and every \
`*_ALLOWED_HOSTS` / `*_TRUSTED_HOSTS` variable is read as a list; `*` fails, and a list of only \
local hosts (`localhost`, `127.0.0.1`) is a warning.",
        why: "Host validation is what stops Host-header attacks: poisoned password-reset links, cache \
poisoning and requests routed to internal virtual hosts. `*` turns it off.",
        fix: "List the production host names, e.g. `ALLOWED_HOSTS=api.example.com`.",
        example: "```\n# fails\nALLOWED_HOSTS=*\n# passes\nALLOWED_HOSTS=api.example.com,.example.com\n```",
    },
    params: &[],
    requires: &[],
    keywords: &["ALLOWED_HOSTS", "TRUSTED_HOSTS", "host header"],
};

fn is_hosts_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    k == "ALLOWED_HOSTS"
        || k == "TRUSTED_HOSTS"
        || k.ends_with("_ALLOWED_HOSTS")
        || k.ends_with("_TRUSTED_HOSTS")
}

#[async_trait::async_trait]
impl Check for AllowedHosts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(&files, &mut findings, is_hosts_key, |file, e, f| {
            let hosts = split_list(&e.value);
            if hosts.iter().any(|h| h == "*") {
                f.fail(
                    format!(
                        "{} allows every host (\"{}\")",
                        e.key,
                        display_value(&e.value)
                    ),
                    at(file, e),
                );
            } else if !hosts.is_empty()
                && hosts
                    .iter()
                    .all(|h| super::env006_cors_origins::is_local_origin(h))
            {
                f.warn(format!("{} lists only local hosts", e.key), at(file, e));
            }
        });
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped("no production env file sets ALLOWED_HOSTS or TRUSTED_HOSTS");
        }
        findings.into_outcome(
            "host allow-lists are explicit",
            NO_TARGET_ENV,
            "list the production host names instead of *",
        )
    }
}
