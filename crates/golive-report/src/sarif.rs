//! SARIF 2.1.0 for code scanning: one rule per check that ran (its full doc as help), one
//! result per fail, warn, error and waived result. Level follows severity (critical and high
//! are `error`, medium `warning`, low `note`); a warning is at most `warning`; an `error`
//! (could not decide) is a `warning` saying so; a waived result carries an accepted external
//! suppression with the waiver as justification. Manual items have no rule and are left out.

use golive_core::check::{CheckMeta, render_doc};
use golive_core::report::RunReport;
use golive_core::{CheckResult, Severity, Status};
use serde_json::{Value, json};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(r: &CheckResult) -> &'static str {
    let by_severity = match r.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    };
    match r.status {
        Status::Fail => by_severity,
        Status::Warn | Status::Error => {
            if by_severity == "note" {
                "note"
            } else {
                "warning"
            }
        }
        _ => by_severity,
    }
}

fn location(path: &str, line: Option<u32>, column: Option<u32>) -> Value {
    let mut region = serde_json::Map::new();
    if let Some(l) = line.filter(|l| *l > 0) {
        region.insert("startLine".into(), json!(l));
        if let Some(c) = column.filter(|c| *c > 0) {
            region.insert("startColumn".into(), json!(c));
        }
    }
    let mut physical = json!({"artifactLocation": {"uri": path, "uriBaseId": "SRCROOT"}});
    if !region.is_empty() {
        physical["region"] = Value::Object(region);
    }
    json!({"physicalLocation": physical})
}

/// `rules` is the catalog's metadata (the registry); only checks with a result become rules.
pub fn to_value(report: &RunReport, rules: &[&CheckMeta]) -> Value {
    let shown: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.check.is_some())
        .filter(|r| {
            matches!(
                r.status,
                Status::Fail | Status::Warn | Status::Error | Status::Waived
            )
        })
        .collect();
    let mut rule_ids: Vec<&str> = Vec::new();
    for r in &shown {
        if let Some(code) = r.check.as_deref()
            && !rule_ids.contains(&code)
        {
            rule_ids.push(code);
        }
    }
    let rule_values: Vec<Value> = rule_ids
        .iter()
        .map(|code| {
            let meta = rules.iter().find(|m| m.code == *code);
            let first = shown.iter().find(|r| r.check.as_deref() == Some(code));
            match meta {
                Some(m) => json!({
                    "id": m.code,
                    "name": m.slug,
                    "shortDescription": {"text": m.summary},
                    "fullDescription": {"text": m.doc.what.trim()},
                    "help": {"text": render_doc(m), "markdown": render_doc(m)},
                    "defaultConfiguration": {"level": match m.severity {
                        Severity::Critical | Severity::High => "error",
                        Severity::Medium => "warning",
                        Severity::Low => "note",
                    }},
                    "properties": {
                        "category": m.category.as_str(),
                        "severity": m.severity.as_str(),
                        "tags": [m.category.as_str().to_ascii_lowercase(), m.severity.as_str()],
                    },
                }),
                None => json!({
                    "id": code,
                    "name": first.and_then(|r| r.slug.clone()).unwrap_or_default(),
                    "shortDescription": {"text": first.map(|r| r.message.clone()).unwrap_or_default()},
                }),
            }
        })
        .collect();
    let results: Vec<Value> = shown
        .iter()
        .map(|r| {
            let code = r.check.as_deref().unwrap_or("");
            let mut text = match r.status {
                Status::Error => format!("could not verify: {}", r.message),
                _ => r.message.clone(),
            };
            if let Some(fix) = &r.fix {
                text.push_str(&format!("\nFix: {fix}"));
            }
            let mut locations: Vec<Value> = r
                .locations
                .iter()
                .map(|l| location(&l.path, l.line, l.column))
                .collect();
            if locations.is_empty()
                && let Some(item) = &r.item
            {
                locations.push(location(&item.source, Some(item.line), None));
            }
            let mut v = json!({
                "ruleId": code,
                "ruleIndex": rule_ids.iter().position(|c| *c == code).unwrap_or(0),
                "kind": "fail",
                "level": level(r),
                "message": {"text": text},
                "locations": locations,
                "properties": {
                    "status": r.status.as_str(),
                    "severity": r.severity.as_str(),
                    "category": r.category.as_str(),
                    "evidence": r.evidence,
                },
            });
            if r.status == Status::Waived {
                v["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": r.message,
                }]);
            }
            v
        })
        .collect();
    let started = report.started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut invocation = json!({
        "executionSuccessful": true,
        "startTimeUtc": started,
        "properties": {"ready": report.ready()},
    });
    if let Some(root) = Some(&report.root).filter(|r| !r.is_empty()) {
        invocation["workingDirectory"] = json!({"uri": file_uri(root)});
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": "golive",
            "version": report.tool_version,
            "semanticVersion": report.tool_version,
            "rules": rule_values,
        }},
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
    });
    if let Some(env) = &report.environment {
        run["automationDetails"] = json!({"id": format!("golive/{env}/")});
    }
    if let Some(commit) = &report.git_commit {
        run["versionControlProvenance"] = json!([{
            "repositoryUri": file_uri(&report.root),
            "revisionId": commit,
        }]);
    }
    json!({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
}

fn file_uri(path: &str) -> String {
    let mut s = String::from("file://");
    for ch in path.chars() {
        match ch {
            ' ' => s.push_str("%20"),
            '%' => s.push_str("%25"),
            '#' => s.push_str("%23"),
            '?' => s.push_str("%3F"),
            '\\' => s.push('/'),
            c => s.push(c),
        }
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

pub fn render(report: &RunReport, rules: &[&CheckMeta]) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report, rules))
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialise report: {e}\"}}"));
    s.push('\n');
    s
}
