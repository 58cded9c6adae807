use super::{at, finish, manifests};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct PodSecurityLabels;

static META: CheckMeta = CheckMeta {
    code: "K8S013",
    slug: "k8s-pod-security-admission",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Namespaces enforce a Pod Security Standard (baseline or restricted)",
    doc: CheckDoc {
        what: "Every `kind: Namespace` manifest must carry the label \
`pod-security.kubernetes.io/enforce` with the value `baseline` or `restricted`. `privileged`, or no \
label, fails. Skipped when the manifests define no Namespace (the namespace is managed elsewhere).",
        why: "Pod Security admission is the cluster's last line against a manifest that asks for \
host namespaces, privileged containers or root: without an enforce label, any such pod is admitted.",
        fix: "Label the namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline` \
while the workloads are being hardened) and pin `enforce-version`.",
        example: "```yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "Pod Security",
        "pod-security.kubernetes.io",
        "PSA",
        "Pod Security Standards",
        "namespace",
        "restricted",
    ],
};

const LABEL: &str = "pod-security.kubernetes.io/enforce";

#[async_trait::async_trait]
impl Check for PodSecurityLabels {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for ns in m.of_kind("Namespace") {
            f.inspected();
            let labels = ns.doc.at("metadata").at("labels");
            match labels.get(LABEL).and_then(|n| n.scalar_text()) {
                Some(v) if v == "baseline" || v == "restricted" => {}
                Some(v) => f.fail(
                    format!("Namespace {} enforces the {v} Pod Security level", ns.name),
                    at(ns, labels.entry(LABEL).map(|e| e.line).unwrap_or(0)),
                ),
                None => f.fail(
                    format!("Namespace {} has no {LABEL} label", ns.name),
                    at(ns, 0),
                ),
            }
        }
        if f.inspected_count() == 0 && !m.objects.is_empty() {
            return Outcome::skipped("the manifests define no Namespace");
        }
        finish(
            f,
            &m,
            "every namespace enforces a Pod Security Standard",
            "label each Namespace pod-security.kubernetes.io/enforce: restricted",
        )
    }
}
