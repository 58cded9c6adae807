//! The CLI as a user and a CI job meet it: exit codes, the JSON contract, locations,
//! redaction, and one-line input errors.

use crate::support::{golive, json, result, stderr, stdout, temp_repo};

const BAD_ENV: &str = "ENVIRONMENT=production\nDEBUG=true\nSECRET_KEY=change-me\nCORS_ORIGINS=*\nLOG_LEVEL=debug\nDATABASE_URL=postgresql://shop:Zq8-very-private-pw@db:5432/shop\nSTRIPE_SECRET_KEY=sk_live_9aB3kLmN0pQrStUvWxYz1234\n";
const GOOD_ENV: &str = "ENVIRONMENT=production\nDEBUG=false\nSECRET_KEY=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nCORS_ORIGINS=https://app.example.com\nLOG_LEVEL=info\nDATABASE_URL=postgresql://shop:Zq8-very-private-pw@db:5432/shop\nSTRIPE_SECRET_KEY=sk_live_9aB3kLmN0pQrStUvWxYz1234\n";

/// Values that must never appear in any output.
const SECRETS: &[&str] = &[
    "change-me",
    "Zq8-very-private-pw",
    "sk_live_9aB3kLmN0pQrStUvWxYz1234",
];

#[test]
fn production_env_defects_fail_at_their_lines_and_block() {
    let repo = temp_repo(&[(".env.production", BAD_ENV)]);
    let out = golive(repo.path(), &["check", "--format", "json", "--only", "ENV"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["ready"], false);
    for (code, line, needle) in [
        ("ENV003", 2, "DEBUG"),
        ("ENV008", 3, "SECRET_KEY"),
        ("ENV006", 4, "CORS_ORIGINS"),
        ("ENV004", 5, "LOG_LEVEL"),
    ] {
        let r = result(&report, code);
        assert_eq!(r["status"], "fail", "{code}: {r}");
        assert!(
            r["message"].as_str().unwrap().contains(needle),
            "{code}: {r}"
        );
        let locs = r["locations"].as_array().unwrap();
        assert!(
            locs.iter()
                .any(|l| l["path"] == ".env.production" && l["line"] == line),
            "{code} should point at .env.production:{line}: {r}"
        );
    }
}

#[test]
fn the_fixed_repository_passes_the_env_family() {
    let repo = temp_repo(&[(".env.production", GOOD_ENV)]);
    let out = golive(repo.path(), &["check", "--format", "json", "--only", "ENV"]);
    let report = json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    for code in ["ENV003", "ENV004", "ENV006", "ENV008"] {
        assert_eq!(result(&report, code)["status"], "pass", "{code}");
    }
}

#[test]
fn no_secret_value_reaches_any_output() {
    let repo = temp_repo(&[
        (".env.production", BAD_ENV),
        (".env.example", "SECRET_KEY=\nREDIS_URL=\n"),
    ]);
    let outputs = [
        golive(repo.path(), &["check"]),
        golive(repo.path(), &["check", "--verbose"]),
        golive(repo.path(), &["check", "--format", "json"]),
    ];
    for out in &outputs {
        let all = format!("{}{}", stdout(out), stderr(out));
        assert!(all.contains("SECRET_KEY"), "the finding is reported");
        for s in SECRETS {
            assert!(!all.contains(s), "secret {s:?} leaked:\n{all}");
        }
    }
    let file = repo.path().join("report.json");
    let out = golive(
        repo.path(),
        &[
            "check",
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "--output leaves stdout empty");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("\"schema\": \"golive.report/v1\""));
    for s in SECRETS {
        assert!(!written.contains(s));
    }
}

#[test]
fn json_report_follows_the_contract() {
    let repo = temp_repo(&[(".env.production", BAD_ENV)]);
    let report = json(&golive(repo.path(), &["check", "--format", "json"]));
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&report),
        [
            "categories",
            "duration_ms",
            "environment",
            "git_commit", // issue 7, additive
            "results",
            "run_id", // issue 7, additive
            "schema",
            "signoffs", // issue 7, additive
            "started_at",
            "summary",
            "tool",
            "waivers" // issue 7, additive
        ]
    );
    assert_eq!(report["schema"], "golive.report/v1");
    assert_eq!(report["tool"]["name"], "golive");
    assert!(report["started_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        keys(&report["summary"]),
        [
            "error", "fail", "manual", "pass", "ready", "skipped", "waived", "warn"
        ]
    );
    let total: u64 = [
        "pass", "fail", "warn", "error", "skipped", "manual", "waived",
    ]
    .iter()
    .map(|k| report["summary"][k].as_u64().unwrap())
    .sum();
    assert_eq!(total as usize, report["results"].as_array().unwrap().len());
    let cat = &report["categories"][0];
    assert_eq!(
        keys(cat),
        [
            "error", "fail", "manual", "name", "pass", "skipped", "status", "waived", "warn"
        ]
    );
    for r in report["results"].as_array().unwrap() {
        assert_eq!(
            keys(r),
            [
                "category",
                "check",
                "duration_ms",
                "evidence",
                "fix",
                "item",
                "locations",
                "message",
                "severity",
                "slug",
                "status"
            ]
        );
        assert!(["critical", "high", "medium", "low"].contains(&r["severity"].as_str().unwrap()));
    }
}

#[test]
fn checks_needing_an_environment_input_are_skipped_without_one() {
    let rules: serde_json::Value = serde_json::from_slice(
        &golive(&crate::support::repo_root(), &["rules", "--format", "json"]).stdout,
    )
    .unwrap();
    let needing: Vec<String> = rules["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["requires"].as_array().unwrap().is_empty())
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    let repo = temp_repo(&[("README.md", "# x\n")]);
    let report = json(&golive(repo.path(), &["check", "--format", "json"]));
    for code in &needing {
        let r = result(&report, code);
        assert_eq!(r["status"], "skipped", "{code}: {r}");
        assert!(
            r["message"].as_str().unwrap().contains("needs"),
            "{code}: {r}"
        );
    }
}

#[test]
fn config_errors_are_one_line_with_file_and_line() {
    let cases = [
        (
            "[environments.production]\napi_url = \"https://x\"\napi_ur = \"y\"\n",
            "golive.toml:3:",
            "did you mean `api_url`",
        ),
        ("[gate]\nseverity = \n", "golive.toml:2", ""),
        (
            "disable = [\"ENV999\"]\n",
            "golive.toml:1:",
            "unknown check `ENV999`",
        ),
        (
            "[checks.ENV009]\nmin_bitz = 3\n",
            "golive.toml:2:",
            "did you mean `min_bits`",
        ),
        (
            "[checks.ENV009]\nmin_bits = \"many\"\n",
            "golive.toml:2:",
            "integer",
        ),
    ];
    for (toml, at, msg) in cases {
        let repo = temp_repo(&[("golive.toml", toml)]);
        let out = golive(repo.path(), &["check"]);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(at), "{err} should contain {at}");
        assert!(err.contains(msg), "{err} should contain {msg}");
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn usage_errors_exit_2() {
    let repo = temp_repo(&[("README.md", "# x\n")]);
    let out = golive(repo.path(), &["check", "--only", "ENV03"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown check"));
    let out = golive(repo.path(), &["check", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    let out = golive(repo.path(), &["check", "--env", "prod"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("defines no environments"));
    let out = golive(repo.path(), &["explain", "NOPE001"]);
    assert_eq!(out.status.code(), Some(2));
    let out = golive(repo.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn waivers_turn_failures_into_waived_and_expire() {
    let repo = temp_repo(&[
        (".env.production", "LOG_LEVEL=debug\n"),
        (
            "golive.toml",
            "[gate]\nseverity = \"medium\"\n\n[[waivers]]\ncheck = \"ENV004\"\nreason = \"debug logs until the incident review\"\nuntil = \"2999-01-01\"\nby = \"alice\"\n",
        ),
    ]);
    let out = golive(
        repo.path(),
        &["check", "--format", "json", "--only", "ENV004"],
    );
    let report = json(&out);
    let r = result(&report, "ENV004");
    assert_eq!(r["status"], "waived", "{r}");
    assert!(r["message"].as_str().unwrap().contains("alice"));
    assert_eq!(out.status.code(), Some(0));

    std::fs::write(
        repo.path().join("golive.toml"),
        "[gate]\nseverity = \"medium\"\n\n[[waivers]]\ncheck = \"ENV004\"\nreason = \"r\"\nuntil = \"2020-01-01\"\nby = \"alice\"\n",
    )
    .unwrap();
    let out = golive(
        repo.path(),
        &["check", "--format", "json", "--only", "ENV004"],
    );
    let report = json(&out);
    let r = result(&report, "ENV004");
    assert_eq!(r["status"], "fail");
    assert!(r["evidence"].to_string().contains("expired"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn gate_severity_decides_the_exit_code() {
    let repo = temp_repo(&[
        (".env.production", "LOG_LEVEL=debug\n"),
        ("golive.toml", "[gate]\nseverity = \"high\"\n"),
    ]);
    let out = golive(repo.path(), &["check", "--only", "ENV004"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a medium failure under a high gate: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("LOG_LEVEL is \"debug\""));
    std::fs::write(
        repo.path().join("golive.toml"),
        "[gate]\nseverity = \"medium\"\n",
    )
    .unwrap();
    let out = golive(repo.path(), &["check", "--only", "ENV004"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("NOT READY"));
}

#[test]
fn terminal_report_has_quick_status_failures_and_counts() {
    let repo = temp_repo(&[(".env.production", BAD_ENV)]);
    let out = golive(repo.path(), &["check", "--only", "ENV"]);
    let text = stdout(&out);
    let qs = text.find("Quick Status").expect("Quick Status table");
    let sec = text
        .find("\nSecurity\n")
        .expect("failures grouped by category");
    let counts = text.find(" pass, ").expect("counts line");
    assert!(qs < sec && sec < counts, "{text}");
    assert!(text.contains("at .env.production:2"));
    assert!(text.contains("fix: "));
    assert!(!text.contains('\u{1b}'), "NO_COLOR: no escape codes");
    let quiet = golive(repo.path(), &["check", "--quiet", "--only", "ENV"]);
    assert_eq!(stdout(&quiet).lines().count(), 1);
    assert!(stdout(&quiet).starts_with("NOT READY"));
}

#[test]
fn rules_and_explain_document_every_check() {
    let root = crate::support::repo_root();
    let rules: serde_json::Value =
        serde_json::from_slice(&golive(&root, &["rules", "--format", "json"]).stdout).unwrap();
    let checks = rules["checks"].as_array().unwrap();
    assert!(checks.len() >= 20);
    let text = stdout(&golive(&root, &["rules"]));
    assert_eq!(text.lines().count(), checks.len());
    let doc = stdout(&golive(&root, &["explain", "env-debug-off"]));
    for section in [
        "## What it checks",
        "## Why it matters",
        "## How to fix",
        "## Example",
    ] {
        assert!(doc.contains(section), "{doc}");
    }
    assert!(doc.starts_with("# ENV003 env-debug-off"));
}
