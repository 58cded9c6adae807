//! `golive check --checklist FILE.md [--write]`: run the bound checks, report by the
//! checklist's own sections, tick the boxes with evidence.

use super::args::{CheckArgs, ReportFormat};
use super::check::{Prepared, execute};
use super::checklist::{load, write_if_changed};
use super::style::Style;
use golive_core::checklist::plan::{apply_signoffs, item_writes, plan_checklist};
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

/// The history store's side of a checklist run: what it read before, where it records after.
pub struct Recorded {
    pub state: super::store::RunState,
    pub history: super::store::History,
    pub config: std::sync::Arc<golive_core::config::Config>,
}

pub fn run(
    a: &CheckArgs,
    mut prepared: Prepared,
    style: Style,
    path: &Path,
    mut recorded: Recorded,
) -> i32 {
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
    // As in `check`: nothing the run gave up on holds the exit.
    runtime.shutdown_background();
    report.results.extend(pre_results);
    report
        .results
        .sort_by_key(|r| r.item.as_ref().map_or(0, |i| i.line));
    // Required sign-offs hold the gate here too, and stored attestations and sign-offs answer
    // the checklist's manual rows before the run is recorded.
    apply_signoffs(&mut report.results, &recorded.state.signoffs);
    super::check::finish(
        a,
        &mut report,
        recorded.state,
        &mut recorded.history,
        &recorded.config,
    );

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
        ReportFormat::Json => {
            // The golive.report/v1 contract, plus the checklist's own sections.
            let mut v = golive_report::json::to_value(&report);
            if let Some(obj) = v.as_object_mut() {
                obj.insert(
                    "checklist".into(),
                    checklist_json(&loaded.label, &sections, &report),
                );
            }
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
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
        other => super::report::render(&report, other, style, a.output.is_some()),
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

fn checklist_json(
    source: &str,
    sections: &[Section],
    report: &golive_core::report::RunReport,
) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = sections
        .iter()
        .map(|sec| {
            let mut c = golive_core::report::Counts::default();
            for r in report
                .results
                .iter()
                .filter(|r| r.item.as_ref().is_some_and(|i| sec.lines.contains(&i.line)))
            {
                c.add(r.status);
            }
            let mut m = serde_json::Map::new();
            m.insert("name".into(), serde_json::json!(sec.title));
            for st in golive_core::Status::ALL {
                m.insert(st.as_str().into(), serde_json::json!(c.get(st)));
            }
            m.insert("status".into(), serde_json::json!(c.status_word()));
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::json!({"source": source, "sections": rows})
}
