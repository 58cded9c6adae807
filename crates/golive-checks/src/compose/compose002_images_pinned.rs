use super::{NO_PRODUCTION_COMPOSE, compose, loc, visit_production};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::compose::with_defaults;
use golive_facts::dockerfile::ImageRef;

pub struct ImagesPinned;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE002",
    slug: "compose-images-pinned",
    category: Category::Deployment,
    severity: Severity::Medium,
    summary: "Production compose services run pinned images, never latest or untagged",
    doc: CheckDoc {
        what: "Every service of the production compose files that runs an image it does not build \
must name it with a tag other than `latest` or with a digest. A tag taken from `${TAG:-latest}` \
counts as latest; a tag from a variable without a default cannot be decided and is a warning.",
        why: "`latest` is whatever was pushed last: two hosts of the same deploy can run different \
versions, a restart can upgrade a database across a major version, and a rollback cannot return \
to what ran before.",
        fix: "Pin the version (`postgres:16.4-alpine`, `redis:7.4`) or the digest, and update it \
deliberately.",
        example: "```yaml\n# fails\nimage: redis\nimage: ghcr.io/acme/api:${TAG:-latest}\n# passes\nimage: redis:7.4-alpine\nimage: ghcr.io/acme/api:${TAG:?set TAG}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &["image", "latest", "pinned", "image tag", "compose"],
};

#[async_trait::async_trait]
impl Check for ImagesPinned {
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
            if s.node.get("build").is_some() {
                return;
            }
            let Some(img) = s.image() else { return };
            let Some(written) = img.str() else { return };
            match with_defaults(written) {
                None => f.warn(
                    format!(
                        "service {}: image {written} depends on a variable without a default",
                        s.name
                    ),
                    loc(img),
                ),
                Some(resolved) => match ImageRef::parse(&resolved) {
                    Some(r) => {
                        if let Some(why) = r.unpinned_reason() {
                            f.fail(
                                format!("service {}: image {written} {why}", s.name),
                                loc(img),
                            );
                        }
                    }
                    None => f.warn(
                        format!("service {}: {written} is not an image reference", s.name),
                        loc(img),
                    ),
                },
            }
        });
        findings.into_outcome(
            "every production image is pinned",
            NO_PRODUCTION_COMPOSE,
            "pin each image to a version tag or digest",
        )
    }
}
