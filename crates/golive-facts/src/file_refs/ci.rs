//! The files a CI pipeline runs: GitHub Actions `run:` steps, local actions (`uses: ./…`) and
//! the steps of composite actions, GitLab CI `script`, `before_script` and `after_script`,
//! CircleCI `run` steps, Azure Pipelines `script`/`bash` steps and local templates, and
//! Bitbucket Pipelines step scripts. A step that runs a script the repository no longer has
//! fails the release pipeline, not a build on a laptop.
//!
//! The script text of a step goes through the shell-script extractor (so heredocs, `cd` and
//! `[ -f … ]` tests count the same), then each reference is placed on the line of the file
//! that holds it. Steps in another shell (`shell: pwsh`, `python`) are not read. Jobs run from
//! the repository root, or from the working directory a step or its defaults name.

use super::{RawRef, RefHow, cloned_dirs, shell_refs, tested_paths, under_any};
use crate::yaml_tree::{Node, parse_documents};
use regex::Regex;
use std::sync::LazyLock;

/// GitLab CI top-level keys that are not jobs.
const GITLAB_KEYWORDS: &[&str] = &[
    "stages",
    "variables",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
];

/// Which CI system a file configures, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pipeline {
    GithubWorkflow,
    /// `action.yml`: a composite action's steps run in the job that uses it.
    GithubAction,
    Gitlab,
    CircleCi,
    Azure,
    Bitbucket,
}

fn pipeline_of(rel: &str) -> Option<Pipeline> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    Some(match name {
        ".gitlab-ci.yml" => Pipeline::Gitlab,
        "action.yml" | "action.yaml" => Pipeline::GithubAction,
        "azure-pipelines.yml" | "azure-pipelines.yaml" => Pipeline::Azure,
        "bitbucket-pipelines.yml" if rel == name => Pipeline::Bitbucket,
        "config.yml" if rel == ".circleci/config.yml" => Pipeline::CircleCi,
        _ if yaml
            && (rel.starts_with(".github/workflows/") || rel.contains("/.github/workflows/")) =>
        {
            Pipeline::GithubWorkflow
        }
        _ => return None,
    })
}

/// Whether [`ci_refs`] reads this repository path: workflows where the CI system looks for
/// them (GitHub's only at the root), and actions anywhere (`uses: ./path` may name any
/// directory).
pub(crate) fn reads_ci(rel: &str) -> bool {
    match pipeline_of(rel) {
        Some(Pipeline::GithubWorkflow) => rel.starts_with(".github/workflows/"),
        Some(_) => true,
        None => false,
    }
}

/// A path of each pipeline kind [`ci_refs`] reads, where its CI system looks for it: the
/// tests and the fuzz target feed the same input as each kind.
pub const PIPELINE_PATHS: [&str; 6] = [
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    ".github/actions/a/action.yml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
];

/// The references of a CI configuration; `Err` (line, message) when it is not YAML.
pub fn ci_refs(rel: &str, text: &str) -> Result<Vec<RawRef>, (u32, String)> {
    let Some(pipeline) = pipeline_of(rel) else {
        return Ok(Vec::new());
    };
    let docs = parse_documents(text).map_err(|e| (e.line.unwrap_or(1), e.message))?;
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut scripts: Vec<Script> = Vec::new();
    let mut out = Vec::new();
    for doc in &docs {
        match pipeline {
            Pipeline::Gitlab => gitlab_scripts(doc, &mut scripts),
            Pipeline::GithubWorkflow => github_scripts(doc, &mut scripts, &mut out),
            Pipeline::GithubAction => action_scripts(doc, dir, &mut scripts, &mut out),
            Pipeline::CircleCi => circleci_scripts(doc, &mut scripts),
            Pipeline::Azure => azure_scripts(doc, dir, &mut scripts, &mut out),
            Pipeline::Bitbucket => bitbucket_scripts(doc, &mut scripts),
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    // What one step writes or tests (`-o ml_example`, `> out.txt`, `[ -f x ]`), a later one may
    // run: the steps of a job share a workspace, so such a path is no missing file. Taken over
    // the whole file, not per job: a missed alarm rather than a false one.
    let made: Vec<String> = scripts
        .iter()
        .flat_map(|s| tested_paths(&s.text))
        .map(|p| p.trim_start_matches("./").to_string())
        .collect();
    // Likewise a repository one step clones (GitLab's `before_script`, a CircleCI or Azure
    // step) is there for the later ones.
    let clones: Vec<String> = scripts.iter().flat_map(|s| cloned_dirs(&s.text)).collect();
    for mut s in scripts {
        s.foreign.extend(clones.iter().cloned());
        let mut cursor = s.line.saturating_sub(1) as usize;
        // Placed by the text as the file has it, before any substitution.
        let shown_lines: Vec<&str> = s.shown.as_deref().unwrap_or(&s.text).lines().collect();
        let foreign = |r: &RawRef| {
            let in_dir = match (&r.cwd, &s.cwd) {
                (Some(cd), _) if cd.starts_with(['/', '~']) => return false,
                (Some(cd), Some(wd)) => format!("{wd}/{cd}/"),
                (Some(d), None) | (None, Some(d)) => format!("{d}/"),
                (None, None) => String::new(),
            };
            under_any(
                &format!("{in_dir}{}", r.written.trim_start_matches("./")),
                &s.foreign,
            )
        };
        let made_here = |r: &RawRef| made.iter().any(|m| m == r.written.trim_start_matches("./"));
        for r in shell_refs(&s.text)
            .into_iter()
            .filter(|r| !foreign(r) && !made_here(r))
        {
            let written_on = shown_lines
                .get(r.line.saturating_sub(1) as usize)
                .map_or("", |l| l.trim());
            let line = place(&lines, &mut cursor, written_on).unwrap_or(s.line);
            let cwd = match (r.cwd, &s.cwd) {
                (Some(cd), Some(wd)) if !cd.starts_with(['/', '~']) => Some(format!("{wd}/{cd}")),
                (Some(cd), _) => Some(cd),
                (None, wd) => wd.clone(),
            };
            out.push(RawRef {
                line,
                written: r.written,
                how: RefHow::Command,
                cwd,
            });
        }
    }
    out.sort_by_key(|r| r.line);
    Ok(out)
}

/// One step's shell text, the workflow line it starts on, and its working directory.
struct Script {
    text: String,
    /// The text as the file has it, when `text` had CI expressions replaced.
    shown: Option<String>,
    line: u32,
    cwd: Option<String>,
    /// Directories that hold another repository in this job (an earlier step cloned or
    /// checked it out there): what the step runs from them is not this repository's.
    foreign: Vec<String>,
}

impl Script {
    fn new(text: &str, line: u32, cwd: Option<String>) -> Self {
        Script {
            text: text.to_string(),
            shown: None,
            line: line.max(1),
            cwd,
            foreign: Vec::new(),
        }
    }

    /// With every match of `pattern` replaced by `with`; the original is kept for placing.
    fn substituted(mut self, pattern: &Regex, with: &str) -> Self {
        if let std::borrow::Cow::Owned(t) = pattern.replace_all(&self.text, with) {
            self.shown = Some(std::mem::replace(&mut self.text, t));
        }
        self
    }
}

/// The 1-based workflow line at or after `cursor` that holds `written` (a script line, trimmed),
/// moving the cursor there: a block scalar's lines follow each other in the file.
fn place(lines: &[&str], cursor: &mut usize, written: &str) -> Option<u32> {
    if written.is_empty() {
        return None;
    }
    let found = lines
        .iter()
        .enumerate()
        .skip(*cursor)
        .find(|(_, l)| l.contains(written))
        .map(|(i, _)| i)?;
    *cursor = found;
    u32::try_from(found + 1).ok()
}

/// A `working-directory`: `None` when not set, `Some(None)` when it is not known statically
/// (`${{ matrix.dir }}`, `$VAR`), so the step's paths cannot be placed.
fn working_dir(n: Option<&Node>) -> Option<Option<String>> {
    let n = n?;
    let Some(d) = n.as_str() else {
        return Some(None);
    };
    Some(working_dir_text(d))
}

/// A local action or reusable workflow (`uses: ./path`), as a repository path.
fn local_uses(n: Option<&Node>) -> Option<(u32, String)> {
    let n = n?;
    let local = n.as_str()?.trim().strip_prefix("./")?.trim_end_matches('/');
    (!local.is_empty() && !local.contains('$')).then(|| (n.line, local.to_string()))
}

fn runs_in_a_posix_shell(shell: Option<&Node>) -> bool {
    match shell.and_then(Node::as_str) {
        None => true,
        Some(s) => {
            // `bash -e {0}`, CircleCI's `/bin/bash -eo pipefail`.
            let first = s.split_whitespace().next().unwrap_or("");
            let program = first.rsplit('/').next().unwrap_or(first);
            matches!(program, "bash" | "sh")
        }
    }
}

/// A file or directory the configuration names outright, relative to `cwd` or the root.
fn mention(out: &mut Vec<RawRef>, (line, written): (u32, String), cwd: Option<String>) {
    out.push(RawRef {
        line: line.max(1),
        written,
        how: RefHow::Mention,
        cwd,
    });
}

fn github_scripts(doc: &Node, scripts: &mut Vec<Script>, out: &mut Vec<RawRef>) {
    let mut named = |u| mention(out, u, None);
    let workflow_dir = working_dir(doc.path(&["defaults", "run", "working-directory"]));
    let workflow_shell = doc.path(&["defaults", "run", "shell"]);
    for job in doc.at("jobs").entries() {
        // A reusable workflow of the repository (`jobs.<id>.uses: ./.github/workflows/x.yml`).
        if let Some(u) = local_uses(job.node.get("uses")) {
            named(u);
        }
        let job_dir = working_dir(job.node.path(&["defaults", "run", "working-directory"]))
            .or_else(|| workflow_dir.clone());
        let job_shell = job
            .node
            .path(&["defaults", "run", "shell"])
            .or(workflow_shell);
        let steps = job.node.at("steps").as_seq();
        let Some(foreign) = other_repositories(steps) else {
            continue;
        };
        let first = scripts.len();
        for step in steps {
            // A local action is a directory holding action.yml.
            if let Some(u) = local_uses(step.get("uses")) {
                named(u);
            }
            let Some(run) = step.get("run") else { continue };
            let Some(text) = run.as_str() else { continue };
            if !runs_in_a_posix_shell(step.get("shell").or(job_shell)) {
                continue;
            }
            let cwd = match working_dir(step.get("working-directory")).or_else(|| job_dir.clone()) {
                // Runs somewhere golive cannot know: nothing to check.
                Some(None) => continue,
                Some(Some(d)) => Some(d).filter(|d| !d.is_empty()),
                None => None,
            };
            scripts.push(Script::new(text, run.line, cwd));
        }
        for s in &mut scripts[first..] {
            s.foreign.clone_from(&foreign);
        }
    }
}

/// The directories of a job's steps that hold other repositories: where `git clone` puts one
/// and where `actions/checkout` with a `repository` does. `None` when the job checks this
/// repository out into a `path` of its own: its files are not where the root says.
fn other_repositories(steps: &[Node]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for step in steps {
        if let Some(text) = step.get("run").and_then(Node::as_str) {
            out.extend(cloned_dirs(text));
        }
        let is_checkout = step
            .get("uses")
            .and_then(Node::as_str)
            .is_some_and(|u| u.trim().starts_with("actions/checkout@"));
        let path = step.path(&["with", "path"]).and_then(Node::as_str);
        if let (true, Some(path)) = (is_checkout, path) {
            let path = path.trim().trim_start_matches("./").trim_end_matches('/');
            if step.path(&["with", "repository"]).is_none() {
                if !path.is_empty() && path != "." {
                    return None;
                }
            } else if !path.is_empty() {
                out.push(path.to_string());
            }
        }
    }
    Some(out)
}

fn gitlab_scripts(doc: &Node, scripts: &mut Vec<Script>) {
    let mut add = |n: &Node| {
        for item in std::iter::once(n).chain(n.as_seq()) {
            if let Some(text) = item.as_str() {
                scripts.push(Script::new(text, item.line, None));
            }
        }
    };
    for e in doc.entries() {
        // Hidden jobs (`.template`) are templates that `extends` runs; they are read too, and
        // so is `default`, whose scripts every job runs.
        if GITLAB_KEYWORDS.contains(&e.key.as_str()) {
            continue;
        }
        if e.key == "before_script" || e.key == "after_script" {
            add(&e.node);
            continue;
        }
        for key in ["script", "before_script", "after_script"] {
            if let Some(n) = e.node.get(key) {
                add(n);
            }
        }
    }
}

/// `${{ github.action_path }}` and `$GITHUB_ACTION_PATH`: the directory of the action.
static ACTION_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\$\{\{\s*github\.action_path\s*\}\}|\$\{GITHUB_ACTION_PATH\}|\$GITHUB_ACTION_PATH\b",
    )
    .expect("action path pattern is valid")
});

/// The `run` steps of a composite action (`runs.using: composite`). They run in the
/// workspace of the job that uses the action, that is the repository root, unless they name
/// a `working-directory`; `${{ github.action_path }}` is the action's own directory.
fn action_scripts(doc: &Node, dir: &str, scripts: &mut Vec<Script>, out: &mut Vec<RawRef>) {
    if doc.path(&["runs", "using"]).and_then(Node::as_str) != Some("composite") {
        return;
    }
    let here = if dir.is_empty() { "." } else { dir };
    let steps = doc.path(&["runs", "steps"]).map_or(&[][..], Node::as_seq);
    // The action's steps run in one job: as for a workflow's job, a step that checks another
    // repository out (`actions/checkout` with `repository` and `path`) marks it, and one that
    // checks this repository out elsewhere leaves nothing to resolve from the root.
    let Some(foreign) = other_repositories(steps) else {
        return;
    };
    let first = scripts.len();
    for step in steps {
        if let Some(u) = local_uses(step.get("uses")) {
            mention(out, u, None);
        }
        let Some(run) = step.get("run") else { continue };
        let Some(text) = run.as_str() else { continue };
        if !runs_in_a_posix_shell(step.get("shell")) {
            continue;
        }
        let wd = step
            .get("working-directory")
            .and_then(Node::as_str)
            .map(|d| ACTION_PATH.replace_all(d, here).into_owned());
        let cwd = match wd.as_deref().map(working_dir_text) {
            Some(None) => continue,
            Some(Some(d)) => Some(d).filter(|d| !d.is_empty() && d != "."),
            None => None,
        };
        scripts.push(Script::new(text, run.line, cwd).substituted(&ACTION_PATH, here));
    }
    for s in &mut scripts[first..] {
        s.foreign.clone_from(&foreign);
    }
}

/// [`working_dir`] of a directory already read as text.
fn working_dir_text(d: &str) -> Option<String> {
    let d = d.trim().trim_start_matches("./").trim_end_matches('/');
    (!d.contains('$') && !d.starts_with(['/', '~'])).then(|| d.to_string())
}

/// CircleCI's `<< parameters.x >>` and `<< pipeline.x >>`: values known only when the job
/// runs. Read as a shell variable, not as the start of a heredoc.
static CIRCLECI_PARAMETER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<<\s*(parameters|pipeline)\.[\w.-]+\s*>>").expect("parameter pattern is valid")
});

/// The `run` steps of CircleCI jobs that check the repository out into their working
/// directory (a job without `checkout` runs on whatever an earlier job left it).
fn circleci_scripts(doc: &Node, scripts: &mut Vec<Script>) {
    for job in doc.at("jobs").entries() {
        let steps = job.node.at("steps").as_seq();
        let checks_out_here = steps.iter().any(|s| {
            s.as_str() == Some("checkout")
                || s.get("checkout").is_some_and(|c| c.get("path").is_none())
        });
        if !checks_out_here {
            continue;
        }
        let job_shell = job.node.get("shell");
        for step in steps {
            let Some(run) = step.get("run") else { continue };
            let (command, shell, wd) = match run.as_str() {
                Some(_) => (run, None, None),
                None => match run.get("command") {
                    Some(c) => (c, run.get("shell"), run.get("working_directory")),
                    None => continue,
                },
            };
            let Some(text) = command.as_str() else {
                continue;
            };
            if !runs_in_a_posix_shell(shell.or(job_shell)) {
                continue;
            }
            let cwd = match working_dir(wd) {
                Some(None) => continue,
                Some(Some(d)) => Some(d).filter(|d| !d.is_empty() && d != "."),
                None => None,
            };
            scripts.push(
                Script::new(text, command.line, cwd)
                    .substituted(&CIRCLECI_PARAMETER, "$CIRCLECI_PARAMETER"),
            );
        }
    }
}

/// Azure Pipelines: the `script` and `bash` steps of the pipeline, its jobs and its stages,
/// and the local templates they include (relative to the including file; `/x` is from the
/// root). `script` is read only on Linux and macOS agents (on Windows it is `cmd.exe`). Jobs
/// with `checkout: none` and deployment jobs (which check nothing out by default) are not read.
fn azure_scripts(doc: &Node, dir: &str, scripts: &mut Vec<Script>, out: &mut Vec<RawRef>) {
    let mut azure = Azure { dir, scripts, out };
    if let Some(extends) = doc.get("extends") {
        azure.template(extends);
    }
    let pool = doc.get("pool");
    azure.steps(doc.at("steps"), pool);
    azure.jobs(doc.at("jobs"), pool);
    for stage in doc.at("stages").as_seq() {
        azure.template(stage);
        azure.jobs(stage.at("jobs"), stage.get("pool").or(pool));
    }
}

struct Azure<'a> {
    dir: &'a str,
    scripts: &'a mut Vec<Script>,
    out: &'a mut Vec<RawRef>,
}

impl Azure<'_> {
    fn template(&mut self, n: &Node) {
        let Some(t) = n.get("template") else { return };
        let Some(path) = t.as_str().map(str::trim) else {
            return;
        };
        // `x.yml@other-repo` lives in another repository; expressions are not known here.
        if path.is_empty() || path.contains(['@', '$']) {
            return;
        }
        let (written, cwd) = match path.strip_prefix('/') {
            Some(from_root) => (from_root, None),
            None => (path, (!self.dir.is_empty()).then(|| self.dir.to_string())),
        };
        mention(self.out, (t.line, written.to_string()), cwd);
    }

    fn jobs(&mut self, jobs: &Node, pool: Option<&Node>) {
        for job in jobs.as_seq() {
            self.template(job);
            if job.get("deployment").is_none() {
                self.steps(job.at("steps"), job.get("pool").or(pool));
            }
        }
    }

    fn steps(&mut self, steps: &Node, pool: Option<&Node>) {
        let steps = steps.as_seq();
        if steps
            .iter()
            .any(|s| s.get("checkout").and_then(Node::as_str) == Some("none"))
        {
            return;
        }
        let posix_agent = posix_agent(pool);
        for step in steps {
            self.template(step);
            let run = match (step.get("bash"), step.get("script")) {
                (Some(b), _) => b,
                (None, Some(s)) if posix_agent => s,
                _ => continue,
            };
            let Some(text) = run.as_str() else { continue };
            let cwd = match working_dir(step.get("workingDirectory")) {
                Some(None) => continue,
                Some(Some(d)) => Some(d).filter(|d| !d.is_empty() && d != "."),
                None => None,
            };
            self.scripts.push(Script::new(text, run.line, cwd));
        }
    }
}

/// Whether an Azure pool runs Linux or macOS: no pool is Microsoft's `ubuntu-latest`; a
/// self-hosted pool or an image chosen by a variable is unknown, so no.
fn posix_agent(pool: Option<&Node>) -> bool {
    let Some(pool) = pool else { return true };
    let Some(image) = pool.get("vmImage").and_then(Node::as_str) else {
        return false;
    };
    let image = image.to_ascii_lowercase();
    !image.contains('$') && (image.contains("ubuntu") || image.contains("macos"))
}

/// Bitbucket Pipelines: the `script` and `after-script` of every step under `pipelines`
/// (default, branches, tags, pull requests, custom; in `parallel` and `stage` groups too).
/// A step runs in the clone of the repository.
fn bitbucket_scripts(doc: &Node, scripts: &mut Vec<Script>) {
    fn walk(n: &Node, depth: u8, scripts: &mut Vec<Script>) {
        if depth > 12 {
            return;
        }
        for item in n.as_seq() {
            walk(item, depth + 1, scripts);
        }
        for e in n.entries() {
            if e.key == "step" {
                for key in ["script", "after-script"] {
                    for line in e.node.at(key).as_seq() {
                        // A `pipe:` item is a map: not shell.
                        if let Some(text) = line.as_str() {
                            scripts.push(Script::new(text, line.line, None));
                        }
                    }
                }
            } else {
                walk(&e.node, depth + 1, scripts);
            }
        }
    }
    walk(doc.at("pipelines"), 0, scripts);
}

#[cfg(test)]
mod tests {
    use super::ci_refs;

    fn refs(rel: &str, text: &str) -> Vec<(u32, String, Option<String>)> {
        ci_refs(rel, text)
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.line, r.written, r.cwd))
            .collect()
    }

    #[test]
    fn github_run_steps_and_local_actions() {
        let wf = "\
name: release
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
      - run: ./scripts/build.sh --release
      - name: migrate
        run: |
          echo starting
          bash scripts/migrate.sh
          python3 tools/notify.py
      - run: ./deploy.ps1
        shell: pwsh
      - run: ./scripts/test.sh
        working-directory: services/api
      - run: ./scripts/${{ matrix.x }}.sh
      - run: |
          cd \"$GITHUB_WORKSPACE/app\"
          ./build-in-app.sh
      - run: ./only/in/matrix/dir.sh
        working-directory: ${{ matrix.dir }}
  shared:
    uses: ./.github/workflows/reusable.yml
";
        assert_eq!(
            refs(".github/workflows/release.yml", wf),
            vec![
                (8, ".github/actions/setup".into(), None),
                (9, "./scripts/build.sh".into(), None),
                (13, "scripts/migrate.sh".into(), None),
                (14, "tools/notify.py".into(), None),
                (17, "./scripts/test.sh".into(), Some("services/api".into())),
                (26, ".github/workflows/reusable.yml".into(), None),
            ]
        );
    }

    #[test]
    fn gitlab_scripts_of_jobs_and_defaults() {
        let ci = "\
stages: [test, deploy]
variables:
  script: ./not/a/script.sh
before_script:
  - ./ci/setup.sh
deploy:
  stage: deploy
  script:
    - ./scripts/deploy.sh production
    - echo done
.template:
  after_script: ./ci/cleanup.sh
";
        assert_eq!(
            refs(".gitlab-ci.yml", ci),
            vec![
                (5, "./ci/setup.sh".into(), None),
                (9, "./scripts/deploy.sh".into(), None),
                (12, "./ci/cleanup.sh".into(), None),
            ]
        );
    }

    #[test]
    fn composite_action_steps_run_in_the_workspace() {
        let action = "\
name: setup
runs:
  using: composite
  steps:
    - run: ./scripts/bootstrap.sh
      shell: bash
    - run: ${{ github.action_path }}/install.sh
      shell: bash
    - run: \"$GITHUB_ACTION_PATH/check.sh\"
      shell: sh
    - run: ./win.ps1
      shell: pwsh
    - run: ./local.sh
      shell: bash
      working-directory: ${{ github.action_path }}
    - uses: ./.github/actions/inner
";
        assert_eq!(
            refs(".github/actions/setup/action.yml", action),
            vec![
                (5, "./scripts/bootstrap.sh".into(), None),
                (7, ".github/actions/setup/install.sh".into(), None),
                (9, ".github/actions/setup/check.sh".into(), None),
                (
                    13,
                    "./local.sh".into(),
                    Some(".github/actions/setup".into())
                ),
                (16, ".github/actions/inner".into(), None),
            ]
        );
        // A JavaScript or Docker action has no shell steps.
        let node = "runs:\n  using: node20\n  main: dist/index.js\n";
        assert!(refs("action.yml", node).is_empty());
    }

    #[test]
    fn circleci_run_steps_of_jobs_that_check_out() {
        let config = "\
version: 2.1
jobs:
  deploy:
    docker: [{image: cimg/base:current}]
    steps:
      - checkout
      - run: ./scripts/deploy.sh
      - run:
          name: migrate
          command: |
            bash db/migrate.sh << parameters.env >>
            ./after.sh
      - run:
          command: ./build.sh
          working_directory: web
      - run:
          command: ./x.ps1
          shell: powershell.exe
  from-workspace:
    steps:
      - attach_workspace: {at: .}
      - run: ./dist-tools/publish.sh
";
        assert_eq!(
            refs(".circleci/config.yml", config),
            vec![
                (7, "./scripts/deploy.sh".into(), None),
                (11, "db/migrate.sh".into(), None),
                (12, "./after.sh".into(), None),
                (14, "./build.sh".into(), Some("web".into())),
            ]
        );
    }

    #[test]
    fn azure_steps_and_local_templates() {
        let pipeline = "\
trigger: [main]
stages:
  - stage: build
    jobs:
      - job: b
        steps:
          - script: ./ci/build.sh
          - bash: |
              python3 tools/check.py
          - template: templates/test.yml
          - template: steps.yml@shared
          - pwsh: ./win.ps1
          - script: ./app.sh
            workingDirectory: services/app
      - deployment: d
        strategy: {runOnce: {deploy: {steps: [{script: ./not-checked-out.sh}]}}}
      - job: none
        steps:
          - checkout: none
          - script: ./nothing-here.sh
  - template: /pipelines/stage.yml
";
        assert_eq!(
            refs("build/azure-pipelines.yml", pipeline),
            vec![
                (7, "./ci/build.sh".into(), None),
                (9, "tools/check.py".into(), None),
                (10, "templates/test.yml".into(), Some("build".into())),
                (13, "./app.sh".into(), Some("services/app".into())),
                (21, "pipelines/stage.yml".into(), None),
            ]
        );
    }

    #[test]
    fn what_an_earlier_step_builds_or_clones_is_not_missing() {
        let workflow = "\
jobs:
  ml:
    steps:
      - uses: actions/checkout@v4
      - run: ocamlfind ocamlopt -o ml_example examples/ml/ml_example.ml
      - run: ./ml_example
      - run: ./scripts/lint.sh
";
        assert_eq!(
            refs(".github/workflows/ml.yml", workflow),
            vec![(7, "./scripts/lint.sh".into(), None)]
        );
        let action = "\
runs:
  using: composite
  steps:
    - run: git clone https://github.com/z3prover/z3test z3test
      shell: bash
    - run: python z3test/scripts/test_benchmarks.py build/z3
      shell: bash
    - run: python scripts/mine.py
      shell: bash
    - uses: actions/checkout@v4
      with: {repository: org/tools, path: tools}
    - run: ./tools/lint.sh
      shell: bash
";
        assert_eq!(
            refs(".github/actions/cov/action.yml", action),
            vec![(8, "scripts/mine.py".into(), None)]
        );
    }

    #[test]
    fn a_repository_cloned_before_the_script_is_not_this_one() {
        let pipeline = "\
regressions:
  before_script:
    - git clone https://example.com/org/suite.git
  script:
    - ./suite/run.sh
    - ./ci/mine.sh
";
        assert_eq!(
            refs(".gitlab-ci.yml", pipeline),
            vec![(6, "./ci/mine.sh".into(), None)]
        );
    }

    #[test]
    fn other_repositories_of_a_job_are_not_this_one() {
        let wf = "\
jobs:
  regressions:
    steps:
      - uses: actions/checkout@v4
      - run: git clone --depth 1 https://github.com/org/testsuite.git
      - uses: actions/checkout@v4
        with: {repository: org/tools, path: vendor/tools}
      - run: |
          python testsuite/scripts/run.py
          ./vendor/tools/setup.sh
          ./scripts/mine.sh
  elsewhere:
    steps:
      - uses: actions/checkout@v4
        with: {path: src}
      - run: ./scripts/unknowable.sh
";
        assert_eq!(
            refs(".github/workflows/ci.yml", wf),
            vec![(11, "./scripts/mine.sh".into(), None)]
        );
    }

    #[test]
    fn azure_script_steps_only_on_posix_agents() {
        let pipeline = "\
jobs:
  - job: win
    pool: {vmImage: windows-latest}
    steps:
      - script: python z3test\\scripts\\run.py
      - bash: ./ci/on-windows-bash.sh
  - job: mac
    pool: {vmImage: macOS-14}
    steps:
      - script: ./ci/mac.sh
  - job: selfhosted
    pool: Default
    steps:
      - script: ./ci/unknown.sh
";
        assert_eq!(
            refs("azure-pipelines.yml", pipeline),
            vec![
                (6, "./ci/on-windows-bash.sh".into(), None),
                (10, "./ci/mac.sh".into(), None),
            ]
        );
    }

    #[test]
    fn bitbucket_step_scripts() {
        let pipelines = "\
image: atlassian/default-image:4
pipelines:
  default:
    - step:
        script:
          - ./scripts/test.sh
          - pipe: atlassian/aws-s3-deploy:1.1.0
    - parallel:
        - step:
            script: [bash lint/run.sh]
  branches:
    main:
      - stage:
          steps:
            - step:
                script:
                  - ./scripts/deploy.sh
                after-script:
                  - ./scripts/notify.sh
definitions:
  services: {}
";
        assert_eq!(
            refs("bitbucket-pipelines.yml", pipelines),
            vec![
                (6, "./scripts/test.sh".into(), None),
                (10, "lint/run.sh".into(), None),
                (17, "./scripts/deploy.sh".into(), None),
                (19, "./scripts/notify.sh".into(), None),
            ]
        );
    }

    #[test]
    fn reads_pipelines_where_their_systems_look() {
        use super::reads_ci;
        for yes in [
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            ".circleci/config.yml",
            "azure-pipelines.yml",
            "ci/azure-pipelines.yml",
            "bitbucket-pipelines.yml",
            ".github/actions/setup/action.yml",
            "tools/release/action.yaml",
        ] {
            assert!(reads_ci(yes), "{yes}");
        }
        for no in [
            "sub/.github/workflows/ci.yml",
            "config.yml",
            "sub/.circleci/config.yml",
            "sub/bitbucket-pipelines.yml",
            "actions.yml",
        ] {
            assert!(!reads_ci(no), "{no}");
        }
    }

    /// Workflows with bytes replaced at random (a deterministic generator): never a panic,
    /// and every reference on a line of the file.
    #[test]
    fn damaged_workflows_never_panic() {
        let base = "jobs:\n  a:\n    defaults:\n      run:\n        working-directory: app\n    steps:\n      - checkout\n      - uses: ./x/\n      - run: |\n          cd sub && ./go.sh\n          bash s/x.sh <<EOF\n          ./not.sh\n          EOF\n        shell: bash -e\n      - run: {command: ./c.sh << parameters.p >>, working_directory: w}\n      - script: ./az.sh\n      - template: t.yml\nscript: [./a.sh]\nruns:\n  using: composite\n  steps: [{run: ${{ github.action_path }}/i.sh, shell: bash}]\npipelines:\n  default:\n    - step: {script: [./b.sh]}\n";
        let alphabet = b"-:|>\n \"'./$[]{}#&";
        let mut state = 0x2545f4914f6cdd1du64;
        for _ in 0..3000 {
            let mut bytes = base.as_bytes().to_vec();
            for _ in 0..4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state as usize) % bytes.len();
                bytes[at] = alphabet[(state >> 32) as usize % alphabet.len()];
            }
            let text = String::from_utf8_lossy(&bytes);
            let lines = text.lines().count() as u32;
            for rel in super::PIPELINE_PATHS {
                for r in ci_refs(rel, &text).unwrap_or_default() {
                    assert!(r.line >= 1 && r.line <= lines.max(1), "{r:?} in {text}");
                    assert!(!r.written.is_empty());
                }
            }
        }
    }

    #[test]
    fn not_yaml_is_an_error_with_a_line() {
        assert!(ci_refs(".gitlab-ci.yml", "deploy:\n  script: [unclosed\n").is_err());
    }
}
