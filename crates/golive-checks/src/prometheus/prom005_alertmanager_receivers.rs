use super::am;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct AlertmanagerReceivers;

static META: CheckMeta = CheckMeta {
    code: "PROM005",
    slug: "alertmanager-receivers",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Alertmanager routes alerts to a receiver that notifies someone",
    doc: CheckDoc {
        what: "Reads the configuration Alertmanager reports at `/api/v2/status` (receiver names \
and integration kinds only; URLs and keys are never read into the report). Fails when no \
receiver has an integration (`webhook_configs`, `slack_configs`, `pagerduty_configs`, ...) or \
when the root route's receiver has none (the \"null\" default that discards everything).",
        why: "The default configuration ships a receiver that does nothing: alerts fire, reach \
Alertmanager and vanish.",
        fix: "Add a receiver with the team's integration (PagerDuty, Slack, email, webhook) and \
make it the root route's receiver; keep a null receiver only for routes that deliberately drop \
alerts.",
        example: "`route.receiver -> null; receivers: null (no integrations)` fails.",
    },
    params: &[],
    requires: &[Input::AlertmanagerUrl],
    keywords: &[
        "alertmanager receivers",
        "receiver",
        "pagerduty",
        "slack",
        "alert routing",
        "on-call notification",
    ],
};

#[async_trait::async_trait]
impl Check for AlertmanagerReceivers {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match am(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut ev: Vec<String> = f
            .receivers
            .iter()
            .map(|r| {
                format!(
                    "receiver {}: {}",
                    r.name,
                    if r.integrations.is_empty() {
                        "no integrations".to_string()
                    } else {
                        r.integrations.join(", ")
                    }
                )
            })
            .collect();
        ev.insert(
            0,
            format!(
                "route.receiver -> {}",
                f.route_receiver.as_deref().unwrap_or("(none)")
            ),
        );
        let fix = "add a receiver with a real integration (pagerduty/slack/email/webhook) and make it the root route's receiver";
        let useful: Vec<&str> = f
            .receivers
            .iter()
            .filter(|r| !r.integrations.is_empty())
            .map(|r| r.name.as_str())
            .collect();
        if useful.is_empty() {
            return Outcome::fail("no receiver has an integration: every alert is discarded")
                .with_evidence(ev)
                .fix(fix);
        }
        if let Some(root) = &f.route_receiver
            && !useful.contains(&root.as_str())
        {
            return Outcome::fail(format!(
                "the root route sends to receiver {root}, which has no integrations"
            ))
            .with_evidence(ev)
            .fix(fix);
        }
        Outcome::pass(format!(
            "receivers with integrations: {}",
            useful.join(", ")
        ))
        .with_evidence(ev)
    }
}
