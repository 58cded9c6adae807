use super::{
    at, cname, each_container, effective, finish, key_line, manifests, undecided, unresolved,
};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct SeccompProfile;

static META: CheckMeta = CheckMeta {
    code: "K8S015",
    slug: "k8s-seccomp-profile",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Containers run under the RuntimeDefault (or a Localhost) seccomp profile",
    doc: CheckDoc {
        what: "For every container and init container, the effective `securityContext.seccompProfile.type` \
(the container's, else the pod's) must be `RuntimeDefault` or `Localhost`. `Unconfined`, or no \
profile, fails: Kubernetes runs containers unconfined unless told otherwise.",
        why: "Seccomp filters the system calls a container may make. Unconfined, a compromised process \
can reach kernel interfaces (`keyctl`, `unshare`, `bpf`) that container escapes are made of; the \
runtime's default profile blocks them at no cost to ordinary services. The `restricted` Pod Security \
Standard requires it.",
        fix: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod spec.",
        example: "```yaml\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "seccomp",
        "seccompProfile",
        "RuntimeDefault",
        "syscalls",
        "securityContext",
    ],
};

#[async_trait::async_trait]
impl Check for SeccompProfile {
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
            |o, c, spec, f| match effective(c, spec, "seccompProfile") {
                Some(p) if unresolved(p) => undecided(f, o, p.line, "the seccomp profile"),
                Some(p) => match p.at("type").scalar_text() {
                    Some(t) if t == "RuntimeDefault" || t == "Localhost" => {}
                    Some(t) => f.fail(
                        format!("{} runs with seccomp profile {t}", cname(o, c)),
                        at(o, key_line(p, "type")),
                    ),
                    None => f.fail(
                        format!("{} has a seccompProfile without a type", cname(o, c)),
                        at(o, p.line),
                    ),
                },
                None if unresolved(c.at("securityContext"))
                    || unresolved(spec.at("securityContext")) =>
                {
                    undecided(f, o, c.line, "the seccomp profile")
                }
                None => f.fail(
                    format!(
                        "{} runs without a seccomp profile (Unconfined)",
                        cname(o, c)
                    ),
                    at(o, key_line(c, "securityContext").max(c.line)),
                ),
            },
        );
        finish(
            f,
            &m,
            "every container runs under a seccomp profile",
            "set securityContext.seccompProfile.type: RuntimeDefault on every pod",
        )
    }
}
