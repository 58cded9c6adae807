//! golive's reading of Prometheus rule files agrees with `promtool check rules`: every plain
//! rule file of the fixtures (and a few hand-made ones) is invalid for golive exactly when it is
//! invalid for promtool. Skipped with a message when promtool is absent, a failure under CI=true.

use crate::servers::{require, which};
use crate::support::{fixtures, repo_root};
use std::path::{Path, PathBuf};
use std::process::Command;

fn rule_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rule_files_under(&p, out);
        } else if let Ok(text) = std::fs::read_to_string(&p)
            && matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml" | "rules")
            )
            && golive_facts::rule_files::looks_like_rule_file(&text)
            && !text.contains("kind: PrometheusRule")
        {
            out.push(p);
        }
    }
}

const HAND_MADE: &[(&str, &str)] = &[
    ("empty.yml", "groups: []\n"),
    (
        "unknown-top.yml",
        "other: 1\ngroups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n",
    ),
    (
        "both.yml",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    record: b\n    expr: up\n",
    ),
    (
        "record-annotations.yml",
        "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    annotations: {a: b}\n",
    ),
    (
        "dangling.yml",
        "groups:\n- name: g\n  rules:\n  - alert: B\n    expr: rate(x[5m]) > 0 and\n",
    ),
    (
        "nameless.yml",
        "groups:\n- rules:\n  - alert: A\n    expr: up == 0\n",
    ),
    (
        "bad-yaml.yml",
        "groups:\n- name: x\n  rules:\n  - alert: A\n    expr: up\n   for: 1m\n",
    ),
    (
        "ok-zero-for.yml",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 0\n    keep_firing_for: 5m\n",
    ),
    (
        "repeated-group.yml",
        "groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n",
    ),
];

#[test]
fn golive_and_promtool_agree_on_which_rule_files_are_valid() {
    let Some(promtool) = require("promtool", which("promtool")) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    rule_files_under(&fixtures().join("checks/OPS001"), &mut files);
    rule_files_under(&fixtures().join("checks/OPS002"), &mut files);
    rule_files_under(&fixtures().join("projects"), &mut files);
    for (name, text) in HAND_MADE {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        files.push(p);
    }
    assert!(files.len() >= 12, "{files:?}");
    let mut disagreements = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let label = f
            .strip_prefix(repo_root())
            .unwrap_or(f)
            .display()
            .to_string();
        let golive_ok = golive_facts::rule_files::read_rule_file(&label, &text)
            .map(|r| r.problems.is_empty())
            .unwrap_or(false);
        let out = Command::new(&promtool)
            .args(["check", "rules"])
            .arg(f)
            .output()
            .expect("promtool runs");
        let promtool_ok = out.status.success();
        if promtool_ok {
            valid += 1;
        } else {
            invalid += 1;
        }
        if golive_ok != promtool_ok {
            disagreements.push(format!(
                "{label}: golive says {}, promtool says {}: {}",
                if golive_ok { "valid" } else { "invalid" },
                if promtool_ok { "valid" } else { "invalid" },
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // Both kinds are exercised.
    assert!(
        valid >= 3 && invalid >= 3,
        "valid {valid}, invalid {invalid}"
    );
}
