//! The terminal report: Quick Status by category, then what needs attention with its
//! evidence, location and fix, then the counts and the verdict.

use golive_core::report::{RunReport, is_blocking, severity_rank};
use golive_core::{CheckResult, Status};
use owo_colors::OwoColorize;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalOptions {
    pub color: bool,
    /// Also list passes and skips, with their reasons.
    pub verbose: bool,
    /// Only the verdict line.
    pub quiet: bool,
}

struct Paint(bool);

impl Paint {
    fn red(&self, s: &str) -> String {
        if self.0 {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }
    fn green(&self, s: &str) -> String {
        if self.0 {
            s.green().to_string()
        } else {
            s.to_string()
        }
    }
    fn yellow(&self, s: &str) -> String {
        if self.0 {
            s.yellow().to_string()
        } else {
            s.to_string()
        }
    }
    fn magenta(&self, s: &str) -> String {
        if self.0 {
            s.magenta().to_string()
        } else {
            s.to_string()
        }
    }
    fn dim(&self, s: &str) -> String {
        if self.0 {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        if self.0 {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
    fn status(&self, s: Status) -> String {
        let (sym, word) = symbol(s);
        let text = format!("{sym} {word}");
        match s {
            Status::Fail => self.red(&text),
            Status::Error => self.magenta(&text),
            Status::Warn => self.yellow(&text),
            Status::Pass | Status::Waived => self.green(&text),
            _ => self.dim(&text),
        }
    }
}

fn symbol(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Pass => ("✓", "pass"),
        Status::Fail => ("✗", "fail"),
        Status::Warn => ("!", "warn"),
        Status::Error => ("?", "error"),
        Status::Skipped => ("-", "skipped"),
        Status::Manual => ("☐", "manual"),
        Status::Waived => ("~", "waived"),
    }
}

fn category_word(word: &str) -> (&'static str, &'static str) {
    match word {
        "failing" => ("✗", "Failing"),
        "error" => ("?", "Unverified"),
        "warning" => ("!", "Warnings"),
        "pending" => ("☐", "Pending"),
        "passing" => ("✓", "Ready"),
        _ => ("-", "Not checked"),
    }
}

pub fn render(report: &RunReport, opts: TerminalOptions) -> String {
    let p = Paint(opts.color);
    let mut out = String::new();
    if !opts.quiet {
        let env = report
            .environment
            .as_deref()
            .map(|e| format!(" · environment {e}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}", p.bold(&format!("golive {}{env}", report.root)));
        let _ = writeln!(out);
        quick_status(&mut out, report, &p);
        attention(&mut out, report, &p, opts.verbose);
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
        signoffs_and_waivers(&mut out, report, &p); // issue 7
    }
    verdict(&mut out, report, &p);
    out
}

/// Issue 7: the sign-off table when roles are required, and waivers that no longer apply.
fn signoffs_and_waivers(out: &mut String, report: &RunReport, p: &Paint) {
    use golive_core::report::{SignoffState, WaiverState};
    if !report.signoffs.is_empty() {
        let rows: Vec<String> = report
            .signoffs
            .iter()
            .map(|s| {
                let who =
                    s.by.as_deref()
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default();
                match s.state {
                    SignoffState::Signed => p.green(&format!("✓ {}{who}", s.role)),
                    SignoffState::Stale => {
                        p.yellow(&format!("! {}{who} (stale: commit changed)", s.role))
                    }
                    SignoffState::Missing => p.red(&format!("☐ {} (missing)", s.role)),
                }
            })
            .collect();
        let _ = writeln!(out, "Sign-off: {}", rows.join(", "));
    }
    for w in report
        .waivers
        .iter()
        .filter(|w| w.state != WaiverState::Active)
    {
        let why = match w.state {
            WaiverState::Expired => format!("expired on {}", w.until),
            _ => "refused: golive.toml forbids waivers at this severity".to_string(),
        };
        let _ = writeln!(
            out,
            "{} waiver of {} by {} ({}) {why}",
            p.yellow("!"),
            w.target,
            w.by,
            w.source
        );
    }
}

fn quick_status(out: &mut String, report: &RunReport, p: &Paint) {
    let _ = writeln!(out, "{}", p.bold("Quick Status"));
    let _ = writeln!(
        out,
        "  {:<15} {:<14} {:>4} {:>4} {:>4} {:>5} {:>7} {:>6} {:>6}",
        "Category", "Status", "pass", "fail", "warn", "error", "skipped", "manual", "waived"
    );
    for (cat, c) in report.categories() {
        let (sym, word) = category_word(c.status_word());
        let cell = format!("{sym} {word:<12}");
        let painted = match c.status_word() {
            "failing" => p.red(&cell),
            "error" => p.magenta(&cell),
            "warning" => p.yellow(&cell),
            "passing" => p.green(&cell),
            _ => p.dim(&cell),
        };
        let _ = writeln!(
            out,
            "  {:<15} {painted} {:>4} {:>4} {:>4} {:>5} {:>7} {:>6} {:>6}",
            cat.as_str(),
            c.pass,
            c.fail,
            c.warn,
            c.error,
            c.skipped,
            c.manual,
            c.waived
        );
    }
    let _ = writeln!(out);
}

fn attention(out: &mut String, report: &RunReport, p: &Paint, verbose: bool) {
    let shown = |r: &CheckResult| {
        verbose
            || matches!(
                r.status,
                Status::Fail | Status::Error | Status::Warn | Status::Waived
            )
    };
    for (cat, _) in report.categories() {
        let mut rows: Vec<&CheckResult> = report
            .results
            .iter()
            .filter(|r| r.category == cat && shown(r))
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by_key(|r| (r.status, severity_rank(r.severity)));
        let _ = writeln!(out, "{}", p.bold(cat.as_str()));
        for r in rows {
            let code = r.check.as_deref().unwrap_or("manual");
            let slug = r.slug.as_deref().unwrap_or("");
            let gate = if is_blocking(r, &report.gate) {
                p.red(" blocks deploy")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {} {} {} [{}]{gate}",
                p.status(r.status),
                p.bold(code),
                p.dim(slug),
                r.severity
            );
            let _ = writeln!(out, "      {}", r.message);
            if let Some(item) = &r.item {
                let _ = writeln!(
                    out,
                    "      item: {} ({}:{})",
                    item.text, item.source, item.line
                );
            }
            if r.status == Status::Pass || r.status == Status::Skipped {
                continue;
            }
            for loc in r.locations.iter().take(10) {
                let _ = writeln!(out, "      {} {loc}", p.dim("at"));
            }
            if r.locations.len() > 10 {
                let _ = writeln!(
                    out,
                    "      {} {} more locations",
                    p.dim("…"),
                    r.locations.len() - 10
                );
            }
            // Evidence lines that only repeat "location: message" add nothing when there is one.
            let evidence: Vec<&String> = r
                .evidence
                .iter()
                .filter(|e| !(r.locations.len() == 1 && e.ends_with(&r.message)))
                .collect();
            for e in evidence.iter().take(10) {
                let _ = writeln!(out, "      {} {e}", p.dim("·"));
            }
            if let Some(fix) = &r.fix {
                let _ = writeln!(out, "      {} {fix}", p.green("fix:"));
            }
        }
        let _ = writeln!(out);
    }
}

fn verdict(out: &mut String, report: &RunReport, p: &Paint) {
    let blocking = report.blocking();
    // Issue 7: a required sign-off that is missing or stale holds the gate too.
    let missing = report.missing_signoffs();
    if !missing.is_empty() {
        let roles: Vec<String> = missing
            .iter()
            .map(|s| format!("{} ({})", s.role, s.state.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "{} sign-off required from {} for this commit (golive signoff ROLE --by NAME)",
            p.red("NOT READY:"),
            roles.join(", ")
        );
        if blocking.is_empty() {
            return;
        }
    }
    if blocking.is_empty() {
        let _ = writeln!(
            out,
            "{} nothing at or above {} severity fails",
            p.green("READY:"),
            report.gate.severity
        );
        return;
    }
    let codes: Vec<&str> = blocking.iter().filter_map(|r| r.check.as_deref()).collect();
    let fails = blocking.iter().filter(|r| r.status == Status::Fail).count();
    let errors = blocking.len() - fails;
    let mut what = Vec::new();
    if fails > 0 {
        what.push(format!("{fails} failing"));
    }
    if errors > 0 {
        what.push(format!("{errors} unverified"));
    }
    let _ = writeln!(
        out,
        "{} {} at or above {} severity ({})",
        p.red("NOT READY:"),
        what.join(" and "),
        report.gate.severity,
        codes.join(", ")
    );
}
