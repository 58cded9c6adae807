use super::{NO_DOCKERFILE, at, deployable, dockerfiles, usable};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::dockerfile::Form;

pub struct ExecFormEntrypoint;

static META: CheckMeta = CheckMeta {
    code: "DOCKER007",
    slug: "docker-exec-form-entrypoint",
    category: Category::Deployment,
    severity: Severity::Medium,
    summary: "The image starts its process in exec form, so SIGTERM reaches it and shutdown is graceful",
    doc: CheckDoc {
        what: "For every Dockerfile outside tests and examples, the final stage's `ENTRYPOINT` \
(or, without one, its `CMD`) is written in exec form (`[\"gunicorn\", \"app:app\"]`) or, in \
shell form, starts with `exec`. A shell-form `CMD` after an exec-form `ENTRYPOINT` is not \
reported (it only supplies arguments).",
        why: "In shell form the container's PID 1 is `/bin/sh -c`, which does not forward \
SIGTERM: on every deploy, scale-down or node drain the application is not told to stop, \
finishes no in-flight request, closes no connection, and is killed with SIGKILL after the grace \
period.",
        fix: "Write `CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]`, or end a \
wrapper script with `exec \"$@\"`, or prefix the shell form with `exec`.",
        example: "```dockerfile\n# fails\nCMD gunicorn --bind 0.0.0.0:8000 app:app\n# passes\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "CMD",
        "ENTRYPOINT",
        "exec form",
        "graceful shutdown",
        "SIGTERM",
        "signals",
    ],
};

#[async_trait::async_trait]
impl Check for ExecFormEntrypoint {
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
            if !usable(f, &mut findings) {
                findings.inspected();
                continue;
            }
            let df = &f.parsed;
            let Some(last) = df.final_stage() else {
                continue;
            };
            let start = df
                .effective(last.index, "ENTRYPOINT")
                .or_else(|| df.effective(last.index, "CMD"));
            let Some(ins) = start else { continue };
            findings.inspected();
            if let Form::Shell(s) = &ins.form
                && !s.trim_start().starts_with("exec ")
                && !s.trim().is_empty()
            {
                findings.fail(
                    format!(
                        "{} in shell form runs under /bin/sh, which does not forward SIGTERM",
                        ins.keyword
                    ),
                    at(f, ins.line),
                );
            }
        }
        findings.into_outcome(
            "every image starts its process in exec form",
            NO_DOCKERFILE,
            "write CMD/ENTRYPOINT as a JSON array, or prefix the shell form with exec",
        )
    }
}
