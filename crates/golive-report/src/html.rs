//! HTML: one self-contained file (inline CSS, inline SVG, no script, no network; a
//! Content-Security-Policy forbids anything else) to hand to a security team or print. Status
//! by category at the top, then results failing first with evidence and fixes, the latency
//! histogram of any load check that left one (see [`golive_core::histogram`]), the waivers
//! and the sign-off table.
//!
//! Rendered with askama (`templates/report.html`): every value is HTML-escaped by the
//! template engine, because evidence comes from untrusted servers.

use askama::Template;
use golive_core::CheckResult;
use golive_core::histogram::{self, Bucket};
use golive_core::report::{Counts, RunReport, is_blocking, severity_rank};

struct CatRow {
    name: &'static str,
    word: &'static str,
    label: &'static str,
    pass: usize,
    fail: usize,
    warn: usize,
    error: usize,
    skipped: usize,
    manual: usize,
    waived: usize,
}

struct ResRow {
    status: &'static str,
    code: String,
    label: String,
    category: &'static str,
    severity: &'static str,
    blocking: bool,
    message: String,
    item: String,
    locations: Vec<String>,
    evidence: Vec<String>,
    fix: String,
}

struct WaiverRow {
    target: String,
    reason: String,
    by: String,
    until: String,
    state: &'static str,
    source: String,
}

struct SignRow {
    role: String,
    required: bool,
    by: String,
    at: String,
    commit: String,
    state: &'static str,
    note: String,
}

struct Bar {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    label_x: u32,
    label: String,
    count: u64,
}

struct Histo {
    title: String,
    width: u32,
    height: u32,
    axis_y: u32,
    label_y: u32,
    count_y: u32,
    bars: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    title: String,
    meta: String,
    ready: bool,
    verdict: String,
    categories: Vec<CatRow>,
    total: Counts,
    histograms: Vec<Histo>,
    results: Vec<ResRow>,
    waivers: Vec<WaiverRow>,
    signoffs: Vec<SignRow>,
}

fn category_label(word: &str) -> &'static str {
    match word {
        "failing" => "Failing",
        "error" => "Unverified",
        "warning" => "Warnings",
        "pending" => "Pending",
        "passing" => "Ready",
        _ => "Not checked",
    }
}

fn word(w: &str) -> &'static str {
    match w {
        "failing" => "failing",
        "error" => "error",
        "warning" => "warning",
        "pending" => "pending",
        "passing" => "passing",
        _ => "skipped",
    }
}

fn histogram_of(r: &CheckResult) -> Option<Histo> {
    let buckets: Vec<Bucket> = r.evidence.iter().find_map(|e| histogram::parse(e))?;
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let bar_w = 48u32;
    let gap = 12u32;
    let plot_h = 160u32;
    let top = 24u32;
    let left = 48u32;
    let width = left + buckets.len() as u32 * (bar_w + gap) + 16;
    let axis_y = top + plot_h;
    let bars = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = ((b.count as f64 / max as f64) * plot_h as f64).round() as u32;
            let x = left + i as u32 * (bar_w + gap);
            Bar {
                x,
                y: axis_y - h,
                w: bar_w,
                h,
                label_x: x + bar_w / 2,
                label: match b.upper_ms {
                    Some(u) => format!("≤{u}"),
                    None => "+Inf".to_string(),
                },
                count: b.count,
            }
        })
        .collect();
    let title = match (&r.check, &r.slug) {
        (Some(c), Some(s)) => format!("{c} {s}"),
        (Some(c), None) => c.clone(),
        _ => r.message.clone(),
    };
    Some(Histo {
        title,
        width,
        height: axis_y + 36,
        axis_y,
        label_y: axis_y + 14,
        count_y: axis_y + 28,
        bars,
    })
}

fn short(c: &str) -> String {
    c.get(..12).unwrap_or(c).to_string()
}

pub fn render(report: &RunReport) -> String {
    let env = report.environment.as_deref().unwrap_or("default");
    let mut meta = vec![
        format!("golive {}", report.tool_version),
        report.started_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        format!("{:.2}s", report.duration_ms as f64 / 1000.0),
    ];
    if let Some(c) = &report.git_commit {
        meta.push(format!("commit {}", short(c)));
    }
    if let Some(id) = report.run_id {
        meta.push(format!("run #{id}"));
    }
    let blocking = report.blocking();
    let missing = report.missing_signoffs();
    let verdict = if report.ready() {
        format!(
            "nothing at or above {} severity fails and every required sign-off is in",
            report.gate.severity
        )
    } else {
        let mut why = Vec::new();
        if !blocking.is_empty() {
            let codes: Vec<&str> = blocking
                .iter()
                .map(|r| r.check.as_deref().unwrap_or("manual"))
                .collect();
            why.push(format!(
                "{} blocking at or above {} severity ({})",
                blocking.len(),
                report.gate.severity,
                codes.join(", ")
            ));
        }
        if !missing.is_empty() {
            let roles: Vec<&str> = missing.iter().map(|m| m.role.as_str()).collect();
            why.push(format!("sign-off missing or stale: {}", roles.join(", ")));
        }
        why.join("; ")
    };
    let categories = report
        .categories()
        .into_iter()
        .map(|(cat, c)| CatRow {
            name: cat.as_str(),
            word: word(c.status_word()),
            label: category_label(c.status_word()),
            pass: c.pass,
            fail: c.fail,
            warn: c.warn,
            error: c.error,
            skipped: c.skipped,
            manual: c.manual,
            waived: c.waived,
        })
        .collect();
    let mut sorted: Vec<&CheckResult> = report.results.iter().collect();
    sorted.sort_by_key(|r| {
        (
            !is_blocking(r, &report.gate),
            r.status,
            severity_rank(r.severity),
        )
    });
    let results = sorted
        .iter()
        .map(|r| ResRow {
            status: r.status.as_str(),
            code: r.check.clone().unwrap_or_else(|| "manual".into()),
            label: match (&r.item, &r.slug) {
                (Some(i), _) => i.text.clone(),
                (None, Some(s)) => s.clone(),
                _ => String::new(),
            },
            category: r.category.as_str(),
            severity: r.severity.as_str(),
            blocking: is_blocking(r, &report.gate),
            message: r.message.clone(),
            item: r
                .item
                .as_ref()
                .map(|i| format!("{}:{}", i.source, i.line))
                .unwrap_or_default(),
            locations: r.locations.iter().take(50).map(|l| l.to_string()).collect(),
            evidence: r.evidence.iter().take(50).cloned().collect(),
            fix: r.fix.clone().unwrap_or_default(),
        })
        .collect();
    let page = Page {
        title: format!("Production readiness — {env}"),
        meta: meta.join(" · "),
        ready: report.ready(),
        verdict,
        categories,
        total: report.counts(),
        histograms: report.results.iter().filter_map(histogram_of).collect(),
        results,
        waivers: report
            .waivers
            .iter()
            .map(|w| WaiverRow {
                target: w.target.clone(),
                reason: w.reason.clone(),
                by: w.by.clone(),
                until: w.until.clone(),
                state: w.state.as_str(),
                source: w.source.clone(),
            })
            .collect(),
        signoffs: report
            .signoffs
            .iter()
            .map(|s| SignRow {
                role: s.role.clone(),
                required: s.required,
                by: s.by.clone().unwrap_or_default(),
                at: s.at.clone().unwrap_or_default(),
                commit: s.commit.as_deref().map(short).unwrap_or_default(),
                state: s.state.as_str(),
                note: s.note.clone().unwrap_or_default(),
            })
            .collect(),
    };
    page.render()
        .map(|html| {
            // Control characters from a server (NUL, ESC) are not text: show a replacement mark.
            html.chars()
                .map(|c| {
                    if c.is_control() && !matches!(c, '\n' | '\t') {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect()
        })
        .unwrap_or_else(|e| {
            format!(
                "<!DOCTYPE html><html><body><p>cannot render the report: {}</p></body></html>\n",
                e.to_string()
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            )
        })
}
