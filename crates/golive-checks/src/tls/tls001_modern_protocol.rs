use super::target;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::tls::{LegacyProbe, LegacyVerdict, LegacyVersion, TlsProbe};

pub struct ModernProtocol;

static META: CheckMeta = CheckMeta {
    code: "TLS001",
    slug: "tls-modern-protocol",
    category: Category::Network,
    severity: Severity::Critical,
    summary: "api_url is HTTPS and negotiates TLS 1.3 (or 1.2) with a modern cipher",
    doc: CheckDoc {
        what: "Handshakes with the host and port of `api_url` offering TLS 1.3 and 1.2 with AEAD \
ciphers only, and reports the negotiated version and cipher. TLS 1.3 passes; TLS 1.2 passes, or \
warns when `prefer_tls13` is true (the default, as the seeds ask for \"TLS 1.3 preferred\"). An \
`http://` api_url fails, and so does a server that completes no TLS 1.2+ handshake while it \
accepts TLS 1.0 or 1.1.",
        why: "TLS 1.2 with AEAD ciphers is the floor every current compliance regime sets; TLS 1.3 \
removes the remaining legacy options and saves a round trip on every new connection.",
        fix: "Enable TLS 1.3 and 1.2 only (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`) with the Mozilla \
\"intermediate\" or \"modern\" cipher list.",
        example: "```\n$ openssl s_client -connect api.example.com:443 -servername api.example.com </dev/null 2>/dev/null | grep -E 'Protocol|Cipher'\n    Protocol  : TLSv1.3\n    Cipher    : TLS_AES_256_GCM_SHA384\n```",
    },
    params: &[ParamSpec {
        name: "prefer_tls13",
        kind: ParamKind::Bool,
        default: "true",
        help: "warn when only TLS 1.2 is negotiated",
    }],
    requires: &[Input::ApiUrl],
    keywords: &[
        "TLS 1.3",
        "TLS 1.2",
        "TLSv1.3",
        "HTTPS",
        "cipher",
        "ssl_protocols",
    ],
};

#[async_trait::async_trait]
impl Check for ModernProtocol {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let t = match target(cx) {
            Ok(t) => t,
            Err(_) => {
                let url = golive_facts::http::strip_userinfo(
                    cx.facts.env().input(Input::ApiUrl).unwrap_or(""),
                );
                return Outcome::fail(format!("api_url {url} is plain HTTP"))
                    .fix("serve the API over HTTPS only");
            }
        };
        let repro = format!("reproduce: {}", t.openssl());
        let p = match cx.facts.get_keyed::<TlsProbe>(&t).await {
            Ok(p) => p,
            Err(e) => {
                // No modern handshake: a fail when the server speaks only legacy TLS.
                for v in [LegacyVersion::Tls11, LegacyVersion::Tls10] {
                    if let Ok(l) = cx.facts.get_keyed::<LegacyProbe>(&(t.clone(), v)).await
                        && matches!(l.verdict, LegacyVerdict::Accepted { .. })
                    {
                        return Outcome::fail(format!(
                            "{} speaks {} but no TLS 1.2 or 1.3: {e}",
                            t.authority(),
                            v.name()
                        ))
                        .evidence(repro)
                        .fix("enable TLS 1.2 and 1.3: ssl_protocols TLSv1.2 TLSv1.3;");
                    }
                }
                return e.outcome().evidence(repro);
            }
        };
        let o = match p.version.as_str() {
            "TLSv1.3" => Outcome::pass(format!(
                "{} negotiated TLSv1.3 with {}",
                t.authority(),
                p.cipher
            )),
            "TLSv1.2" if cx.params.bool("prefer_tls13") => Outcome::warn(format!(
                "{} negotiated TLSv1.2 with {}; TLS 1.3 is preferred",
                t.authority(),
                p.cipher
            ))
            .fix("enable TLS 1.3: ssl_protocols TLSv1.2 TLSv1.3;"),
            "TLSv1.2" => Outcome::pass(format!(
                "{} negotiated TLSv1.2 with {}",
                t.authority(),
                p.cipher
            )),
            other => Outcome::fail(format!("{} negotiated {other}", t.authority())),
        };
        o.evidence(format!(
            "handshake {:.1} ms",
            p.handshake.as_secs_f64() * 1000.0
        ))
        .evidence(repro)
    }
}
