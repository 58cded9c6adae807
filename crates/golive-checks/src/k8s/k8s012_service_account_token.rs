use super::{at, finish, manifests, same_namespace};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct ServiceAccountToken;

static META: CheckMeta = CheckMeta {
    code: "K8S012",
    slug: "k8s-no-automounted-token",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Pods do not mount a service account token unless they set it on purpose",
    doc: CheckDoc {
        what: "For every workload, `automountServiceAccountToken` must be `false` on the pod spec, or \
on the ServiceAccount it runs as (`serviceAccountName`, else `default`) when that ServiceAccount is \
in the manifests. A pod that sets `automountServiceAccountToken: true` explicitly passes (it needs \
the API on purpose).",
        why: "By default every pod gets a token for the Kubernetes API mounted at \
`/var/run/secrets/kubernetes.io/serviceaccount`. An attacker with code execution in an application \
that never talks to the API gets that token for free, and with it whatever RBAC grants the account.",
        fix: "Set `automountServiceAccountToken: false` on the ServiceAccount (or the pod spec), and \
give the pods that do call the API their own ServiceAccount with least-privilege RBAC.",
        example: "```yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: false\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "automountServiceAccountToken",
        "service account",
        "serviceAccountName",
        "token",
        "RBAC",
    ],
};

#[async_trait::async_trait]
impl Check for ServiceAccountToken {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for o in m.workloads() {
            let Some(spec) = o.pod_spec() else { continue };
            f.inspected();
            if spec.at("automountServiceAccountToken").as_bool().is_some() {
                continue;
            }
            let sa_name = spec
                .at("serviceAccountName")
                .scalar_text()
                .or_else(|| spec.at("serviceAccount").scalar_text())
                .unwrap_or_else(|| "default".into());
            let sa_off = m
                .of_kind("ServiceAccount")
                .filter(|s| s.name == sa_name && same_namespace(s, o))
                .any(|s| s.doc.at("automountServiceAccountToken").as_bool() == Some(false));
            if !sa_off {
                let line = spec
                    .entry("serviceAccountName")
                    .map(|e| e.line)
                    .unwrap_or(0);
                f.fail(
                    format!("{} mounts a token of service account {sa_name} (automountServiceAccountToken is not false)", o.display()),
                    at(o, line),
                );
            }
        }
        finish(
            f,
            &m,
            "no pod mounts a service account token it did not ask for",
            "set automountServiceAccountToken: false on the ServiceAccount or pod spec",
        )
    }
}
