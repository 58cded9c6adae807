use super::vault;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct TokenNotRoot;

static META: CheckMeta = CheckMeta {
    code: "VAULT004",
    slug: "vault-token-not-root",
    category: Category::Security,
    severity: Severity::Critical,
    summary: "The Vault token in use is not a root token and expires",
    doc: CheckDoc {
        what: "Reads `GET /v1/auth/token/lookup-self` with `VAULT_TOKEN` and keeps only the \
policies, TTL and display name. Fails when the token has the `root` policy or a TTL of 0 (it \
never expires).",
        why: "A root token can read every secret and change every policy; leaked from an \
environment variable or a CI log, it is the whole vault. Tokens that never expire stay valid \
long after whoever held them left.",
        fix: "Give the application its own auth method (AppRole, Kubernetes, cloud IAM) with a \
narrow policy and a bounded TTL, and revoke root tokens after setup (`vault token revoke`).",
        example: "`lookup-self -> policies=[root] ttl=0` fails; `-> policies=[app, default] ttl=3600s` passes.",
    },
    params: &[],
    requires: &[Input::VaultUrl],
    keywords: &[
        "root token",
        "vault token",
        "token ttl",
        "least privilege vault",
    ],
};

#[async_trait::async_trait]
impl Check for TokenNotRoot {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match vault(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let t = match &f.token {
            Ok(t) => t,
            Err(e) => return Outcome::error(format!("token lookup failed: {e}")),
        };
        let ev = format!(
            "GET /v1/auth/token/lookup-self -> display_name={} policies=[{}] ttl={}s renewable={}",
            t.display_name,
            t.policies.join(", "),
            t.ttl,
            t.renewable
        );
        if t.policies.iter().any(|p| p == "root") {
            return Outcome::fail("the token has the root policy")
                .evidence(ev)
                .fix("use a token from an auth method with a narrow policy; revoke root tokens after setup");
        }
        if t.ttl <= 0 {
            return Outcome::fail("the token never expires (ttl 0)")
                .evidence(ev)
                .fix("issue tokens with a bounded TTL (token_ttl/token_max_ttl on the auth role)");
        }
        Outcome::pass(format!(
            "token {} is not root and expires in {}s",
            t.display_name, t.ttl
        ))
        .evidence(ev)
    }
}
