use super::{chain_evidence, probe};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct ChainValid;

static META: CheckMeta = CheckMeta {
    code: "TLS003",
    slug: "tls-chain-valid",
    category: Category::Network,
    severity: Severity::Critical,
    summary: "The certificate chain leads to a trusted root (system store plus ca_file)",
    doc: CheckDoc {
        what: "Verifies the chain the TLS endpoint of `api_url` presents against the system trust \
store plus the environment's `ca_file`, as a client would. Hostname and validity dates are judged \
by TLS004 and TLS005, so this check verifies the chain at a time inside the leaf's validity and for \
a name the leaf covers: a self-signed certificate, an unknown issuer, a missing intermediate or a \
bad signature fail here; an expired or wrong-host certificate fails only its own check.",
        why: "Clients refuse a certificate they cannot chain to a root they trust; API clients then \
fail outright, or worse, get configured to skip verification.",
        fix: "Serve the full chain (leaf first, then intermediates: nginx `ssl_certificate` must point at \
the fullchain file) from a CA the clients trust; for a private CA set `ca_file` in golive.toml.",
        example: "```\n$ openssl s_client -connect api.example.com:443 -servername api.example.com -verify_return_error </dev/null\nVerify return code: 0 (ok)\n```",
    },
    params: &[],
    requires: &[Input::ApiUrl],
    keywords: &[
        "certificate chain",
        "valid certificate",
        "trusted CA",
        "self-signed",
        "intermediate certificate",
    ],
};

#[async_trait::async_trait]
impl Check for ChainValid {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let p = match probe(cx).await {
            Ok(p) => p,
            Err(o) => return o,
        };
        let mut ev = chain_evidence(&p);
        ev.push(format!("trust store: {}", p.roots_note));
        ev.push(format!(
            "reproduce: {} -verify_return_error",
            p.target.openssl()
        ));
        match &p.chain_error {
            None => {
                let note = match &p.verify_error {
                    Some(e) => format!(" (full verification: {e}; see TLS004/TLS005)"),
                    None => String::new(),
                };
                Outcome::pass(format!(
                    "the chain of {} leads to a trusted root{note}",
                    p.target.authority()
                ))
                .with_evidence(ev)
            }
            Some(e) => {
                let self_signed = p.chain.len() == 1 && p.chain[0].self_signed;
                Outcome::fail(format!(
                    "the chain of {} does not verify: {e}{}",
                    p.target.authority(),
                    if self_signed { " (self-signed)" } else { "" }
                ))
                .with_evidence(ev)
                .fix("serve the full chain from a trusted CA; for a private CA set ca_file in golive.toml")
            }
        }
    }
}
