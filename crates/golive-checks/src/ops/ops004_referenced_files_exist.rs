use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity, Status,
};
use golive_facts::file_refs::{FileRefs, RefState};

pub struct ReferencedFilesExist;

static META: CheckMeta = CheckMeta {
    code: "OPS004",
    slug: "ops-referenced-files-exist",
    category: Category::Deployment,
    severity: Severity::Medium,
    summary: "Scripts and files that the repository's runbooks, checklists, scripts, Makefiles, package.json and CI pipelines name exist",
    doc: CheckDoc {
        what: "Collects the paths the repository names for people and machines to use, and checks \
each exists: in operational markdown (READMEs, runbooks, checklists, deploy, release, backup, \
restore, disaster-recovery, incident and on-call documents, by file or directory name; not \
changelogs or other prose, which name example paths), relative links, inline code that is one path \
(`scripts/backup_database.sh`, `./deploy.sh`; not a bare name, which often lives elsewhere) or a command (`bash scripts/restore.sh`), and \
commands in fenced blocks marked `bash`/`sh`/`shell`/`zsh`, `console` prompts (`$ …`) or \
unmarked (in prose a command must be `./x`, `../x` or have a file extension); in shell scripts, Makefile recipes and package.json `scripts`, what a command runs or \
sources (`./scripts/x.sh`, `bash scripts/x.sh`, `source lib.sh`, `. lib.sh`, `python3 x.py`); \
in CI pipelines, the same in GitHub Actions `run:` steps (from the repository root or the step's \
`working-directory`; steps in another `shell` or an unknown `working-directory`, and what follows a `cd` to \
`$VAR`, are not read), \
the `run` steps of composite actions (`action.yml`; `${{ github.action_path }}` is the action's \
directory), GitLab CI `script`, `before_script` and `after_script`, CircleCI `run` steps of jobs \
that `checkout` (a step's `working_directory` honoured; `<< parameters.x >>` is a value, not a \
path), Azure Pipelines `script`/`bash` steps (`workingDirectory` honoured; not deployment jobs or \
jobs with `checkout: none`) and local `template:` files (from the including file's directory, \
`/x` from the root; not `x.yml@repo`), Bitbucket Pipelines step `script` and `after-script`, and \
the local actions and reusable workflows a workflow `uses: ./…`. \
Conservative on purpose: only repository-relative paths that look like files (a `/` and a known \
extension or name; in scripts also a `./` prefix or a script run by an interpreter); never URLs, globs, `$VAR`/`${VAR}` paths, \
`~`, absolute paths (`/etc/…`), env files, build outputs (dist/, node_modules/, venv/…), fenced \
blocks in other languages (yaml, text: examples and output), heredoc bodies, or paths a script \
tests with `[ -f … ]` first, or paths inside another repository a script or job clones (`git clone … dir`, \
`actions/checkout` with `repository` and `path`; in a CI file, also one that another \
step clones), or paths a CI step writes (`-o ml_example`, `> x`, the target of `cp`) \
for another to run. A script a Dockerfile copies by its own name (`COPY docker/entrypoint.sh \
/opt/app/`) runs in the image, from the image's working directory: its paths are not read. `cd`, `pushd` and `popd` move the directory a script \
resolves from (a script's own directory, `$(dirname \"$0\")`, `${BASH_SOURCE%/*}` or a variable set from them or from `git rev-parse --show-toplevel`, is followed; after a `popd` or a `cd` to any other `$VAR` nothing more is read; a `cd` in a `( … )` subshell holds for its line). A path resolves from the repository root or the referring file's \
directory (links: the document's directory). Missing and git-ignored is a warning (a build or \
the deploy may create it). Dockerfiles and compose files have DOCKER006 and COMPOSE004; tests \
and examples are not read.",
        why: "The runbook is read during an incident and the checklist during a deploy: a step that \
says `./scripts/backup_database.sh` when the script was renamed or never committed fails at the \
worst moment, and a `make deploy` or a release workflow that calls a deleted script breaks the \
release.",
        fix: "Commit the file, or correct the reference (the message suggests a similarly named \
file when there is one). Write placeholders for examples (`<script>`) or put them in a fenced \
`text` block.",
        example: "```markdown\n- [ ] Automated backups enabled (see `scripts/backup_database.sh`)\n<!-- fails when the repository has scripts/backup_db.sh instead: did you mean it? -->\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "referenced scripts",
        "missing script",
        "scripts exist",
        "broken links",
        "referenced files",
    ],
};

#[async_trait::async_trait]
impl Check for ReferencedFilesExist {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let refs = match cx.facts.get::<FileRefs>().await {
            Ok(r) => r,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        for (file, line, why) in &refs.problems {
            findings.push(
                Status::Error,
                format!("cannot read {file}: {why}"),
                Some(Location::line(file.clone(), *line)),
            );
        }
        if refs.truncated {
            findings.push(
                Status::Warn,
                "too many files or references: only the first ones were checked",
                None,
            );
        }
        for r in &refs.refs {
            findings.inspected();
            let at = Location::line(r.file.clone(), r.line);
            let what = r.source.as_str();
            match r.state {
                RefState::Exists => {}
                RefState::Missing => {
                    let hint = r
                        .suggestion
                        .as_deref()
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    findings.fail(
                        format!("{what} names {}, which does not exist{hint}", r.written),
                        at,
                    );
                }
                RefState::MissingIgnored => findings.warn(
                    format!(
                        "{what} names {}, which is git-ignored and absent: something must create it",
                        r.written
                    ),
                    at,
                ),
            }
        }
        findings.into_outcome(
            format!(
                "the {} file path(s) named by {} document(s) and script(s) exist",
                refs.refs.len(),
                refs.scanned
            ),
            "no document or script of the repository names a file (or none was found)",
            "commit the missing file or correct the reference",
        )
    }
}
