use super::{answered, prom};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct AlertmanagerConnected;

static META: CheckMeta = CheckMeta {
    code: "PROM004",
    slug: "prometheus-alertmanager-connected",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Prometheus sends its alerts to at least one Alertmanager",
    doc: CheckDoc {
        what: "Reads `/api/v1/alertmanagers` and fails when no Alertmanager is active.",
        why: "Without a connected Alertmanager, firing alerts stay on Prometheus's Alerts page \
and nobody is paged.",
        fix: "Configure `alerting.alertmanagers` in prometheus.yml with the Alertmanager's \
address (static or discovered) and reload.",
        example: "`GET /api/v1/alertmanagers -> activeAlertmanagers []` fails.",
    },
    params: &[],
    requires: &[Input::PrometheusUrl],
    keywords: &[
        "alertmanager connected",
        "alerting.alertmanagers",
        "alertmanager",
    ],
};

#[async_trait::async_trait]
impl Check for AlertmanagerConnected {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match prom(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let ams = match answered(&f.alertmanagers) {
            Ok(a) => a,
            Err(o) => return o,
        };
        let ev = format!(
            "GET /api/v1/alertmanagers -> activeAlertmanagers [{}]",
            ams.join(", ")
        );
        if ams.is_empty() {
            Outcome::fail("Prometheus has no active Alertmanager")
                .evidence(ev)
                .fix("configure alerting.alertmanagers in prometheus.yml and reload")
        } else {
            Outcome::pass(format!("{} Alertmanager(s) connected", ams.len())).evidence(ev)
        }
    }
}
