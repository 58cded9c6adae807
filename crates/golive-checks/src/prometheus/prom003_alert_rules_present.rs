use super::{answered, prom};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::prometheus::PromRule;

pub struct AlertRulesPresent;

static META: CheckMeta = CheckMeta {
    code: "PROM003",
    slug: "prometheus-alert-rules-present",
    category: Category::Observability,
    severity: Severity::Medium,
    summary: "Alerting rules for error rate and latency are loaded",
    doc: CheckDoc {
        what: "Reads the alerting rules of `/api/v1/rules`. With `alerts` set, each named alert \
must be loaded. Otherwise at least one alerting rule must cover error rate (its name or \
expression mentions errors, 5xx or `status=~\"5..\"`) and one latency (latency, duration, \
p95/p99 or `histogram_quantile`).",
        why: "Error rate and latency are two of the four golden signals; without alerts on them \
an outage is reported by users first.",
        fix: "Add alerting rules such as `HighErrorRate` (ratio of 5xx to all requests over 5m) \
and `HighLatencyP95` (`histogram_quantile(0.95, ...)` above the SLO) and reload Prometheus.",
        example: "```toml\n[checks.PROM003]\nalerts = [\"HighErrorRate\", \"HighLatencyP95\"]\n```",
    },
    params: &[ParamSpec {
        name: "alerts",
        kind: ParamKind::List,
        default: "",
        help: "alert names that must be loaded (empty: look for error-rate and latency alerts by name and expression)",
    }],
    requires: &[Input::PrometheusUrl],
    keywords: &[
        "alerting rules",
        "error rate alert",
        "latency alert",
        "HighErrorRate",
        "alert rules",
    ],
};

fn covers_errors(r: &PromRule) -> bool {
    let t = format!("{} {}", r.name, r.query).to_ascii_lowercase();
    t.contains("error")
        || t.contains("5xx")
        || t.contains("\"5..\"")
        || t.contains("=~\"5")
        || t.contains("fail")
}

fn covers_latency(r: &PromRule) -> bool {
    let t = format!("{} {}", r.name, r.query).to_ascii_lowercase();
    [
        "latency",
        "duration",
        "p95",
        "p99",
        "histogram_quantile",
        "slow",
    ]
    .iter()
    .any(|k| t.contains(k))
}

#[async_trait::async_trait]
impl Check for AlertRulesPresent {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match prom(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let (_, rules) = match answered(&f.groups) {
            Ok(g) => g,
            Err(o) => return o,
        };
        let alerts: Vec<&PromRule> = rules.iter().filter(|r| r.kind == "alerting").collect();
        let names: Vec<&str> = alerts.iter().map(|r| r.name.as_str()).collect();
        let ev = format!(
            "alerting rules loaded -> {}",
            if names.is_empty() {
                "(none)".into()
            } else {
                names.join(", ")
            }
        );
        let wanted = cx.params.list("alerts");
        let fix = "add alerting rules for error rate (5xx ratio) and latency (histogram_quantile p95) and reload Prometheus";
        if !wanted.is_empty() {
            let missing: Vec<&str> = wanted
                .iter()
                .filter(|w| !names.contains(&w.as_str()))
                .map(String::as_str)
                .collect();
            return if missing.is_empty() {
                Outcome::pass(format!("alerts loaded: {}", wanted.join(", "))).evidence(ev)
            } else {
                Outcome::fail(format!("alert(s) not loaded: {}", missing.join(", ")))
                    .evidence(ev)
                    .fix(fix)
            };
        }
        let errors: Vec<&str> = alerts
            .iter()
            .filter(|r| covers_errors(r))
            .map(|r| r.name.as_str())
            .collect();
        let latency: Vec<&str> = alerts
            .iter()
            .filter(|r| covers_latency(r))
            .map(|r| r.name.as_str())
            .collect();
        let mut missing = Vec::new();
        if errors.is_empty() {
            missing.push("error rate");
        }
        if latency.is_empty() {
            missing.push("latency");
        }
        if missing.is_empty() {
            Outcome::pass(format!(
                "error-rate alert(s) {} and latency alert(s) {} are loaded",
                errors.join(", "),
                latency.join(", ")
            ))
            .evidence(ev)
        } else {
            Outcome::fail(format!("no alerting rule for {}", missing.join(" or ")))
                .evidence(ev)
                .fix(fix)
        }
    }
}
