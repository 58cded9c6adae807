use super::compose;
use golive_core::Severity;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Status,
};
use golive_facts::compose::{PathKind, PathState};

pub struct ReferencedFilesExist;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE004",
    slug: "compose-referenced-files-exist",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "Every file a compose file names exists: env_files, bind sources, build contexts, Dockerfiles, configs",
    doc: CheckDoc {
        what: "In every compose file outside tests and examples (and every file they bring in \
with `include:`), each `include:` path and its `env_file`, each `env_file` (unless \
`required: false`), build context, `build.dockerfile`, top-level `configs`/`secrets` `file:`, \
and each bind-mount source that must be content rather than an empty directory Docker would \
create (a source with a file extension, a read-only mount, or a mount into an init or \
entrypoint directory such as `/docker-entrypoint-initdb.d`) must exist relative to the compose \
file (or the include's `project_directory`). A missing file that is git-ignored (an env file written by the deploy) is a warning; \
paths made of variables without defaults are not decided.",
        why: "A missing env file or Dockerfile stops `docker compose up` at deploy time; a missing \
bind source is worse: Docker creates an empty directory in its place, so the init scripts never \
run and nginx starts without its configuration, silently.",
        fix: "Commit the file or fix the path (relative to the compose file's directory); for an \
env file the pipeline writes, mark it `required: false` or make sure the deploy creates it.",
        example: "```yaml\nservices:\n  db:\n    volumes:\n      # fails when ./db/init is not in the repository\n      - ./db/init:/docker-entrypoint-initdb.d:ro\n    env_file: .env.production\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "env_file",
        "volumes",
        "bind mount",
        "build context",
        "Dockerfile",
        "missing file",
        "init scripts",
        "entrypoint",
    ],
};

fn must_exist(kind: PathKind, rel: &str, target: Option<&str>, read_only: bool) -> bool {
    if kind != PathKind::BindSource {
        return true;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let has_ext = name.rfind('.').is_some_and(|p| p > 0 && p + 1 < name.len());
    let t = target.unwrap_or("").to_ascii_lowercase();
    has_ext
        || read_only
        || t.contains("initdb")
        || t.contains("entrypoint")
        || t.contains("/init")
        || t.ends_with(".conf")
}

#[async_trait::async_trait]
impl Check for ReferencedFilesExist {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        for f in &files.files {
            findings.inspected();
            if let Some(e) = &f.error {
                findings.push(
                    Status::Error,
                    format!("cannot parse: {}", e.message),
                    Some(Location::line(f.rel.clone(), e.line)),
                );
            }
        }
        for (r, state) in &files.paths {
            let at = Location::line(r.file.clone(), r.line);
            let who = r
                .service
                .as_deref()
                .map(|s| format!("service {s}: "))
                .unwrap_or_default();
            let what = r.kind.as_str();
            match state {
                PathState::Missing if r.optional => {}
                PathState::Missing
                    if must_exist(r.kind, &r.rel, r.target.as_deref(), r.read_only) =>
                {
                    findings.fail(
                        format!("{who}{what} {} does not exist ({})", r.written, r.rel),
                        at,
                    );
                }
                PathState::MissingIgnored if r.kind == PathKind::EnvFile && !r.optional => {
                    findings.warn(format!("{who}{what} {} is not in the repository (git-ignored): the deploy must create it", r.written), at);
                }
                PathState::MissingIgnored
                    if r.kind != PathKind::EnvFile
                        && must_exist(r.kind, &r.rel, r.target.as_deref(), r.read_only) =>
                {
                    findings.warn(
                        format!(
                            "{who}{what} {} is git-ignored and absent: the deploy must create it",
                            r.written
                        ),
                        at,
                    );
                }
                PathState::File if matches!(r.kind, PathKind::BuildContext) => {
                    findings.fail(
                        format!(
                            "{who}build context {} is a file, not a directory",
                            r.written
                        ),
                        at,
                    );
                }
                PathState::Dir if matches!(r.kind, PathKind::EnvFile | PathKind::Dockerfile) => {
                    findings.fail(format!("{who}{what} {} is a directory", r.written), at);
                }
                _ => {}
            }
        }
        findings.into_outcome(
            format!(
                "every path the {} compose file(s) name exists",
                files.files.len()
            ),
            "no compose file found outside tests and examples",
            "commit the missing file or fix the path relative to the compose file",
        )
    }
}
