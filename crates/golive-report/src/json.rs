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
    #[serde(flatten)]
    head: ReportHead<'a>,
    results: Vec<ResultJson<'a>>,
    #[serde(flatten)]
    tail: ReportTail<'a>,
}

/// The fields before `results`.
#[derive(Serialize)]
struct ReportHead<'a> {
    schema: &'static str,
    tool: ToolJson<'a>,
    environment: &'a Option<String>,
    started_at: String,
    duration_ms: u64,
    summary: Value,
    categories: Vec<Value>,
}

/// The fields after `results`.
#[derive(Serialize)]
struct ReportTail<'a> {
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
    let signoffs = report
        .signoffs
        .iter()
        .map(|s| {
            json!({
                "role": s.role, "required": s.required, "state": s.state.as_str(), "by": s.by,
                "note": s.note, "at": s.at, "commit": s.commit,
            })
        })
        .collect();
    let waivers = report
        .waivers
        .iter()
        .map(|w| {
            json!({
                "target": w.target, "reason": w.reason, "until": w.until, "by": w.by,
                "source": w.source, "state": w.state.as_str(),
            })
        })
        .collect();
    ReportJson {
        head: ReportHead {
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
        },
        results,
        tail: ReportTail {
            run_id: report.run_id,
            git_commit: &report.git_commit,
            signoffs,
            waivers,
        },
    }
}

/// The report as a JSON value, field for field as DESIGN.md specifies.
pub fn to_value(report: &RunReport) -> Value {
    serde_json::to_value(report_json(report)).unwrap_or_else(|e| {
        // Serialising plain values cannot fail; say so loudly if it ever does.
        json!({ "error": format!("cannot serialise report: {e}") })
    })
}

/// Writes the report to `out`, the text `serde_json::to_writer_pretty` writes for the whole
/// report, byte for byte.
///
/// The result rows, nearly all of the bytes, are serialised on every core, each into its own
/// buffer, then written in order: at the end of a run nothing else is left to do, and one
/// thread writing a 2 MB report was a tail of several milliseconds with the other cores idle.
/// The rows are held in memory until written (about the report's size); growing one string to
/// the whole report, as before streaming, also reallocated and copied it on the way.
pub fn write(report: &RunReport, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
    let doc = report_json(report);
    let workers = if doc.results.len() >= PARALLEL_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS))
    } else {
        1
    };
    write_doc(&doc, workers, out)
}

/// Fewer rows than this are serialised on the calling thread: starting threads costs more.
const PARALLEL_FROM: usize = 32;
const MAX_WORKERS: usize = 4;

fn write_doc(
    doc: &ReportJson,
    workers: usize,
    out: &mut (impl std::io::Write + ?Sized),
) -> std::io::Result<()> {
    let io = std::io::Error::other;
    let rows = serialise_rows(&doc.results, workers)?;
    // The fields around the rows, each group as its own object: the head without its closing
    // brace, the tail without its opening one.
    let head = serde_json::to_vec_pretty(&doc.head).map_err(io)?;
    let tail = serde_json::to_vec_pretty(&doc.tail).map_err(io)?;
    let (Some(head), Some(tail)) = (head.strip_suffix(b"\n}"), tail.strip_prefix(b"{")) else {
        // Both groups have fields, so this cannot happen; the whole document in one piece
        // is still right.
        serde_json::to_writer_pretty(&mut *out, doc).map_err(io)?;
        return out.write_all(b"\n");
    };
    out.write_all(head)?;
    out.write_all(b",\n  \"results\": ")?;
    if rows.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        for (i, row) in rows.iter().enumerate() {
            out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            write_indented(out, row)?;
        }
        out.write_all(b"\n  ]")?;
    }
    out.write_all(b",")?;
    out.write_all(tail)?;
    out.write_all(b"\n")
}

/// A row serialised on its own, moved two levels in (four spaces after every line break). A
/// JSON string never holds a raw line break, so every one is the pretty printer's.
fn write_indented(out: &mut (impl std::io::Write + ?Sized), row: &[u8]) -> std::io::Result<()> {
    let mut from = 0;
    for at in memchr::memchr_iter(b'\n', row) {
        out.write_all(&row[from..=at])?;
        out.write_all(b"    ")?;
        from = at + 1;
    }
    out.write_all(&row[from..])
}

/// Each row as pretty JSON, in order, on `workers` threads (the caller's among them) taking
/// rows one at a time: row sizes differ by a hundredfold.
fn serialise_rows(rows: &[ResultJson], workers: usize) -> std::io::Result<Vec<Vec<u8>>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let one = |r: &ResultJson| serde_json::to_vec_pretty(r).map_err(std::io::Error::other);
    if workers <= 1 {
        return rows.iter().map(one).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(r) = rows.get(i) else { break };
            mine.push((i, one(r)));
        }
        mine
    };
    let mut done: Vec<(usize, std::io::Result<Vec<u8>>)> = std::thread::scope(|s| {
        let others: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in others {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(_) => all.push((
                    usize::MAX,
                    Err(std::io::Error::other("a serialising thread failed")),
                )),
            }
        }
        all
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

pub fn render(report: &RunReport) -> String {
    let mut out = Vec::new();
    match write(report, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        // Serialising plain values cannot fail; say so loudly if it ever does.
        Err(e) => format!("{{\"error\": \"cannot serialise report: {e}\"}}\n"),
    }
}

#[cfg(test)]
mod tests {
    use golive_core::model::{Category, CheckResult, ItemRef, Location, Severity, Status};
    use golive_core::report::RunReport;

    fn row(i: usize) -> CheckResult {
        CheckResult {
            check: Some(format!("K8S{i:03}")),
            slug: (!i.is_multiple_of(3)).then(|| format!("slug-{i}")),
            category: Category::Security,
            severity: Severity::High,
            status: if i.is_multiple_of(2) {
                Status::Fail
            } else {
                Status::Pass
            },
            message: format!("line one\nline two \"quoted\" {i} \u{2028} é"),
            item: i.is_multiple_of(4).then(|| ItemRef {
                text: "Rollback documented".into(),
                source: "docs/CHECKLIST.md".into(),
                line: 3,
            }),
            locations: (0..i % 5)
                .map(|l| Location::line(format!("charts/api/templates/d{l}.yaml"), l as u32))
                .collect(),
            evidence: (0..i % 3)
                .map(|e| format!("evidence {e}\n  indented"))
                .collect(),
            fix: (i % 2 == 1).then(|| "set it".into()),
            duration_ms: i as u64,
        }
    }

    fn reference(report: &RunReport) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(&super::report_json(report)).expect("json");
        out.push(b'\n');
        out
    }

    #[test]
    fn rows_serialised_apart_give_serde_jsons_pretty_text() {
        for n in [0usize, 1, 2, 7, 40] {
            let report = RunReport {
                tool_version: "0.1.0".into(),
                results: (0..n).map(row).collect(),
                run_id: Some(7),
                ..Default::default()
            };
            let want = reference(&report);
            for workers in [1, 2, 3, 8] {
                let mut got = Vec::new();
                super::write_doc(&super::report_json(&report), workers, &mut got).expect("write");
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&want),
                    "{n} rows on {workers} threads"
                );
            }
            let mut got = Vec::new();
            super::write(&report, &mut got).expect("write");
            assert_eq!(got, want, "{n} rows through write");
        }
    }
}
