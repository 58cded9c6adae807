use super::{chain_evidence, probe};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct HostnameMatch;

static META: CheckMeta = CheckMeta {
    code: "TLS004",
    slug: "tls-hostname-match",
    category: Category::Network,
    severity: Severity::Critical,
    summary: "The certificate's subject alternative names cover the api_url host",
    doc: CheckDoc {
        what: "Reads the subject alternative names of the leaf certificate the TLS endpoint of \
`api_url` presents and checks that one covers the URL's host (DNS names with at most one \
left-most wildcard label, IP addresses exactly). The legacy Common Name is not used, as browsers \
no longer use it.",
        why: "A certificate for another name is rejected by every client, exactly as if it were \
forged; it usually means the wrong certificate was deployed or a new hostname was forgotten.",
        fix: "Issue the certificate with the API's hostname in its SAN (for example certbot \
`-d api.example.com`) and deploy it on this endpoint.",
        example: "```\n$ openssl s_client -connect api.example.com:443 -servername api.example.com </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName\nX509v3 Subject Alternative Name:\n    DNS:api.example.com\n```",
    },
    params: &[],
    requires: &[Input::ApiUrl],
    keywords: &[
        "hostname",
        "SAN",
        "subject alternative name",
        "certificate name mismatch",
    ],
};

#[async_trait::async_trait]
impl Check for HostnameMatch {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let p = match probe(cx).await {
            Ok(p) => p,
            Err(o) => return o,
        };
        let Some(leaf) = p.chain.first() else {
            return Outcome::error("no certificate was presented");
        };
        let host = &p.target.host;
        let mut ev = chain_evidence(&p);
        ev.push(format!(
            "reproduce: {} 2>/dev/null | openssl x509 -noout -ext subjectAltName",
            p.target.openssl()
        ));
        if leaf.covers(host) {
            Outcome::pass(format!("the certificate covers {host}")).with_evidence(ev)
        } else {
            let names: Vec<String> = leaf
                .dns_names
                .iter()
                .chain(&leaf.ip_names)
                .cloned()
                .collect();
            Outcome::fail(format!(
                "the certificate does not cover {host}; its SAN lists {}",
                if names.is_empty() {
                    "nothing".to_string()
                } else {
                    names.join(", ")
                }
            ))
            .with_evidence(ev)
            .fix(format!(
                "issue a certificate with {host} in its subject alternative names"
            ))
        }
    }
}
