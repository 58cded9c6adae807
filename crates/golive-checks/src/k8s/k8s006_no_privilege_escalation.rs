use super::{at, cname, each_container, finish, key_line, manifests, undecided, unresolved};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct NoPrivilegeEscalation;

static META: CheckMeta = CheckMeta {
    code: "K8S006",
    slug: "k8s-no-privilege-escalation",
    category: Category::Security,
    severity: Severity::High,
    summary: "Containers set allowPrivilegeEscalation: false and are not privileged",
    doc: CheckDoc {
        what: "Every container and init container must set `securityContext.allowPrivilegeEscalation: \
false` explicitly (Kubernetes defaults it to true), and must not set `privileged: true`.",
        why: "With privilege escalation allowed, a setuid binary in the image gives root back to a \
process that started unprivileged; a privileged container has every capability and the host's \
devices, so a compromise of it is a compromise of the node.",
        fix: "Set `allowPrivilegeEscalation: false`, drop capabilities (`capabilities: {drop: [ALL]}`) \
and remove `privileged: true`.",
        example: "```yaml\nsecurityContext:\n  allowPrivilegeEscalation: false\n  capabilities: {drop: [ALL]}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "allowPrivilegeEscalation",
        "privileged",
        "privilege escalation",
        "capabilities",
        "securityContext",
    ],
};

#[async_trait::async_trait]
impl Check for NoPrivilegeEscalation {
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
            |o, c, _, f| {
                let sc = c.at("securityContext");
                if let Some(p) = sc.get("privileged").filter(|p| p.as_bool() == Some(true)) {
                    f.fail(format!("{} is privileged", cname(o, c)), at(o, p.line));
                }
                match sc.get("allowPrivilegeEscalation") {
                    Some(n) if n.as_bool() == Some(false) => {}
                    Some(n) if unresolved(n) => undecided(f, o, n.line, "allowPrivilegeEscalation"),
                    Some(n) => f.fail(
                        format!(
                            "{} sets allowPrivilegeEscalation: {}",
                            cname(o, c),
                            n.scalar_text().unwrap_or_default()
                        ),
                        at(o, n.line),
                    ),
                    None if unresolved(sc) => undecided(
                        f,
                        o,
                        key_line(c, "securityContext"),
                        "allowPrivilegeEscalation",
                    ),
                    None => f.fail(
                        format!(
                            "{} does not set allowPrivilegeEscalation: false (the default is true)",
                            cname(o, c)
                        ),
                        at(o, key_line(c, "securityContext").max(c.line)),
                    ),
                }
            },
        );
        finish(
            f,
            &m,
            "no container can escalate privileges",
            "set securityContext.allowPrivilegeEscalation: false and remove privileged: true",
        )
    }
}
