//! PostgreSQL: the same schema and SQL, for a store shared by many golive processes.
//!
//! The synchronous `postgres` client runs its own small runtime: call it outside any tokio
//! runtime (the CLI records after the check's runtime has finished).
//!
//! TLS: `sslmode=disable` connects in plain text; otherwise (libpq's default `prefer`, and
//! `require`) the client offers TLS with rustls and, when the server accepts, always verifies
//! its certificate and name against the system trust store plus `sslrootcert=FILE` (a private
//! CA, PEM) — stricter than libpq's `require`, never a silent unverified connection.
//! `sslmode=require` fails when the server does not speak TLS.

use crate::sql::{self, Db, Dialect, SqlStore, V};
use crate::{Result, StoreError, redact_url};
use postgres::config::SslMode;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

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
    let (url, root_cert) = split_sslrootcert(url);
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| fail(format!("invalid URL: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("golive");
    }
    let client = if config.get_ssl_mode() == SslMode::Disable {
        config.connect(NoTls)
    } else {
        let tls = tls_connector(root_cert.as_deref()).map_err(&fail)?;
        config.connect(tls)
    }
    .map_err(|e| fail(error_text(&e)))?;
    let mut store = SqlStore {
        db: Postgres {
            client,
            location: location.clone(),
        },
    };
    sql::migrate(&mut store.db)?;
    Ok(store)
}

/// Takes `sslrootcert=FILE` out of a URL's query (the driver does not know it).
fn split_sslrootcert(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut root = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.strip_prefix("sslrootcert=") {
            Some(v) => {
                root = Some(v.to_string());
                false
            }
            None => !kv.is_empty(),
        })
        .collect();
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, root)
}

/// rustls with the system's roots and the optional private CA file.
fn tls_connector(root_cert: Option<&str>) -> std::result::Result<MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = root_cert {
        let pem = std::fs::read(path).map_err(|e| format!("sslrootcert {path}: {e}"))?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("sslrootcert {path}: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("sslrootcert {path}: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err(format!("sslrootcert {path}: no PEM certificate in it"));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
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

#[cfg(test)]
mod tests {
    #[test]
    fn sslrootcert_is_taken_out_of_the_url() {
        let (u, r) =
            super::split_sslrootcert("postgres://h/db?sslmode=require&sslrootcert=/ca.pem");
        assert_eq!(u, "postgres://h/db?sslmode=require");
        assert_eq!(r.as_deref(), Some("/ca.pem"));
        let (u, r) = super::split_sslrootcert("postgres://h/db?sslrootcert=/ca.pem");
        assert_eq!(u, "postgres://h/db");
        assert_eq!(r.as_deref(), Some("/ca.pem"));
        assert_eq!(super::split_sslrootcert("postgres://h/db").1, None);
    }
}
