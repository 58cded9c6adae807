//! The schema, its migrations, and the [`Store`] logic written once over a tiny [`Db`]
//! interface that SQLite and PostgreSQL both implement. The SQL is shared: `$1…$n` positional
//! parameters (SQLite numbers `$N` parameters in order of appearance, so they are written in
//! order), `RETURNING id`, text, BIGINT and BOOLEAN columns, no NULLs (an absent value is `''`).

use crate::{Attestation, Result, RunSummary, Signoff, Store, StoreError, StoredWaiver};
use golive_core::config::GateConfig;
use golive_core::model::{Category, CheckResult, Severity, Status};
use golive_core::report::{RunReport, SignoffStatus, WaiverStatus};

/// The schema version this golive writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    I(i64),
    T(String),
    B(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// What a backend provides: statements, and a write transaction that serialises writers.
pub(crate) trait Db {
    fn dialect(&self) -> Dialect;
    fn location(&self) -> String;
    fn exec(&mut self, sql: &str, params: &[V]) -> std::result::Result<u64, String>;
    fn query(&mut self, sql: &str, params: &[V]) -> std::result::Result<Vec<Vec<V>>, String>;
    fn batch(&mut self, sql: &str) -> std::result::Result<(), String>;
    /// Starts a transaction that holds the write lock until commit (SQLite `BEGIN IMMEDIATE`).
    fn begin_write(&mut self) -> std::result::Result<(), String>;
}

const TABLES: &str = "
CREATE TABLE runs (
    id {PK},
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    environment TEXT NOT NULL,
    git_commit TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    root TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    ready BOOLEAN NOT NULL,
    summary TEXT NOT NULL,
    result_count BIGINT NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX runs_by_environment ON runs (environment, id);
CREATE TABLE results (
    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx BIGINT NOT NULL,
    check_code TEXT NOT NULL,
    slug TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    item TEXT NOT NULL,
    locations TEXT NOT NULL,
    evidence TEXT NOT NULL,
    fix TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (run_id, idx)
);
CREATE TABLE signoffs (
    id {PK},
    role TEXT NOT NULL,
    by_name TEXT NOT NULL,
    note TEXT NOT NULL,
    environment TEXT NOT NULL,
    git_commit TEXT NOT NULL,
    signed_at TEXT NOT NULL
);
CREATE TABLE attestations (
    id {PK},
    item TEXT NOT NULL,
    by_name TEXT NOT NULL,
    evidence TEXT NOT NULL,
    environment TEXT NOT NULL,
    git_commit TEXT NOT NULL,
    attested_at TEXT NOT NULL
);
CREATE TABLE waivers (
    id {PK},
    target TEXT NOT NULL,
    reason TEXT NOT NULL,
    until TEXT NOT NULL,
    by_name TEXT NOT NULL,
    environment TEXT NOT NULL,
    created_at TEXT NOT NULL
);
";

/// The SQL that brings the schema from `version - 1` to `version`. Append new versions here;
/// never edit a released one. The dialects differ only in how an auto-increment key is spelled.
fn migration_sql(version: i64, dialect: Dialect) -> Option<String> {
    let pk = match dialect {
        Dialect::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Dialect::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    match version {
        1 => Some(TABLES.replace("{PK}", pk)),
        _ => None,
    }
}

fn db_err<D: Db + ?Sized>(db: &D, message: String) -> StoreError {
    StoreError::Db {
        location: db.location(),
        message,
    }
}

/// Runs `f` in a write transaction: committed when it returns `Ok`, rolled back otherwise.
fn in_write_tx<D: Db, R>(db: &mut D, f: impl FnOnce(&mut D) -> Result<R>) -> Result<R> {
    db.begin_write().map_err(|e| db_err(db, e))?;
    match f(db) {
        Ok(r) => {
            if let Err(e) = db.batch("COMMIT") {
                let _ = db.batch("ROLLBACK");
                return Err(db_err(db, e));
            }
            Ok(r)
        }
        Err(e) => {
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Creates the version table when missing and applies pending migrations, one transaction.
/// A store already at this version is only read: no write lock is taken, so a store that is
/// read-only to this process can still be listed and rendered.
pub(crate) fn migrate<D: Db>(db: &mut D) -> Result<()> {
    if let Ok(rows) = db.query("SELECT COALESCE(MAX(version), 0) FROM golive_schema", &[]) {
        let found = match rows.first().and_then(|r| r.first()) {
            Some(V::I(v)) => *v,
            _ => 0,
        };
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                location: db.location(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
    }
    in_write_tx(db, |db| {
        if db.dialect() == Dialect::Postgres {
            // Two processes migrating a fresh database at once: the second waits here.
            db.query("SELECT pg_advisory_xact_lock(7007001)::text", &[])
                .map_err(|e| db_err(db, e))?;
        }
        db.batch("CREATE TABLE IF NOT EXISTS golive_schema (version BIGINT NOT NULL)")
            .map_err(|e| db_err(db, e))?;
        let found = version_of(db)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                location: db.location(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        for v in (found + 1)..=SCHEMA_VERSION {
            let Some(sql) = migration_sql(v, db.dialect()) else {
                return Err(db_err(db, format!("no migration to schema version {v}")));
            };
            db.batch(&sql)
                .map_err(|e| db_err(db, format!("migration {v}: {e}")))?;
            db.exec("DELETE FROM golive_schema", &[])
                .map_err(|e| db_err(db, e))?;
            db.exec(
                "INSERT INTO golive_schema (version) VALUES ($1)",
                &[V::I(v)],
            )
            .map_err(|e| db_err(db, e))?;
        }
        Ok(())
    })
}

fn version_of<D: Db>(db: &mut D) -> Result<i64> {
    let rows = db
        .query("SELECT COALESCE(MAX(version), 0) FROM golive_schema", &[])
        .map_err(|e| db_err(db, e))?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(|v| match v {
            V::I(i) => Some(*i),
            _ => None,
        })
        .unwrap_or(0))
}

/// A row being read; a value of the wrong type is a corrupt record, never a panic.
struct Row<'a> {
    values: &'a [V],
    location: &'a str,
}

impl Row<'_> {
    fn corrupt(&self, i: usize, what: &str) -> StoreError {
        StoreError::Corrupt {
            location: self.location.to_string(),
            message: format!("column {i}: expected {what}"),
        }
    }
    fn int(&self, i: usize) -> Result<i64> {
        match self.values.get(i) {
            Some(V::I(v)) => Ok(*v),
            _ => Err(self.corrupt(i, "an integer")),
        }
    }
    fn text(&self, i: usize) -> Result<String> {
        match self.values.get(i) {
            Some(V::T(v)) => Ok(v.clone()),
            _ => Err(self.corrupt(i, "text")),
        }
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(Some(self.text(i)?).filter(|s| !s.is_empty()))
    }
    fn boolean(&self, i: usize) -> Result<bool> {
        match self.values.get(i) {
            Some(V::B(v)) => Ok(*v),
            Some(V::I(v)) => Ok(*v != 0),
            _ => Err(self.corrupt(i, "a boolean")),
        }
    }
    fn json<T: serde::de::DeserializeOwned>(&self, i: usize) -> Result<T> {
        let t = self.text(i)?;
        serde_json::from_str(&t).map_err(|e| StoreError::Corrupt {
            location: self.location.to_string(),
            message: format!("column {i}: {e}"),
        })
    }
}

fn t(s: &str) -> V {
    V::T(s.to_string())
}
fn ot(s: Option<&str>) -> V {
    V::T(s.unwrap_or("").to_string())
}
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}

/// The snapshot kept with a run beside its results: how the gate was set, and the sign-off
/// and waiver tables as they stood.
#[derive(serde::Serialize, serde::Deserialize)]
struct Extra {
    gate_severity: Severity,
    fail_on_error: bool,
    #[serde(default)]
    signoffs: Vec<SignoffStatus>,
    #[serde(default)]
    waivers: Vec<WaiverStatus>,
}

fn parse_status(s: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|v| v.as_str() == s)
}

/// The one implementation of [`Store`].
pub(crate) struct SqlStore<D: Db> {
    pub(crate) db: D,
}

impl<D: Db> SqlStore<D> {
    fn query(&mut self, sql: &str, params: &[V]) -> Result<Vec<Vec<V>>> {
        self.db.query(sql, params).map_err(|e| db_err(&self.db, e))
    }
    fn insert_returning_id(db: &mut D, sql: &str, params: &[V]) -> Result<i64> {
        let rows = db.query(sql, params).map_err(|e| db_err(db, e))?;
        let loc = db.location();
        match rows.first().and_then(|r| r.first()) {
            Some(V::I(id)) => Ok(*id),
            _ => Err(StoreError::Corrupt {
                location: loc,
                message: "insert returned no id".into(),
            }),
        }
    }
}

impl<D: Db> Store for SqlStore<D> {
    fn backend(&self) -> &'static str {
        match self.db.dialect() {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    fn location(&self) -> String {
        self.db.location()
    }

    fn schema_version(&mut self) -> Result<i64> {
        version_of(&mut self.db)
    }

    fn record_run(&mut self, report: &RunReport) -> Result<i64> {
        let counts = report.counts();
        let summary = to_json(&counts);
        let extra = to_json(&Extra {
            gate_severity: report.gate.severity,
            fail_on_error: report.gate.fail_on_error,
            signoffs: report.signoffs.clone(),
            waivers: report.waivers.clone(),
        });
        let finished = report
            .started_at
            .checked_add(jiff::SignedDuration::from_millis(report.duration_ms as i64))
            .unwrap_or(report.started_at);
        let ts = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let run_params = vec![
            V::T(ts(report.started_at)),
            V::T(ts(finished)),
            ot(report.environment.as_deref()),
            ot(report.git_commit.as_deref()),
            t(&report.tool_version),
            t(&report.root),
            V::I(report.duration_ms as i64),
            V::B(report.ready()),
            V::T(summary),
            V::I(report.results.len() as i64),
            V::T(extra),
        ];
        in_write_tx(&mut self.db, |db| {
            let id = Self::insert_returning_id(
                db,
                "INSERT INTO runs (started_at, finished_at, environment, git_commit, tool_version, root, duration_ms, ready, summary, result_count, extra) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &run_params,
            )?;
            for (idx, r) in report.results.iter().enumerate() {
                db.exec(
                    "INSERT INTO results (run_id, idx, check_code, slug, category, severity, status, message, item, locations, evidence, fix, duration_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    &[
                        V::I(id),
                        V::I(idx as i64),
                        ot(r.check.as_deref()),
                        ot(r.slug.as_deref()),
                        t(r.category.as_str()),
                        t(r.severity.as_str()),
                        t(r.status.as_str()),
                        t(&r.message),
                        V::T(to_json(&r.item)),
                        V::T(to_json(&r.locations)),
                        V::T(to_json(&r.evidence)),
                        V::T(to_json(&r.fix)),
                        V::I(r.duration_ms as i64),
                    ],
                )
                .map_err(|e| db_err(db, e))?;
            }
            Ok(id)
        })
    }

    fn runs(&mut self, environment: Option<&str>, limit: usize) -> Result<Vec<RunSummary>> {
        let cols = "SELECT id, started_at, environment, git_commit, tool_version, duration_ms, ready, summary FROM runs";
        let limit = V::I(limit.min(i64::MAX as usize) as i64);
        let rows = match environment {
            Some(env) => self.query(
                &format!("{cols} WHERE environment = $1 ORDER BY id DESC LIMIT $2"),
                &[t(env), limit],
            )?,
            None => self.query(&format!("{cols} ORDER BY id DESC LIMIT $1"), &[limit])?,
        };
        let loc = self.location();
        rows.iter()
            .map(|values| {
                let r = Row {
                    values,
                    location: &loc,
                };
                Ok(RunSummary {
                    id: r.int(0)?,
                    started_at: r.text(1)?,
                    environment: r.opt_text(2)?,
                    git_commit: r.opt_text(3)?,
                    tool_version: r.text(4)?,
                    duration_ms: r.int(5)?.max(0) as u64,
                    ready: r.boolean(6)?,
                    summary: r.json(7)?,
                })
            })
            .collect()
    }

    fn load_run(&mut self, id: i64) -> Result<Option<RunReport>> {
        let loc = self.location();
        let runs = self.query(
            "SELECT id, started_at, environment, git_commit, tool_version, root, duration_ms, extra, result_count FROM runs WHERE id = $1",
            &[V::I(id)],
        )?;
        let Some(values) = runs.first() else {
            return Ok(None);
        };
        let run = Row {
            values,
            location: &loc,
        };
        let started_text = run.text(1)?;
        let started_at: jiff::Timestamp =
            started_text.parse().map_err(|e| StoreError::Corrupt {
                location: loc.clone(),
                message: format!("run {id} started_at {started_text:?}: {e}"),
            })?;
        let extra: Extra = run.json(7)?;
        let expected = run.int(8)?;
        let rows = self.query(
            "SELECT check_code, slug, category, severity, status, message, item, locations, evidence, fix, duration_ms FROM results WHERE run_id = $1 ORDER BY idx",
            &[V::I(id)],
        )?;
        let corrupt = |message: String| StoreError::Corrupt {
            location: loc.clone(),
            message,
        };
        if rows.len() as i64 != expected {
            return Err(corrupt(format!(
                "run {id} has {} results, {expected} recorded",
                rows.len()
            )));
        }
        let mut results = Vec::with_capacity(rows.len());
        for values in &rows {
            let r = Row {
                values,
                location: &loc,
            };
            let category = r.text(2)?;
            let severity = r.text(3)?;
            let status = r.text(4)?;
            results.push(CheckResult {
                check: r.opt_text(0)?,
                slug: r.opt_text(1)?,
                category: Category::parse(&category)
                    .ok_or_else(|| corrupt(format!("unknown category {category:?}")))?,
                severity: Severity::parse(&severity)
                    .ok_or_else(|| corrupt(format!("unknown severity {severity:?}")))?,
                status: parse_status(&status)
                    .ok_or_else(|| corrupt(format!("unknown status {status:?}")))?,
                message: r.text(5)?,
                item: r.json(6)?,
                locations: r.json(7)?,
                evidence: r.json(8)?,
                fix: r.json(9)?,
                duration_ms: r.int(10)?.max(0) as u64,
            });
        }
        Ok(Some(RunReport {
            tool_version: run.text(4)?,
            environment: run.opt_text(2)?,
            root: run.text(5)?,
            started_at,
            duration_ms: run.int(6)?.max(0) as u64,
            results,
            gate: GateConfig {
                severity: extra.gate_severity,
                fail_on_error: extra.fail_on_error,
            },
            run_id: Some(run.int(0)?),
            git_commit: run.opt_text(3)?,
            signoffs: extra.signoffs,
            waivers: extra.waivers,
        }))
    }

    fn add_signoff(&mut self, s: &Signoff) -> Result<i64> {
        let params = [
            t(&s.role),
            t(&s.by),
            ot(s.note.as_deref()),
            ot(s.environment.as_deref()),
            ot(s.git_commit.as_deref()),
            t(&s.signed_at),
        ];
        in_write_tx(&mut self.db, |db| {
            Self::insert_returning_id(
                db,
                "INSERT INTO signoffs (role, by_name, note, environment, git_commit, signed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &params,
            )
        })
    }

    fn signoffs(&mut self, environment: Option<&str>) -> Result<Vec<Signoff>> {
        let cols =
            "SELECT id, role, by_name, note, environment, git_commit, signed_at FROM signoffs";
        let rows = match environment {
            Some(e) => self.query(
                &format!("{cols} WHERE environment = $1 ORDER BY id"),
                &[t(e)],
            )?,
            None => self.query(&format!("{cols} ORDER BY id"), &[])?,
        };
        let loc = self.location();
        rows.iter()
            .map(|values| {
                let r = Row {
                    values,
                    location: &loc,
                };
                Ok(Signoff {
                    id: r.int(0)?,
                    role: r.text(1)?,
                    by: r.text(2)?,
                    note: r.opt_text(3)?,
                    environment: r.opt_text(4)?,
                    git_commit: r.opt_text(5)?,
                    signed_at: r.text(6)?,
                })
            })
            .collect()
    }

    fn add_attestation(&mut self, a: &Attestation) -> Result<i64> {
        let params = [
            t(&a.item),
            t(&a.by),
            t(&a.evidence),
            ot(a.environment.as_deref()),
            ot(a.git_commit.as_deref()),
            t(&a.attested_at),
        ];
        in_write_tx(&mut self.db, |db| {
            Self::insert_returning_id(
                db,
                "INSERT INTO attestations (item, by_name, evidence, environment, git_commit, attested_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &params,
            )
        })
    }

    fn attestations(&mut self, environment: Option<&str>) -> Result<Vec<Attestation>> {
        let cols = "SELECT id, item, by_name, evidence, environment, git_commit, attested_at FROM attestations";
        let rows = match environment {
            Some(e) => self.query(
                &format!("{cols} WHERE environment = $1 ORDER BY id"),
                &[t(e)],
            )?,
            None => self.query(&format!("{cols} ORDER BY id"), &[])?,
        };
        let loc = self.location();
        rows.iter()
            .map(|values| {
                let r = Row {
                    values,
                    location: &loc,
                };
                Ok(Attestation {
                    id: r.int(0)?,
                    item: r.text(1)?,
                    by: r.text(2)?,
                    evidence: r.text(3)?,
                    environment: r.opt_text(4)?,
                    git_commit: r.opt_text(5)?,
                    attested_at: r.text(6)?,
                })
            })
            .collect()
    }

    fn add_waiver(&mut self, w: &StoredWaiver) -> Result<i64> {
        let params = [
            t(&w.target),
            t(&w.reason),
            t(&w.until),
            t(&w.by),
            ot(w.environment.as_deref()),
            t(&w.created_at),
        ];
        in_write_tx(&mut self.db, |db| {
            Self::insert_returning_id(
                db,
                "INSERT INTO waivers (target, reason, until, by_name, environment, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &params,
            )
        })
    }

    fn waivers(&mut self) -> Result<Vec<StoredWaiver>> {
        let rows = self.query(
            "SELECT id, target, reason, until, by_name, environment, created_at FROM waivers ORDER BY id",
            &[],
        )?;
        let loc = self.location();
        rows.iter()
            .map(|values| {
                let r = Row {
                    values,
                    location: &loc,
                };
                Ok(StoredWaiver {
                    id: r.int(0)?,
                    target: r.text(1)?,
                    reason: r.text(2)?,
                    until: r.text(3)?,
                    by: r.text(4)?,
                    environment: r.opt_text(5)?,
                    created_at: r.text(6)?,
                })
            })
            .collect()
    }
}
