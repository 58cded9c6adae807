use super::{at, finish, manifests, min_replicas, same_namespace};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity, Status,
};
use golive_facts::manifests::selector_matches;

pub struct PdbForReplicas;

static META: CheckMeta = CheckMeta {
    code: "K8S008",
    slug: "k8s-pdb-for-multi-replica",
    category: Category::Deployment,
    severity: Severity::Medium,
    summary: "Every multi-replica Deployment or StatefulSet is covered by a PodDisruptionBudget",
    doc: CheckDoc {
        what: "For every Deployment, StatefulSet, ReplicaSet or ReplicationController with two or more \
replicas (its `spec.replicas`, or the `minReplicas` of a HorizontalPodAutoscaler that targets it), a \
PodDisruptionBudget in the same namespace must select its pod labels (`matchLabels` and \
`matchExpressions` are evaluated).",
        why: "Running several replicas is meant to keep the service up, but a node drain or cluster \
upgrade evicts all of them at once unless a PodDisruptionBudget tells Kubernetes how many must stay.",
        fix: "Add a PodDisruptionBudget with `minAvailable: 1` (or `maxUnavailable: 1`) whose selector \
matches the workload's pod labels.",
        example: "```yaml\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "PodDisruptionBudget",
        "PDB",
        "disruption budget",
        "replicas",
        "high availability",
    ],
};

#[async_trait::async_trait]
impl Check for PdbForReplicas {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for o in m.workloads().filter(|o| o.replicas().is_some()) {
            let Some(n) = min_replicas(&m, o) else {
                f.push(
                    Status::Warn,
                    format!(
                        "replicas of {} cannot be read without rendering",
                        o.display()
                    ),
                    Some(at(o, 0)),
                );
                continue;
            };
            if n < 2 {
                continue;
            }
            f.inspected();
            let labels = o.pod_labels();
            let mut unknown = false;
            let covered = m
                .of_kind("PodDisruptionBudget")
                .filter(|p| same_namespace(p, o))
                .any(
                    |p| match selector_matches(p.doc.at("spec").at("selector"), &labels) {
                        Some(b) => b && !labels.is_empty(),
                        None => {
                            unknown = true;
                            false
                        }
                    },
                );
            if !covered {
                let msg = format!(
                    "{} runs {n} replicas but no PodDisruptionBudget selects its pods",
                    o.display()
                );
                if unknown {
                    f.push(
                        Status::Warn,
                        format!("{msg} (a PDB selector could not be resolved)"),
                        Some(at(o, 0)),
                    );
                } else {
                    f.fail(msg, at(o, 0));
                }
            }
        }
        if f.inspected_count() == 0 && f.is_empty() && !m.objects.is_empty() {
            return Outcome::skipped("no workload runs two or more replicas");
        }
        finish(
            f,
            &m,
            "every multi-replica workload has a PodDisruptionBudget",
            "add a PodDisruptionBudget (maxUnavailable: 1) selecting the workload's pod labels",
        )
    }
}
