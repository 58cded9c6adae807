use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::vault::VaultFacts;

pub struct Unsealed;

static META: CheckMeta = CheckMeta {
    code: "VAULT001",
    slug: "vault-unsealed",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "Vault is reachable, initialized, unsealed and active",
    doc: CheckDoc {
        what: "Reads `GET /v1/sys/health` at `vault_url` (no token needed). Fails when Vault is \
unreachable, not initialized or sealed; a standby node answering for `vault_url` is a warning \
(the address should reach the active node). Works the same for OpenBao.",
        why: "A sealed Vault serves no secrets: applications fail to start or to renew their \
leases, and dynamic database credentials expire.",
        fix: "Unseal with the key holders (`vault operator unseal`) or fix auto-unseal (the KMS \
key and its permissions); point `vault_url` at the load balancer that routes to the active node.",
        example: "`GET /v1/sys/health -> 503 sealed=true` fails; `-> 200 initialized=true sealed=false standby=false` passes.",
    },
    params: &[],
    requires: &[Input::VaultUrl],
    keywords: &[
        "vault",
        "vault unsealed",
        "Vault initialized and unsealed",
        "openbao",
        "sys/health",
    ],
};

#[async_trait::async_trait]
impl Check for Unsealed {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match cx.facts.get::<VaultFacts>().await {
            Ok(f) => f,
            Err(e) => {
                return Outcome::fail(e.message.clone())
                    .evidence("curl -s $VAULT_ADDR/v1/sys/health")
                    .fix("check vault_url and the network path to Vault");
            }
        };
        let h = &f.health;
        let ev = format!(
            "GET /v1/sys/health -> {} initialized={} sealed={} standby={} version={}",
            h.status, h.initialized, h.sealed, h.standby, h.version
        );
        if !h.initialized {
            return Outcome::fail("Vault is not initialized")
                .evidence(ev)
                .fix("vault operator init, then store the unseal keys and root token safely");
        }
        if h.sealed {
            return Outcome::fail("Vault is sealed")
                .evidence(ev)
                .fix("vault operator unseal with the key holders, or fix auto-unseal");
        }
        if h.standby && !h.performance_standby {
            return Outcome::warn("vault_url reaches a standby node, not the active one")
                .evidence(ev)
                .fix("point vault_url at the address that routes to the active node");
        }
        Outcome::pass(format!(
            "Vault {} is initialized, unsealed and active",
            h.version
        ))
        .evidence(ev)
    }
}
