use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::prometheus::AmTestAlert;

pub struct TestAlert;

static META: CheckMeta = CheckMeta {
    code: "PROM006",
    slug: "alertmanager-test-alert",
    category: Category::Observability,
    severity: Severity::Medium,
    summary: "With --send-test-alert, a test alert posted to Alertmanager becomes active",
    doc: CheckDoc {
        what: "Only with `golive check --send-test-alert` (the one write golive ever makes): \
posts an alert `GoliveTestAlert` (severity `none`, label `source=golive`, ending after 5 \
minutes) to `/api/v2/alerts` and polls for up to 5 seconds until Alertmanager lists it as \
`active`. Without the flag the check is skipped.",
        why: "\"Alertmanager receives test alert\" is on every launch checklist because routing \
and inhibition mistakes only show when an alert actually flows.",
        fix: "Check that Alertmanager accepts alerts from golive's network, and that no \
inhibition or silence swallows `GoliveTestAlert`; route `source=golive` to a channel that \
expects it.",
        example: "`golive check --only PROM006 --send-test-alert` -> `GoliveTestAlert state=active after 120ms`.",
    },
    params: &[],
    requires: &[Input::AlertmanagerUrl],
    keywords: &[
        "test alert",
        "Alertmanager receives test alert",
        "amtool alert add",
    ],
};

#[async_trait::async_trait]
impl Check for TestAlert {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        if !cx.facts.env().config.run.send_test_alert {
            return Outcome::skipped(
                "needs --send-test-alert (golive writes to a target only with that flag)",
            );
        }
        let t = match cx.facts.get::<AmTestAlert>().await {
            Ok(t) => t,
            Err(e) => return Outcome::fail(e.message.clone()),
        };
        let ev = format!(
            "POST /api/v2/alerts {}; GET /api/v2/alerts -> state={} after {}ms",
            t.alertname,
            t.state.as_deref().unwrap_or("(not listed)"),
            t.waited_ms
        );
        if t.state.as_deref() == Some("active") {
            Outcome::pass(format!("{} was accepted and is active", t.alertname)).evidence(ev)
        } else {
            Outcome::fail(format!(
                "{} was accepted but not active within 5s (state {})",
                t.alertname,
                t.state.as_deref().unwrap_or("not listed")
            ))
            .evidence(ev)
            .fix("check silences and inhibition rules that match GoliveTestAlert")
        }
    }
}
