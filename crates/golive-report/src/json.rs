//! The `golive.report/v1` JSON report: the contract every other format and tool builds on.

use golive_core::report::{Counts, RunReport, SCHEMA};
use serde::Serialize;
use serde_json::{Value, json};

fn counts_json(c: &Counts) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    for s in golive_core::Status::ALL {
        m.insert(s.as_str().to_string(), json!(c.get(s)));
    }
    m
}

/// One result row, borrowed from the report: the rows are nearly all of a report's bytes, and
/// serialising them in place avoids building (and copying every string into) a JSON tree.
#[derive(Serialize)]
struct ResultJson<'a> {
    check: &'a Option<String>,
    slug: &'a Option<String>,
    category: &'static str,
    severity: &'static str,
    status: &'static str,
    message: &'a str,
    item: Option<ItemJson<'a>>,
    locations: Vec<LocationJson<'a>>,
    evidence: &'a [String],
    fix: &'a Option<String>,
    duration_ms: u64,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    text: &'a str,
    source: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct LocationJson<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

#[derive(Serialize)]
struct ToolJson<'a> {
    name: &'static str,
    version: &'a str,
}

/// The whole report, in the field order DESIGN.md gives.
#[derive(Serialize)]
struct ReportJson<'a> {
    schema: &'static str,
    tool: ToolJson<'a>,
    environment: &'a Option<String>,
    started_at: String,
    duration_ms: u64,
    summary: Value,
    categories: Vec<Value>,
    results: Vec<ResultJson<'a>>,
    // Issue 7, additive to golive.report/v1: the run's id in the history store, the commit
    // it checked, the sign-off table and the waivers (active, expired, forbidden).
    run_id: Option<i64>,
    git_commit: &'a Option<String>,
    signoffs: Vec<Value>,
    waivers: Vec<Value>,
}

fn report_json(report: &RunReport) -> ReportJson<'_> {
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
    let results = report
        .results
        .iter()
        .map(|r| ResultJson {
            check: &r.check,
            slug: &r.slug,
            category: r.category.as_str(),
            severity: r.severity.as_str(),
            status: r.status.as_str(),
            message: &r.message,
            item: r.item.as_ref().map(|i| ItemJson {
                text: &i.text,
                source: &i.source,
                line: i.line,
            }),
            locations: r
                .locations
                .iter()
                .map(|l| LocationJson {
                    path: &l.path,
                    line: l.line,
                    column: l.column,
                })
                .collect(),
            evidence: &r.evidence,
            fix: &r.fix,
            duration_ms: r.duration_ms,
        })
        .collect();
    ReportJson {
        schema: SCHEMA,
        tool: ToolJson {
            name: "golive",
            version: &report.tool_version,
        },
        environment: &report.environment,
        started_at: report.started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        duration_ms: report.duration_ms,
        summary: Value::Object(summary),
        categories,
        results,
        run_id: report.run_id,
        git_commit: &report.git_commit,
        signoffs: report
            .signoffs
            .iter()
            .map(|s| {
                json!({
                    "role": s.role, "required": s.required, "state": s.state.as_str(), "by": s.by,
                    "note": s.note, "at": s.at, "commit": s.commit,
                })
            })
            .collect(),
        waivers: report
            .waivers
            .iter()
            .map(|w| {
                json!({
                    "target": w.target, "reason": w.reason, "until": w.until, "by": w.by,
                    "source": w.source, "state": w.state.as_str(),
                })
            })
            .collect(),
    }
}

/// The report as a JSON value, field for field as DESIGN.md specifies.
pub fn to_value(report: &RunReport) -> Value {
    serde_json::to_value(report_json(report)).unwrap_or_else(|e| {
        // Serialising plain values cannot fail; say so loudly if it ever does.
        json!({ "error": format!("cannot serialise report: {e}") })
    })
}

/// Writes the report to `out` as it is serialised: a large report (thousands of findings on a
/// monorepo) is never held whole in memory, which growing one string to its size cost in
/// fresh pages and copies at the end of every run.
pub fn write(report: &RunReport, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report_json(report)).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

pub fn render(report: &RunReport) -> String {
    let mut out = Vec::new();
    match write(report, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        // Serialising plain values cannot fail; say so loudly if it ever does.
        Err(e) => format!("{{\"error\": \"cannot serialise report: {e}\"}}\n"),
    }
}
