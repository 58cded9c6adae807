use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::redact::{is_secret_name, redact};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::{key_values, split_words};

pub struct NoSecretsInEnvArg;

static META: CheckMeta = CheckMeta {
    code: "DOCKER004",
    slug: "docker-no-secrets-in-env-arg",
    category: Category::Secrets,
    severity: Severity::High,
    summary: "No secret is baked into an image through ENV or passed as a build ARG",
    doc: CheckDoc {
        what: "In every Dockerfile outside tests and examples, an `ENV` whose variable name marks \
a secret (`*SECRET*`, `*PASSWORD*`, `*TOKEN*`, `*_KEY`, …) must not be given a value, and no \
`ARG` may have a secret-marked name. Values are never shown; findings carry a redacted \
fingerprint. `*_FILE` and `*_PATH` variables (pointers to mounted secrets) are fine.",
        why: "`ENV` values are stored in the image configuration and `ARG` values in its build \
history: anyone who can pull the image reads them with `docker inspect` or `docker history`, \
long after the secret was rotated everywhere else.",
        fix: "Pass secrets at run time (orchestrator secrets, env files outside the image), and \
for build-time secrets use BuildKit: `RUN --mount=type=secret,id=npm_token …`.",
        example: "```dockerfile\n# fails\nARG NPM_TOKEN\nENV SECRET_KEY=3f9c2a…\n# passes\nRUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci\nENV SECRET_KEY_FILE=/run/secrets/secret_key\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "ENV",
        "ARG",
        "build args",
        "secrets in image",
        "docker history",
        "secrets not in image",
    ],
};

#[async_trait::async_trait]
impl Check for NoSecretsInEnvArg {
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
            for ins in &f.parsed.instructions {
                match ins.keyword.as_str() {
                    "ENV" => {
                        for (k, v) in key_values(&ins.args) {
                            if is_secret_name(&k) && !v.trim().is_empty() {
                                let shown = if v.starts_with('$') {
                                    format!("from build argument {v}")
                                } else {
                                    redact(&v)
                                };
                                findings.fail(
                                    format!("ENV {k} bakes a secret into the image ({shown})"),
                                    at(f, ins.line),
                                );
                            }
                        }
                    }
                    "ARG" => {
                        for w in split_words(&ins.args) {
                            let name = w.split('=').next().unwrap_or(&w);
                            if is_secret_name(name) {
                                findings.fail(
                                    format!("ARG {name} passes a secret as a build argument: it stays in the image history"),
                                    at(f, ins.line),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        findings.into_outcome(
            "no Dockerfile sets a secret through ENV or ARG",
            NO_DOCKERFILE,
            "use run-time secrets, or RUN --mount=type=secret for build-time ones",
        )
    }
}
