use super::{answered, prom};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct TargetsUp;

static META: CheckMeta = CheckMeta {
    code: "PROM001",
    slug: "prometheus-targets-up",
    category: Category::Observability,
    severity: Severity::High,
    summary: "Prometheus scrapes the service's targets and they are up",
    doc: CheckDoc {
        what: "Reads `/api/v1/targets` at `prometheus_url`. Fails when an active target of the \
jobs in `jobs` (every job when `jobs` is empty) has health other than `up`, naming it and its \
last scrape error, and when a job listed in `jobs` has no target at all.",
        why: "Alerts built on metrics that are not scraped never fire: a down target means the \
dashboards and alerts for that service are blind.",
        fix: "Fix the target's address, port, TLS or authentication in the scrape configuration, \
or the service's metrics endpoint; check the target's last error on Prometheus's Targets page.",
        example: "```toml\n[checks.PROM001]\njobs = [\"api\", \"worker\"]\n```\n\n`api 10.0.0.5:8000 health=down: connection refused` fails.",
    },
    params: &[ParamSpec {
        name: "jobs",
        kind: ParamKind::List,
        default: "",
        help: "the scrape jobs that must exist and be up (empty: every active target must be up)",
    }],
    requires: &[Input::PrometheusUrl],
    keywords: &[
        "prometheus targets",
        "scrape",
        "targets up",
        "metrics scraped",
    ],
};

#[async_trait::async_trait]
impl Check for TargetsUp {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match prom(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let targets = match answered(&f.targets) {
            Ok(t) => t,
            Err(o) => return o,
        };
        let jobs = cx.params.list("jobs");
        let selected: Vec<_> = targets
            .iter()
            .filter(|t| jobs.is_empty() || jobs.contains(&t.job))
            .collect();
        let mut problems = Vec::new();
        for j in jobs {
            if !targets.iter().any(|t| &t.job == j) {
                problems.push(format!("job {j} has no active target"));
            }
        }
        let mut ev = Vec::new();
        for t in &selected {
            ev.push(format!(
                "{} {} health={}{}",
                t.job,
                t.instance,
                t.health,
                if t.last_error.is_empty() {
                    String::new()
                } else {
                    format!(": {}", t.last_error)
                }
            ));
            if t.health != "up" {
                problems.push(format!("{} {} is {}", t.job, t.instance, t.health));
            }
        }
        if selected.is_empty() && problems.is_empty() {
            return Outcome::fail("Prometheus has no active scrape targets")
                .evidence("GET /api/v1/targets -> activeTargets []")
                .fix("add the service's scrape configuration");
        }
        if problems.is_empty() {
            Outcome::pass(format!("{} target(s) up", selected.len())).with_evidence(ev)
        } else {
            Outcome::fail(problems.join("; "))
                .with_evidence(ev)
                .fix("fix the failing targets' address, port or auth in the scrape config, or their /metrics endpoint")
        }
    }
}
