use super::vault;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct AuditEnabled;

static META: CheckMeta = CheckMeta {
    code: "VAULT005",
    slug: "vault-audit-enabled",
    category: Category::Security,
    severity: Severity::High,
    summary: "At least one Vault audit device is enabled",
    doc: CheckDoc {
        what: "Reads `GET /v1/sys/audit` with `VAULT_TOKEN` (the token needs `sudo` on \
`sys/audit`; without it the check is an error, not a pass) and fails when no audit device is \
enabled.",
        why: "Without an audit log nobody can tell who read which secret, and incident response \
after a leak starts blind.",
        fix: "`vault audit enable file file_path=/var/log/vault/audit.log` (or `syslog`/`socket`), \
and ship the log off the host.",
        example: "`GET /v1/sys/audit -> {}` fails; `-> file/ (file)` passes.",
    },
    params: &[],
    requires: &[Input::VaultUrl],
    keywords: &["vault audit", "audit device", "audit log"],
};

#[async_trait::async_trait]
impl Check for AuditEnabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match vault(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let devices = match &f.audit {
            Ok(d) => d,
            Err(e) => return Outcome::error(format!("sys/audit could not be read: {e}")),
        };
        let list: Vec<String> = devices.iter().map(|(p, t)| format!("{p} ({t})")).collect();
        let ev = format!(
            "GET /v1/sys/audit -> {}",
            if list.is_empty() {
                "{}".to_string()
            } else {
                list.join(", ")
            }
        );
        if devices.is_empty() {
            Outcome::fail("no audit device is enabled")
                .evidence(ev)
                .fix("vault audit enable file file_path=/var/log/vault/audit.log")
        } else {
            Outcome::pass(format!("audit device(s): {}", list.join(", "))).evidence(ev)
        }
    }
}
