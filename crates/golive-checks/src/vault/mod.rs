//! Vault / OpenBao checks through the HTTP API with `VAULT_TOKEN` (see
//! `golive_facts::vault`). Metadata only: golive never reads a secret's value.

mod vault001_unsealed;
mod vault002_kv_v2_mount;
mod vault003_secret_paths_exist;
mod vault004_token_not_root;
mod vault005_audit_enabled;

use crate::support::not_checked;
use golive_core::{Check, CheckCx, Outcome};
use golive_facts::vault::VaultFacts;
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &vault001_unsealed::Unsealed,
    &vault002_kv_v2_mount::KvV2Mount,
    &vault003_secret_paths_exist::SecretPathsExist,
    &vault004_token_not_root::TokenNotRoot,
    &vault005_audit_enabled::AuditEnabled,
];

pub(crate) async fn vault(cx: &CheckCx<'_>) -> Result<Arc<VaultFacts>, Outcome> {
    cx.facts
        .get::<VaultFacts>()
        .await
        .map_err(|e| not_checked("Vault", "VAULT001", &e))
}
