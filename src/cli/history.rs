//! `golive history` (issue 7): the recorded runs, newest first.

use super::args::{HistoryArgs, ListFormat};
use golive_store::{OpenMode, RunSummary};
use serde_json::json;

fn count(s: &RunSummary, key: &str) -> u64 {
    s.summary.get(key).and_then(|v| v.as_u64()).unwrap_or(0)
}

pub fn run(a: HistoryArgs) -> i32 {
    let cx = match super::store::context(&a.store) {
        Ok(c) => c,
        Err(e) => return super::fail_usage(e),
    };
    let mut store = match cx.open(OpenMode::ExistingOnly) {
        Ok(s) => s,
        Err(e) => return super::fail_usage(e),
    };
    let runs = match store.runs(a.env.as_deref(), a.limit.max(1)) {
        Ok(r) => r,
        Err(e) => return super::fail_usage(e),
    };
    let text =
        match a.format {
            ListFormat::Json => {
                let mut s = serde_json::to_string_pretty(&json!({
                    "schema": "golive.history/v1",
                    "store": {"backend": store.backend(), "location": store.location()},
                    "runs": runs,
                }))
                .unwrap_or_default();
                s.push('\n');
                s
            }
            ListFormat::Text => {
                let mut s = format!(
                    "{:>5}  {:<20}  {:<12}  {:<12}  {:<9}  {:>4} {:>4} {:>4} {:>5} {:>6} {:>6}\n",
                    "run",
                    "started (UTC)",
                    "environment",
                    "commit",
                    "verdict",
                    "pass",
                    "fail",
                    "warn",
                    "error",
                    "manual",
                    "waived"
                );
                for r in &runs {
                    s.push_str(&format!(
                    "{:>5}  {:<20}  {:<12}  {:<12}  {:<9}  {:>4} {:>4} {:>4} {:>5} {:>6} {:>6}\n",
                    r.id,
                    r.started_at.get(..19).unwrap_or(&r.started_at).replace('T', " "),
                    r.environment.as_deref().unwrap_or("-"),
                    r.git_commit.as_deref().map(|c| c.get(..12).unwrap_or(c)).unwrap_or("-"),
                    if r.ready { "ready" } else { "not ready" },
                    count(r, "pass"),
                    count(r, "fail"),
                    count(r, "warn"),
                    count(r, "error"),
                    count(r, "manual"),
                    count(r, "waived"),
                ));
                }
                if runs.is_empty() {
                    s.push_str("no recorded run\n");
                }
                s
            }
        };
    match super::emit(&text, None) {
        Ok(()) => super::EXIT_READY,
        Err(e) => super::fail_usage(e),
    }
}
