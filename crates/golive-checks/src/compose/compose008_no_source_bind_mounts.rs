use super::{NO_PRODUCTION_COMPOSE, compose, visit_production};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::RepoIndex;
use golive_facts::compose::bind_mounts;
use golive_facts::repo_index::FileKind;

pub struct NoSourceBindMounts;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE008",
    slug: "compose-no-source-bind-mounts",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "Production services run the code in their image, not source directories bind-mounted from the host",
    doc: CheckDoc {
        what: "No service of the production compose files bind-mounts the repository root (`.`) \
or a directory of the repository that holds source code (Python, JavaScript, TypeScript, Go, \
Rust, Ruby, PHP, Java files) into the container. Configuration directories and single files \
are fine.",
        why: "A source mount is a development setup: production then runs whatever is checked out \
on the host rather than the tested image, a `git pull` changes the running code without a \
deploy, and the host's files (including `.env`) become visible inside the container.",
        fix: "Remove the mount in the production overlay (`volumes: !reset []` or a list without \
it) and run the code baked into the image; keep source mounts in `docker-compose.override.yml` \
for development.",
        example: "```yaml\n# fails in docker-compose.prod.yml (or inherited from the base file)\napi:\n  volumes:\n    - .:/app\n    - ./src:/app/src\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "volumes",
        "bind mount",
        "source code",
        "hot reload",
        "compose",
        ".:/app",
    ],
};

#[async_trait::async_trait]
impl Check for NoSourceBindMounts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let index = match cx.facts.get::<RepoIndex>().await {
            Ok(i) => i,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        visit_production(&files, &mut findings, |_, s, f| {
            let dir = s.dir.as_str();
            for (rel, target, _, node) in bind_mounts(dir, &s.node) {
                let prefix = if rel.is_empty() {
                    String::new()
                } else {
                    format!("{rel}/")
                };
                let sources = index
                    .files
                    .iter()
                    .filter(|x| x.rel.starts_with(&prefix) && matches!(x.kind, FileKind::Source(_)))
                    .count();
                let is_root = rel.is_empty() || rel == dir;
                if is_root || sources > 0 {
                    let what = if rel.is_empty() {
                        "the repository root".to_string()
                    } else {
                        format!("{rel} ({sources} source files)")
                    };
                    f.fail(
                        format!("service {} bind-mounts {what} into {target}", s.name),
                        Location::line(node.file.to_string(), node.line),
                    );
                }
            }
        });
        findings.into_outcome(
            "no production service bind-mounts source code",
            NO_PRODUCTION_COMPOSE,
            "remove source mounts from the production files; run the code in the image",
        )
    }
}
