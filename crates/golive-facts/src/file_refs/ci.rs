//! The files a CI pipeline runs: GitHub Actions `run:` steps and local actions (`uses: ./…`),
//! GitLab CI `script`, `before_script` and `after_script`. A step that runs a script the
//! repository no longer has fails the release pipeline, not a build on a laptop.
//!
//! The script text of a step goes through the shell-script extractor (so heredocs, `cd` and
//! `[ -f … ]` tests count the same), then each reference is placed on the line of the workflow
//! that holds it. Steps in another shell (`shell: pwsh`, `python`) are not read. Jobs run from
//! the repository root, or from the `working-directory` a step or its defaults name.

use super::{RawRef, RefHow, cd_of, shell_refs};
use crate::yaml_tree::{Node, parse_documents};

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

/// The references of a CI configuration; `Err` (line, message) when it is not YAML.
pub fn ci_refs(rel: &str, text: &str) -> Result<Vec<RawRef>, (u32, String)> {
    let docs = parse_documents(text).map_err(|e| (e.line.unwrap_or(1), e.message))?;
    let mut scripts: Vec<Script> = Vec::new();
    let mut out = Vec::new();
    for doc in &docs {
        if rel.ends_with(".gitlab-ci.yml") {
            gitlab_scripts(doc, &mut scripts);
        } else if rel.starts_with(".github/workflows/") || rel.contains("/.github/workflows/") {
            github_scripts(doc, &mut scripts, &mut out);
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    for s in scripts {
        let mut cursor = s.line.saturating_sub(1) as usize;
        let script_lines: Vec<&str> = s.text.lines().collect();
        // From a `cd` golive cannot follow (`cd "$GITHUB_WORKSPACE/app"`) on, the step runs
        // somewhere unknown: a script's own directory and its parents are the places the
        // shell extractor then tries, but a workflow's directory is no such place.
        let lost_from = script_lines
            .iter()
            .position(|l| cd_of(l) == Some(None))
            .map_or(u32::MAX, |i| i as u32 + 1);
        for r in shell_refs(&s.text)
            .into_iter()
            .filter(|r| r.line < lost_from)
        {
            let written_on = script_lines
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
    line: u32,
    cwd: Option<String>,
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
    let d = d.trim().trim_start_matches("./").trim_end_matches('/');
    Some((!d.contains('$') && !d.starts_with(['/', '~'])).then(|| d.to_string()))
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
            let first = s.split_whitespace().next().unwrap_or("");
            matches!(first, "bash" | "sh")
        }
    }
}

fn github_scripts(doc: &Node, scripts: &mut Vec<Script>, out: &mut Vec<RawRef>) {
    let mut mention = |(line, written): (u32, String)| {
        out.push(RawRef {
            line: line.max(1),
            written,
            how: RefHow::Mention,
            cwd: None,
        });
    };
    let workflow_dir = working_dir(doc.path(&["defaults", "run", "working-directory"]));
    let workflow_shell = doc.path(&["defaults", "run", "shell"]);
    for job in doc.at("jobs").entries() {
        // A reusable workflow of the repository (`jobs.<id>.uses: ./.github/workflows/x.yml`).
        if let Some(u) = local_uses(job.node.get("uses")) {
            mention(u);
        }
        let job_dir = working_dir(job.node.path(&["defaults", "run", "working-directory"]))
            .or_else(|| workflow_dir.clone());
        let job_shell = job
            .node
            .path(&["defaults", "run", "shell"])
            .or(workflow_shell);
        for step in job.node.at("steps").as_seq() {
            // A local action is a directory holding action.yml.
            if let Some(u) = local_uses(step.get("uses")) {
                mention(u);
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
            scripts.push(Script {
                text: text.to_string(),
                line: run.line.max(1),
                cwd,
            });
        }
    }
}

fn gitlab_scripts(doc: &Node, scripts: &mut Vec<Script>) {
    let mut add = |n: &Node| {
        for item in std::iter::once(n).chain(n.as_seq()) {
            if let Some(text) = item.as_str() {
                scripts.push(Script {
                    text: text.to_string(),
                    line: item.line.max(1),
                    cwd: None,
                });
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

    /// Workflows with bytes replaced at random (a deterministic generator): never a panic,
    /// and every reference on a line of the file.
    #[test]
    fn damaged_workflows_never_panic() {
        let base = "jobs:\n  a:\n    defaults:\n      run:\n        working-directory: app\n    steps:\n      - uses: ./x/\n      - run: |\n          cd sub && ./go.sh\n          bash s/x.sh <<EOF\n          ./not.sh\n          EOF\n        shell: bash -e\nscript: [./a.sh]\n";
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
            for rel in [".github/workflows/ci.yml", ".gitlab-ci.yml"] {
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
