//! Repository hygiene: lock files, pinned dependencies, the documents operations needs, an env
//! template, and CI that tests and lints.

mod ci_command;
mod doc_search;
mod repo001_lockfile_committed;
mod repo002_dependencies_pinned;
mod repo003_readme;
mod repo004_runbook;
mod repo005_architecture_doc;
mod repo006_disaster_recovery_doc;
mod repo007_env_example_present;
mod repo008_ci_runs_tests;
mod repo009_ci_runs_linter;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &repo001_lockfile_committed::LockfileCommitted,
    &repo002_dependencies_pinned::DependenciesPinned,
    &repo003_readme::Readme,
    &repo004_runbook::Runbook,
    &repo005_architecture_doc::ArchitectureDoc,
    &repo006_disaster_recovery_doc::DisasterRecoveryDoc,
    &repo007_env_example_present::EnvExamplePresent,
    &repo008_ci_runs_tests::CiRunsTests,
    &repo009_ci_runs_linter::CiRunsLinter,
];
