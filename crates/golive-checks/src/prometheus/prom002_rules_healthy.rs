use super::{answered, prom};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct RulesHealthy;

static META: CheckMeta = CheckMeta {
    code: "PROM002",
    slug: "prometheus-rules-healthy",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Prometheus has rule groups loaded and none of their rules fails to evaluate",
    doc: CheckDoc {
        what: "Reads `/api/v1/rules`. Fails when no rule group is loaded, or when any rule's \
health is not `ok` (its last evaluation error is shown). Rules not yet evaluated (`unknown`) \
are reported as a warning.",
        why: "A rule that errors never fires; typical causes are many-to-many matches after a \
label change and queries that time out. Nothing else tells you the alert is dead.",
        fix: "Fix the rule's expression (`promtool check rules`, then test it in the expression \
browser) and reload Prometheus.",
        example: "`rule HighErrorRate (group api): health=err: many-to-many matching not allowed` fails.",
    },
    params: &[],
    requires: &[Input::PrometheusUrl],
    keywords: &[
        "alerting rules deployed",
        "recording rules",
        "rule groups",
        "promtool check rules",
    ],
};

#[async_trait::async_trait]
impl Check for RulesHealthy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match prom(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let (groups, rules) = match answered(&f.groups) {
            Ok(g) => g,
            Err(o) => return o,
        };
        if groups.is_empty() {
            return Outcome::fail("Prometheus has no rule groups loaded")
                .evidence("GET /api/v1/rules -> groups []")
                .fix("add rule_files to prometheus.yml and reload");
        }
        let mut ev = vec![format!(
            "GET /api/v1/rules -> {} group(s), {} rule(s)",
            groups.len(),
            rules.len()
        )];
        let broken: Vec<_> = rules.iter().filter(|r| r.health == "err").collect();
        let unknown: Vec<_> = rules
            .iter()
            .filter(|r| r.health != "err" && r.health != "ok")
            .collect();
        for r in broken.iter().chain(unknown.iter()) {
            ev.push(format!(
                "rule {} (group {}, {}): health={}{}",
                r.name,
                r.group,
                r.file,
                r.health,
                if r.last_error.is_empty() {
                    String::new()
                } else {
                    format!(": {}", r.last_error)
                }
            ));
        }
        if !broken.is_empty() {
            let names: Vec<&str> = broken.iter().map(|r| r.name.as_str()).collect();
            return Outcome::fail(format!("{} rule(s) fail to evaluate: {}", broken.len(), names.join(", ")))
                .with_evidence(ev)
                .fix("fix the expressions (promtool check rules; try them in the expression browser) and reload");
        }
        if !unknown.is_empty() {
            return Outcome::warn(format!("{} rule(s) not evaluated yet", unknown.len()))
                .with_evidence(ev);
        }
        Outcome::pass(format!(
            "{} rule(s) in {} group(s) evaluate without errors",
            rules.len(),
            groups.len()
        ))
        .with_evidence(ev)
    }
}
