//! The terminal report of a checklist run, by the checklist's own sections (its Quick Status
//! rows when it has them): a status table, then each section's items with their outcomes.

use crate::TerminalOptions;
use golive_core::report::{Counts, RunReport, is_blocking};
use golive_core::{CheckResult, Status};
use owo_colors::OwoColorize;
use std::fmt::Write;

/// A section of the checklist and the lines of the items in it.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub lines: Vec<u32>,
}

fn paint(on: bool, s: &str, status: Status) -> String {
    if !on {
        return s.to_string();
    }
    match status {
        Status::Fail => s.red().bold().to_string(),
        Status::Error => s.magenta().to_string(),
        Status::Warn => s.yellow().to_string(),
        Status::Pass | Status::Waived => s.green().to_string(),
        _ => s.dimmed().to_string(),
    }
}

fn symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Warn => "!",
        Status::Error => "?",
        Status::Skipped => "-",
        Status::Manual => "☐",
        Status::Waived => "~",
    }
}

fn word(c: &Counts) -> (&'static str, Status) {
    match c.status_word() {
        "failing" => ("Failing", Status::Fail),
        "error" => ("Unverified", Status::Error),
        "warning" => ("Warnings", Status::Warn),
        "pending" => ("Pending", Status::Manual),
        "passing" => ("Ready", Status::Pass),
        _ => ("Not checked", Status::Skipped),
    }
}

pub fn render(
    report: &RunReport,
    source: &str,
    sections: &[Section],
    opts: TerminalOptions,
) -> String {
    let mut out = String::new();
    let of = |sec: &Section| -> Vec<&CheckResult> {
        report
            .results
            .iter()
            .filter(|r| r.item.as_ref().is_some_and(|i| sec.lines.contains(&i.line)))
            .collect()
    };
    if !opts.quiet {
        let env = report
            .environment
            .as_deref()
            .map(|e| format!(" · environment {e}"))
            .unwrap_or_default();
        let _ = writeln!(out, "golive {} · checklist {source}{env}\n", report.root);
        let width = sections
            .iter()
            .map(|s| s.title.chars().count())
            .max()
            .unwrap_or(7)
            .clamp(7, 40);
        let _ = writeln!(
            out,
            "Quick Status\n  {:<width$} {:<13} {:>4} {:>4} {:>4} {:>5} {:>7} {:>6}",
            "Section", "Status", "pass", "fail", "warn", "error", "skipped", "manual"
        );
        for sec in sections {
            let mut c = Counts::default();
            for r in of(sec) {
                c.add(r.status);
            }
            let (w, st) = word(&c);
            let title: String = sec.title.chars().take(width).collect();
            let cell = format!("{} {w:<11}", symbol(st));
            let _ = writeln!(
                out,
                "  {title:<width$} {} {:>4} {:>4} {:>4} {:>5} {:>7} {:>6}",
                paint(opts.color, &cell, st),
                c.pass,
                c.fail,
                c.warn,
                c.error,
                c.skipped,
                c.manual + c.waived
            );
        }
        let _ = writeln!(out);
        for sec in sections {
            let rows: Vec<&CheckResult> = of(sec)
                .into_iter()
                .filter(|r| {
                    opts.verbose
                        || matches!(
                            r.status,
                            Status::Fail | Status::Error | Status::Warn | Status::Waived
                        )
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{}", sec.title);
            for r in rows {
                let line = r.item.as_ref().map_or(0, |i| i.line);
                let text = r.item.as_ref().map_or("", |i| i.text.as_str());
                let code = r.check.as_deref().unwrap_or("manual");
                let gate = if is_blocking(r, &report.gate) {
                    " · blocks deploy"
                } else {
                    ""
                };
                let head = format!("{} {:<7}", symbol(r.status), r.status.as_str());
                let _ = writeln!(
                    out,
                    "  {} {code} line {line}: {text}{gate}",
                    paint(opts.color, &head, r.status)
                );
                let _ = writeln!(out, "      {}", r.message);
                if matches!(r.status, Status::Pass | Status::Skipped | Status::Manual) {
                    continue;
                }
                for loc in r.locations.iter().take(5) {
                    let _ = writeln!(out, "      at {loc}");
                }
                if let Some(fix) = &r.fix {
                    let _ = writeln!(out, "      fix: {fix}");
                }
            }
            let _ = writeln!(out);
        }
        let c = report.counts();
        let _ = writeln!(
            out,
            "{} pass, {} fail, {} warn, {} error, {} skipped, {} manual, {} waived in {:.2}s",
            c.pass,
            c.fail,
            c.warn,
            c.error,
            c.skipped,
            c.manual,
            c.waived,
            report.duration_ms as f64 / 1000.0
        );
    }
    let blocking = report.blocking();
    if blocking.is_empty() {
        let _ = writeln!(
            out,
            "{} nothing at or above {} severity fails",
            paint(opts.color, "READY:", Status::Pass),
            report.gate.severity
        );
    } else {
        let mut codes: Vec<&str> = blocking.iter().filter_map(|r| r.check.as_deref()).collect();
        codes.dedup();
        let _ = writeln!(
            out,
            "{} {} blocking result(s) at or above {} severity ({})",
            paint(opts.color, "NOT READY:", Status::Fail),
            blocking.len(),
            report.gate.severity,
            codes.join(", ")
        );
    }
    out
}
