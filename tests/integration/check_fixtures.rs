//! Every check that reads files has a `pass` and a `fail` fixture under
//! `tests/fixtures/checks/<CODE>/`, each a small repository. `expect.toml` in a fixture states
//! the outcome: `status` (default `pass`), `locations` (every one must be reported, as
//! `path:line`), `message_contains`, and `git = true` to commit the fixture to a git repo first.
//! Further cases sit beside them as `<status>-<name>/` (`fail-k8s/`, `warn-unknown-secret/`).

use crate::support::{copy_dir, fixtures, git_commit_all};
use golive_core::config::Config;
use golive_core::engine::{self, Limits, Selection};
use golive_core::facts::{Facts, RunEnv};
use golive_core::{CheckResult, Status};
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: Option<String>,
    #[serde(default)]
    locations: Vec<String>,
    message_contains: Option<String>,
    #[serde(default)]
    git: bool,
    env: Option<String>,
}

pub fn run_check_on(code: &str, root: &Path, env_name: Option<&str>) -> CheckResult {
    let config = Config::discover(root).unwrap_or_else(|e| panic!("{code}: fixture config: {e}"));
    let registry = golive_checks::registry();
    let plan = engine::plan(
        &registry,
        &config,
        &Selection {
            only: vec![code.to_string()],
            skip: vec![],
        },
    )
    .unwrap();
    assert_eq!(plan.len(), 1, "{code} selects one check");
    let env = config.select_environment(env_name).unwrap();
    let lookup = |n: &str| std::env::var(n).ok();
    let run_env = RunEnv {
        root: root.to_path_buf(),
        environment: env.map(|e| e.name.clone()),
        inputs: env
            .map(|e| golive_core::config::resolve_inputs(e, &lookup))
            .unwrap_or_default(),
        env_files: env.map(|e| e.env_files.clone()).unwrap_or_default(),
        compose_files: env.map(|e| e.compose_files.clone()).unwrap_or_default(),
        manifests: env.map(|e| e.manifests.clone()).unwrap_or_default(),
        ca_file: None,
        config: Arc::new(config.clone()),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let today = jiff::civil::date(2026, 11, 22);
    let mut results = rt.block_on(engine::run(
        plan,
        Arc::new(Facts::new(run_env)),
        &Limits::from_config(&config),
        &config.waivers,
        today,
        &|_| {},
    ));
    results.remove(0)
}

fn check_fixture(code: &str, kind: &str, dir: &Path) -> Result<(), String> {
    let expect: Expect = match std::fs::read_to_string(dir.join("expect.toml")) {
        Ok(t) => toml::from_str(&t).map_err(|e| format!("{}: {e}", dir.display()))?,
        Err(_) => Expect::default(),
    };
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(dir, tmp.path());
    let _ = std::fs::remove_file(tmp.path().join("expect.toml"));
    if expect.git {
        git_commit_all(tmp.path());
    }
    let r = run_check_on(code, tmp.path(), expect.env.as_deref());
    let want = expect.status.unwrap_or_else(|| kind.to_string());
    if r.status.as_str() != want {
        return Err(format!(
            "{code}/{kind}: expected {want}, got {} ({})\n  evidence: {:?}",
            r.status, r.message, r.evidence
        ));
    }
    if kind == "fail" && r.status == Status::Fail && r.locations.is_empty() {
        return Err(format!(
            "{code}/{kind}: a failing file check must report a location"
        ));
    }
    let got: Vec<String> = r.locations.iter().map(|l| l.to_string()).collect();
    for loc in &expect.locations {
        if !got.contains(loc) {
            return Err(format!(
                "{code}/{kind}: expected location {loc}, got {got:?}"
            ));
        }
    }
    if let Some(m) = &expect.message_contains {
        if !r.message.contains(m.as_str()) {
            return Err(format!(
                "{code}/{kind}: message {:?} lacks {m:?}",
                r.message
            ));
        }
    }
    Ok(())
}

#[test]
fn every_file_check_has_pass_and_fail_fixtures_that_hold() {
    let mut problems = Vec::new();
    let mut ran = 0;
    for check in golive_checks::registry() {
        let m = check.meta();
        if !m.requires.is_empty() {
            continue; // live checks are tested against real servers
        }
        for kind in ["pass", "fail"] {
            let dir = fixtures().join("checks").join(m.code).join(kind);
            if !dir.is_dir() {
                problems.push(format!("{}: missing fixture {}", m.code, dir.display()));
                continue;
            }
            ran += 1;
            if let Err(e) = check_fixture(m.code, kind, &dir) {
                problems.push(e);
            }
        }
        // More cases of one check: `fail-k8s/`, `warn-unknown-secret/`; the name before the
        // first `-` is the expected status.
        let mut extra: Vec<(String, std::path::PathBuf)> =
            std::fs::read_dir(fixtures().join("checks").join(m.code))
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
                .filter(|(n, p)| n.contains('-') && p.is_dir())
                .collect();
        extra.sort();
        for (name, dir) in extra {
            let kind = name.split('-').next().unwrap_or("");
            if !["pass", "fail", "warn", "error", "skipped"].contains(&kind) {
                problems.push(format!("{}: fixture {name} names no status", m.code));
                continue;
            }
            ran += 1;
            if let Err(e) = check_fixture(m.code, kind, &dir) {
                problems.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(ran >= 2);
}
