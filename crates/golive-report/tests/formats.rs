//! The issue-7 formats against a report with every status, hostile evidence from an untrusted
//! server, sign-offs, waivers and a load check's latency histogram.

use golive_core::check::{CheckDoc, CheckMeta};
use golive_core::config::GateConfig;
use golive_core::histogram::{self, Bucket};
use golive_core::model::{Category, CheckResult, ItemRef, Location, Severity, Status};
use golive_core::report::{RunReport, SignoffState, SignoffStatus, WaiverState, WaiverStatus};
use std::path::PathBuf;

const HOSTILE: &str = "</li><script>alert(1)</script><img src=x onerror=alert(2)> ]]> --> \" ' & `md` | cell | [link](javascript:alert(3)) \u{1b}[31m\u{0}";

fn result(
    code: Option<&str>,
    status: Status,
    severity: Severity,
    category: Category,
) -> CheckResult {
    CheckResult {
        check: code.map(Into::into),
        slug: code.map(|c| format!("{}-slug", c.to_ascii_lowercase())),
        category,
        severity,
        status,
        message: format!("{status} message {HOSTILE}"),
        item: None,
        locations: Vec::new(),
        evidence: vec![format!("server said: {HOSTILE}")],
        fix: Some(format!("fix it {HOSTILE}")),
        duration_ms: 3,
    }
}

fn sample() -> RunReport {
    let mut fail = result(
        Some("ENV003"),
        Status::Fail,
        Severity::High,
        Category::Configuration,
    );
    fail.locations.push(Location::line(".env.production", 7));
    let mut manual = result(
        None,
        Status::Manual,
        Severity::Medium,
        Category::Documentation,
    );
    manual.item = Some(ItemRef {
        text: format!("Rollback plan documented {HOSTILE}"),
        source: "docs/CHECKLIST.md".into(),
        line: 42,
    });
    let mut load = result(
        Some("LOAD001"),
        Status::Pass,
        Severity::Medium,
        Category::Performance,
    );
    load.evidence.push(histogram::evidence_line(&[
        Bucket {
            upper_ms: Some(10.0),
            count: 40,
        },
        Bucket {
            upper_ms: Some(50.0),
            count: 120,
        },
        Bucket {
            upper_ms: Some(250.0),
            count: 9,
        },
        Bucket {
            upper_ms: None,
            count: 1,
        },
    ]));
    RunReport {
        tool_version: "0.1.0".into(),
        environment: Some("production".into()),
        root: "/work/repo with space".into(),
        started_at: "2026-11-22T01:00:00Z".parse().unwrap(),
        duration_ms: 1234,
        results: vec![
            result(
                Some("ENV001"),
                Status::Pass,
                Severity::Low,
                Category::Configuration,
            ),
            fail,
            result(
                Some("TLS001"),
                Status::Error,
                Severity::Critical,
                Category::Network,
            ),
            result(
                Some("HTTP007"),
                Status::Warn,
                Severity::Medium,
                Category::Security,
            ),
            result(
                Some("REPO004"),
                Status::Waived,
                Severity::Low,
                Category::Documentation,
            ),
            result(
                Some("REDIS002"),
                Status::Skipped,
                Severity::High,
                Category::Cache,
            ),
            manual,
            load,
        ],
        gate: GateConfig::default(),
        run_id: Some(12),
        git_commit: Some("0123456789abcdef".into()),
        signoffs: vec![
            SignoffStatus {
                role: "security".into(),
                required: true,
                state: SignoffState::Signed,
                by: Some(format!("alice {HOSTILE}")),
                note: Some(format!("pen test {HOSTILE}")),
                at: Some("2026-11-21T10:00:00Z".into()),
                commit: Some("0123456789abcdef".into()),
            },
            SignoffStatus {
                role: "ops".into(),
                required: true,
                state: SignoffState::Stale,
                by: Some("bob".into()),
                note: None,
                at: Some("2026-11-20T10:00:00Z".into()),
                commit: Some("fedcba".into()),
            },
        ],
        waivers: vec![
            WaiverStatus {
                target: "REPO004".into(),
                reason: format!("runbook in wiki {HOSTILE}"),
                until: "2027-01-31".into(),
                by: "carol".into(),
                source: "golive.toml:20".into(),
                state: WaiverState::Active,
            },
            WaiverStatus {
                target: "ENV009".into(),
                reason: "old".into(),
                until: "2026-01-01".into(),
                by: "dave".into(),
                source: "store #3".into(),
                state: WaiverState::Expired,
            },
        ],
    }
}

static META: CheckMeta = CheckMeta {
    code: "ENV003",
    slug: "env-debug-off",
    category: Category::Configuration,
    severity: Severity::High,
    summary: "DEBUG is off in production",
    doc: CheckDoc {
        what: "What.",
        why: "Why.",
        fix: "Fix.",
        example: "Example.",
    },
    params: &[],
    requires: &[],
    keywords: &[],
};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    // shared/ sits beside the repository (CI: <repo>/../shared) or beside the worktrees'
    // parent (<worktree>/../../shared); the repository root is two levels above this crate.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut candidates = vec![
        root.join("../shared/schemas/sarif-schema-2.1.0.json"),
        root.join("../../shared/schemas/sarif-schema-2.1.0.json"),
    ];
    // .ci/run exports where it found the steering repository's shared/ directory.
    if let Some(shared) = std::env::var_os("GOLIVE_SHARED") {
        candidates.insert(
            0,
            PathBuf::from(shared).join("schemas/sarif-schema-2.1.0.json"),
        );
    }
    let path = candidates
        .iter()
        .find(|p| p.is_file())
        .unwrap_or(&candidates[0])
        .clone();
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            !in_ci(),
            "the SARIF 2.1.0 schema is missing at {}",
            path.display()
        );
        eprintln!("SKIPPED: no SARIF schema at {}", path.display());
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let report = sample();
    let sarif = golive_report::sarif::to_value(&report, &[&META]);
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    // fail, error, warn, waived; not pass, skipped or manual.
    assert_eq!(results.len(), 4);
    let env003 = results.iter().find(|r| r["ruleId"] == "ENV003").unwrap();
    assert_eq!(env003["level"], "error");
    assert_eq!(
        env003["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    let waived = results.iter().find(|r| r["ruleId"] == "REPO004").unwrap();
    assert_eq!(waived["suppressions"][0]["status"], "accepted");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "ENV003").unwrap();
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## How to fix")
    );

    // An empty run is valid too.
    let empty = RunReport::default();
    let v = golive_report::sarif::to_value(&empty, &[]);
    assert!(validator.is_valid(&v));
}

#[test]
fn junit_parses_back_with_failures_and_skips() {
    let xml = golive_report::junit::render(&sample());
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    let suites: Vec<String> = parsed
        .test_suites
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert!(suites.contains(&"Configuration".to_string()), "{suites:?}");
    assert!(suites.contains(&"Sign-off".to_string()), "{suites:?}");
    let all: Vec<_> = parsed
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter())
        .collect();
    let failures = all
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::NonSuccess { .. }))
        .count();
    // ENV003 fail, TLS001 error, the stale ops sign-off.
    assert_eq!(failures, 3, "{xml}");
    let skipped = all
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::Skipped { .. }))
        .count();
    assert_eq!(skipped, 3, "skipped, manual and waived: {xml}");
    assert!(!xml.contains("<script>"), "{xml}");
}

#[test]
fn html_escapes_hostile_evidence_and_is_self_contained() {
    let html = golive_report::html::render(&sample());
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an img tag got through");
    assert!(!html.contains("</li><script"), "markup got through");
    assert!(
        html.contains("&#60;script&#62;alert(1)"),
        "escaped, still readable"
    );
    assert!(
        !html.contains('\u{0}') && !html.contains('\u{1b}'),
        "control characters removed"
    );
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "no network resources"
    );
    for needle in ["src=\"http", "href=\"http", "@import", "url(http", "<link"] {
        assert!(!html.contains(needle), "{needle} in a self-contained file");
    }
    assert!(html.contains("Content-Security-Policy"));
    // Status by category at the top, failing first, histogram, sign-offs and waivers.
    let quick = html.find("Status by category").unwrap();
    let results = html.find("Results, failing first").unwrap();
    assert!(quick < results);
    let env003 = html.find("ENV003").unwrap();
    let env001 = html[results..].find("ENV001").unwrap() + results;
    assert!(
        env003 < env001,
        "the blocking failure comes before the pass"
    );
    assert!(html.contains("<svg"), "latency histogram");
    assert!(html.contains("≤50"));
    assert!(html.contains("stale"));
    assert!(html.contains("expired"));
    assert!(html.contains("NOT READY"));
}

#[test]
fn markdown_is_a_filled_checklist_and_escapes() {
    let md = golive_report::markdown::render(&sample());
    assert!(md.contains("## Quick Status"));
    assert!(md.contains("| Configuration | ❌ Failing |"));
    assert!(md.contains("- [x] `ENV001`"));
    assert!(md.contains("- [ ] `ENV003`"));
    assert!(md.contains("**blocks deploy**"));
    assert!(md.contains("## Sign-off"));
    assert!(md.contains("| security | alice"));
    assert!(md.contains("stale"));
    assert!(md.contains("## Deviations (waivers)"));
    assert!(!md.contains("<script>"));
    assert!(!md.contains("[link](javascript"));
    assert!(
        md.contains("\\[link\\](javascript"),
        "the link is escaped text"
    );
    assert_eq!(
        golive_report::markdown::escape("CORS_ORIGINS _x_ a*b"),
        "CORS_ORIGINS \\_x\\_ a\\*b"
    );
    // No hostile text can open a new table cell: every row keeps its column count.
    for line in md
        .lines()
        .filter(|l| l.starts_with("| security") || l.starts_with("| REPO004"))
    {
        let escaped = line.matches("\\|").count();
        assert_eq!(line.matches('|').count() - escaped, 7, "{line}");
    }
}

#[test]
fn github_annotations_point_at_files_and_escape() {
    let out = golive_report::github::render(&sample());
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=.env.production,line=7,title=ENV003")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error title=TLS001") || l.starts_with("::error title=")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning ") && l.contains("HTTP007")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::notice ") && l.contains("REPO004")),
        "{out}"
    );
    assert!(lines.iter().any(|l| l.contains("signoff ops")), "{out}");
    // One command per line: newlines in messages are escaped.
    assert!(lines.iter().all(|l| l.starts_with("::")), "{out}");
}

#[test]
fn json_carries_signoffs_waivers_and_the_gate() {
    let v = golive_report::json::to_value(&sample());
    assert_eq!(v["summary"]["ready"], false);
    assert_eq!(v["run_id"], 12);
    assert_eq!(v["signoffs"][1]["state"], "stale");
    assert_eq!(v["waivers"][1]["state"], "expired");
    let mut ready = sample();
    ready.results.retain(|r| r.status == Status::Pass);
    ready.signoffs[1].state = SignoffState::Signed;
    assert!(ready.ready());
    ready.signoffs[1].state = SignoffState::Missing;
    assert!(!ready.ready(), "a missing required sign-off holds the gate");
    ready.signoffs[1].required = false;
    assert!(ready.ready());
}
