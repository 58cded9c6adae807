use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::{DockerBuilds, SourceStatus};

pub struct ReferencedFilesExist;

static META: CheckMeta = CheckMeta {
    code: "DOCKER006",
    slug: "docker-referenced-files-exist",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "Every file a Dockerfile copies or starts (COPY/ADD sources, entrypoint scripts) exists",
    doc: CheckDoc {
        what: "For every Dockerfile outside tests and examples, each `COPY`/`ADD` source taken \
from the build context (not `--from` another stage, not a URL or heredoc) must exist in the \
context (globs must match at least one file), and a relative `ENTRYPOINT`/`CMD` script \
(`./entrypoint.sh`, `scripts/start.sh`) must exist in the context. Sources that are missing but \
git-ignored are taken to be build artifacts and are not reported; sources with variables are \
not decided.",
        why: "A missing source fails the build at deploy time, after review; a missing entrypoint \
script builds fine and crash-loops on start with `exec: no such file or directory`.",
        fix: "Commit the file, fix the path (paths are relative to the build context, not to the \
Dockerfile), or build with the right context (`docker build -f docker/Dockerfile .`).",
        example: "```dockerfile\n# fails when scripts/entrypoint.sh is not in the repository\nCOPY scripts/entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"./docker-entrypoint.sh\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "COPY",
        "ADD",
        "entrypoint",
        "entrypoint script",
        "missing file",
        "build context",
    ],
};

#[async_trait::async_trait]
impl Check for ReferencedFilesExist {
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
        for f in deployable(&files) {
            findings.inspected();
            if !usable(f, &mut findings) {
                continue;
            }
            let Some(b) = builds.inputs(&f.rel) else {
                continue;
            };
            let ctx = if b.context.is_empty() {
                "the repository root".to_string()
            } else {
                b.context.clone()
            };
            for s in &b.sources {
                if s.status == SourceStatus::Missing {
                    let what = if s.keyword == "COPY" || s.keyword == "ADD" {
                        "source"
                    } else {
                        "script"
                    };
                    findings.fail(
                        format!(
                            "{} {what} {} does not exist in the build context ({ctx}, {})",
                            s.keyword, s.source, b.context_reason
                        ),
                        at(f, s.line),
                    );
                }
            }
        }
        findings.into_outcome(
            "every file the Dockerfiles copy or start exists",
            NO_DOCKERFILE,
            "commit the missing file or fix the path relative to the build context",
        )
    }
}
