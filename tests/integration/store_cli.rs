//! Issue 7 end to end: `check` records runs, `signoff`/`waive`/`attest` change the gate,
//! `history`, `diff` and `report` read the store. The same flow runs on SQLite and on a real
//! PostgreSQL started by the harness.

use crate::support::{git_commit_all, stderr, stdout, temp_repo};
use std::path::Path;
use std::process::{Command, Output};

#[path = "../../crates/golive-store/tests/pg_harness/mod.rs"]
mod pg_harness;

const TOML: &str = r#"
default_environment = "production"

[environments.production]
env_files = [".env.production"]

[signoff]
roles = ["security"]

[waiver_policy]
forbid_at = "critical"
"#;

fn golive(cwd: &Path, store: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GOLIVE_STORE")
        .env_remove("GITHUB_SHA")
        .env_remove("CI_COMMIT_SHA");
    if let Some(s) = store {
        c.env("GOLIVE_STORE", s);
    }
    c.output().expect("golive runs")
}

use crate::support::json;

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn repo() -> tempfile::TempDir {
    let dir = temp_repo(&[
        ("golive.toml", TOML),
        (".env.production", "ENVIRONMENT=development\nDEBUG=false\n"),
    ]);
    git_commit_all(dir.path());
    dir
}

const ONLY: &[&str] = &["check", "--only", "ENV002,ENV003", "--format", "json"];

/// The whole flow against one store (`None`: the default SQLite file in the repository).
fn flow(store: Option<&str>) {
    let dir = repo();
    let d = dir.path();

    // 1. A failing check and a missing sign-off: not ready, recorded as run 1.
    let o = golive(d, store, ONLY);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r1 = json(&o);
    let run1 = r1["run_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("recorded: {}", stderr(&o)));
    assert_eq!(r1["signoffs"][0]["role"], "security");
    assert_eq!(r1["signoffs"][0]["state"], "missing");
    assert_eq!(crate::support::result(&r1, "ENV002")["status"], "fail");
    assert!(r1["git_commit"].as_str().is_some_and(|c| c.len() == 40));

    // 2. Waivers: the critical check is forbidden by policy, a past date or an unknown code
    //    refused, the high one accepted.
    let o = golive(
        d,
        store,
        &[
            "waive",
            "ENV003",
            "--reason",
            "r",
            "--until",
            "2099-01-01",
            "--by",
            "bob",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("forbids waivers"), "{}", stderr(&o));
    let o = golive(
        d,
        store,
        &[
            "waive",
            "ENV002",
            "--reason",
            "r",
            "--until",
            "2001-01-01",
            "--by",
            "bob",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("in the past"), "{}", stderr(&o));
    let o = golive(
        d,
        store,
        &[
            "waive",
            "ENV999",
            "--reason",
            "r",
            "--until",
            "2099-01-01",
            "--by",
            "bob",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = golive(
        d,
        store,
        &["waive", "ENV002", "--until", "2099-01-01", "--by", "bob"],
    );
    assert_eq!(code(&o), 2, "a reason is mandatory");
    let o = golive(
        d,
        store,
        &[
            "waive",
            "env002",
            "--reason",
            "staging profile until the cut-over",
            "--until",
            "2099-12-31",
            "--by",
            "bob",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // 3. Waived, but the sign-off still holds the gate.
    let o = golive(d, store, ONLY);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let r2 = json(&o);
    let env002 = crate::support::result(&r2, "ENV002");
    assert_eq!(env002["status"], "waived");
    assert!(env002["message"].as_str().unwrap().contains("bob"));
    assert_eq!(r2["waivers"][0]["state"], "active");
    assert_eq!(r2["summary"]["ready"], false);

    // 4. Sign-off: unknown role refused; security signs; ready.
    let o = golive(d, store, &["signoff", "secruity", "--by", "alice"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `security`"),
        "{}",
        stderr(&o)
    );
    let o = golive(
        d,
        store,
        &[
            "signoff",
            "Security",
            "--by",
            "alice",
            "--note",
            "pen test 2026-11",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = golive(d, store, ONLY);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let r3 = json(&o);
    assert_eq!(r3["signoffs"][0]["state"], "signed");
    assert_eq!(r3["signoffs"][0]["by"], "alice");
    let text = golive(d, store, &["check", "--only", "ENV002,ENV003"]);
    assert_eq!(code(&text), 0);
    assert!(stdout(&text).contains("READY"), "{}", stdout(&text));

    // 5. A new commit makes the sign-off stale: the gate closes again.
    std::fs::write(d.join("README.md"), "changed\n").unwrap();
    git_commit_all(d);
    let o = golive(d, store, &["check", "--only", "ENV002,ENV003"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("security (stale)"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("Sign-off: ! security by alice (stale: commit changed)"),
        "{}",
        stdout(&o)
    );

    // 6. History and diff.
    let o = golive(d, store, &["history", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let h = json(&o);
    let runs = h["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 5, "{h}");
    assert_eq!(runs[4]["id"].as_i64(), Some(run1));
    let o = golive(d, store, &["history"]);
    assert!(stdout(&o).contains("not ready"), "{}", stdout(&o));
    let run3 = r3["run_id"].as_i64().unwrap();
    let o = golive(
        d,
        store,
        &[
            "diff",
            &run1.to_string(),
            &run3.to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let diff = json(&o);
    assert_eq!(diff["fixed"][0]["check"], "ENV002", "{diff}");
    assert_eq!(diff["fixed"][0]["to"], "waived");
    let o = golive(d, store, &["diff"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("Regressed (0)"), "{}", stdout(&o));

    // 7. Any stored run renders in every format.
    for (fmt, needle) in [
        ("json", "golive.report/v1"),
        ("junit", "<testsuites"),
        ("sarif", "\"version\": \"2.1.0\""),
        ("md", "## Quick Status"),
        ("html", "<!DOCTYPE html>"),
        ("text", "Quick Status"),
    ] {
        let o = golive(
            d,
            store,
            &["report", "--run", &run1.to_string(), "--format", fmt],
        );
        assert_eq!(code(&o), 0, "{fmt}: {}", stderr(&o));
        assert!(stdout(&o).contains(needle), "{fmt}: {}", stdout(&o));
    }
    let o = golive(d, store, &["report", "--run", "99999"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn sqlite_flow() {
    flow(None);
}

#[test]
fn postgres_flow() {
    let Some(pg) = pg_harness::PgServer::start() else {
        return;
    };
    let url = pg.fresh_database("cliflow");
    flow(Some(&url));

    // Two checks at once against the shared store are both recorded.
    let url = pg.fresh_database("twoatonce");
    two_at_once(Some(&url));

    // `[store] url` in golive.toml, the credentials-bearing URL from the environment.
    let url = pg.fresh_database("fromtoml");
    let dir = temp_repo(&[
        (
            "golive.toml",
            "[store]\nurl = \"${GOLIVE_TEST_STORE_URL}\"\n",
        ),
        (".env.production", "DEBUG=false\n"),
    ]);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_golive"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("GOLIVE_STORE")
            .env("GOLIVE_TEST_STORE_URL", &url)
            .output()
            .expect("golive runs")
    };
    let o = run(&["check", "--only", "ENV003", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(json(&o)["run_id"].is_i64(), "{}", stderr(&o));
    assert!(
        !dir.path().join(".golive").exists(),
        "recorded in PostgreSQL, not SQLite"
    );
    let h = json(&run(&["history", "--format", "json"]));
    assert_eq!(h["store"]["backend"], "postgres");
    assert_eq!(h["runs"].as_array().unwrap().len(), 1);
}

fn two_at_once(store: Option<&str>) {
    let dir = repo();
    let spawn = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
        c.args(["check", "--only", "ENV002,ENV003", "--format", "json"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env_remove("GOLIVE_STORE")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some(s) = store {
            c.env("GOLIVE_STORE", s);
        }
        c.spawn().expect("golive starts")
    };
    let children: Vec<_> = (0..4).map(|_| spawn()).collect();
    let mut ids = Vec::new();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        ids.push(
            json(&o)["run_id"]
                .as_i64()
                .unwrap_or_else(|| panic!("recorded: {}", stderr(&o))),
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    let h = json(&golive(dir.path(), store, &["history", "--format", "json"]));
    assert_eq!(h["runs"].as_array().unwrap().len(), 4);
}

#[test]
fn sqlite_two_checks_at_once_are_both_recorded() {
    two_at_once(None);
}

#[test]
fn an_unusable_store_does_not_break_the_check() {
    let dir = repo();
    let d = dir.path();
    // A store path under a regular file can never be created (as root too).
    std::fs::write(d.join("blocker"), "a file").unwrap();
    let o = golive(
        d,
        Some("blocker/history.db"),
        &["check", "--only", "ENV003", "--format", "json"],
    );
    let e = stderr(&o);
    assert!(e.contains("cannot open the history store"), "{e}");
    assert!(e.contains("not recorded"), "{e}");
    let r = json(&o);
    assert!(r["run_id"].is_null());
    assert_eq!(crate::support::result(&r, "ENV003")["status"], "pass");
    // The required sign-off cannot be verified: never a false pass.
    assert_eq!(r["signoffs"][0]["state"], "missing");
    assert_eq!(code(&o), 1);

    // A store from a newer golive: clear error, report still printed.
    let o = golive(d, None, &["check", "--only", "ENV003"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let db = d.join(".golive/history.db");
    assert!(db.is_file());
    let conn = rusqlite_free_bump(&db);
    assert!(conn, "bumped the schema version");
    let o = golive(d, None, &["check", "--only", "ENV003"]);
    assert!(
        stderr(&o).contains("newer than this golive"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("Quick Status"), "{}", stdout(&o));

    // --no-record never creates a store.
    let dir2 = repo();
    let o = golive(
        dir2.path(),
        None,
        &["check", "--only", "ENV003", "--no-record"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!dir2.path().join(".golive").exists());
    // history on a repository without one is a clear usage error.
    let o = golive(dir2.path(), None, &["history"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no history yet"), "{}", stderr(&o));
}

/// Sets the schema version of a SQLite store to 99 with the sqlite3-free route: golive's own
/// dependency is not available to this binary, so use Python's sqlite3 when present.
fn rusqlite_free_bump(db: &Path) -> bool {
    let st = Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE golive_schema SET version=99'); c.commit()"])
        .arg(db)
        .status();
    st.is_ok_and(|s| s.success())
}

#[test]
fn github_actions_annotations_and_report_files() {
    let dir = repo();
    let d = dir.path();
    let out = d.join("report.sarif");
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    let o = c
        .args([
            "check",
            "--only",
            "ENV002,ENV003",
            "--format",
            "sarif",
            "-o",
        ])
        .arg(&out)
        .current_dir(d)
        .env("GITHUB_ACTIONS", "true")
        .env_remove("GOLIVE_STORE")
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(e.contains("::error file=.env.production,line=1"), "{e}");
    assert!(e.contains("::error title=signoff security::"), "{e}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "ENV002");
    for fmt in ["junit", "md", "html", "markdown"] {
        let o = crate::support::golive(
            d,
            &["check", "--only", "ENV002", "--format", fmt, "--no-record"],
        );
        assert_eq!(code(&o), 1, "{fmt}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty());
    }
}

/// `golive check` killed (SIGKILL) at random moments, again and again, while other runs keep
/// recording: the store still opens, every listed run renders whole, and later runs record.
fn killed_checks(store: Option<&str>) {
    let dir = repo();
    let d = dir.path();
    // One complete run first, so the store exists and the kills land in later writes too.
    assert_eq!(code(&golive(d, store, ONLY)), 1);
    let mut seed = u64::from(std::process::id()) ^ 0x2545_F491_4F6C_DD1D;
    for _ in 0..12 {
        let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
        c.args(["check", "--format", "json", "--output", "/dev/null"])
            .current_dir(d)
            .env("NO_COLOR", "1")
            .env_remove("GOLIVE_STORE")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(s) = store {
            c.env("GOLIVE_STORE", s);
        }
        let mut child = c.spawn().expect("golive starts");
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(std::time::Duration::from_millis((seed >> 33) % 120));
        let _ = child.kill();
        let _ = child.wait();
    }
    let o = golive(d, store, ONLY);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let last = json(&o)["run_id"]
        .as_i64()
        .expect("records after the kills");
    let h = json(&golive(
        d,
        store,
        &["history", "-n", "1000", "--format", "json"],
    ));
    let runs = h["runs"].as_array().unwrap();
    assert!(runs.len() >= 2 && runs.len() <= 14, "{}", runs.len());
    assert_eq!(runs[0]["id"].as_i64(), Some(last));
    for r in runs {
        let id = r["id"].as_i64().unwrap().to_string();
        let o = golive(d, store, &["report", "--run", &id, "--format", "json"]);
        assert_eq!(code(&o), 0, "run {id}: {}", stderr(&o));
        let rep = json(&o);
        let total: u64 = [
            "pass", "fail", "warn", "error", "skipped", "manual", "waived",
        ]
        .iter()
        .map(|k| r["summary"][k].as_u64().unwrap_or(0))
        .sum();
        assert_eq!(
            rep["results"].as_array().unwrap().len() as u64,
            total,
            "run {id} is whole"
        );
    }
}

#[test]
fn sqlite_survives_killed_checks() {
    killed_checks(None);
}

#[test]
fn postgres_survives_killed_checks() {
    let Some(pg) = pg_harness::PgServer::start() else {
        return;
    };
    let url = pg.fresh_database("killedchecks");
    killed_checks(Some(&url));
}

#[test]
fn expired_and_forbidden_waivers_stop_applying_and_are_reported() {
    let toml = r#"
[waiver_policy]
forbid_at = "critical"

[[waivers]]
check = "ENV002"
reason = "was fine last year"
until = "2020-01-01"
by = "old"

[[waivers]]
check = "ENV003"
reason = "debug is harmless"
until = "2099-01-01"
by = "optimist"
"#;
    let dir = temp_repo(&[
        ("golive.toml", toml),
        (".env.production", "ENVIRONMENT=development\nDEBUG=true\n"),
    ]);
    let d = dir.path();
    let o = golive(
        d,
        None,
        &["check", "--only", "ENV002,ENV003", "--format", "json"],
    );
    assert_eq!(code(&o), 1);
    let r = json(&o);
    let env002 = crate::support::result(&r, "ENV002");
    assert_eq!(env002["status"], "fail");
    assert!(
        env002["evidence"]
            .to_string()
            .contains("expired on 2020-01-01"),
        "{env002}"
    );
    let env003 = crate::support::result(&r, "ENV003");
    assert_eq!(env003["status"], "fail");
    assert!(
        env003["evidence"].to_string().contains("refused"),
        "{env003}"
    );
    let states: Vec<&str> = r["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["expired", "forbidden"]);
    let o = golive(d, None, &["check", "--only", "ENV002,ENV003"]);
    let out = stdout(&o);
    assert!(
        out.contains("waiver of ENV002 by old (golive.toml:5) expired on 2020-01-01"),
        "{out}"
    );
    assert!(out.contains("waiver of ENV003 by optimist"), "{out}");
}

/// A checklist run is a check run: a required sign-off holds its gate, the run is recorded,
/// and the checklist's own sign-off rows show what the store holds.
#[test]
fn a_checklist_run_is_gated_by_signoffs_and_recorded() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(
        d.join(".env.production"),
        "ENVIRONMENT=production\nDEBUG=false\n",
    )
    .unwrap();
    std::fs::write(
        d.join("CHECKLIST.md"),
        "# Release\n\n- [ ] DEBUG is off <!-- golive: ENV003 -->\n\n## Sign-off\n\n| Role | Name | Date |\n|---|---|---|\n| Security | | |\n",
    )
    .unwrap();
    git_commit_all(d);
    let args = ["check", "--checklist", "CHECKLIST.md", "--format", "json"];

    let o = golive(d, None, &args);
    assert_eq!(code(&o), 1, "a missing required sign-off: {}", stdout(&o));
    let r = json(&o);
    assert!(r["run_id"].as_i64().is_some(), "recorded: {}", stderr(&o));
    assert_eq!(r["signoffs"][0]["state"], "missing");
    let row = |r: &serde_json::Value| {
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["item"]["text"] == "Sign-off: Security")
            .cloned()
            .unwrap_or_else(|| panic!("no sign-off row: {r}"))
    };
    assert_eq!(row(&r)["status"], "manual");

    let o = golive(d, None, &["signoff", "security", "--by", "alice"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = golive(d, None, &args);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["signoffs"][0]["state"], "signed");
    assert_eq!(row(&r)["status"], "pass");
    assert!(row(&r)["message"].as_str().unwrap().contains("alice"));
    let h = json(&golive(d, None, &["history", "--format", "json"]));
    let runs = h["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{h}");
    assert_eq!(runs[0]["ready"], true);
    assert_eq!(runs[1]["ready"], false);
}
