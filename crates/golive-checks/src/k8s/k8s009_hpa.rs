use super::{at, finish, hpa_for, manifests};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct Hpa;

static META: CheckMeta = CheckMeta {
    code: "K8S009",
    slug: "k8s-hpa-for-scaled-deployments",
    category: Category::Performance,
    severity: Severity::Low,
    summary: "A Deployment that runs several replicas is scaled by a HorizontalPodAutoscaler",
    doc: CheckDoc {
        what: "A Deployment with two or more fixed `spec.replicas` is a stateless service meant to \
scale horizontally: golive expects a HorizontalPodAutoscaler whose `scaleTargetRef` names it (same \
namespace). Its absence is a warning, not a failure: a fixed replica count can be a deliberate \
choice. An HPA whose `maxReplicas` is below its `minReplicas` fails.",
        why: "A fixed replica count is sized for yesterday's traffic: a launch or an incident spike \
saturates it, and at night it pays for idle pods. An HPA keeps the count between bounds you chose.",
        fix: "Add an `autoscaling/v2` HorizontalPodAutoscaler targeting the Deployment with \
`minReplicas` at today's count and a CPU or custom-metric target; then drop `spec.replicas` so \
deploys do not reset the scaled count.",
        example: "```yaml\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "HorizontalPodAutoscaler",
        "HPA",
        "autoscaling",
        "autoscaler",
        "scaling",
    ],
};

#[async_trait::async_trait]
impl Check for Hpa {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for h in m.of_kind("HorizontalPodAutoscaler") {
            f.inspected();
            let spec = h.doc.at("spec");
            if let (Some(min), Some(max)) = (
                spec.at("minReplicas").as_i64(),
                spec.at("maxReplicas").as_i64(),
            ) && max < min
            {
                let line = spec.entry("maxReplicas").map(|e| e.line).unwrap_or(0);
                f.fail(
                    format!(
                        "{} has maxReplicas {max} below minReplicas {min}",
                        h.display()
                    ),
                    at(h, line),
                );
            }
        }
        for o in m.of_kind("Deployment") {
            if hpa_for(&m, o).is_some() {
                f.inspected();
                continue;
            }
            match o.replicas() {
                Some(n) if n >= 2 => {
                    f.inspected();
                    let line = o
                        .doc
                        .at("spec")
                        .entry("replicas")
                        .map(|e| e.line)
                        .unwrap_or(0);
                    f.warn(format!("{} runs a fixed {n} replicas and no HorizontalPodAutoscaler targets it", o.display()), at(o, line));
                }
                _ => {}
            }
        }
        if f.inspected_count() == 0 && !m.objects.is_empty() {
            return Outcome::skipped(
                "no Deployment runs two or more replicas and there is no HorizontalPodAutoscaler",
            );
        }
        finish(
            f,
            &m,
            "every scaled Deployment has a HorizontalPodAutoscaler",
            "add an autoscaling/v2 HorizontalPodAutoscaler targeting the Deployment",
        )
    }
}
