use super::{NO_PRODUCTION_COMPOSE, compose, is_one_shot, service_loc, visit_production};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::compose::{has_healthcheck, repo_path};
use golive_facts::dockerfile::Dockerfiles;

pub struct Healthcheck;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE005",
    slug: "compose-services-healthchecked",
    category: Category::Health,
    severity: Severity::Medium,
    summary: "Every long-running production compose service has a healthcheck",
    doc: CheckDoc {
        what: "Every service of the production compose files has a `healthcheck` that is not \
disabled, or builds from a Dockerfile of this repository whose final stage declares a \
`HEALTHCHECK`. One-shot jobs (`restart: \"no\"`) are exempt.",
        why: "Without a healthcheck Docker reports a wedged container as running, \
`depends_on: condition: service_healthy` cannot order startup, and nothing restarts or alerts \
on a service that stopped answering.",
        fix: "Add a healthcheck that exercises the service: `test: [\"CMD\", \"pg_isready\", \"-U\", \"app\"]`, \
`test: [\"CMD\", \"redis-cli\", \"ping\"]`, or an HTTP probe of `/health`.",
        example: "```yaml\napi:\n  image: ghcr.io/acme/api:1.4.2\n  healthcheck:\n    test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8000/health\"]\n    interval: 30s\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "healthcheck",
        "health check",
        "compose",
        "service_healthy",
        "depends_on",
    ],
};

#[async_trait::async_trait]
impl Check for Healthcheck {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let dockerfiles = match cx.facts.get::<Dockerfiles>().await {
            Ok(d) => d,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        visit_production(&files, &mut findings, |_, s, f| {
            if is_one_shot(s) || has_healthcheck(&s.node) {
                return;
            }
            if s.node.get("healthcheck").is_some() {
                f.fail(
                    format!("service {} disables its healthcheck", s.name),
                    service_loc(s),
                );
                return;
            }
            // A HEALTHCHECK in the Dockerfile the service builds counts.
            if let Some(b) = s.node.get("build") {
                let dir = s.dir.as_str();
                let ctx = b
                    .str()
                    .or_else(|| b.get("context").and_then(|c| c.str()))
                    .unwrap_or(".");
                let df = b
                    .get("dockerfile")
                    .and_then(|d| d.str())
                    .unwrap_or("Dockerfile");
                if let Some(rel) = repo_path(dir, ctx).and_then(|c| repo_path(&c, df))
                    && let Some(d) = dockerfiles.files.iter().find(|d| d.rel == rel)
                {
                    let p = &d.parsed;
                    if p.final_stage()
                        .and_then(|st| p.effective(st.index, "HEALTHCHECK"))
                        .is_some_and(|h| !h.args.trim().eq_ignore_ascii_case("none"))
                    {
                        return;
                    }
                }
            }
            f.fail(
                format!("service {} has no healthcheck", s.name),
                service_loc(s),
            );
        });
        findings.into_outcome(
            "every long-running production service has a healthcheck",
            NO_PRODUCTION_COMPOSE,
            "add a healthcheck to each service (pg_isready, redis-cli ping, an HTTP /health probe)",
        )
    }
}
