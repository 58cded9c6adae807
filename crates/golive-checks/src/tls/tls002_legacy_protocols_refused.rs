use super::target;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::tls::{LegacyProbe, LegacyVerdict, LegacyVersion};

pub struct LegacyProtocolsRefused;

static META: CheckMeta = CheckMeta {
    code: "TLS002",
    slug: "tls-legacy-protocols-refused",
    category: Category::Network,
    severity: Severity::High,
    summary: "TLS 1.0 and TLS 1.1 are refused",
    doc: CheckDoc {
        what: "Sends the TLS endpoint of `api_url` a ClientHello offering only TLS 1.0, then one \
offering only TLS 1.1 (built by hand: no modern TLS library speaks them) and reads the first \
answer. A ServerHello with the offered version means the server accepts it and the check fails; \
an alert, a lower version or a closed connection is a refusal. Anything that is not TLS is an error.",
        why: "TLS 1.0 and 1.1 were deprecated by RFC 8996 in 2021; they rely on SHA-1 and CBC \
constructions with known attacks (BEAST, POODLE variants), and PCI DSS forbids them.",
        fix: "Allow only TLS 1.2 and 1.3 (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`; a load balancer: \
pick a security policy without TLS 1.0/1.1).",
        example: "```\n$ openssl s_client -connect api.example.com:443 -tls1 </dev/null\n... alert protocol version ...\n```",
    },
    params: &[],
    requires: &[Input::ApiUrl],
    keywords: &[
        "TLS 1.0",
        "TLS 1.1",
        "TLSv1",
        "legacy TLS",
        "SSLv3",
        "deprecated protocols",
    ],
};

#[async_trait::async_trait]
impl Check for LegacyProtocolsRefused {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let t = match target(cx) {
            Ok(t) => t,
            Err(o) => return o,
        };
        let (mut accepted, mut ev) = (Vec::new(), Vec::new());
        for v in [LegacyVersion::Tls10, LegacyVersion::Tls11] {
            let p = match cx.facts.get_keyed::<LegacyProbe>(&(t.clone(), v)).await {
                Ok(p) => p,
                Err(e) => return e.outcome(),
            };
            let repro = format!(
                "openssl s_client -connect {} -servername {} {} -cipher DEFAULT@SECLEVEL=0 </dev/null",
                t.authority(),
                t.host,
                v.openssl_flag()
            );
            match &p.verdict {
                LegacyVerdict::Accepted { cipher } => {
                    accepted.push(v.name());
                    ev.push(format!(
                        "{}: accepted (cipher 0x{cipher:04x}); reproduce: {repro}",
                        v.name()
                    ));
                }
                LegacyVerdict::Refused { reason } => ev.push(format!(
                    "{}: refused ({reason}); reproduce: {repro}",
                    v.name()
                )),
            }
        }
        if accepted.is_empty() {
            Outcome::pass(format!("{} refuses TLS 1.0 and 1.1", t.authority())).with_evidence(ev)
        } else {
            Outcome::fail(format!(
                "{} accepts {}",
                t.authority(),
                accepted.join(" and ")
            ))
            .with_evidence(ev)
            .fix("allow only TLS 1.2 and 1.3: ssl_protocols TLSv1.2 TLSv1.3;")
        }
    }
}
