use super::NO_RULE_FILES;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity, Status,
};
use golive_facts::rule_files::RuleFiles;

pub struct PrometheusRuleFilesValid;

static META: CheckMeta = CheckMeta {
    code: "OPS001",
    slug: "ops-prometheus-rule-files-valid",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Prometheus rule files in the repository load: valid YAML with the rule-file shape promtool accepts",
    doc: CheckDoc {
        what: "Finds the Prometheus rule files of the repository (YAML outside tests and examples \
with a top-level `groups:` whose entries have `rules:`, and Kubernetes `PrometheusRule` objects \
with `spec.groups`) and checks what `promtool check rules` checks about their structure: the file \
parses; `groups` is a list; each group has a non-empty name, unique in the file, and only known \
keys; each rule sets exactly one of `alert` and `record`, a non-empty `expr`, valid durations \
(`for`, `keep_firing_for`, `interval`), valid label names, a metric-name `record`, and no \
`for`/`annotations` on recording rules. Expressions get a lexical look (balanced brackets and \
quotes, no dangling operator); a full PromQL parse is promtool's, and PROM002 sees what \
Prometheus actually loaded. Grafana alerting provisioning files are not Prometheus rule files.",
        why: "Prometheus refuses a whole rule file when one rule is malformed: on reload it keeps the \
old rules, or at a fresh start it has none, and nothing pages until someone reads the log. The \
alert that was supposed to catch the next outage is the one that never loaded.",
        fix: "Fix the rule at the reported line, then run `promtool check rules FILE` in CI so a \
broken file never merges.",
        example: "```yaml\ngroups:\n  - name: api\n    rules:\n      - alert: HighErrorRate\n        # fails: `for: 5 minutes` is not a duration (write 5m)\n        expr: job:http_errors:ratio5m > 0.05\n        for: 5 minutes\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "promtool check rules",
        "rule files",
        "alert rule syntax",
        "rule file syntax",
        "PrometheusRule",
    ],
};

#[async_trait::async_trait]
impl Check for PrometheusRuleFilesValid {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match cx.facts.get::<RuleFiles>().await {
            Ok(f) => f,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        for (rel, why) in &files.unreadable {
            findings.push(
                Status::Error,
                format!("cannot read {rel}: {why}"),
                Some(Location::file(rel.clone())),
            );
        }
        let mut rules = 0;
        for f in &files.files {
            findings.inspected();
            rules += f.rules.len();
            for p in &f.problems {
                findings.fail(p.message.clone(), Location::line(f.rel.clone(), p.line));
            }
        }
        findings.into_outcome(
            format!(
                "{} rule file(s) with {rules} rule(s) have the shape Prometheus loads",
                files.files.len()
            ),
            NO_RULE_FILES,
            "fix the rule at the reported line and run `promtool check rules` in CI",
        )
    }
}
