use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct NonRootUser;

static META: CheckMeta = CheckMeta {
    code: "DOCKER001",
    slug: "docker-non-root-user",
    category: Category::Security,
    severity: Severity::High,
    summary: "The final stage of each Dockerfile switches to a non-root USER",
    doc: CheckDoc {
        what: "For every Dockerfile outside tests and examples, the last `USER` that applies to \
the final stage (looking through the stages it builds on with `FROM <stage>`) must name a user \
other than `root`, `0` or `0:<group>`. A final stage without any `USER` fails, except on \
distroless `:nonroot` bases that already run as an unprivileged user. A `USER $VAR` whose value \
cannot be known is a warning, and so is a user given by name rather than numeric UID (Kubernetes \
refuses to start an image with a named user under `runAsNonRoot: true`, because it cannot verify \
the name is not root).",
        why: "A process running as root inside a container is one kernel or runtime bug away \
from root on the host, can rewrite its own image files, and is refused by Kubernetes clusters \
that enforce `runAsNonRoot` or the restricted Pod Security standard.",
        fix: "Create an unprivileged user and switch to it at the end of the final stage: \
`RUN useradd --uid 10001 --no-create-home app` then `USER 10001` (a numeric UID lets \
Kubernetes verify `runAsNonRoot`).",
        example: "```dockerfile\n# fails: no USER, runs as root\nFROM python:3.12-slim\nCMD [\"gunicorn\", \"app:app\"]\n\n# passes\nFROM python:3.12-slim\nRUN useradd --uid 10001 app\nUSER 10001\nCMD [\"gunicorn\", \"app:app\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "USER",
        "non-root",
        "root",
        "runAsNonRoot",
        "container user",
        "containers not running as root",
    ],
};

fn is_root(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or(user).trim();
    u.eq_ignore_ascii_case("root") || u == "0"
}

#[async_trait::async_trait]
impl Check for NonRootUser {
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
            let df = &f.parsed;
            let Some(last) = df.final_stage() else {
                continue;
            };
            match df.effective(last.index, "USER") {
                Some(u) => {
                    let user = u.args.split_whitespace().next().unwrap_or("");
                    if user.contains('$') {
                        findings.warn(format!("final stage sets USER {user}, whose value cannot be known statically"), at(f, u.line));
                    } else if is_root(user) {
                        findings.fail(format!("final stage runs as USER {user}"), at(f, u.line));
                    } else if !user
                        .split(':')
                        .next()
                        .unwrap_or(user)
                        .chars()
                        .all(|c| c.is_ascii_digit())
                    {
                        findings.warn(
                            format!("USER {user} is a name: Kubernetes runAsNonRoot can only verify a numeric UID"),
                            at(f, u.line),
                        );
                    }
                }
                None => {
                    let base = df
                        .root_base(last.index)
                        .map(|s| s.base_raw.to_ascii_lowercase())
                        .unwrap_or_default();
                    if !(base.contains("distroless") && base.contains("nonroot")) {
                        findings.fail(
                            format!(
                                "final stage (FROM {}) sets no USER: the container runs as root",
                                last.base_raw
                            ),
                            at(f, last.line),
                        );
                    }
                }
            }
        }
        findings.into_outcome(
            "every Dockerfile's final stage runs as a non-root user",
            NO_DOCKERFILE,
            "add `USER 10001` (a created, unprivileged user) at the end of the final stage",
        )
    }
}
