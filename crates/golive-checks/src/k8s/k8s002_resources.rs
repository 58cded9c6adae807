use super::{at, cname, each_container, finish, key_line, manifests, undecided, unresolved};
use golive_core::params::{ParamKind, ParamSpec};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct Resources;

static META: CheckMeta = CheckMeta {
    code: "K8S002",
    slug: "k8s-resource-requests-limits",
    category: Category::Performance,
    severity: Severity::High,
    summary: "Every container sets CPU and memory requests and a memory limit",
    doc: CheckDoc {
        what: "For every container and init container of every workload (Pod, Deployment, StatefulSet, \
DaemonSet, ReplicaSet, Job, CronJob), `resources.requests.cpu`, `resources.requests.memory` and \
`resources.limits.memory` must be set; `resources.limits.cpu` too when the parameter \
`require_cpu_limit` is true (off by default: CPU limits throttle latency-sensitive services, while a \
memory limit is what keeps one pod from taking a node down).",
        why: "Without requests the scheduler packs pods onto nodes that cannot hold them, and they are \
the first evicted under pressure; without a memory limit one leaking pod is OOM-killed only after it \
has starved its neighbours.",
        fix: "Set requests from observed usage (p95) and a memory limit above peak usage.",
        example: "```yaml\n# passes\nresources:\n  requests: {cpu: 250m, memory: 256Mi}\n  limits: {memory: 512Mi}\n```",
    },
    params: &[ParamSpec {
        name: "require_cpu_limit",
        kind: ParamKind::Bool,
        default: "false",
        help: "also require resources.limits.cpu",
    }],
    requires: &[],
    keywords: &[
        "resources",
        "limits",
        "requests",
        "resource limits",
        "memory limit",
        "cpu",
    ],
};

#[async_trait::async_trait]
impl Check for Resources {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let cpu_limit = cx.params.bool("require_cpu_limit");
        let mut f = Findings::new();
        each_container(
            &m,
            true,
            |_| true,
            &mut f,
            |o, c, _, f| {
                let r = c.at("resources");
                if unresolved(r) {
                    return undecided(f, o, key_line(c, "resources"), "resources");
                }
                let mut missing = Vec::new();
                for (sec, key) in [
                    ("requests", "cpu"),
                    ("requests", "memory"),
                    ("limits", "memory"),
                    ("limits", "cpu"),
                ] {
                    if sec == "limits" && key == "cpu" && !cpu_limit {
                        continue;
                    }
                    let v = r.path(&[sec, key]);
                    if v.is_none_or(|n| {
                        n.is_null() || n.scalar_text().is_some_and(|s| s.trim().is_empty())
                    }) {
                        missing.push(format!("{sec}.{key}"));
                    }
                }
                if !missing.is_empty() {
                    f.fail(
                        format!("{} has no resources {}", cname(o, c), missing.join(", ")),
                        at(o, key_line(c, "resources").max(c.line)),
                    );
                }
            },
        );
        finish(
            f,
            &m,
            "every container sets resource requests and a memory limit",
            "set resources.requests (cpu, memory) and resources.limits.memory on every container",
        )
    }
}
