use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::DockerBuilds;

pub struct Healthcheck;

static META: CheckMeta = CheckMeta {
    code: "DOCKER003",
    slug: "docker-healthcheck",
    category: Category::Health,
    severity: Severity::Medium,
    summary: "Each image declares a HEALTHCHECK or is probed by compose or Kubernetes",
    doc: CheckDoc {
        what: "For every Dockerfile outside tests and examples, the final stage (or a stage it \
builds on) must declare a `HEALTHCHECK` other than `HEALTHCHECK NONE`, unless the image is \
health-checked where it runs: a compose service that builds this Dockerfile declares a \
`healthcheck`, or the repository's Kubernetes manifests or Helm templates declare liveness or \
readiness probes. `HEALTHCHECK NONE` always fails.",
        why: "Without a health check, a container whose process is alive but wedged (deadlocked, \
lost its database) is reported as running: no restart, no traffic shift, no alert, and \
`depends_on: condition: service_healthy` cannot wait for it.",
        fix: "Add `HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8000/health || exit 1` \
to the final stage, or declare the healthcheck in compose / probes in Kubernetes.",
        example: "```dockerfile\n# fails: nothing probes the image\nFROM python:3.12-slim\nCMD [\"gunicorn\", \"app:app\"]\n# passes\nHEALTHCHECK CMD python -c \"import urllib.request; urllib.request.urlopen('http://localhost:8000/health')\"\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "HEALTHCHECK",
        "healthcheck",
        "health check",
        "container health",
        "probes",
    ],
};

#[async_trait::async_trait]
impl Check for Healthcheck {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match dockerfiles(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let builds = match cx.facts.get::<DockerBuilds>().await {
            Ok(b) => b,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        let mut evidence = Vec::new();
        for f in deployable(&files) {
            findings.inspected();
            if !usable(f, &mut findings) {
                continue;
            }
            let df = &f.parsed;
            let Some(last) = df.final_stage() else {
                continue;
            };
            match df.effective(last.index, "HEALTHCHECK") {
                Some(h) if h.args.trim().eq_ignore_ascii_case("none") => {
                    findings.fail(
                        "HEALTHCHECK NONE disables the image's health check",
                        at(f, h.line),
                    );
                }
                Some(_) => {}
                None => {
                    let compose: Vec<_> = builds
                        .compose_builds
                        .iter()
                        .filter(|b| {
                            b.dockerfile.as_deref() == Some(f.rel.as_str()) && b.healthcheck
                        })
                        .collect();
                    if let Some(b) = compose.first() {
                        evidence.push(format!(
                            "{}: probed by the healthcheck of compose service {} ({}:{})",
                            f.rel, b.service, b.file, b.line
                        ));
                    } else if let Some(m) = builds.probe_manifests.first() {
                        evidence.push(format!(
                            "{}: no HEALTHCHECK; Kubernetes probes are declared in {m}",
                            f.rel
                        ));
                    } else {
                        findings.fail(
                            "final stage has no HEALTHCHECK and no compose healthcheck or Kubernetes probe covers the image",
                            at(f, last.line),
                        );
                    }
                }
            }
        }
        let outcome = findings.into_outcome(
            "every image is health-checked",
            NO_DOCKERFILE,
            "add a HEALTHCHECK to the final stage, or a compose healthcheck / Kubernetes probes",
        );
        outcome.with_evidence(evidence)
    }
}
