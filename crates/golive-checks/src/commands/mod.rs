//! Checks whose evidence is a command's result: a linter or script that must succeed, a test
//! suite whose summary must show enough passing tests (see `golive_facts::commands`).
//! Commands come only from golive.toml (`[checks.CMD00x] command = ...`): a checklist is
//! markdown anyone edits in a pull request, and a binding comment must not make CI execute
//! what it names. Each command runs once per run, under `sh -c` in the repository root, with a
//! timeout.

mod cmd001_command_succeeds;
mod cmd002_test_suite_passes;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &cmd001_command_succeeds::CommandSucceeds,
    &cmd002_test_suite_passes::TestSuitePasses,
];

use golive_core::{CheckCx, Location, Outcome};
use golive_facts::commands::CommandRun;
use std::sync::Arc;

/// The configured command's run, its timeout, and the evidence line that says what happened;
/// or the outcome of a check with no command, or with one golive.toml did not name.
pub(crate) async fn configured_run(
    cx: &CheckCx<'_>,
    code: &str,
    what: &str,
) -> Result<(Arc<CommandRun>, u64, String), Outcome> {
    let command = cx.params.str("command").trim().to_string();
    if command.is_empty() {
        return Err(Outcome::skipped(format!(
            "no {what} configured (set command in [checks.{code}])"
        )));
    }
    let from_config = cx
        .facts
        .env()
        .config
        .check_params
        .iter()
        .filter(|(c, _)| c.code == code)
        .flat_map(|(_, params)| params.iter())
        .any(|(name, _, value)| {
            name == "command" && value.as_str().map(str::trim) == Some(command.as_str())
        });
    if !from_config {
        return Err(Outcome::error(format!(
            "not run: commands run only when golive.toml names them; add `command = ...` under [checks.{code}]"
        )));
    }
    let timeout = cx.params.int("timeout_secs").max(1) as u64;
    let key = (command, timeout);
    let r = cx
        .facts
        .get_keyed::<CommandRun>(&key)
        .await
        .map_err(|e| e.outcome())?;
    let header = format!(
        "$ {} -> {} in {}ms",
        r.command,
        match (r.timed_out, r.exit_code) {
            (true, _) => format!("killed after {timeout}s"),
            (false, Some(c)) => format!("exit {c}"),
            (false, None) => "killed by a signal".to_string(),
        },
        r.duration_ms
    );
    Ok((r, timeout, header))
}

/// Where the command was configured: the `[checks.CODE]` line of golive.toml.
pub(crate) fn config_location(cx: &CheckCx<'_>, code: &str) -> Option<Location> {
    let env = cx.facts.env();
    let config = &env.config;
    let path = config.path.as_ref()?;
    let (code_ref, _) = config.check_params.iter().find(|(c, _)| c.code == code)?;
    let rel = path
        .strip_prefix(&env.root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string());
    Some(Location::line(rel, code_ref.line))
}
