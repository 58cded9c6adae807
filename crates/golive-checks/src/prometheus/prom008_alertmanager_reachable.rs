use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::prometheus::AmFacts;

pub struct AlertmanagerReachable;

static META: CheckMeta = CheckMeta {
    code: "PROM008",
    slug: "alertmanager-reachable",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Alertmanager at alertmanager_url answers its status API",
    doc: CheckDoc {
        what: "Reads `/api/v2/status` at `alertmanager_url` (within 8 seconds) and its \
configuration. Fails when Alertmanager does not answer (refused, timed out, TLS error, non-2xx) \
or the answer carries no configuration. PROM005 is then `error` (\"not checked\"), never pass.",
        why: "Alerts that cannot reach Alertmanager page nobody; and the receiver check (PROM005) \
depends on reading its status.",
        fix: "Check host, port, scheme and path prefix of `alertmanager_url` \
(`--web.route-prefix`), `ca_file` for a private CA, and the firewall between golive and \
Alertmanager.",
        example: "```toml\n[environments.production]\nalertmanager_url = \"https://alertmanager.internal:9093\"\n```\n\n`Alertmanager at https://alertmanager.internal:9093: timed out` fails.",
    },
    params: &[],
    requires: &[Input::AlertmanagerUrl],
    keywords: &[
        "alertmanager reachable",
        "alertmanager is up",
        "ALERTMANAGER_URL",
    ],
};

#[async_trait::async_trait]
impl Check for AlertmanagerReachable {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        match cx.facts.get::<AmFacts>().await {
            Ok(f) => Outcome::pass(format!("Alertmanager at {} answers", f.target)).evidence(
                format!(
                    "GET /api/v2/status -> version {}",
                    if f.version.is_empty() {
                        "(not reported)"
                    } else {
                        &f.version
                    }
                ),
            ),
            Err(e) => Outcome::fail(e.message.clone())
                .evidence("curl -fsS \"$ALERTMANAGER_URL/api/v2/status\"")
                .fix("check host, port, scheme and route prefix of alertmanager_url, and the network path to it"),
        }
    }
}
