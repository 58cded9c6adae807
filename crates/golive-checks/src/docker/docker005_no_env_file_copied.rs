use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::DockerBuilds;

pub struct NoEnvFileCopied;

static META: CheckMeta = CheckMeta {
    code: "DOCKER005",
    slug: "docker-no-env-file-copied",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "No .env file is copied into an image, by name or by a directory COPY",
    doc: CheckDoc {
        what: "For every Dockerfile outside tests and examples, no `COPY`/`ADD` from the build \
context may name an env file (`.env`, `.env.production`, `prod.env`; templates such as \
`.env.example` are fine), and no directory copy (`COPY . .`) may sweep in an env file that is \
present in the build context and not excluded by `.dockerignore` (or `<Dockerfile>.dockerignore`). \
The build context is the one a compose service declares for the Dockerfile, else the Dockerfile's \
directory or the repository root, whichever holds the copied sources. A directory copy with no \
`.dockerignore` excluding `.env` is a warning even when no env file is present now.",
        why: "An env file holds the production secrets. Copied into a layer, it ships with the \
image to every registry, cache and laptop that pulls it, and deleting it in a later layer does \
not remove it from the earlier one.",
        fix: "Add `.env` and `.env.*` (with `!.env.example`) to `.dockerignore`, copy only the \
directories the app needs, and pass configuration at run time (`env_file:` in compose, Secrets \
in Kubernetes).",
        example: "```\n# fails\nCOPY .env.production /app/.env\nCOPY . /app        # with .env present and no .dockerignore\n# passes: .dockerignore\n.env\n.env.*\n!.env.example\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        ".env",
        ".dockerignore",
        "COPY",
        "env file in image",
        "secrets in image",
    ],
};

#[async_trait::async_trait]
impl Check for NoEnvFileCopied {
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
            for c in &b.env_copies {
                let how = if c.explicit {
                    format!("copies {} into the image", c.env_file)
                } else {
                    match &b.dockerignore {
                        Some(di) => format!(
                            "COPY {} takes {} into the image ({di} does not exclude it)",
                            c.source, c.env_file
                        ),
                        None => format!(
                            "COPY {} takes {} into the image (no .dockerignore)",
                            c.source, c.env_file
                        ),
                    }
                };
                findings.fail(how, at(f, c.line));
            }
            if b.env_copies.is_empty()
                && !b.dockerignore_excludes_env
                && let Some((line, src)) = &b.copies_directory
            {
                findings.warn(
                        format!(
                            "COPY {src} copies the build context ({}) and no .dockerignore excludes .env files",
                            if b.context.is_empty() { "repository root" } else { &b.context }
                        ),
                        at(f, *line),
                    );
            }
        }
        findings.into_outcome(
            "no Dockerfile copies an env file into its image",
            NO_DOCKERFILE,
            "add .env and .env.* to .dockerignore and copy only what the app needs",
        )
    }
}
