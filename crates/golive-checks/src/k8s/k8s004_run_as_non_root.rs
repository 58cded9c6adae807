use super::{
    at, cname, each_container, effective, finish, key_line, manifests, undecided, unresolved,
};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct RunAsNonRoot;

static META: CheckMeta = CheckMeta {
    code: "K8S004",
    slug: "k8s-run-as-non-root",
    category: Category::Security,
    severity: Severity::High,
    summary: "Containers run as a non-root user (runAsNonRoot: true or a non-zero runAsUser)",
    doc: CheckDoc {
        what: "For every container and init container, the effective security context (the \
container's `securityContext`, else the pod's) must say `runAsNonRoot: true` or set `runAsUser` to a \
non-zero UID. `runAsNonRoot: false` or `runAsUser: 0` fail with their line.",
        why: "A container that runs as root turns any code-execution bug into root on the node's \
kernel interface: one escape away from the node and every secret on it. Most images default to root \
unless told otherwise.",
        fix: "Set `securityContext.runAsNonRoot: true` on the pod (and `runAsUser` to the image's \
unprivileged UID if the image does not declare a numeric `USER`).",
        example: "```yaml\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "runAsNonRoot",
        "non-root",
        "root",
        "runAsUser",
        "securityContext",
        "containers not root",
    ],
};

#[async_trait::async_trait]
impl Check for RunAsNonRoot {
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
            true,
            |_| true,
            &mut f,
            |o, c, spec, f| {
                let non_root = effective(c, spec, "runAsNonRoot");
                let user = effective(c, spec, "runAsUser");
                if non_root.is_some_and(unresolved)
                    || user.is_some_and(unresolved)
                    || (non_root.is_none()
                        && user.is_none()
                        && (unresolved(c.at("securityContext"))
                            || unresolved(spec.at("securityContext"))))
                {
                    return undecided(f, o, c.line, "the user");
                }
                if let Some(u) = user.filter(|u| u.as_i64() == Some(0)) {
                    return f.fail(
                        format!("{} runs as root (runAsUser: 0)", cname(o, c)),
                        at(o, u.line),
                    );
                }
                if let Some(n) = non_root.filter(|n| n.as_bool() == Some(false)) {
                    return f.fail(
                        format!("{} sets runAsNonRoot: false", cname(o, c)),
                        at(o, n.line),
                    );
                }
                let ok = non_root.is_some_and(|n| n.as_bool() == Some(true))
                    || user.is_some_and(|u| u.as_i64().is_some_and(|v| v > 0));
                if !ok {
                    f.fail(format!("{} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser", cname(o, c)), at(o, key_line(c, "securityContext").max(c.line)));
                }
            },
        );
        finish(
            f,
            &m,
            "every container runs as a non-root user",
            "set securityContext.runAsNonRoot: true (and runAsUser) on every pod",
        )
    }
}
