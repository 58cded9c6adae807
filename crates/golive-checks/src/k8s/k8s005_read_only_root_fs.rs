use super::{at, cname, each_container, finish, key_line, manifests, undecided, unresolved};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct ReadOnlyRootFs;

static META: CheckMeta = CheckMeta {
    code: "K8S005",
    slug: "k8s-read-only-root-filesystem",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Containers mount their root filesystem read-only",
    doc: CheckDoc {
        what: "Every container and init container must set `securityContext.readOnlyRootFilesystem: \
true` (a container-level field; the pod's security context has no such field).",
        why: "A writable root filesystem lets an attacker who gets code execution drop tools and \
persist changes inside the container, and lets the application write state that disappears with the \
pod. Read-only roots make both visible at once.",
        fix: "Set `readOnlyRootFilesystem: true` and mount an `emptyDir` at the paths the process \
writes to (`/tmp`, caches).",
        example: "```yaml\nsecurityContext:\n  readOnlyRootFilesystem: true\nvolumeMounts:\n  - {name: tmp, mountPath: /tmp}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "readOnlyRootFilesystem",
        "read-only",
        "root filesystem",
        "securityContext",
    ],
};

#[async_trait::async_trait]
impl Check for ReadOnlyRootFs {
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
                match sc.get("readOnlyRootFilesystem") {
                    Some(n) if n.as_bool() == Some(true) => {}
                    Some(n) if unresolved(n) => undecided(f, o, n.line, "readOnlyRootFilesystem"),
                    Some(n) => f.fail(
                        format!(
                            "{} sets readOnlyRootFilesystem: {}",
                            cname(o, c),
                            n.scalar_text().unwrap_or_default()
                        ),
                        at(o, n.line),
                    ),
                    None if unresolved(sc) => undecided(
                        f,
                        o,
                        key_line(c, "securityContext"),
                        "readOnlyRootFilesystem",
                    ),
                    None => f.fail(
                        format!(
                            "{} has a writable root filesystem (no readOnlyRootFilesystem: true)",
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
            "every container has a read-only root filesystem",
            "set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the process writes",
        )
    }
}
