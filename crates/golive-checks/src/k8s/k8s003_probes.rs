use super::{at, cname, each_container, finish, manifests, undecided, unresolved};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct Probes;

static META: CheckMeta = CheckMeta {
    code: "K8S003",
    slug: "k8s-liveness-readiness-probes",
    category: Category::Health,
    severity: Severity::High,
    summary: "Every container of a long-running workload has a liveness and a readiness probe",
    doc: CheckDoc {
        what: "For every container (not init containers) of Pods, Deployments, StatefulSets, \
DaemonSets and ReplicaSets, `livenessProbe` and `readinessProbe` must both be set. Jobs and CronJobs \
are not checked: they run to completion.",
        why: "Without a readiness probe a rolling update sends traffic to pods that are still starting, \
and a pod that lost its database keeps receiving requests; without a liveness probe a deadlocked \
process is never restarted.",
        fix: "Point the readiness probe at an endpoint that checks dependencies (`/ready`) and the \
liveness probe at one that only checks the process (`/health`).",
        example: "```yaml\nreadinessProbe:\n  httpGet: {path: /ready, port: 8000}\nlivenessProbe:\n  httpGet: {path: /health, port: 8000}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "probes",
        "livenessProbe",
        "readinessProbe",
        "liveness",
        "readiness",
        "health check",
    ],
};

#[async_trait::async_trait]
impl Check for Probes {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        each_container(
            &m,
            false,
            |o| o.is_long_running(),
            &mut f,
            |o, c, _, f| {
                let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
                    .into_iter()
                    .filter(|k| c.get(k).is_none_or(|n| n.is_null()))
                    .collect();
                if !missing.is_empty() {
                    if unresolved(c) {
                        return undecided(f, o, c.line, "probes");
                    }
                    f.fail(
                        format!("{} has no {}", cname(o, c), missing.join(" or ")),
                        at(o, c.line),
                    );
                }
            },
        );
        finish(
            f,
            &m,
            "every long-running container has liveness and readiness probes",
            "add livenessProbe and readinessProbe to every container",
        )
    }
}
