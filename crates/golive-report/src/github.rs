//! GitHub Actions workflow commands (`::error file=…,line=…::message`), so failures show up
//! as annotations on the pull request. Emitted when `GITHUB_ACTIONS=true`, beside whatever
//! format was asked for.

use golive_core::report::{RunReport, SignoffState, is_blocking};
use golive_core::{CheckResult, Status};

/// Escapes a command's message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(r: &CheckResult, blocking: bool) -> Option<String> {
    let kind = match r.status {
        Status::Fail if blocking => "error",
        Status::Error if blocking => "error",
        Status::Fail | Status::Warn | Status::Error => "warning",
        Status::Waived => "notice",
        _ => return None,
    };
    let mut props = Vec::new();
    if let Some(loc) = r.locations.first() {
        props.push(format!("file={}", prop(&loc.path)));
        if let Some(l) = loc.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = loc.column {
            props.push(format!("col={c}"));
        }
    } else if let Some(item) = &r.item {
        props.push(format!("file={}", prop(&item.source)));
        props.push(format!("line={}", item.line));
    }
    let title = match (&r.check, &r.slug) {
        (Some(c), Some(s)) => format!("{c} {s} ({})", r.severity),
        (Some(c), None) => c.clone(),
        _ => r.item.as_ref().map(|i| i.text.clone()).unwrap_or_default(),
    };
    props.push(format!("title={}", prop(&title)));
    let mut message = r.message.clone();
    if let Some(fix) = &r.fix {
        message.push_str(&format!("\nfix: {fix}"));
    }
    Some(format!(
        "::{kind} {}::{}\n",
        props.join(","),
        data(&message)
    ))
}

/// One line per fail, warn, error and waived result, and per missing required sign-off.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    for r in &report.results {
        if let Some(line) = annotation(r, is_blocking(r, &report.gate)) {
            out.push_str(&line);
        }
    }
    for s in report.missing_signoffs() {
        let why = match s.state {
            SignoffState::Stale => format!(
                "sign-off by {} is stale: given for commit {}, not the current one",
                s.role,
                s.commit.as_deref().unwrap_or("?")
            ),
            _ => format!("sign-off by {} is missing", s.role),
        };
        out.push_str(&format!(
            "::error title={}::{}\n",
            prop(&format!("signoff {}", s.role)),
            data(&why)
        ));
    }
    out
}

/// Whether to emit: under GitHub Actions.
pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}
