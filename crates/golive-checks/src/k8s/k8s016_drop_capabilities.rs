use super::{at, cname, each_container, finish, key_line, manifests, undecided, unresolved};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct DropCapabilities;

static META: CheckMeta = CheckMeta {
    code: "K8S016",
    slug: "k8s-drop-capabilities",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Containers drop all Linux capabilities and add back only NET_BIND_SERVICE",
    doc: CheckDoc {
        what: "For every container and init container, `securityContext.capabilities.drop` must \
contain `ALL`, and `capabilities.add` may contain nothing but `NET_BIND_SERVICE`. Each added \
capability fails at its line.",
        why: "Container runtimes grant a default set of capabilities (`NET_RAW`, `CHOWN`, `SETUID`, \
`DAC_OVERRIDE`…) that a web service never needs: `NET_RAW` alone lets a compromised pod spoof \
traffic on the node's network. Capabilities like `SYS_ADMIN` or `NET_ADMIN` are most of the way to \
root on the node.",
        fix: "Set `capabilities: {drop: [ALL]}` and add back only what the process is proven to need.",
        example: "```yaml\nsecurityContext:\n  capabilities:\n    drop: [ALL]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "capabilities",
        "NET_RAW",
        "drop ALL",
        "SYS_ADMIN",
        "securityContext",
        "Linux capabilities",
    ],
};

#[async_trait::async_trait]
impl Check for DropCapabilities {
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
                let caps = c.at("securityContext").at("capabilities");
                if unresolved(caps) || (caps.is_null() && unresolved(c.at("securityContext"))) {
                    return undecided(f, o, key_line(c, "securityContext"), "the capabilities");
                }
                let drops_all = caps.at("drop").as_seq().iter().any(|d| {
                    d.scalar_text()
                        .is_some_and(|s| s.eq_ignore_ascii_case("ALL"))
                });
                if !drops_all {
                    f.fail(
                        format!("{} does not drop ALL capabilities", cname(o, c)),
                        at(o, key_line(c, "securityContext").max(c.line)),
                    );
                }
                for add in caps.at("add").as_seq() {
                    let name = add.scalar_text().unwrap_or_default();
                    let bare = name.trim_start_matches("CAP_");
                    if !bare.eq_ignore_ascii_case("NET_BIND_SERVICE") {
                        f.fail(
                            format!("{} adds capability {name}", cname(o, c)),
                            at(o, add.line),
                        );
                    }
                }
            },
        );
        finish(
            f,
            &m,
            "every container drops all capabilities",
            "set securityContext.capabilities.drop: [ALL] and add back only NET_BIND_SERVICE if needed",
        )
    }
}
