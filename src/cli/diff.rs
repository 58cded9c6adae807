//! `golive diff [OLD] [NEW]` (issue 7): what regressed, what was fixed, what is new, what is
//! gone, and other status changes between two recorded runs.

use super::args::{DiffArgs, ListFormat};
use golive_core::report::RunReport;
use golive_core::{CheckResult, Status};
use golive_store::OpenMode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How bad a status is, for "regressed" and "fixed".
fn badness(s: Status) -> u8 {
    match s {
        Status::Pass | Status::Skipped => 0,
        Status::Waived | Status::Manual => 1,
        Status::Warn => 2,
        Status::Error => 3,
        Status::Fail => 4,
    }
}

#[derive(Default)]
struct Diff<'a> {
    regressed: Vec<(&'a CheckResult, &'a CheckResult)>,
    fixed: Vec<(&'a CheckResult, &'a CheckResult)>,
    changed: Vec<(&'a CheckResult, &'a CheckResult)>,
    new: Vec<&'a CheckResult>,
    removed: Vec<&'a CheckResult>,
}

fn compute<'a>(old: &'a RunReport, new: &'a RunReport) -> Diff<'a> {
    let index = |r: &'a RunReport| -> BTreeMap<String, &'a CheckResult> {
        r.results
            .iter()
            .map(|x| (super::store::result_key(x), x))
            .collect()
    };
    let (a, b) = (index(old), index(new));
    let mut d = Diff::default();
    for (k, n) in &b {
        match a.get(k) {
            None => d.new.push(n),
            Some(o) if o.status == n.status => {}
            Some(o) => {
                let (bo, bn) = (badness(o.status), badness(n.status));
                if bn > bo && bn >= 2 {
                    d.regressed.push((o, n));
                } else if bo > bn && bo >= 2 {
                    d.fixed.push((o, n));
                } else {
                    d.changed.push((o, n));
                }
            }
        }
    }
    for (k, o) in &a {
        if !b.contains_key(k) {
            d.removed.push(o);
        }
    }
    d
}

fn name(r: &CheckResult) -> String {
    match (&r.check, &r.item) {
        (Some(c), _) => format!("{c} {}", r.slug.as_deref().unwrap_or(""))
            .trim()
            .to_string(),
        (None, Some(i)) => i.text.clone(),
        (None, None) => r.message.clone(),
    }
}

fn row(r: &CheckResult) -> Value {
    json!({"check": r.check, "item": r.item.as_ref().map(|i| &i.text), "severity": r.severity.as_str(),
           "status": r.status.as_str(), "message": r.message})
}

fn pair(o: &CheckResult, n: &CheckResult) -> Value {
    json!({"check": n.check, "item": n.item.as_ref().map(|i| &i.text), "severity": n.severity.as_str(),
           "from": o.status.as_str(), "to": n.status.as_str(), "message": n.message})
}

fn run_json(r: &RunReport) -> Value {
    json!({"id": r.run_id, "started_at": r.started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
           "environment": r.environment, "git_commit": r.git_commit, "ready": r.ready()})
}

pub fn run(a: DiffArgs) -> i32 {
    let cx = match super::store::context(&a.store) {
        Ok(c) => c,
        Err(e) => return super::fail_usage(e),
    };
    let mut store = match cx.open(OpenMode::ExistingOnly) {
        Ok(s) => s,
        Err(e) => return super::fail_usage(e),
    };
    let (old_id, new_id) = match (a.old, a.new) {
        (Some(o), Some(n)) => (o, n),
        (given, None) => {
            let runs = match store.runs(a.env.as_deref(), 2) {
                Ok(r) => r,
                Err(e) => return super::fail_usage(e),
            };
            match (given, runs.as_slice()) {
                (Some(o), [latest, ..]) => (o, latest.id),
                (None, [latest, before, ..]) => (before.id, latest.id),
                _ => {
                    return super::fail_usage(
                        "diff needs two recorded runs (`golive check` records one each time)",
                    );
                }
            }
        }
        (None, Some(_)) => return super::fail_usage("give OLD before NEW"),
    };
    let load = |store: &mut Box<dyn golive_store::Store>, id: i64| match store.load_run(id) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(format!("no run #{id} in {}", store.location())),
        Err(e) => Err(e.to_string()),
    };
    let old = match load(&mut store, old_id) {
        Ok(r) => r,
        Err(e) => return super::fail_usage(e),
    };
    let new = match load(&mut store, new_id) {
        Ok(r) => r,
        Err(e) => return super::fail_usage(e),
    };
    let d = compute(&old, &new);
    let text = match a.format {
        ListFormat::Json => {
            let v = json!({
                "schema": "golive.diff/v1",
                "old": run_json(&old),
                "new": run_json(&new),
                "regressed": d.regressed.iter().map(|(o, n)| pair(o, n)).collect::<Vec<_>>(),
                "fixed": d.fixed.iter().map(|(o, n)| pair(o, n)).collect::<Vec<_>>(),
                "new_results": d.new.iter().map(|r| row(r)).collect::<Vec<_>>(),
                "removed": d.removed.iter().map(|r| row(r)).collect::<Vec<_>>(),
                "changed": d.changed.iter().map(|(o, n)| pair(o, n)).collect::<Vec<_>>(),
            });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = format!(
                "run #{old_id} ({}) → run #{new_id} ({})\n",
                old.git_commit
                    .as_deref()
                    .map(|c| c.get(..12).unwrap_or(c))
                    .unwrap_or("-"),
                new.git_commit
                    .as_deref()
                    .map(|c| c.get(..12).unwrap_or(c))
                    .unwrap_or("-"),
            );
            let mut section = |title: &str, lines: Vec<String>| {
                s.push_str(&format!("\n{title} ({})\n", lines.len()));
                for l in lines {
                    s.push_str(&format!("  {l}\n"));
                }
            };
            section(
                "Regressed",
                d.regressed
                    .iter()
                    .map(|(o, n)| {
                        format!(
                            "{} [{}]: {} → {}: {}",
                            name(n),
                            n.severity,
                            o.status,
                            n.status,
                            n.message
                        )
                    })
                    .collect(),
            );
            section(
                "Fixed",
                d.fixed
                    .iter()
                    .map(|(o, n)| {
                        format!("{} [{}]: {} → {}", name(n), n.severity, o.status, n.status)
                    })
                    .collect(),
            );
            section(
                "New",
                d.new
                    .iter()
                    .map(|n| format!("{} [{}]: {}", name(n), n.severity, n.status))
                    .collect(),
            );
            section(
                "Removed",
                d.removed
                    .iter()
                    .map(|o| format!("{} [{}]: was {}", name(o), o.severity, o.status))
                    .collect(),
            );
            section(
                "Changed",
                d.changed
                    .iter()
                    .map(|(o, n)| format!("{}: {} → {}", name(n), o.status, n.status))
                    .collect(),
            );
            s
        }
    };
    match super::emit(&text, None) {
        Ok(()) => super::EXIT_READY,
        Err(e) => super::fail_usage(e),
    }
}
