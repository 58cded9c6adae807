//! Checks whose evidence is a command's result: a linter or script that must succeed, a test
//! suite whose summary must show enough passing tests (see `golive_facts::commands`).
//! Commands come from the check's parameters (golive.toml `[checks.CMD00x]` or a checklist
//! binding); each runs once per run, under `sh -c` in the repository root, with a timeout.

mod cmd001_command_succeeds;
mod cmd002_test_suite_passes;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &cmd001_command_succeeds::CommandSucceeds,
    &cmd002_test_suite_passes::TestSuitePasses,
];

use golive_core::{CheckCx, Location};

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
