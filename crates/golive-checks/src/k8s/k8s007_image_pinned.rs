use super::{at, cname, each_container, finish, key_line, manifests, undecided};
use golive_core::params::{ParamKind, ParamSpec};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::manifests::is_unresolved_text;

pub struct ImagePinned;

static META: CheckMeta = CheckMeta {
    code: "K8S007",
    slug: "k8s-image-pinned",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "Container images are pinned to a version tag or digest, never latest or untagged",
    doc: CheckDoc {
        what: "Every container and init container image must carry a tag other than `latest` or a \
`@sha256:` digest. With `require_digest = true`, a digest is required. Helm images built from \
`.Values.image.repository` and `.Values.image.tag | default .Chart.AppVersion` are resolved from the \
chart's values and Chart.yaml. An image whose tag a deploy tool sets — named in a kustomization's \
`images:` with a `newTag` or `digest`, or built as a Skaffold artifact — is pinned by that tool, \
and the evidence says where.",
        why: "`latest` and untagged images change under a running deployment: two replicas of the same \
Deployment can run different code, a node restart pulls a version nobody tested, and a rollback goes \
back to whatever `latest` is today.",
        fix: "Pin each image to an immutable version tag (`ghcr.io/acme/api:1.14.2`) or, better, to a \
digest (`…@sha256:…`) written by the release pipeline.",
        example: "```yaml\n# fails\nimage: nginx\nimage: ghcr.io/acme/api:latest\n# passes\nimage: ghcr.io/acme/api:1.14.2\n```",
    },
    params: &[ParamSpec {
        name: "require_digest",
        kind: ParamKind::Bool,
        default: "false",
        help: "require an @sha256 digest, not just a version tag",
    }],
    requires: &[],
    keywords: &[
        "image",
        "latest",
        "image tag",
        "pinned",
        "digest",
        "image version",
    ],
};

/// The problem with an image reference, or `None` when it is pinned.
pub fn image_problem(image: &str, require_digest: bool) -> Option<String> {
    let image = image.trim();
    if image.is_empty() {
        return Some("has an empty image".into());
    }
    if image.contains("@sha256:") {
        return None;
    }
    if require_digest {
        return Some(format!("image {image} is not pinned to a digest"));
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some(format!("image {image} has no tag (pulls latest)")),
        Some((_, "latest")) => Some(format!("image {image} uses the latest tag")),
        Some((_, "")) => Some(format!("image {image} has an empty tag")),
        Some(_) => None,
    }
}

#[async_trait::async_trait]
impl Check for ImagePinned {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let m = match manifests(cx).await {
            Ok(m) => m,
            Err(o) => return o,
        };
        let digest = cx.params.bool("require_digest");
        let mut f = Findings::new();
        let mut retagged: Vec<String> = Vec::new();
        each_container(
            &m,
            true,
            |_| true,
            &mut f,
            |o, c, _, f| {
                let line = key_line(c, "image");
                match c.at("image").scalar_text() {
                    Some(img) if is_unresolved_text(&img) => undecided(f, o, line, "the image"),
                    Some(img) => {
                        if let Some(p) = image_problem(&img, digest) {
                            match m.retag_of(image_name(&img)) {
                                Some(r) => retagged.push(format!(
                                    "{}: image {img} is tagged at deploy ({}:{})",
                                    cname(o, c),
                                    r.file,
                                    r.line
                                )),
                                None => f.fail(format!("{}: {p}", cname(o, c)), at(o, line)),
                            }
                        }
                    }
                    None => f.fail(format!("{} has no image", cname(o, c)), at(o, c.line)),
                }
            },
        );
        let mut out = finish(
            f,
            &m,
            "every image is pinned",
            "pin every image to a version tag or an @sha256 digest",
        );
        if !retagged.is_empty() {
            out.evidence.push(format!(
                "{} image reference(s) get their tag from a deploy tool (kustomize images, Skaffold artifacts); first: {}",
                retagged.len(),
                retagged[0]
            ));
        }
        out
    }
}

/// The image's repository, without tag or digest (`ghcr.io/acme/api:1.2` → `ghcr.io/acme/api`).
fn image_name(image: &str) -> &str {
    let image = image.trim();
    let image = image.split_once('@').map_or(image, |(n, _)| n);
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

#[cfg(test)]
mod tests {
    use super::image_problem;

    #[test]
    fn image_names() {
        use super::image_name;
        assert_eq!(image_name("adservice"), "adservice");
        assert_eq!(image_name("ghcr.io/acme/api:1.2"), "ghcr.io/acme/api");
        assert_eq!(image_name("localhost:5000/api"), "localhost:5000/api");
        assert_eq!(
            image_name("localhost:5000/api:latest"),
            "localhost:5000/api"
        );
        assert_eq!(image_name("api@sha256:ab"), "api");
    }

    #[test]
    fn image_references() {
        for bad in [
            "nginx",
            "nginx:latest",
            "localhost:5000/app",
            "ghcr.io/a/b:latest",
            "",
        ] {
            assert!(image_problem(bad, false).is_some(), "{bad}");
        }
        for good in [
            "nginx:1.25",
            "localhost:5000/app:1.0",
            "ghcr.io/a/b@sha256:abc",
            "a/b:1.0@sha256:abc",
        ] {
            assert_eq!(image_problem(good, false), None, "{good}");
        }
        assert!(image_problem("nginx:1.25", true).is_some());
    }
}
