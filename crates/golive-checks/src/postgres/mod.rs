//! PostgreSQL checks, decided from one connection to `database_url` (see
//! `golive_facts::postgres`). A connection failure fails PG001 and leaves the others `error`.

mod pg001_reachable;
mod pg002_version;
mod pg003_ssl;
mod pg004_extensions;
mod pg005_max_connections;
mod pg006_wal_archiving;
mod pg007_role_not_superuser;
mod pg008_migrations_at_head;

use crate::support::not_checked;
use golive_core::{Check, CheckCx, Outcome};
use golive_facts::postgres::PgFacts;
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &pg001_reachable::Reachable,
    &pg002_version::Version,
    &pg003_ssl::Ssl,
    &pg004_extensions::Extensions,
    &pg005_max_connections::MaxConnections,
    &pg006_wal_archiving::WalArchiving,
    &pg007_role_not_superuser::RoleNotSuperuser,
    &pg008_migrations_at_head::MigrationsAtHead,
];

/// The PostgreSQL facts, or the `error` a check returns when the database could not be reached.
pub(crate) async fn pg(cx: &CheckCx<'_>) -> Result<Arc<PgFacts>, Outcome> {
    cx.facts
        .get::<PgFacts>()
        .await
        .map_err(|e| not_checked("PostgreSQL", "PG001", &e))
}

/// A query's result, or the `error` outcome naming the query that could not be answered.
pub(crate) fn answered<'a, T>(r: &'a Result<T, String>, what: &str) -> Result<&'a T, Outcome> {
    r.as_ref()
        .map_err(|e| Outcome::error(format!("{what} could not be read: {e}")))
}
