use super::{NO_PRODUCTION_COMPOSE, compose, service_loc, visit_production};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct RestartPolicy;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE006",
    slug: "compose-restart-policy",
    category: Category::Deployment,
    severity: Severity::Medium,
    summary: "Every production compose service states a restart policy",
    doc: CheckDoc {
        what: "Every service of the production compose files sets `restart:` (`always`, \
`unless-stopped`, `on-failure`, or an explicit `\"no\"` for one-shot jobs) or \
`deploy.restart_policy`.",
        why: "Compose's default is not to restart: after a crash, an out-of-memory kill or a host \
reboot the service stays down until someone notices.",
        fix: "Add `restart: unless-stopped` to long-running services and `restart: \"no\"` to \
migrations and other one-shot jobs.",
        example: "```yaml\n# fails\napi:\n  image: ghcr.io/acme/api:1.4.2\n# passes\napi:\n  image: ghcr.io/acme/api:1.4.2\n  restart: unless-stopped\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "restart",
        "restart policy",
        "unless-stopped",
        "compose",
        "auto restart",
    ],
};

#[async_trait::async_trait]
impl Check for RestartPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_production(&files, &mut findings, |_, s, f| {
            let has = s.node.get("restart").is_some()
                || s.node
                    .get("deploy")
                    .and_then(|d| d.get("restart_policy"))
                    .is_some();
            if !has {
                f.fail(
                    format!(
                        "service {} has no restart policy: it stays down after a crash or reboot",
                        s.name
                    ),
                    service_loc(s),
                );
            }
        });
        findings.into_outcome(
            "every production service states a restart policy",
            NO_PRODUCTION_COMPOSE,
            "add restart: unless-stopped (or \"no\" for one-shot jobs)",
        )
    }
}
