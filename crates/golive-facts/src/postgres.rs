//! PostgreSQL: one connection per run to `database_url`, a handful of read-only queries.
//!
//! The connection honours the DSN's `sslmode` the way libpq does: `disable` is plaintext,
//! `prefer` tries TLS then plaintext, `require` encrypts without verifying the certificate,
//! `verify-ca` / `verify-full` verify it against the system store, `ca_file` and `sslrootcert`.
//! `sslcert` / `sslkey` present a client certificate (libpq's defaults
//! `~/.postgresql/postgresql.crt` and `.key` when those exist), for `pg_hba.conf` lines with
//! `cert` or `clientcert=verify-full`.
//! SQLAlchemy-style schemes (`postgresql+asyncpg://`) and asyncpg's `ssl=` are understood.

use crate::infra_tls::{self, clean};
use golive_core::{Fact, FactError, Facts, Input};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::config::SslMode;

/// How long connecting may take, and how long each query may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(5);

/// The `sslmode` of a DSN, libpq's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgSslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl PgSslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

/// A DSN split into what tokio-postgres parses and the TLS settings golive handles itself.
#[derive(Debug, Clone)]
pub struct PgDsn {
    pub config: tokio_postgres::Config,
    pub ssl_mode: PgSslMode,
    pub root_cert: Option<PathBuf>,
    /// `sslcert` / `sslkey`: the client certificate chain and its key.
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
}

/// Parses `postgres://`, `postgresql://` and `postgresql+driver://` URLs and key=value DSNs.
pub fn parse_dsn(dsn: &str) -> Result<PgDsn, FactError> {
    let bad = |e: &dyn std::fmt::Display| {
        FactError::new(format!(
            "database_url is not a PostgreSQL DSN: {}",
            clean(e.to_string())
        ))
    };
    let mut ssl_mode = None;
    let mut root_cert = None;
    let mut client_cert = None;
    let mut client_key = None;
    let is_url = dsn.contains("://");
    let text = if is_url {
        let (scheme, rest) = dsn.split_once("://").unwrap_or(("", dsn));
        let base = scheme.split('+').next().unwrap_or(scheme);
        if base != "postgres" && base != "postgresql" {
            return Err(FactError::new(format!(
                "database_url has scheme {scheme}://, expected postgres:// or postgresql://"
            )));
        }
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut kept = Vec::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "sslmode" | "ssl" => ssl_mode = Some(v.to_ascii_lowercase()),
                "sslrootcert" => root_cert = Some(PathBuf::from(percent_decode(v))),
                "sslcert" => client_cert = Some(PathBuf::from(percent_decode(v))),
                "sslkey" => client_key = Some(PathBuf::from(percent_decode(v))),
                // CRLs are not supported by this collector; the server still sees a TLS
                // connection.
                "sslcrl" | "gssencmode" | "prepared_statement_cache_size" => {}
                _ => kept.push(pair),
            }
        }
        let mut t = format!("postgresql://{path}");
        if !kept.is_empty() {
            t.push('?');
            t.push_str(&kept.join("&"));
        }
        t
    } else {
        let mut kept = Vec::new();
        for word in dsn.split_whitespace() {
            match word.split_once('=') {
                Some(("sslmode", v)) => ssl_mode = Some(v.to_ascii_lowercase()),
                Some(("sslrootcert", v)) => root_cert = Some(PathBuf::from(v)),
                Some(("sslcert", v)) => client_cert = Some(PathBuf::from(v)),
                Some(("sslkey", v)) => client_key = Some(PathBuf::from(v)),
                Some(("sslcrl" | "gssencmode", _)) => {}
                _ => kept.push(word),
            }
        }
        kept.join(" ")
    };
    let ssl_mode = match ssl_mode.as_deref() {
        None | Some("prefer") | Some("allow") => PgSslMode::Prefer,
        Some("disable") | Some("false") => PgSslMode::Disable,
        Some("require") | Some("true") => PgSslMode::Require,
        Some("verify-ca") => PgSslMode::VerifyCa,
        Some("verify-full") => PgSslMode::VerifyFull,
        Some(other) => {
            return Err(FactError::new(format!(
                "database_url: unknown sslmode {other:?}"
            )));
        }
    };
    let mut config = tokio_postgres::Config::from_str(&text).map_err(|e| bad(&e))?;
    config.ssl_mode(match ssl_mode {
        PgSslMode::Disable => SslMode::Disable,
        PgSslMode::Prefer => SslMode::Prefer,
        _ => SslMode::Require,
    });
    config.connect_timeout(CONNECT_TIMEOUT);
    config.application_name("golive");
    Ok(PgDsn {
        config,
        ssl_mode,
        root_cert,
        client_cert,
        client_key,
    })
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The client certificate chain and key to present, libpq's way: `sslcert` / `sslkey` when
/// set, else `~/.postgresql/postgresql.crt` / `.key` when the certificate exists. A named
/// file that cannot be read, a key without its certificate, and (on Unix) a key file others
/// can read are errors, as they are for libpq.
pub fn client_identity(
    dsn: &PgDsn,
    home: Option<&std::path::Path>,
) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>, FactError> {
    let default_dir = home.map(|h| h.join(".postgresql"));
    let cert = match &dsn.client_cert {
        Some(p) => p.clone(),
        None => match &default_dir {
            Some(d) if d.join("postgresql.crt").is_file() => d.join("postgresql.crt"),
            _ if dsn.client_key.is_some() => {
                return Err(FactError::new(
                    "database_url sets sslkey without sslcert: set both",
                ));
            }
            _ => return Ok(None),
        },
    };
    let key = match (&dsn.client_key, &default_dir) {
        (Some(k), _) => k.clone(),
        (None, Some(d)) => d.join("postgresql.key"),
        (None, None) => {
            return Err(FactError::new(
                "database_url sets sslcert without sslkey: set both",
            ));
        }
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| FactError::new(format!("sslcert {}: {e}", cert.display())))?;
    if chain.is_empty() {
        return Err(FactError::new(format!(
            "sslcert {}: no PEM certificate in it",
            cert.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(&key)
            .map_err(|e| FactError::new(format!("sslkey {}: {e}", key.display())))?;
        let mode = meta.mode() & 0o777;
        // libpq: u=rw (0600) or less, or owned by root with at most u=rw,g=r (0640).
        let private = mode & 0o077 == 0 || (meta.uid() == 0 && mode & 0o037 == 0);
        if !private {
            return Err(FactError::new(format!(
                "sslkey {} has group or world access (mode {mode:o}); it should be 0600 or less",
                key.display()
            )));
        }
    }
    let private_key = PrivateKeyDer::from_pem_file(&key)
        .map_err(|e| FactError::new(format!("sslkey {}: {e}", key.display())))?;
    Ok(Some((chain, private_key)))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `pg_stat_ssl` for this backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConnSsl {
    pub ssl: bool,
    pub version: Option<String>,
    pub cipher: Option<String>,
}

/// `pg_stat_archiver` and the archiving settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PgArchiver {
    pub archive_mode: String,
    /// Whether `archive_command` or `archive_library` is set (the value is not kept: it can
    /// hold credentials).
    pub archive_configured: bool,
    pub archived_count: i64,
    pub last_archived_wal: Option<String>,
    /// Seconds since the last successful archive.
    pub last_archived_age_secs: Option<i64>,
    pub failed_count: i64,
    pub last_failed_wal: Option<String>,
    pub last_failed_age_secs: Option<i64>,
}

/// The role golive connected as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgRole {
    pub name: String,
    pub superuser: bool,
    pub create_role: bool,
    pub bypass_rls: bool,
}

/// What one connection to the database showed. Each query's result is kept separately so a
/// denied query makes only the checks that need it undecided.
#[derive(Debug, Clone)]
pub struct PgFacts {
    /// The DSN, password masked, for evidence.
    pub target: String,
    pub ssl_mode: PgSslMode,
    /// `server_version_num`, e.g. 150018.
    pub version_num: Result<i64, String>,
    /// `server_version`, e.g. "15.18 (Debian 15.18-0+deb12u1)".
    pub version: Result<String, String>,
    /// `SHOW ssl`.
    pub ssl_setting: Result<String, String>,
    pub conn_ssl: Result<PgConnSsl, String>,
    /// Installed extensions, name and version.
    pub extensions: Result<Vec<(String, String)>, String>,
    pub max_connections: Result<i64, String>,
    pub archiver: Result<PgArchiver, String>,
    pub role: Result<PgRole, String>,
    /// `alembic_version` rows; `Ok(None)` when the table does not exist.
    pub alembic_versions: Result<Option<Vec<String>>, String>,
}

#[async_trait::async_trait]
impl Fact for PgFacts {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let Some(dsn) = env.input(Input::DatabaseUrl) else {
            return Err(FactError::new("database_url is not set"));
        };
        let ca = infra_tls::ca_file_path(env);
        collect_pg(dsn, ca.as_deref()).await
    }
}

/// Connects and queries. A connection failure is the error; everything after is per query.
pub async fn collect_pg(
    dsn: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<PgFacts, FactError> {
    let mut parsed = parse_dsn(dsn)?;
    // libpq's fallback for a DSN without a password.
    if parsed.config.get_password().is_none()
        && let Ok(pw) = std::env::var("PGPASSWORD")
        && !pw.is_empty()
    {
        parsed.config.password(pw);
    }
    let target = golive_core::redact::mask_url_password(dsn).unwrap_or_else(|| {
        if dsn.contains("://") {
            dsn.to_string()
        } else {
            // key=value DSN: drop the password word.
            dsn.split_whitespace()
                .map(|w| {
                    if w.starts_with("password=") {
                        "password=[redacted]".to_string()
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    });
    let builder = match parsed.ssl_mode {
        PgSslMode::VerifyCa | PgSslMode::VerifyFull => {
            let extra = match &parsed.root_cert {
                Some(p) => infra_tls::read_ca_file(p)?,
                None => Vec::new(),
            };
            infra_tls::verifying_builder(ca_file, &extra)?
        }
        _ => infra_tls::encrypting_only_builder()?,
    };
    let identity = match parsed.ssl_mode {
        PgSslMode::Disable => None,
        _ => client_identity(&parsed, home_dir().as_deref())?,
    };
    let presents_cert = identity.is_some();
    let tls_config = match identity {
        Some((chain, key)) => builder
            .with_client_auth_cert(chain, key)
            .map_err(|e| FactError::new(format!("sslcert/sslkey: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config);
    let connecting = parsed.config.connect(tls);
    let (client, connection) = match tokio::time::timeout(
        CONNECT_TIMEOUT + Duration::from_secs(1),
        connecting,
    )
    .await
    {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            let text = clean(error_text(&e));
            // The server's words ("connection requires a valid client certificate") do
            // not say which setting golive lacks.
            let hint = if !presents_cert && text.contains("certificate") {
                " (the server wants a client certificate: set sslcert and sslkey in database_url)"
            } else {
                ""
            };
            return Err(FactError::new(format!(
                "cannot connect to {target}: {text}{hint}"
            )));
        }
        Err(_) => {
            return Err(FactError::new(format!(
                "cannot connect to {target}: no answer within {}s",
                CONNECT_TIMEOUT.as_secs()
            )));
        }
    };
    let conn_task = tokio::spawn(async move {
        let _ = connection.await;
    });

    let q = |sql: &'static str| {
        let client = &client;
        async move {
            match tokio::time::timeout(QUERY_TIMEOUT, client.query(sql, &[])).await {
                Ok(Ok(rows)) => Ok(rows),
                Ok(Err(e)) => Err(clean(error_text(&e))),
                Err(_) => Err(format!(
                    "query timed out after {}s",
                    QUERY_TIMEOUT.as_secs()
                )),
            }
        }
    };
    let one_text = |rows: Result<Vec<tokio_postgres::Row>, String>| -> Result<String, String> {
        let rows = rows?;
        let row = rows.first().ok_or("no row returned")?;
        row.try_get::<_, String>(0).map_err(|e| e.to_string())
    };

    // The queries are independent: polled together, tokio-postgres pipelines them on the
    // one connection, so the whole collection costs about one round trip.
    let (
        version,
        version_num,
        ssl_setting,
        conn_ssl,
        extensions,
        max_connections,
        archiver,
        role,
        alembic_versions,
    ) = tokio::join!(
        async { one_text(q("SHOW server_version").await) },
        async {
            one_text(q("SHOW server_version_num").await).and_then(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("server_version_num is {v:?}"))
            })
        },
        async { one_text(q("SHOW ssl").await) },
        async {
            q("SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .await
                .and_then(|rows| {
                    let row = rows
                        .first()
                        .ok_or("pg_stat_ssl has no row for this backend")?;
                    Ok(PgConnSsl {
                        ssl: row.try_get(0).map_err(|e| e.to_string())?,
                        version: row.try_get(1).map_err(|e| e.to_string())?,
                        cipher: row.try_get(2).map_err(|e| e.to_string())?,
                    })
                })
        },
        async {
            q("SELECT extname::text, extversion FROM pg_extension ORDER BY 1")
                .await
                .and_then(|rows| {
                    rows.iter()
                        .map(|r| {
                            Ok((
                                r.try_get::<_, String>(0).map_err(|e| e.to_string())?,
                                r.try_get::<_, String>(1).map_err(|e| e.to_string())?,
                            ))
                        })
                        .collect()
                })
        },
        async {
            one_text(q("SHOW max_connections").await).and_then(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("max_connections is {v:?}"))
            })
        },
        async {
            q("SELECT current_setting('archive_mode'), \
             (current_setting('archive_command') NOT IN ('', '(disabled)')) \
               OR coalesce(current_setting('archive_library', true), '') <> '', \
             archived_count, last_archived_wal, \
             extract(epoch FROM now() - last_archived_time)::bigint, \
             failed_count, last_failed_wal, \
             extract(epoch FROM now() - last_failed_time)::bigint \
             FROM pg_stat_archiver")
            .await
            .and_then(|rows| {
                let r = rows.first().ok_or("pg_stat_archiver returned no row")?;
                let e = |e: tokio_postgres::Error| e.to_string();
                Ok(PgArchiver {
                    archive_mode: r.try_get(0).map_err(e)?,
                    archive_configured: r.try_get(1).map_err(e)?,
                    archived_count: r.try_get(2).map_err(e)?,
                    last_archived_wal: r.try_get(3).map_err(e)?,
                    last_archived_age_secs: r.try_get(4).map_err(e)?,
                    failed_count: r.try_get(5).map_err(e)?,
                    last_failed_wal: r.try_get(6).map_err(e)?,
                    last_failed_age_secs: r.try_get(7).map_err(e)?,
                })
            })
        },
        async {
            q("SELECT rolname::text, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        .await
        .and_then(|rows| {
            let r = rows.first().ok_or("pg_roles has no row for current_user")?;
            let e = |e: tokio_postgres::Error| e.to_string();
            Ok(PgRole {
                name: r.try_get(0).map_err(e)?,
                superuser: r.try_get(1).map_err(e)?,
                create_role: r.try_get(2).map_err(e)?,
                bypass_rls: r.try_get(3).map_err(e)?,
            })
        })
        },
        async {
            match q("SELECT to_regclass('alembic_version')::text").await {
                Err(e) => Err(e),
                Ok(rows) => {
                    let exists = rows
                        .first()
                        .and_then(|r| r.try_get::<_, Option<String>>(0).ok())
                        .flatten()
                        .is_some();
                    if exists {
                        q("SELECT version_num::text FROM alembic_version ORDER BY 1")
                            .await
                            .and_then(|rows| {
                                rows.iter()
                                    .map(|r| r.try_get::<_, String>(0).map_err(|e| e.to_string()))
                                    .collect::<Result<Vec<_>, _>>()
                                    .map(Some)
                            })
                    } else {
                        Ok(None)
                    }
                }
            }
        },
    );
    drop(client);
    conn_task.abort();
    Ok(PgFacts {
        target,
        ssl_mode: parsed.ssl_mode,
        version_num,
        version,
        ssl_setting,
        conn_ssl,
        extensions,
        max_connections,
        archiver,
        role,
        alembic_versions,
    })
}

/// tokio-postgres's Display hides the server's message behind "db error"; show it.
fn error_text(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsns_parse_with_libpq_ssl_modes() {
        let d = parse_dsn(
            "postgresql+asyncpg://app:pw@db:5432/app?sslmode=verify-full&sslrootcert=/ca.pem",
        )
        .unwrap();
        assert_eq!(d.ssl_mode, PgSslMode::VerifyFull);
        assert_eq!(d.root_cert, Some(PathBuf::from("/ca.pem")));
        assert_eq!(d.config.get_dbname(), Some("app"));
        let d = parse_dsn("postgres://app@db/app").unwrap();
        assert_eq!(d.ssl_mode, PgSslMode::Prefer);
        let d = parse_dsn("host=db user=app sslmode=disable").unwrap();
        assert_eq!(d.ssl_mode, PgSslMode::Disable);
        assert!(parse_dsn("mysql://a@b/c").is_err());
        let e = parse_dsn("postgres://app:hunter2secret@db/app?sslmode=bogus").unwrap_err();
        assert!(!e.message.contains("hunter2secret"));
        let d = parse_dsn(
            "postgresql://app@db/app?sslmode=require&sslcert=/c%20d/app.crt&sslkey=/k.key",
        )
        .unwrap();
        assert_eq!(d.client_cert, Some(PathBuf::from("/c d/app.crt")));
        assert_eq!(d.client_key, Some(PathBuf::from("/k.key")));
        let d = parse_dsn("host=db sslcert=/a.crt sslkey=/a.key").unwrap();
        assert_eq!(d.client_cert, Some(PathBuf::from("/a.crt")));
        assert_eq!(d.client_key, Some(PathBuf::from("/a.key")));
    }

    #[test]
    fn client_certificates_follow_libpq() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["app".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let crt_path = dir.path().join("app.crt");
        let key_path = dir.path().join("app.key");
        std::fs::write(&crt_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let dsn =
            |q: &str| parse_dsn(&format!("postgresql://app@db/app?sslmode=require{q}")).unwrap();
        let with = dsn(&format!(
            "&sslcert={}&sslkey={}",
            crt_path.display(),
            key_path.display()
        ));
        let (chain, _) = client_identity(&with, None).unwrap().unwrap();
        assert_eq!(chain.len(), 1);
        // Nothing named and no ~/.postgresql: no certificate, as with libpq.
        let empty_home = tempfile::tempdir().unwrap();
        assert!(
            client_identity(&dsn(""), Some(empty_home.path()))
                .unwrap()
                .is_none()
        );
        // libpq's default location.
        let pgdir = empty_home.path().join(".postgresql");
        std::fs::create_dir(&pgdir).unwrap();
        std::fs::copy(&crt_path, pgdir.join("postgresql.crt")).unwrap();
        std::fs::copy(&key_path, pgdir.join("postgresql.key")).unwrap();
        assert!(
            client_identity(&dsn(""), Some(empty_home.path()))
                .unwrap()
                .is_some()
        );
        // A key without a certificate, and a missing file, are errors naming the setting.
        let e =
            client_identity(&dsn(&format!("&sslkey={}", key_path.display())), None).unwrap_err();
        assert!(e.message.contains("sslkey without sslcert"), "{e}");
        let e = client_identity(
            &dsn(&format!(
                "&sslcert={}/nope.crt&sslkey={}",
                dir.path().display(),
                key_path.display()
            )),
            None,
        )
        .unwrap_err();
        assert!(e.message.starts_with("sslcert "), "{e}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let e = client_identity(&with, None).unwrap_err();
            assert!(e.message.contains("group or world access"), "{e}");
        }
    }
}
