//! The `golive.report/v1` JSON report: the contract every other format and tool builds on.

use golive_core::report::{Counts, RunReport, SCHEMA};
use serde_json::{Value, json};

fn counts_json(c: &Counts) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    for s in golive_core::Status::ALL {
        m.insert(s.as_str().to_string(), json!(c.get(s)));
    }
    m
}

/// The report as a JSON value, field for field as DESIGN.md specifies.
pub fn to_value(report: &RunReport) -> Value {
    let mut summary = counts_json(&report.counts());
    summary.insert("ready".into(), json!(report.ready()));
    let categories: Vec<Value> = report
        .categories()
        .into_iter()
        .map(|(cat, c)| {
            let mut m = serde_json::Map::new();
            m.insert("name".into(), json!(cat.as_str()));
            m.extend(counts_json(&c));
            m.insert("status".into(), json!(c.status_word()));
            Value::Object(m)
        })
        .collect();
    let results: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            json!({
                "check": r.check,
                "slug": r.slug,
                "category": r.category.as_str(),
                "severity": r.severity.as_str(),
                "status": r.status.as_str(),
                "message": r.message,
                "item": r.item.as_ref().map(|i| json!({"text": i.text, "source": i.source, "line": i.line})),
                "locations": r.locations.iter().map(|l| {
                    let mut m = serde_json::Map::new();
                    m.insert("path".into(), json!(l.path));
                    if let Some(line) = l.line { m.insert("line".into(), json!(line)); }
                    if let Some(col) = l.column { m.insert("column".into(), json!(col)); }
                    Value::Object(m)
                }).collect::<Vec<_>>(),
                "evidence": r.evidence,
                "fix": r.fix,
                "duration_ms": r.duration_ms,
            })
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "tool": {"name": "golive", "version": report.tool_version},
        "environment": report.environment,
        "started_at": report.started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "duration_ms": report.duration_ms,
        "summary": Value::Object(summary),
        "categories": categories,
        "results": results,
        // Issue 7, additive to golive.report/v1: the run's id in the history store, the commit
        // it checked, the sign-off table and the waivers (active, expired, forbidden).
        "run_id": report.run_id,
        "git_commit": report.git_commit,
        "signoffs": report.signoffs.iter().map(|s| json!({
            "role": s.role, "required": s.required, "state": s.state.as_str(), "by": s.by,
            "note": s.note, "at": s.at, "commit": s.commit,
        })).collect::<Vec<_>>(),
        "waivers": report.waivers.iter().map(|w| json!({
            "target": w.target, "reason": w.reason, "until": w.until, "by": w.by,
            "source": w.source, "state": w.state.as_str(),
        })).collect::<Vec<_>>(),
    })
}

pub fn render(report: &RunReport) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).unwrap_or_else(|e| {
        // Serialising plain values cannot fail; say so loudly if it ever does.
        format!("{{\"error\": \"cannot serialise report: {e}\"}}")
    });
    s.push('\n');
    s
}
