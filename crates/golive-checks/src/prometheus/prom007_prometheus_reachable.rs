use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::prometheus::PromFacts;

pub struct PrometheusReachable;

static META: CheckMeta = CheckMeta {
    code: "PROM007",
    slug: "prometheus-reachable",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Prometheus at prometheus_url answers its HTTP API",
    doc: CheckDoc {
        what: "Reads `/api/v1/targets`, `/api/v1/rules` and `/api/v1/alertmanagers` at \
`prometheus_url` (8 seconds each, in parallel). Fails when none of them answers: refused, \
timed out, a TLS error, or a non-2xx status on all three. The other Prometheus checks are then \
`error` (\"not checked\"), never pass.",
        why: "Every other Prometheus check depends on it, and a monitoring server golive cannot \
reach is one that may not be scraping or alerting either.",
        fix: "Check host, port, scheme and path prefix of `prometheus_url` (`--web.route-prefix`), \
any authenticating proxy in front of Prometheus, `ca_file` for a private CA, and the firewall \
between golive and Prometheus.",
        example: "```toml\n[environments.production]\nprometheus_url = \"https://prometheus.internal:9090\"\n```\n\n`Prometheus at https://prometheus.internal:9090: connection failed: Connection refused` fails.",
    },
    params: &[],
    requires: &[Input::PrometheusUrl],
    keywords: &["prometheus reachable", "prometheus is up", "PROMETHEUS_URL"],
};

#[async_trait::async_trait]
impl Check for PrometheusReachable {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match cx.facts.get::<PromFacts>().await {
            Ok(f) => f,
            Err(e) => {
                return Outcome::fail(e.message.clone())
                    .evidence("curl -fsS \"$PROMETHEUS_URL/api/v1/targets\"")
                    .fix("check host, port, scheme and route prefix of prometheus_url, and the network path to it");
            }
        };
        let answer = |path: &str, ok: bool, err: Option<&String>| match (ok, err) {
            (true, _) => format!("GET {path} -> answered"),
            (false, Some(e)) => format!("GET {path} -> {e}"),
            (false, None) => format!("GET {path} -> no answer"),
        };
        Outcome::pass(format!("Prometheus at {} answers its API", f.target)).with_evidence(vec![
            answer(
                "/api/v1/targets",
                f.targets.is_ok(),
                f.targets.as_ref().err(),
            ),
            answer("/api/v1/rules", f.groups.is_ok(), f.groups.as_ref().err()),
            answer(
                "/api/v1/alertmanagers",
                f.alertmanagers.is_ok(),
                f.alertmanagers.as_ref().err(),
            ),
        ])
    }
}
