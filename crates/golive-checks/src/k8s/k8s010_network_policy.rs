use super::{at, finish, manifests, same_namespace};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity, Status,
};
use golive_facts::manifests::selector_matches;

pub struct NetworkPolicy;

static META: CheckMeta = CheckMeta {
    code: "K8S010",
    slug: "k8s-network-policy",
    category: Category::Network,
    severity: Severity::Medium,
    summary: "Every long-running workload's pods are selected by a NetworkPolicy",
    doc: CheckDoc {
        what: "For every Pod, Deployment, StatefulSet, DaemonSet and ReplicaSet, at least one \
NetworkPolicy in the same namespace must select its pod labels (an empty `podSelector` selects every \
pod of the namespace).",
        why: "Without a NetworkPolicy every pod accepts traffic from every other pod in the cluster: \
one compromised workload can reach the database, the cache and the admin API directly.",
        fix: "Add a default-deny policy for the namespace and policies that allow only the traffic \
each workload needs (ingress from the ingress controller, egress to its database).",
        example: "```yaml\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "NetworkPolicy",
        "network policy",
        "network policies",
        "default deny",
        "segmentation",
    ],
};

#[async_trait::async_trait]
impl Check for NetworkPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for o in m.workloads().filter(|o| o.is_long_running()) {
            f.inspected();
            let labels = o.pod_labels();
            let mut unknown = false;
            let covered = m
                .of_kind("NetworkPolicy")
                .filter(|p| same_namespace(p, o))
                .any(
                    |p| match selector_matches(p.doc.at("spec").at("podSelector"), &labels) {
                        Some(b) => b,
                        None => {
                            unknown = true;
                            false
                        }
                    },
                );
            if !covered {
                let msg = format!("no NetworkPolicy selects the pods of {}", o.display());
                if unknown {
                    f.push(
                        Status::Warn,
                        format!("{msg} (a policy selector could not be resolved)"),
                        Some(at(o, 0)),
                    );
                } else {
                    f.fail(msg, at(o, 0));
                }
            }
        }
        finish(
            f,
            &m,
            "every workload is covered by a NetworkPolicy",
            "add a default-deny NetworkPolicy and allow-rules for the traffic each workload needs",
        )
    }
}
