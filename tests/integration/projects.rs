//! Whole projects, each copied to a fresh git repository and checked as its own root: the
//! defects projects report their defects at exact file:line (and nothing else fails), and the
//! clean project of the same shape passes every static check that applies.

use crate::support::{copy_dir, fixtures, git_commit_all, golive, stdout};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Runs every check on a copy of the project committed to its own git repository (so its
/// .gitignore decides what is committed, as in the real project).
fn run(project: &str) -> (i32, Value, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("projects").join(project), tmp.path());
    git_commit_all(tmp.path());
    let out = golive(tmp.path(), &["check", ".", "--format", "json"]);
    let code = out.status.code().unwrap_or(-1);
    let v: Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{project}: json: {e}\n{}", stdout(&out)));
    (code, v, tmp)
}

struct Row {
    status: String,
    message: String,
    locations: Vec<String>,
    evidence: String,
    needs_input: bool,
}

fn rows(v: &Value) -> BTreeMap<String, Row> {
    let mut m = BTreeMap::new();
    for r in v["results"].as_array().unwrap() {
        let Some(code) = r["check"].as_str() else {
            continue;
        };
        let code = code.to_string();
        let check = golive_checks::find(&code).unwrap();
        m.insert(
            code,
            Row {
                status: r["status"].as_str().unwrap_or("").to_string(),
                message: r["message"].as_str().unwrap_or("").to_string(),
                locations: r["locations"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|l| {
                                format!(
                                    "{}:{}",
                                    l["path"].as_str().unwrap_or(""),
                                    l["line"].as_u64().unwrap_or(0)
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                evidence: r["evidence"].to_string(),
                needs_input: !check.meta().requires.is_empty(),
            },
        );
    }
    m
}

/// Static checks that do not apply to a project, with the reason the report must give (or
/// pass, once a collector learns to read what the project has).
fn assert_clean(project: &str, not_applicable: &[(&str, &str)]) {
    let (code, v, _tmp) = run(project);
    let r = rows(&v);
    let statics: Vec<(&String, &Row)> = r.iter().filter(|(_, row)| !row.needs_input).collect();
    assert!(
        statics.len() >= 60,
        "{project}: {} static checks",
        statics.len()
    );
    let mut problems = Vec::new();
    let mut passed = 0;
    for (c, row) in &statics {
        let skip_reason = not_applicable
            .iter()
            .find(|(prefix, _)| c.starts_with(prefix))
            .map(|(_, why)| *why);
        match (row.status.as_str(), skip_reason) {
            // A check that starts to apply (a collector learns a new source) must pass.
            ("pass", _) => passed += 1,
            ("skipped", Some(why)) if row.message.contains(why) => {}
            _ => problems.push(format!(
                "{c}: {} {} {:?} (expected {})",
                row.status,
                row.message,
                row.locations,
                skip_reason.map_or("pass".to_string(), |w| format!("skipped: {w}"))
            )),
        }
    }
    assert!(problems.is_empty(), "{project}:\n{}", problems.join("\n"));
    assert!(passed >= 25, "{project}: only {passed} passed");
    // Live checks have no inputs here: skipped, never passed.
    for (c, row) in r.iter().filter(|(_, row)| row.needs_input) {
        assert_eq!(row.status, "skipped", "{project}: {c}");
    }
    assert_eq!(code, 0, "{project}");
}

/// Every (code, path:line) is reported as failing, and no other static check fails.
fn assert_defects(
    project: &str,
    want: &[(&str, &str)],
    warned: &[&str],
) -> (BTreeMap<String, Row>, Value) {
    let (code, v, _tmp) = run(project);
    assert_eq!(code, 1, "{project}");
    let r = rows(&v);
    for (c, loc) in want {
        let row = r
            .get(*c)
            .unwrap_or_else(|| panic!("{project}: {c} missing"));
        assert_eq!(row.status, "fail", "{project} {c}: {}", row.message);
        assert!(
            row.locations.iter().any(|l| l == loc),
            "{project} {c}: {loc} not in {:?}",
            row.locations
        );
    }
    let expected: BTreeSet<&str> = want.iter().map(|(c, _)| *c).collect();
    for (c, row) in &r {
        if matches!(row.status.as_str(), "fail" | "error") {
            assert!(
                expected.contains(c.as_str()),
                "{project}: unexpected {c} {}: {} {:?}",
                row.status,
                row.message,
                row.locations
            );
        }
        if row.status == "warn" {
            assert!(
                warned.contains(&c.as_str()),
                "{project}: unexpected warning {c}: {}",
                row.message
            );
        }
    }
    (r, v)
}

/// No production compose, no Alembic, no pydantic, no configured commands, no checklist.
const NOT_APPLICABLE_ANYWHERE: &[(&str, &str)] = &[
    ("COMPOSE", "no production compose file"),
    ("COMPOSE004", "no compose file found"),
    ("CONTRACT003", "no pydantic BaseSettings class"),
    ("VARS001", "no variable named"),
    ("OPS003", "no Alembic migrations"),
    ("CMD001", "no command configured"),
    ("CMD002", "no test command configured"),
];

#[test]
fn node_clean_passes_every_static_check_that_applies() {
    let mut na = NOT_APPLICABLE_ANYWHERE.to_vec();
    na.extend([
        ("K8S", "no Kubernetes manifests"),
        // The production env file sets none of these switches: the app's defaults apply.
        ("ENV003", "sets DEBUG"),
        ("ENV005", "SQL echo"),
        ("ENV007", "ALLOWED_HOSTS"),
    ]);
    // COMPOSE004 has its own wording; the prefix entry must not shadow it.
    na.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    assert_clean("node-clean", &na);
}

#[test]
fn node_defects_are_found_at_their_lines() {
    let (r, v) = assert_defects(
        "node-defects",
        &[
            ("ENV008", ".env.production:6"),
            ("DOCKER001", "Dockerfile:8"),
            ("DOCKER002", "Dockerfile:8"),
            ("DOCKER003", "Dockerfile:8"),
            ("DOCKER004", "Dockerfile:10"),
            ("DOCKER005", "Dockerfile:14"),
            ("DOCKER007", "Dockerfile:16"),
            ("CONTRACT002", ".env.production:8"),
            // `process.env.SESSION_SECRET ?? "orders-dev-session-secret"`
            ("CONTRACT004", "src/config.ts:7"),
            ("OPS002", "monitoring/alerts.yml:9"),
            ("OPS004", "docs/RUNBOOK.md:6"),
            ("OPS004", "docs/RUNBOOK.md:16"),
            ("OPS004", "docs/DISASTER_RECOVERY.md:6"),
            ("OPS004", "package.json:16"),
        ],
        &[],
    );
    assert!(
        r["CONTRACT002"]
            .message
            .contains("did you mean FULFILMENT_URL"),
        "{}",
        r["CONTRACT002"].message
    );
    assert!(
        r["OPS004"]
            .evidence
            .contains("did you mean scripts/backup_db.sh"),
        "{}",
        r["OPS004"].evidence
    );
    // The secret default never reaches the report.
    assert!(!v.to_string().contains("orders-dev-session-secret"));
}

#[test]
fn go_clean_passes_every_static_check_that_applies() {
    let mut na = NOT_APPLICABLE_ANYWHERE.to_vec();
    na.extend([
        // Production configuration is the ConfigMap and a Secret made by the platform: there
        // is no production env file, so the env-file rules and the contract have no input.
        ("ENV002", "no production env file found"),
        ("ENV003", "no production env file found"),
        ("ENV004", "no production env file found"),
        ("ENV005", "no production env file found"),
        ("ENV006", "no production env file found"),
        ("ENV007", "no production env file found"),
        ("ENV008", "no production env file found"),
        ("ENV009", "no production env file found"),
        ("ENV010", "no production env file found"),
        ("ENV011", "no production env file found"),
        ("CONTRACT001", "no production configuration found"),
        ("CONTRACT002", "no production configuration found"),
        // It reads DATABASE_URL, PORT and LOG_LEVEL: no secret-named variable.
        ("CONTRACT004", "reads no secret-named environment variable"),
    ]);
    na.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    assert_clean("go-clean", &na);
}

#[test]
fn go_defects_are_found_at_their_lines() {
    let (r, v) = assert_defects(
        "go-defects",
        &[
            ("K8S002", "k8s/deployment.yaml:44"),
            ("K8S003", "k8s/deployment.yaml:30"),
            ("K8S004", "k8s/deployment.yaml:48"),
            ("K8S007", "k8s/deployment.yaml:31"),
            ("K8S011", "k8s/secret.yaml:8"),
            ("SECRET003", "k8s/secret.yaml:8"),
            // No probe covers the image any more.
            ("DOCKER003", "Dockerfile:9"),
            ("OPS002", "k8s/prometheus-rules.yaml:12"),
            ("OPS004", "README.md:17"),
        ],
        &[],
    );
    assert!(
        r["OPS004"]
            .message
            .contains("did you mean scripts/check-manifests.sh"),
        "{}",
        r["OPS004"].message
    );
    assert!(!v.to_string().contains("Tr0ub4dor-inventory-2026"));
}
