use super::NO_RULE_FILES;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::rule_files::{Rule, RuleFiles, duration_secs};

pub struct AlertRulesComplete;

static META: CheckMeta = CheckMeta {
    code: "OPS002",
    slug: "ops-alert-rules-complete",
    category: Category::Observability,
    severity: Severity::Medium,
    summary: "Every alerting rule has a `for` duration, a `severity` label and a runbook link annotation",
    doc: CheckDoc {
        what: "For every alerting rule (`- alert:`) of the repository's Prometheus rule files and \
PrometheusRule objects (see OPS001 for which files), checks that it waits before firing (`for:` \
set and not zero; a `vector(1)` watchdog is exempt), carries a `severity` label for routing, and \
links its runbook in an annotation (`runbook_url`, `runbook`, or another annotation whose name \
contains `runbook`, non-empty). Each finding points at the `- alert:` line. Recording rules are \
not alerts. A rule without `expr` is OPS001's.",
        why: "An alert without `for` fires on one bad scrape and pages someone at 3 a.m. for a blip, \
which teaches the team to ignore it. Without a severity label Alertmanager cannot route it (a \
page and a ticket look the same), and without a runbook link whoever is paged starts from \
nothing while the incident runs.",
        fix: "Add `for: 5m` (or what the signal needs), `labels: {severity: critical|warning}` and \
`annotations: {runbook_url: https://…}` to the rule.",
        example: "```yaml\n- alert: HighErrorRate          # fails: no for, no runbook_url\n  expr: job:http_errors:ratio5m > 0.05\n  labels:\n    severity: critical\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "runbook_url",
        "runbook links",
        "alert annotations",
        "severity label",
        "alert severity",
        "alert for duration",
    ],
};

fn missing(r: &Rule) -> Vec<&'static str> {
    let mut m = Vec::new();
    let watchdog = r
        .expr
        .as_deref()
        .is_some_and(|e| e.split_whitespace().collect::<String>() == "vector(1)");
    match r.for_.as_deref() {
        _ if watchdog => {}
        None => m.push("no `for` (fires on one evaluation)"),
        Some(d) if duration_secs(d) == Some(0) => m.push("`for` is zero (fires on one evaluation)"),
        Some(_) => {}
    }
    if r.label("severity").is_none_or(|v| v.trim().is_empty()) {
        m.push("no `severity` label");
    }
    let runbook = r
        .annotations
        .iter()
        .any(|(k, v)| k.to_ascii_lowercase().contains("runbook") && !v.trim().is_empty());
    if !runbook {
        m.push("no runbook link annotation (`runbook_url`)");
    }
    m
}

#[async_trait::async_trait]
impl Check for AlertRulesComplete {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match cx.facts.get::<RuleFiles>().await {
            Ok(f) => f,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        for (f, r) in files.alerts() {
            findings.inspected();
            let m = missing(r);
            if !m.is_empty() {
                findings.fail(
                    format!("alert {}: {}", r.name, m.join(", ")),
                    Location::line(f.rel.clone(), r.line),
                );
            }
        }
        if findings.inspected_count() == 0 && !files.files.is_empty() {
            return Outcome::skipped(format!(
                "the {} rule file(s) hold no alerting rule (recording rules only)",
                files.files.len()
            ));
        }
        findings.into_outcome(
            format!(
                "{} alerting rule(s) wait before firing, carry a severity and link a runbook",
                files.alerts().count()
            ),
            NO_RULE_FILES,
            "add `for:`, a `severity` label and a `runbook_url` annotation to each alert",
        )
    }
}
