//! Redis checks, decided from one connection to `redis_url` plus one unauthenticated probe
//! (see `golive_facts::redis`). A connection failure fails REDIS001 and leaves the others
//! `error`. Where `CONFIG` is renamed or disabled, checks fall back to `INFO` and say so.

mod redis001_reachable;
mod redis002_aof_enabled;
mod redis003_version;
mod redis004_auth_required;
mod redis005_maxmemory;
mod redis006_persistence_healthy;
mod redis007_tls;

use crate::support::not_checked;
use golive_core::{CheckCx, Outcome};
use golive_facts::redis::RedisFacts;
use std::sync::Arc;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &redis001_reachable::Reachable,
    &redis002_aof_enabled::AofEnabled,
    &redis003_version::Version,
    &redis004_auth_required::AuthRequired,
    &redis005_maxmemory::Maxmemory,
    &redis006_persistence_healthy::PersistenceHealthy,
    &redis007_tls::Tls,
];

pub(crate) async fn redis(cx: &CheckCx<'_>) -> Result<Arc<RedisFacts>, Outcome> {
    cx.facts
        .get::<RedisFacts>()
        .await
        .map_err(|e| not_checked("Redis", "REDIS001", &e))
}

/// A setting from `CONFIG GET`, else from an `INFO` field. Returns the value and the evidence
/// line naming where it came from; `Err` is the `error` outcome when neither could tell.
pub(crate) fn setting(
    f: &RedisFacts,
    config_key: &str,
    info_key: &str,
    evidence: &mut Vec<String>,
) -> Result<String, Outcome> {
    match f.config(config_key) {
        Ok(Some(v)) => {
            evidence.push(format!("CONFIG GET {config_key} -> {v}"));
            return Ok(v.to_string());
        }
        Ok(None) => evidence.push(format!("CONFIG GET {config_key} -> (unknown parameter)")),
        Err(e) => evidence.push(format!(
            "CONFIG GET {config_key} unavailable ({e}); falling back to INFO"
        )),
    }
    match f.info(info_key) {
        Some(v) => {
            evidence.push(format!("INFO {info_key} -> {v}"));
            Ok(v.to_string())
        }
        None => {
            let why = match &f.info {
                Err(e) => format!("INFO failed: {e}"),
                Ok(_) => format!("INFO has no {info_key} field"),
            };
            Err(Outcome::error(format!(
                "could not decide: CONFIG GET {config_key} unavailable and {why}"
            ))
            .with_evidence(evidence.clone()))
        }
    }
}
