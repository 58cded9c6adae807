//! SQLite: one file, WAL, `synchronous=FULL` (a committed run survives a crash of the process
//! and of the machine), a busy timeout so concurrent writers wait for each other.

use crate::sql::{self, Db, Dialect, SqlStore, V};
use crate::{OpenMode, Result, StoreError};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

pub(crate) struct Sqlite {
    conn: Connection,
    location: String,
}

/// How long a writer waits for another before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn open(path: &Path, mode: OpenMode) -> Result<SqlStore<Sqlite>> {
    let location = path.display().to_string();
    let fail = |message: String| StoreError::Open {
        location: location.clone(),
        message,
    };
    let flags = match mode {
        OpenMode::Create => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
            }
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        }
        OpenMode::ExistingOnly => {
            if !path.is_file() {
                return Err(fail(
                    "no history yet (`golive check` records each run there)".into(),
                ));
            }
            OpenFlags::SQLITE_OPEN_READ_WRITE
        }
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| fail(e.to_string()))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| fail(e.to_string()))?;
    // Not a database at all (a stray file at the path) shows up here, clearly. SQLite does not
    // call the busy handler while it switches the journal mode, so a run that opens a new
    // store while another does the same is refused at once: it waits here instead.
    let started = std::time::Instant::now();
    let mode: String = loop {
        match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)) {
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => break other.map_err(|e| fail(e.to_string()))?,
        }
    };
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(fail(format!(
            "cannot switch to WAL (journal_mode is {mode})"
        )));
    }
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
        .map_err(|e| fail(e.to_string()))?;
    let mut store = SqlStore {
        db: Sqlite {
            conn,
            location: location.clone(),
        },
    };
    sql::migrate(&mut store.db)?;
    Ok(store)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn to_value(v: &V) -> Value {
    match v {
        V::I(i) => Value::Integer(*i),
        V::T(s) => Value::Text(s.clone()),
        V::B(b) => Value::Integer(i64::from(*b)),
    }
}

impl Db for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn exec(&mut self, sql: &str, params: &[V]) -> std::result::Result<u64, String> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        stmt.execute(rusqlite::params_from_iter(params.iter().map(to_value)))
            .map(|n| n as u64)
            .map_err(|e| e.to_string())
    }

    fn query(&mut self, sql: &str, params: &[V]) -> std::result::Result<Vec<Vec<V>>, String> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        let n = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter().map(to_value)))
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                let v = match row.get_ref(i).map_err(|e| e.to_string())? {
                    ValueRef::Integer(i) => V::I(i),
                    ValueRef::Text(t) => V::T(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Null => V::T(String::new()),
                    ValueRef::Real(f) => V::I(f as i64),
                    ValueRef::Blob(_) => return Err(format!("column {i}: unexpected blob")),
                };
                values.push(v);
            }
            out.push(values);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> std::result::Result<(), String> {
        self.conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn begin_write(&mut self) -> std::result::Result<(), String> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| e.to_string())
    }
}
