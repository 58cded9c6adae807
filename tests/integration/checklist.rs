//! Checklists: import (binding, JSON contract, --write), check --checklist --write (minimal,
//! idempotent write-back on the five seed checklists), explicit-binding errors, checklists
//! the binder has never seen, and no panics on odd markdown.

use crate::support::{copy_dir, golive, json, repo_root, result, stderr, stdout, temp_repo};
use golive_core::checklist::binder::{Decision, bind_checklist};
use golive_core::checklist::parse;
use golive_core::checklist::write::{ItemWrite, apply};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The seed checklists: `../shared/seeds` beside the repository (also tried one level up, for
/// worktrees under a sibling directory). Under CI=true a missing directory fails the test.
fn seeds_dir() -> Option<PathBuf> {
    let root = repo_root();
    let candidates = [
        std::env::var_os("GOLIVE_SEEDS").map(PathBuf::from),
        std::env::var_os("GOLIVE_SHARED").map(|s| PathBuf::from(s).join("seeds")),
        Some(root.join("../shared/seeds")),
        Some(root.join("../../shared/seeds")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("dotmac-tenant-checklist.md").is_file());
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "the seed checklists are missing: expected {}/../shared/seeds (or GOLIVE_SHARED, GOLIVE_SEEDS)",
            root.display()
        );
        eprintln!(
            "skipping: seed checklists not found beside {}",
            root.display()
        );
    }
    found
}

fn seeds() -> Vec<PathBuf> {
    let Some(dir) = seeds_dir() else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 5, "five seed checklists in {}", dir.display());
    v
}

fn checklist_fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/checklists").join(name)
}

/// Strips golive's result and binding comments and normalises the box, so an item line can
/// be compared with its original.
fn normalise(line: &str) -> String {
    let re = regex::Regex::new(r"[ \t]*<!--\s*golive(-result)?:.*?-->").unwrap();
    let l = re.replace_all(line, "").into_owned();
    l.replacen("[x]", "[ ]", 1).replacen("[X]", "[ ]", 1)
}

fn assert_only_items_changed(before: &str, after: &str, label: &str) {
    let a: Vec<&str> = before.split('\n').collect();
    let b: Vec<&str> = after.split('\n').collect();
    assert_eq!(a.len(), b.len(), "{label}: line count changed");
    let cl = parse(before);
    let item_lines: Vec<u32> = cl.items.iter().map(|i| i.line).collect();
    for (n, (x, y)) in a.iter().zip(&b).enumerate() {
        if x == y {
            continue;
        }
        assert!(
            item_lines.contains(&(n as u32 + 1)),
            "{label}:{}: a non-item line changed:\n- {x}\n+ {y}",
            n + 1
        );
        assert_eq!(
            normalise(x),
            normalise(y),
            "{label}:{}: more than the box and golive's comment changed",
            n + 1
        );
    }
}

#[test]
fn seeds_write_back_only_boxes_and_comments_and_is_idempotent() {
    let seeds = seeds();
    if seeds.is_empty() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("webshop");
    copy_dir(&repo_root().join("examples/webshop"), &project);
    for seed in seeds {
        let name = seed.file_name().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read_to_string(&seed).unwrap();
        let file = tmp.path().join(&name);
        std::fs::write(&file, &original).unwrap();
        let f = file.to_str().unwrap();
        let p = project.to_str().unwrap();
        let out = golive(tmp.path(), &["check", p, "--checklist", f, "--write", "-q"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            stderr(&out)
        );
        let first = std::fs::read_to_string(&file).unwrap();
        assert_ne!(first, original, "{name}: something was bound and written");
        assert_only_items_changed(&original, &first, &name);
        let out = golive(tmp.path(), &["check", p, "--checklist", f, "--write", "-q"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            stderr(&out)
        );
        let second = std::fs::read_to_string(&file).unwrap();
        assert_eq!(first, second, "{name}: a second run changed the file");

        // import --write adds binding comments; the result comment stays last, bindings hold.
        let out = golive(tmp.path(), &["import", f, "--write", "-f", "json"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let before: Value = serde_json::from_slice(&out.stdout).unwrap();
        let imported = std::fs::read_to_string(&file).unwrap();
        assert_only_items_changed(&original, &imported, &name);
        let out = golive(tmp.path(), &["import", f, "--write", "-f", "json"]);
        let after: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            imported,
            "{name}: import --write twice"
        );
        assert_eq!(
            before["summary"], after["summary"],
            "{name}: explicit comments bind as the binder did"
        );
        let out = golive(tmp.path(), &["check", p, "--checklist", f, "--write", "-q"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: {}",
            stderr(&out)
        );
        let third = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            third, imported,
            "{name}: results unchanged after import --write"
        );
    }
}

#[test]
fn import_json_follows_the_contract() {
    let out = golive(
        &repo_root(),
        &[
            "import",
            checklist_fixture("k8s-go-service.md").to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "golive.import/v1");
    let s = &v["summary"];
    let items = v["items"].as_array().unwrap();
    assert_eq!(s["items"].as_u64().unwrap() as usize, items.len());
    assert_eq!(
        s["bound"].as_u64().unwrap() + s["manual"].as_u64().unwrap() + s["group"].as_u64().unwrap(),
        s["items"].as_u64().unwrap()
    );
    for it in items {
        assert!(
            it["line"].as_u64().is_some() && it["text"].is_string() && it["section"].is_array()
        );
        match it["kind"].as_str().unwrap() {
            "group" => assert!(it["checks"].as_array().unwrap().is_empty()),
            _ if it["checks"].as_array().unwrap().is_empty() => {
                assert!(it["manual_reason"].is_string(), "{it}")
            }
            _ => assert!(it["why"].is_string(), "{it}"),
        }
    }
}

/// code(s) bound to the item whose text contains `needle`, or "manual: reason", or "group".
fn decisions(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let cl = parse(&text);
    let registry = golive_checks::registry();
    let b = bind_checklist(&cl, &registry, golive_checks::binder_options(), "t.md").unwrap();
    cl.items
        .iter()
        .zip(b)
        .map(|(i, b)| {
            let d = match b.decision {
                Decision::Bound(bs) => bs
                    .iter()
                    .map(|x| x.comment_form())
                    .collect::<Vec<_>>()
                    .join(" + "),
                Decision::Manual(r) => format!("manual: {r}"),
                Decision::Group => "group".into(),
            };
            (i.text.clone(), d)
        })
        .collect()
}

fn decision_of<'a>(d: &'a [(String, String)], needle: &str) -> &'a str {
    d.iter()
        .find(|(t, _)| t.contains(needle))
        .map(|(_, d)| d.as_str())
        .unwrap_or_else(|| panic!("no item with {needle:?}"))
}

#[test]
fn binds_a_checklist_it_has_never_seen_go_and_kubernetes() {
    let d = decisions(&checklist_fixture("k8s-go-service.md"));
    assert_eq!(
        decision_of(&d, "APP_ENV"),
        "ENV002 + VARS001 name=APP_ENV value=production"
    );
    assert_eq!(
        decision_of(&d, "GIN_MODE"),
        "VARS001 name=GIN_MODE value=release"
    );
    assert_eq!(decision_of(&d, "LOG_LEVEL=warn"), "ENV004 min_level=warn");
    assert_eq!(
        decision_of(&d, "PAYMENTS_SANDBOX"),
        "VARS001 absent=true name=PAYMENTS_SANDBOX"
    );
    assert_eq!(
        decision_of(&d, "FEATURE_LEDGER_V2"),
        "VARS001 name=FEATURE_LEDGER_V2 value=on"
    );
    assert_eq!(decision_of(&d, "STRIPE_WEBHOOK_SECRET"), "ENV008");
    assert_eq!(decision_of(&d, "ALLOWED_HOSTS"), "ENV007");
    for human in ["CAB", "On-call", "stakeholders"] {
        assert!(
            decision_of(&d, human).starts_with("manual: asks for a person"),
            "{human}: {}",
            decision_of(&d, human)
        );
    }
    assert!(decision_of(&d, "HPA").starts_with("manual"));
    assert!(
        decision_of(&d, "GOMAXPROCS").contains("judgement"),
        "{}",
        decision_of(&d, "GOMAXPROCS")
    );
    assert_eq!(decision_of(&d, "Database"), "group");
    assert_eq!(
        decision_of(&d, "DB_MAX_CONNS"),
        "VARS001 name=DB_MAX_CONNS value=50"
    );
    assert!(decision_of(&d, "replica lag").starts_with("manual"));
}

#[test]
fn binds_a_numbered_crlf_rails_checklist() {
    let d = decisions(&checklist_fixture("rails-crlf.md"));
    assert_eq!(
        decision_of(&d, "RAILS_ENV"),
        "ENV002 + VARS001 name=RAILS_ENV value=production"
    );
    // ENV004 claims LOG_LEVEL, not RAILS_LOG_LEVEL: the generic check verifies the stated value.
    assert_eq!(
        decision_of(&d, "RAILS_LOG_LEVEL"),
        "VARS001 name=RAILS_LOG_LEVEL value=info"
    );
    assert_eq!(
        decision_of(&d, "DB_ECHO"),
        "ENV005 + VARS001 name=DB_ECHO value=false"
    );
    assert_eq!(decision_of(&d, "SECRET_KEY_BASE"), "ENV009 min_bits=512");
    assert_eq!(
        decision_of(&d, "FORCE_SSL"),
        "VARS001 name=FORCE_SSL value=true"
    );
    assert!(decision_of(&d, "QA lead").starts_with("manual: asks for a person"));
    assert!(decision_of(&d, "Product owner").starts_with("manual: asks for a person"));
}

#[test]
fn binds_a_node_checklist_with_explicit_comments() {
    let d = decisions(&checklist_fixture("node-mixed.md"));
    assert_eq!(
        d.len(),
        8,
        "the fenced example in the quote is no item: {d:?}"
    );
    assert_eq!(
        decision_of(&d, "NODE_ENV"),
        "ENV002 + VARS001 name=NODE_ENV value=production"
    );
    assert_eq!(decision_of(&d, "Debug mode off"), "ENV003");
    assert_eq!(
        decision_of(&d, "REQUIRE_REDIS_SESSIONS"),
        "VARS001 name=REQUIRE_REDIS_SESSIONS value=true"
    );
    assert_eq!(
        decision_of(&d, "ENFORCE_TENANT_ISOLATION"),
        "VARS001 name=ENFORCE_TENANT_ISOLATION value=true"
    );
    assert_eq!(decision_of(&d, "CORS locked down"), "ENV006");
    assert_eq!(decision_of(&d, "Env template"), "ENV010");
    assert!(decision_of(&d, "Reviewed by security").starts_with("manual: marked manual"));
    assert_eq!(decision_of(&d, "Entropy check"), "ENV009 min_bits=384");
}

#[test]
fn explicit_binding_errors_name_file_and_line() {
    let tmp = temp_repo(&[(
        "c.md",
        "# C\n\n- [ ] ok\n- [ ] typo <!-- golive: ENV03 -->\n",
    )]);
    let f = tmp.path().join("c.md");
    let out = golive(tmp.path(), &["import", "c.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("c.md:4:"), "{}", stderr(&out));
    std::fs::write(
        &f,
        "# C\n\n- [ ] bad param <!-- golive: ENV004 min_levle=info -->\n",
    )
    .unwrap();
    let out = golive(tmp.path(), &["import", "c.md"]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("c.md:3:") && e.contains("min_level"), "{e}");
    std::fs::write(
        &f,
        "- [ ] bad value <!-- golive: ENV009 min_bits=lots -->\n",
    )
    .unwrap();
    let out = golive(tmp.path(), &["check", ".", "--checklist", "c.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("c.md:1:"), "{}", stderr(&out));
}

#[test]
fn check_reports_manual_items_with_null_check_and_by_sections() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("examples/webshop"), tmp.path());
    std::fs::write(
        tmp.path().join("CHECKLIST.md"),
        "# Go-live\n\n## Quick Status\n\n| Category | Status |\n|---|---|\n| Config | ⬜ |\n| People | ⬜ |\n\n## Config\n\n- [ ] `DEBUG=false`\n- [ ] `ENVIRONMENT=production`\n\n## People\n\n- [x] Launch approved by the product owner\n\n| Role | Name | Date |\n|---|---|---|\n| Security | | |\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("golive.toml"),
        "checklist = \"CHECKLIST.md\"\n",
    )
    .unwrap();
    let out = golive(tmp.path(), &["check", ".", "-f", "json"]);
    let v = json(&out);
    let sections: Vec<&str> = v["checklist"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(sections, vec!["Config", "People", "Sign-off"]);
    assert_eq!(v["checklist"]["sections"][1]["status"], "pending");
    let results = v["results"].as_array().unwrap();
    let manual: Vec<&Value> = results.iter().filter(|r| r["status"] == "manual").collect();
    assert_eq!(manual.len(), 2, "{manual:?}");
    assert!(manual.iter().all(|m| m["check"].is_null()));
    assert_eq!(manual[1]["item"]["text"], "Sign-off: Security");
    assert_eq!(manual[0]["item"]["line"], 17);
    assert_eq!(result(&v, "ENV003")["item"]["line"], 12);
    let out = golive(tmp.path(), &["check", ".", "-v"]);
    let text = stdout(&out);
    assert!(
        text.contains("Quick Status") && text.contains("Config") && text.contains("People"),
        "{text}"
    );
    // The hand-ticked manual item keeps its box; write needs no --checklist with the config key.
    let out = golive(tmp.path(), &["check", ".", "--write", "-q"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let after = std::fs::read_to_string(tmp.path().join("CHECKLIST.md")).unwrap();
    assert!(
        after.contains("- [x] Launch approved by the product owner\n"),
        "{after}"
    );
    assert!(
        after.contains("- [ ] `DEBUG=false` <!-- golive-result: fail ENV003"),
        "{after}"
    );
}

/// A small deterministic generator of odd markdown: fragments that matter to the parser,
/// glued at random.
fn odd_markdown(seed: u64, len: usize) -> String {
    const FRAGMENTS: &[&str] = &[
        "- [ ] ",
        "- [x] ",
        "* [X] ",
        "1. [ ] ",
        "  ",
        "    ",
        "\n",
        "\r\n",
        "`",
        "``",
        "**",
        "*",
        "#",
        "## ",
        "| a | b |\n|---|---|\n",
        "```\n",
        "~~~",
        "> ",
        "<!-- golive: ENV003 -->",
        "<!-- golive: X1 a=b -->",
        "<!-- golive-result: pass -->",
        "<!--",
        "-->",
        "DEBUG=false",
        "`LOG_LEVEL=info`",
        "/health",
        "é",
        "🚀",
        "\t",
        "[link](x)",
        "\\",
        "<b>",
        "&amp;",
        "- ",
        "+ [ ] ",
        "Required Inputs",
        ":",
        "< 200ms",
        "65+ requests",
        "TLS 1.2+",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut s = String::new();
    for _ in 0..len {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s.push_str(FRAGMENTS[(x >> 33) as usize % FRAGMENTS.len()]);
    }
    s
}

#[test]
fn odd_markdown_never_panics_and_write_back_is_stable() {
    let registry = golive_checks::registry();
    // GOLIVE_ODD_MARKDOWN_CASES=100000 for a longer local run.
    let cases: u64 = std::env::var("GOLIVE_ODD_MARKDOWN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    for seed in 0..cases {
        let text = odd_markdown(seed, 1 + (seed as usize % 97));
        let cl = parse(&text);
        let _ = bind_checklist(&cl, &registry, golive_checks::binder_options(), "fuzz.md");
        let writes: Vec<ItemWrite> = cl
            .items
            .iter()
            .enumerate()
            .map(|(i, _)| ItemWrite {
                checked: Some(i % 2 == 0),
                comment: Some(format!("pass X{i} · -->evidence\n")),
            })
            .collect();
        let once = apply(&text, &cl, &writes);
        let cl2 = parse(&once);
        assert_eq!(
            cl2.items.len(),
            cl.items.len(),
            "seed {seed}: items changed by write-back\n{text:?}\n{once:?}"
        );
        let twice = apply(&once, &cl2, &writes);
        assert_eq!(
            once, twice,
            "seed {seed}: write-back not idempotent\n{text:?}"
        );
    }
}

#[test]
fn fleet_runs_every_environment_and_groups_blocking_by_check() {
    let tmp = temp_repo(&[
        (".env.a", "ENVIRONMENT=production\nDEBUG=false\n"),
        (".env.b", "ENVIRONMENT=production\nDEBUG=true\n"),
        (".env.c", "ENVIRONMENT=staging\nDEBUG=true\n"),
        (
            "golive.toml",
            "[environments.tenant-a]\nenv_files = [\".env.a\"]\n[environments.tenant-b]\nenv_files = [\".env.b\"]\n[environments.tenant-c]\nenv_files = [\".env.c\"]\n",
        ),
        (
            "CL.md",
            "# T\n\n- [ ] `DEBUG=false`\n- [ ] `ENVIRONMENT=production`\n- [ ] On-call rotation agreed\n",
        ),
    ]);
    let out = golive(
        tmp.path(),
        &[
            "check",
            ".",
            "--all-envs",
            "--checklist",
            "CL.md",
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["schema"], "golive.fleet/v1");
    assert_eq!(v["summary"]["environments"], 3);
    assert_eq!(
        v["summary"]["not_ready"],
        serde_json::json!(["tenant-b", "tenant-c"])
    );
    let groups = v["blocking_by_check"].as_array().unwrap();
    let debug = groups.iter().find(|g| g["check"] == "ENV003").unwrap();
    assert_eq!(
        debug["environments"],
        serde_json::json!(["tenant-b", "tenant-c"])
    );
    let envs = v["environments"].as_array().unwrap();
    assert_eq!(envs.len(), 3);
    for e in envs {
        assert!(
            e["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["status"] == "manual" && r["check"].is_null())
        );
    }
    let out = golive(
        tmp.path(),
        &[
            "check", ".", "-e", "tenant-a", "-e", "tenant-b", "--only", "ENV",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("1/2 environments ready"),
        "{}",
        stdout(&out)
    );
    let out = golive(
        tmp.path(),
        &["check", ".", "-e", "tenant-a", "--only", "ENV"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn init_from_checklist_turns_required_inputs_into_an_environment() {
    let tmp = temp_repo(&[(
        "docs/CHECKLIST.md",
        "# Tenant\n\n## Required Inputs (fill in)\n- API domain (e.g., api.example.com): https://api.acme.test\n- Redis host/port/db:\n- Alertmanager/Prometheus URLs:\n- Tenant slug:\n\n## Checks\n- [ ] `DEBUG=false`\n",
    )]);
    let out = golive(
        tmp.path(),
        &[
            "init",
            ".",
            "--from-checklist",
            "docs/CHECKLIST.md",
            "--env-name",
            "acme",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let toml = std::fs::read_to_string(tmp.path().join("golive.toml")).unwrap();
    assert!(
        toml.starts_with("checklist = \"docs/CHECKLIST.md\"\n"),
        "{toml}"
    );
    assert!(toml.contains("[environments.acme]\n"), "{toml}");
    assert!(
        toml.contains("api_url = \"https://api.acme.test\"\n"),
        "{toml}"
    );
    for blank in [
        "# redis_url = \"\"",
        "# prometheus_url = \"\"",
        "# alertmanager_url = \"\"",
    ] {
        assert!(toml.contains(blank), "{blank} in {toml}");
    }
    assert!(
        toml.contains("# Tenant slug (line 7): no golive input"),
        "{toml}"
    );
    // Again with the same name: refused; another tenant: appended, and the file still loads.
    let out = golive(
        tmp.path(),
        &[
            "init",
            ".",
            "--from-checklist",
            "docs/CHECKLIST.md",
            "--env-name",
            "acme",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = golive(
        tmp.path(),
        &[
            "init",
            ".",
            "--from-checklist",
            "docs/CHECKLIST.md",
            "--env-name",
            "globex",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = golive(tmp.path(), &["check", ".", "--all-envs", "-f", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    assert_eq!(json(&out)["summary"]["environments"], 2);
}

#[test]
fn negations_unparametrised_bounds_and_processes_stay_honest() {
    let tmp = temp_repo(&[(
        "c.md",
        "# C\n\n- [ ] Don't set `DEBUG=true` in production\n- [ ] Rotate `SECRET_KEY` every 90 days\n- [ ] `SECRET_KEY` is at least 64 characters\n- [ ] `DEBUG` must never be true\n- [ ] 2 replicas minimum\n",
    )]);
    let d = decisions(&tmp.path().join("c.md"));
    assert_eq!(decision_of(&d, "Don't set"), "VARS001 name=DEBUG not=true");
    assert!(
        decision_of(&d, "Rotate").contains("judgement"),
        "{}",
        decision_of(&d, "Rotate")
    );
    assert!(
        decision_of(&d, "64 characters").contains("no parameter"),
        "{}",
        decision_of(&d, "64 characters")
    );
    assert_eq!(decision_of(&d, "must never"), "ENV003");
    assert!(decision_of(&d, "replicas").starts_with("manual"));
}

#[test]
fn a_checklist_binding_cannot_make_golive_run_a_command() {
    // A checklist is markdown anyone edits in a pull request; only golive.toml names commands.
    let tmp = temp_repo(&[(
        "CL.md",
        "# T\n\n- [ ] tests pass <!-- golive: CMD001 command=\"touch PWNED\" -->\n",
    )]);
    let out = golive(
        tmp.path(),
        &[
            "check",
            ".",
            "--checklist",
            "CL.md",
            "--no-record",
            "-f",
            "json",
        ],
    );
    let report = json(&out);
    let r = result(&report, "CMD001");
    assert_eq!(r["status"], "error", "{r}");
    assert!(
        r["message"].as_str().unwrap().contains("golive.toml"),
        "{r}"
    );
    assert!(!tmp.path().join("PWNED").exists(), "the command ran");

    // The same command named in golive.toml runs.
    std::fs::write(
        tmp.path().join("golive.toml"),
        "[checks.CMD001]\ncommand = \"touch PWNED\"\n",
    )
    .unwrap();
    let out = golive(
        tmp.path(),
        &[
            "check",
            ".",
            "--checklist",
            "CL.md",
            "--no-record",
            "-f",
            "json",
        ],
    );
    let report = json(&out);
    assert_eq!(
        result(&report, "CMD001")["status"],
        "pass",
        "{}",
        stderr(&out)
    );
    assert!(tmp.path().join("PWNED").exists());
}
