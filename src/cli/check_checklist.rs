//! `golive check --checklist FILE.md [--write]`: run the bound checks, report by the
//! checklist's own sections, tick the boxes with evidence.

use super::args::{CheckArgs, ReportFormat};
use super::check::{Prepared, execute};
use super::checklist::{load, write_if_changed};
use super::style::Style;
use golive_core::checklist::plan::{item_writes, plan_checklist};
use golive_core::checklist::write::apply;
use golive_report::TerminalOptions;
use golive_report::checklist::Section;
use std::path::{Path, PathBuf};

/// The checklist to run: `--checklist`, else golive.toml's `checklist` (relative to the
/// config file's directory, or the checked root).
pub fn checklist_path(a: &CheckArgs, p: &Prepared) -> Option<PathBuf> {
    if let Some(c) = &a.checklist {
        return Some(c.clone());
    }
    let rel = p.config.checklist.as_ref()?;
    let base = p
        .config
        .path
        .as_ref()
        .and_then(|c| c.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| p.root.clone());
    Some(base.join(rel))
}

pub fn run(a: &CheckArgs, mut prepared: Prepared, style: Style, path: &Path) -> i32 {
    let loaded = match load(path) {
        Ok(l) => l,
        Err(e) => return super::fail_usage(e),
    };
    let (plan, pre_results) = plan_checklist(
        &prepared.plan,
        &loaded.checklist,
        &loaded.bindings,
        &loaded.label,
    );
    prepared.plan = plan;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return super::fail_usage(format!("cannot start the runtime: {e}")),
    };
    let mut report = runtime.block_on(execute(prepared, style));
    report.results.extend(pre_results);
    report
        .results
        .sort_by_key(|r| r.item.as_ref().map_or(0, |i| i.line));

    let cl = &loaded.checklist;
    let mut sections: Vec<Section> = cl
        .report_sections()
        .into_iter()
        .map(|title| Section {
            lines: cl
                .items
                .iter()
                .filter(|i| cl.report_section(i) == title)
                .map(|i| i.line)
                .collect(),
            title,
        })
        .collect();
    if !cl.signoffs.is_empty() {
        sections.push(Section {
            title: "Sign-off".into(),
            lines: cl.signoffs.iter().map(|r| r.line).collect(),
        });
    }
    let text = match a.format {
        ReportFormat::Json => golive_report::json::render(&report),
        ReportFormat::Text => golive_report::checklist::render(
            &report,
            &loaded.label,
            &sections,
            TerminalOptions {
                color: style.color && a.output.is_none(),
                verbose: style.verbose,
                quiet: style.quiet,
            },
        ),
    };
    if let Err(e) = super::emit(&text, a.output.as_deref()) {
        return super::fail_usage(e);
    }
    if a.write {
        let writes = item_writes(cl, &loaded.bindings, &report.results);
        let new = apply(&loaded.text, cl, &writes);
        match write_if_changed(&loaded, &new) {
            Ok(true) => {
                if !style.quiet {
                    eprintln!("golive: updated {}", loaded.label);
                }
            }
            Ok(false) => {}
            Err(e) => return super::fail_usage(e),
        }
    }
    if report.ready() {
        super::EXIT_READY
    } else {
        super::EXIT_NOT_READY
    }
}
