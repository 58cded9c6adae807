use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::ImageRef;

pub struct BaseImagePinned;

static META: CheckMeta = CheckMeta {
    code: "DOCKER002",
    slug: "docker-base-image-pinned",
    category: Category::Deployment,
    severity: Severity::Medium,
    summary: "Every FROM names a base image by version tag or digest, never latest or untagged",
    doc: CheckDoc {
        what: "Every `FROM` of every Dockerfile outside tests and examples that names an external \
image (not `scratch`, not an earlier stage) must carry a tag other than `latest`, or a digest \
(`@sha256:…`, which counts as pinned). Build arguments declared before the first `FROM` are \
substituted with their defaults; a reference that still contains an unknown variable is a \
warning.",
        why: "`latest` and untagged references move: the same commit builds a different image \
next week, a new major version of the base breaks the build or the runtime, and a rollback \
rebuilds something other than what ran before.",
        fix: "Pin the version you tested (`python:3.12.7-slim-bookworm`) or the digest \
(`python:3.12-slim@sha256:…`), and let Renovate or Dependabot propose updates.",
        example: "```dockerfile\n# fails\nFROM python\nFROM node:latest\n# passes\nFROM python:3.12-slim\nFROM node@sha256:4f3c…\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "FROM",
        "base image",
        "latest",
        "pinned",
        "digest",
        "image tag",
        "reproducible images",
    ],
};

#[async_trait::async_trait]
impl Check for BaseImagePinned {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match dockerfiles(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        for f in deployable(&files) {
            findings.inspected();
            if !usable(f, &mut findings) {
                continue;
            }
            for st in &f.parsed.stages {
                if st.parent_stage.is_some() {
                    continue;
                }
                let Some(base) = &st.base else {
                    findings.warn(
                        format!(
                            "FROM {} uses a build argument without a default",
                            st.base_raw
                        ),
                        at(f, st.line),
                    );
                    continue;
                };
                if base.eq_ignore_ascii_case("scratch") {
                    continue;
                }
                match ImageRef::parse(base) {
                    Some(r) => {
                        if let Some(why) = r.unpinned_reason() {
                            findings.fail(format!("FROM {base} {why}"), at(f, st.line));
                        }
                    }
                    None => findings.warn(
                        format!("FROM {base}: not an image reference"),
                        at(f, st.line),
                    ),
                }
            }
        }
        findings.into_outcome(
            "every base image is pinned by tag or digest",
            NO_DOCKERFILE,
            "pin each FROM to a version tag or a digest",
        )
    }
}
