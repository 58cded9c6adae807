use super::{answered, pg};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct Ssl;

static META: CheckMeta = CheckMeta {
    code: "PG003",
    slug: "postgres-ssl",
    category: Category::Security,
    severity: Severity::Critical,
    summary: "PostgreSQL has ssl on and golive's own connection is encrypted",
    doc: CheckDoc {
        what: "Reads `SHOW ssl` and this connection's row of `pg_stat_ssl`. Passes when the server \
has SSL on and the connection made with `database_url`'s settings is encrypted. A server with \
`ssl = off` fails; so does a server with SSL whose connection was not encrypted (the DSN says \
`sslmode=disable`, or `prefer` fell back to plaintext), because the application uses the same DSN.",
        why: "Database traffic carries credentials and personal data. Without TLS anyone on the \
path reads it; with `sslmode=prefer` an attacker who strips TLS is silently accepted.",
        fix: "Set `ssl = on` with `ssl_cert_file`/`ssl_key_file` in postgresql.conf (reload), \
reject plaintext in `pg_hba.conf` with `hostssl` lines, and put `sslmode=verify-full` \
(or at least `require`) in the DSN.",
        example: "`SHOW ssl -> off` fails; `SHOW ssl -> on`, `pg_stat_ssl.ssl -> t (TLSv1.3)` passes.",
    },
    params: &[],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "ssl",
        "sslmode",
        "SSL/TLS enabled for connections",
        "pg_stat_ssl",
        "hostssl",
    ],
};

#[async_trait::async_trait]
impl Check for Ssl {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let setting = match answered(&facts.ssl_setting, "SHOW ssl") {
            Ok(s) => s.clone(),
            Err(o) => return o,
        };
        let conn = match answered(&facts.conn_ssl, "pg_stat_ssl") {
            Ok(c) => c.clone(),
            Err(o) => return o,
        };
        let mut evidence = vec![
            format!("SHOW ssl -> {setting}"),
            format!(
                "pg_stat_ssl for this connection -> ssl={} version={} cipher={}",
                if conn.ssl { "t" } else { "f" },
                conn.version.as_deref().unwrap_or("-"),
                conn.cipher.as_deref().unwrap_or("-")
            ),
            format!("sslmode -> {}", facts.ssl_mode.as_str()),
        ];
        if setting != "on" {
            return Outcome::fail(format!("the server has ssl = {setting}"))
                .with_evidence(evidence)
                .fix("set ssl = on with a certificate in postgresql.conf, hostssl in pg_hba.conf, and sslmode=verify-full in the DSN");
        }
        if !conn.ssl {
            evidence.push("psql \"$DATABASE_URL\" -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'".into());
            return Outcome::fail(format!(
                "the server supports SSL but the connection made with sslmode={} is not encrypted",
                facts.ssl_mode.as_str()
            ))
            .with_evidence(evidence)
            .fix("use sslmode=verify-full (or require) in database_url and hostssl lines in pg_hba.conf");
        }
        Outcome::pass(format!(
            "ssl is on and this connection uses {}",
            conn.version.as_deref().unwrap_or("TLS")
        ))
        .with_evidence(evidence)
    }
}
