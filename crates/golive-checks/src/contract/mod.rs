//! The application's configuration contract: what the code reads against what production sets.

mod contract001_required_vars_provided;
mod contract002_set_vars_are_read;
mod contract003_settings_modules_imported;
mod contract004_secrets_no_code_default;

use golive_core::{Check, CheckCx, Outcome};
use golive_facts::contract::{CodeReads, DeploySets, EnvRead};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &contract001_required_vars_provided::RequiredVarsProvided,
    &contract002_set_vars_are_read::SetVarsAreRead,
    &contract003_settings_modules_imported::SettingsModulesImported,
    &contract004_secrets_no_code_default::SecretsNoCodeDefault,
];

pub(crate) const NO_DEPLOYMENT: &str = "no production configuration found (production env file, a production compose service built from this repository, or a Kubernetes workload running the application)";

pub(crate) async fn facts(cx: &CheckCx<'_>) -> Result<(Arc<CodeReads>, Arc<DeploySets>), Outcome> {
    let reads = cx.facts.get::<CodeReads>().await.map_err(|e| e.outcome())?;
    let sets = cx
        .facts
        .get::<DeploySets>()
        .await
        .map_err(|e| e.outcome())?;
    Ok((reads, sets))
}

/// Whether the deployment provides what `read` asks for: the same name (case-insensitively for
/// pydantic settings), a nested variable under a settings model field, or the JSON parent of a
/// nested field.
pub(crate) fn provided(read: &EnvRead, sets: &DeploySets) -> bool {
    let r = read.name.to_ascii_uppercase();
    sets.sets.iter().any(|s| {
        let n = s.name.to_ascii_uppercase();
        if read.case_insensitive {
            n == r
                || (read.how == "BaseSettings field" && n.starts_with(&format!("{r}_")))
                || (read.how == "BaseSettings nested field" && r.starts_with(&format!("{n}_")))
        } else {
            s.name == read.name
        }
    })
}
