//! golive's history: runs with every result and its (already redacted) evidence, sign-offs,
//! attestations of manual items, and waivers.
//!
//! One trait, [`Store`], two backends with the same schema and the same SQL: SQLite (default,
//! `.golive/history.db`, WAL) and PostgreSQL (a team's shared store). Every write is one
//! transaction, so a process killed at any moment leaves either the whole run or none of it,
//! and concurrent writers are serialised by the database (SQLite's write lock with a busy
//! timeout, PostgreSQL's MVCC), so two runs at once are both recorded.
//!
//! The schema is versioned: [`migrate`](sql) applies the pending migrations in order inside one
//! transaction, and a store written by a newer golive is refused with a clear error instead of
//! being misread.

mod postgres_backend;
mod sql;
mod sqlite_backend;
pub mod status;

pub use sql::SCHEMA_VERSION;

use golive_core::report::RunReport;
use std::path::{Path, PathBuf};

/// The default SQLite store, relative to the checked repository's root.
pub const DEFAULT_PATH: &str = ".golive/history.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the history store {location}: {message}")]
    Open { location: String, message: String },
    #[error(
        "the history store {location} has schema version {found}, newer than this golive knows ({known}); upgrade golive"
    )]
    NewerSchema {
        location: String,
        found: i64,
        known: i64,
    },
    #[error("history store {location}: {message}")]
    Db { location: String, message: String },
    #[error("history store {location}: corrupt record: {message}")]
    Corrupt { location: String, message: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Where the store lives, parsed from `--store`, `[store] url` or the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL (or a libpq key=value string prefixed `postgres:`).
    Postgres(String),
}

impl StoreLocation {
    /// `postgres://…`/`postgresql://…` is PostgreSQL; `sqlite:PATH` or any other string is a
    /// SQLite file, relative paths resolved against `root`.
    pub fn parse(spec: &str, root: &Path) -> Self {
        let spec = spec.trim();
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return Self::Postgres(spec.to_string());
        }
        let path = spec.strip_prefix("sqlite:").unwrap_or(spec);
        let path = PathBuf::from(path);
        Self::Sqlite(if path.is_absolute() {
            path
        } else {
            root.join(path)
        })
    }

    pub fn default_for(root: &Path) -> Self {
        Self::Sqlite(root.join(DEFAULT_PATH))
    }

    /// For messages: the path, or the URL with any password removed.
    pub fn display(&self) -> String {
        match self {
            Self::Sqlite(p) => p.display().to_string(),
            Self::Postgres(url) => redact_url(url),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(p) => p,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// How to open: create the store (and its directory) when missing, or only open an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Create,
    ExistingOnly,
}

/// Opens the store and brings its schema to [`SCHEMA_VERSION`].
pub fn open(location: &StoreLocation, mode: OpenMode) -> Result<Box<dyn Store>> {
    match location {
        StoreLocation::Sqlite(p) => Ok(Box::new(sqlite_backend::open(p, mode)?)),
        StoreLocation::Postgres(url) => Ok(Box::new(postgres_backend::open(url)?)),
    }
}

/// A run as `golive history` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    pub id: i64,
    pub started_at: String,
    pub environment: Option<String>,
    pub git_commit: Option<String>,
    pub tool_version: String,
    pub duration_ms: u64,
    pub ready: bool,
    pub summary: serde_json::Value,
}

/// A sign-off as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Signoff {
    pub id: i64,
    pub role: String,
    pub by: String,
    pub note: Option<String>,
    pub environment: Option<String>,
    pub git_commit: Option<String>,
    pub signed_at: String,
}

/// A person's attestation of a manual checklist item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attestation {
    pub id: i64,
    /// The item's text as the checklist has it.
    pub item: String,
    pub by: String,
    /// A URL or a sentence: what shows the item is done.
    pub evidence: String,
    pub environment: Option<String>,
    pub git_commit: Option<String>,
    pub attested_at: String,
}

/// A waiver recorded with `golive waive`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredWaiver {
    pub id: i64,
    /// A check code or a checklist item's text.
    pub target: String,
    pub reason: String,
    /// `YYYY-MM-DD`, the last day it applies.
    pub until: String,
    pub by: String,
    /// `None`: every environment.
    pub environment: Option<String>,
    pub created_at: String,
}

/// History, sign-offs and waivers. Every method is one transaction.
pub trait Store {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Where it is, for messages (passwords removed).
    fn location(&self) -> String;
    fn schema_version(&mut self) -> Result<i64>;

    /// Records a finished run with all its results; returns its id. All or nothing.
    fn record_run(&mut self, report: &RunReport) -> Result<i64>;
    /// Newest first; `environment` filters, `limit` bounds.
    fn runs(&mut self, environment: Option<&str>, limit: usize) -> Result<Vec<RunSummary>>;
    /// A stored run, rebuilt as the report it was (with its sign-off and waiver snapshot).
    fn load_run(&mut self, id: i64) -> Result<Option<RunReport>>;

    fn add_signoff(&mut self, s: &Signoff) -> Result<i64>;
    /// Every sign-off of `environment` (all when `None`), oldest first.
    fn signoffs(&mut self, environment: Option<&str>) -> Result<Vec<Signoff>>;
    fn add_attestation(&mut self, a: &Attestation) -> Result<i64>;
    fn attestations(&mut self, environment: Option<&str>) -> Result<Vec<Attestation>>;
    fn add_waiver(&mut self, w: &StoredWaiver) -> Result<i64>;
    /// Every waiver recorded, oldest first, expired ones included (the reports list them).
    fn waivers(&mut self) -> Result<Vec<StoredWaiver>>;
}

/// Now, as stored: RFC 3339 in UTC with seconds.
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
