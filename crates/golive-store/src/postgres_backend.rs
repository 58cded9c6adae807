//! PostgreSQL: the same schema and SQL, for a store shared by many golive processes.
//!
//! The synchronous `postgres` client runs its own small runtime: call it outside any tokio
//! runtime (the CLI records after the check's runtime has finished).
//! Connections are plain TCP or a Unix socket (`host=/path`); TLS to the store is not
//! supported yet, so a URL asking `sslmode=require` fails to connect rather than silently
//! downgrading.

use crate::sql::{self, Db, Dialect, SqlStore, V};
use crate::{Result, StoreError, redact_url};
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};
use std::time::Duration;

pub(crate) struct Postgres {
    client: Client,
    location: String,
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn open(url: &str) -> Result<SqlStore<Postgres>> {
    let location = redact_url(url);
    let fail = |message: String| StoreError::Open {
        location: location.clone(),
        message,
    };
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| fail(format!("invalid URL: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("golive");
    }
    let client = config.connect(NoTls).map_err(|e| fail(error_text(&e)))?;
    let mut store = SqlStore {
        db: Postgres {
            client,
            location: location.clone(),
        },
    };
    sql::migrate(&mut store.db)?;
    Ok(store)
}

/// The server's message when there is one (the driver's Display hides it behind "db error").
fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                s.push_str(&format!(": {inner}"));
                src = inner.source();
            }
            s
        }
    }
}

fn boxed(params: &[V]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                V::I(i) => Box::new(*i),
                V::T(s) => Box::new(s.clone()),
                V::B(b) => Box::new(*b),
            }
        })
        .collect()
}

impl Db for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn exec(&mut self, sql: &str, params: &[V]) -> std::result::Result<u64, String> {
        let owned = boxed(params);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        self.client.execute(sql, &refs).map_err(|e| error_text(&e))
    }

    fn query(&mut self, sql: &str, params: &[V]) -> std::result::Result<Vec<Vec<V>>, String> {
        let owned = boxed(params);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        let rows = self.client.query(sql, &refs).map_err(|e| error_text(&e))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, col) in row.columns().iter().enumerate() {
                let ty = col.type_();
                let v = if *ty == Type::INT8 {
                    V::I(row.try_get::<_, i64>(i).map_err(|e| error_text(&e))?)
                } else if *ty == Type::INT4 {
                    V::I(i64::from(
                        row.try_get::<_, i32>(i).map_err(|e| error_text(&e))?,
                    ))
                } else if *ty == Type::BOOL {
                    V::B(row.try_get::<_, bool>(i).map_err(|e| error_text(&e))?)
                } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
                    V::T(
                        row.try_get::<_, Option<String>>(i)
                            .map_err(|e| error_text(&e))?
                            .unwrap_or_default(),
                    )
                } else {
                    return Err(format!("column {}: unexpected type {ty}", col.name()));
                };
                values.push(v);
            }
            out.push(values);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> std::result::Result<(), String> {
        self.client.batch_execute(sql).map_err(|e| error_text(&e))
    }

    fn begin_write(&mut self) -> std::result::Result<(), String> {
        self.client
            .batch_execute("BEGIN")
            .map_err(|e| error_text(&e))
    }
}
