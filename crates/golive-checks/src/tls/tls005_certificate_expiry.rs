use super::probe;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct CertificateExpiry;

static META: CheckMeta = CheckMeta {
    code: "TLS005",
    slug: "tls-certificate-expiry",
    category: Category::Network,
    severity: Severity::Critical,
    summary: "The certificate is valid now and not about to expire",
    doc: CheckDoc {
        what: "Reads the validity of every certificate the TLS endpoint of `api_url` presents. An \
expired certificate, or one not yet valid, fails; one expiring within `fail_days` (default 7) fails; \
within `warn_days` (default 30) warns. The nearest expiry in the chain is judged.",
        why: "An expired certificate is a full outage for every client, and it always happens on a \
weekend. Thirty days leave time to notice a broken renewal job.",
        fix: "Automate renewal (certbot, cert-manager, the load balancer's managed certificates) and \
alert on the days left; renew now when the check warns.",
        example: "```\n$ openssl s_client -connect api.example.com:443 -servername api.example.com </dev/null 2>/dev/null | openssl x509 -noout -enddate\nnotAfter=Feb 20 12:00:00 2027 GMT\n```",
    },
    params: &[
        ParamSpec {
            name: "warn_days",
            kind: ParamKind::Int,
            default: "30",
            help: "warn when fewer days are left",
        },
        ParamSpec {
            name: "fail_days",
            kind: ParamKind::Int,
            default: "7",
            help: "fail when fewer days are left",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "certificate expiry",
        "expiration",
        "renewal",
        "days to expiry",
        "certbot",
    ],
};

#[async_trait::async_trait]
impl Check for CertificateExpiry {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let p = match probe(cx).await {
            Ok(p) => p,
            Err(o) => return o,
        };
        let Some((idx, nearest)) = p.chain.iter().enumerate().min_by_key(|(_, c)| c.not_after)
        else {
            return Outcome::error("no certificate was presented");
        };
        let warn = cx.params.int("warn_days");
        let fail = cx.params.int("fail_days");
        let days = nearest.days_left(p.now);
        let date = |ts: i64| {
            jiff::Timestamp::from_second(ts)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| ts.to_string())
        };
        let who = if idx == 0 {
            "the certificate".to_string()
        } else {
            format!("certificate {idx} of the chain ({})", nearest.subject)
        };
        let ev = vec![
            format!(
                "{who}: notBefore {}, notAfter {}",
                date(nearest.not_before),
                date(nearest.not_after)
            ),
            format!(
                "reproduce: {} 2>/dev/null | openssl x509 -noout -dates",
                p.target.openssl()
            ),
        ];
        let fix = "renew the certificate and automate renewal";
        if let Some(c) = p.chain.iter().find(|c| c.not_before > p.now) {
            return Outcome::fail(format!(
                "{} is not valid before {}",
                c.subject,
                date(c.not_before)
            ))
            .with_evidence(ev)
            .fix(fix);
        }
        if days < 0 {
            Outcome::fail(format!(
                "{who} expired {} day(s) ago, on {}",
                -days,
                date(nearest.not_after)
            ))
            .with_evidence(ev)
            .fix(fix)
        } else if days < fail {
            Outcome::fail(format!(
                "{who} expires in {days} day(s) (fail below {fail})"
            ))
            .with_evidence(ev)
            .fix(fix)
        } else if days < warn {
            Outcome::warn(format!(
                "{who} expires in {days} day(s) (warn below {warn})"
            ))
            .with_evidence(ev)
            .fix(fix)
        } else {
            Outcome::pass(format!("{who} expires in {days} days")).with_evidence(ev)
        }
    }
}
