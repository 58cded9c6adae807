use super::{at, finish, manifests, min_replicas};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct SpreadReplicas;

static META: CheckMeta = CheckMeta {
    code: "K8S014",
    slug: "k8s-replicas-spread",
    category: Category::Deployment,
    severity: Severity::Low,
    summary: "Multi-replica workloads spread their pods across nodes or zones",
    doc: CheckDoc {
        what: "A Deployment or StatefulSet with two or more replicas (or an HPA `minReplicas` of two \
or more) should declare `topologySpreadConstraints` or a `podAntiAffinity` in its pod spec. Missing \
both is a warning: the scheduler's default spreading is best-effort and can still place every \
replica on one node.",
        why: "Replicas on the same node or zone fail together: one node drain, kernel panic or zone \
outage takes the whole service down although it 'runs three replicas'.",
        fix: "Add a `topologySpreadConstraints` entry on `kubernetes.io/hostname` (and \
`topology.kubernetes.io/zone`) selecting the workload's pod labels.",
        example: "```yaml\ntopologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector: {matchLabels: {app: web}}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "topologySpreadConstraints",
        "anti-affinity",
        "podAntiAffinity",
        "affinity",
        "spread",
        "zones",
    ],
};

#[async_trait::async_trait]
impl Check for SpreadReplicas {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for o in m
            .workloads()
            .filter(|o| matches!(o.kind.as_str(), "Deployment" | "StatefulSet"))
        {
            if min_replicas(&m, o).is_none_or(|n| n < 2) {
                continue;
            }
            let Some(spec) = o.pod_spec() else { continue };
            f.inspected();
            let spread = spec
                .at("topologySpreadConstraints")
                .is_non_empty_collection()
                || spec
                    .at("affinity")
                    .at("podAntiAffinity")
                    .is_non_empty_collection();
            if !spread {
                f.warn(format!("{} runs several replicas with no topologySpreadConstraints or podAntiAffinity", o.display()), at(o, 0));
            }
        }
        if f.inspected_count() == 0 && !m.objects.is_empty() {
            return Outcome::skipped("no Deployment or StatefulSet runs two or more replicas");
        }
        finish(
            f,
            &m,
            "every multi-replica workload spreads its pods",
            "add topologySpreadConstraints on kubernetes.io/hostname and topology.kubernetes.io/zone",
        )
    }
}
