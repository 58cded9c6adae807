//! `golive report --run ID --format …` (issue 7), and the one place a report format is chosen,
//! shared with `golive check --format`.

use super::args::{ReportArgs, ReportFormat};
use super::style::Style;
use golive_core::check::CheckMeta;
use golive_core::report::RunReport;
use golive_report::TerminalOptions;
use golive_store::OpenMode;

/// Writes `report` in `format` to `path` or standard output. JSON is serialised as it is
/// written; the other formats are rendered whole first.
pub fn emit(
    report: &RunReport,
    format: ReportFormat,
    style: Style,
    path: Option<&std::path::Path>,
) -> Result<(), String> {
    match format {
        ReportFormat::Json => super::emit_with(path, |out| golive_report::json::write(report, out)),
        other => super::emit(&render(report, other, style, path.is_some()), path),
    }
}

/// Renders `report` in `format`; `to_file` turns colour off.
pub fn render(report: &RunReport, format: ReportFormat, style: Style, to_file: bool) -> String {
    match format {
        ReportFormat::Json => golive_report::json::render(report),
        ReportFormat::Text => golive_report::terminal::render(
            report,
            TerminalOptions {
                color: style.color && !to_file,
                verbose: style.verbose,
                quiet: style.quiet,
            },
        ),
        ReportFormat::Junit => golive_report::junit::render(report),
        ReportFormat::Sarif => {
            let registry = golive_checks::registry();
            let metas: Vec<&CheckMeta> = registry.iter().map(|c| c.meta()).collect();
            golive_report::sarif::render(report, &metas)
        }
        ReportFormat::Md => golive_report::markdown::render(report),
        ReportFormat::Html => golive_report::html::render(report),
    }
}

pub fn run(a: ReportArgs, style: Style) -> i32 {
    let cx = match super::store::context(&a.store) {
        Ok(c) => c,
        Err(e) => return super::fail_usage(e),
    };
    let mut store = match cx.open(OpenMode::ExistingOnly) {
        Ok(s) => s,
        Err(e) => return super::fail_usage(e),
    };
    let id = match a.run {
        Some(id) => id,
        None => match store.runs(a.env.as_deref(), 1) {
            Ok(runs) => match runs.first() {
                Some(r) => r.id,
                None => {
                    return super::fail_usage("no recorded run yet (`golive check` records one)");
                }
            },
            Err(e) => return super::fail_usage(e),
        },
    };
    let report = match store.load_run(id) {
        Ok(Some(r)) => r,
        Ok(None) => return super::fail_usage(format!("no run #{id} in {}", store.location())),
        Err(e) => return super::fail_usage(e),
    };
    let text = render(&report, a.format, style, a.output.is_some());
    match super::emit(&text, a.output.as_deref()) {
        Ok(()) => super::EXIT_READY,
        Err(e) => super::fail_usage(e),
    }
}
