//! PostgreSQL checks against real servers: one well-configured cluster (SSL, archiving,
//! extensions, a non-superuser role, migrations at head) and one misconfigured (no SSL, no
//! archiving, few connections), plus a dead port.

use crate::infra_support::check;
use crate::servers::{PG_SUPER_PASSWORD, PgOptions, Postgres, eventually, free_port};
use crate::support::temp_repo;
use std::time::{Duration, Instant};

pub(crate) const APP_PASSWORD: &str = "app-Pa55word-never-shown";

pub(crate) const MIGRATION_1: &str = "\"\"\"init\"\"\"\nrevision = 'a1b2c3d4e5f6'\ndown_revision = None\n\ndef upgrade():\n    pass\n";
pub(crate) const MIGRATION_2: &str = "\"\"\"users\"\"\"\nrevision: str = \"0f9e8d7c6b5a\"\ndown_revision: Union[str, None] = \"a1b2c3d4e5f6\"\n\ndef upgrade():\n    pass\n";

pub(crate) fn setup_app_db(pg: &Postgres, extensions: &[&str], alembic_at: Option<&str>) {
    pg.psql(
        "postgres",
        &format!("CREATE ROLE app LOGIN PASSWORD '{APP_PASSWORD}'"),
    );
    pg.psql("postgres", "CREATE DATABASE app OWNER app");
    for e in extensions {
        pg.psql("app", &format!("CREATE EXTENSION IF NOT EXISTS \"{e}\""));
    }
    if let Some(rev) = alembic_at {
        pg.psql(
            "app",
            &format!(
                "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); \
                 INSERT INTO alembic_version VALUES ('{rev}'); ALTER TABLE alembic_version OWNER TO app"
            ),
        );
    }
}

fn toml(url: &str, extra: &str) -> String {
    format!(
        "[environments.test]\ndatabase_url = \"{url}\"\n\n[checks.PG004]\nextensions = [\"uuid-ossp\", \"pg_trgm\"]\n\n[checks.PG002]\nmin_version = \"12\"\n\n[checks.PG005]\nmin = 50\nmax = 500\n{extra}"
    )
}

#[test]
fn postgres_checks_against_real_servers() {
    let started = Instant::now();
    let Some(good) = Postgres::start(PgOptions {
        ssl: true,
        archive: true,
        max_connections: 100,
    }) else {
        return;
    };
    let Some(bad) = Postgres::start(PgOptions {
        ssl: false,
        archive: false,
        max_connections: 20,
    }) else {
        return;
    };
    setup_app_db(&good, &["uuid-ossp", "pg_trgm"], Some("0f9e8d7c6b5a"));
    setup_app_db(&bad, &["uuid-ossp", "pg_trgm"], Some("a1b2c3d4e5f6"));
    // Archive one segment so pg_stat_archiver has a success.
    good.psql(
        "postgres",
        "CREATE TABLE t AS SELECT 1 AS x; SELECT pg_switch_wal()",
    );
    assert!(
        eventually(Duration::from_secs(20), || {
            good.psql("postgres", "SELECT archived_count FROM pg_stat_archiver")
                .trim()
                != "0"
        }),
        "the test cluster never archived a WAL segment"
    );

    let repo = temp_repo(&[
        ("migrations/versions/001_init.py", MIGRATION_1),
        ("migrations/versions/002_users.py", MIGRATION_2),
    ]);
    let ca = good.certs.as_ref().unwrap().ca.display().to_string();

    // Everything well configured: every check passes, the password never appears.
    let url = good.url("app", APP_PASSWORD, "app", "?sslmode=verify-full");
    let run = check(
        repo.path(),
        &toml(&url, "").replace(
            "[environments.test]\n",
            &format!("[environments.test]\nca_file = \"{ca}\"\n"),
        ),
        "PG",
        &[],
    );
    for code in [
        "PG001", "PG002", "PG003", "PG004", "PG005", "PG006", "PG007", "PG008",
    ] {
        run.expect(code, "pass");
    }
    run.mentions("PG003", "SHOW ssl -> on");
    run.mentions("PG008", "0f9e8d7c6b5a");
    run.assert_no_secret(APP_PASSWORD);

    // verify-full without the private CA: the certificate is not trusted -> unreachable.
    let run = check(repo.path(), &toml(&url, ""), "PG001,PG003", &[]);
    run.expect("PG001", "fail");
    run.expect("PG003", "error");
    run.assert_no_secret(APP_PASSWORD);

    // Same server, plaintext connection: only PG003 fails.
    let plain = good.url("app", APP_PASSWORD, "app", "?sslmode=disable");
    let run = check(repo.path(), &toml(&plain, ""), "PG003,PG001", &[]);
    run.expect("PG001", "pass");
    run.expect("PG003", "fail");
    run.mentions("PG003", "sslmode=disable");

    // The superuser fails PG007 only.
    let su = good.url("postgres", PG_SUPER_PASSWORD, "app", "?sslmode=require");
    let run = check(repo.path(), &toml(&su, ""), "PG007,PG003", &[]);
    run.expect("PG007", "fail");
    run.expect("PG003", "pass");
    run.mentions("PG007", "rolsuper -> t");
    run.assert_no_secret(PG_SUPER_PASSWORD);

    // Thresholds: a missing extension, a too-high minimum version, a narrow range.
    let run = check(
        repo.path(),
        &toml(&plain, "")
            .replace("\"pg_trgm\"]", "\"pg_trgm\", \"btree_gin\"]")
            .replace("min_version = \"12\"", "min_version = \"99\"")
            .replace("min = 50", "min = 200"),
        "PG002,PG004,PG005",
        &[],
    );
    run.expect("PG002", "fail");
    run.expect("PG004", "fail");
    run.mentions("PG004", "btree_gin");
    run.expect("PG005", "fail");
    run.mentions("PG005", "SHOW max_connections -> 100");

    // The misconfigured cluster: no SSL, no archiving, 20 connections, a pending migration.
    let bad_url = bad.url("app", APP_PASSWORD, "app", "");
    let run = check(repo.path(), &toml(&bad_url, ""), "PG", &[]);
    run.expect("PG001", "pass");
    run.expect("PG002", "pass");
    run.expect("PG003", "fail");
    run.mentions("PG003", "SHOW ssl -> off");
    run.expect("PG004", "pass");
    run.expect("PG005", "fail");
    run.expect("PG006", "fail");
    run.mentions("PG006", "SHOW archive_mode -> off");
    run.expect("PG007", "pass");
    let r = run.expect("PG008", "fail");
    let msg = r["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("a1b2c3d4e5f6") && msg.contains("0f9e8d7c6b5a") && msg.contains("1 pending"),
        "{msg}"
    );
    run.assert_no_secret(APP_PASSWORD);

    // A dead port: PG001 fails, the rest are errors, never a pass; nothing hangs.
    let dead = format!(
        "postgresql://app:{APP_PASSWORD}@127.0.0.1:{}/app",
        free_port()
    );
    let t = Instant::now();
    let run = check(repo.path(), &toml(&dead, ""), "PG", &[]);
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "a dead port took {:?}",
        t.elapsed()
    );
    run.expect("PG001", "fail");
    for code in [
        "PG002", "PG003", "PG004", "PG005", "PG006", "PG007", "PG008",
    ] {
        run.expect(code, "error");
    }
    run.assert_no_secret(APP_PASSWORD);
    eprintln!("postgres tests took {:?}", started.elapsed());
}

fn openssl(args: &[&str], dir: &std::path::Path) {
    crate::servers::run(
        std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir),
    );
}

/// A server whose pg_hba.conf admits `certuser` only with a client certificate from the test
/// CA (`hostssl ... cert`): PG001 passes with `sslcert`/`sslkey` and fails, saying what is
/// missing, without them.
#[test]
fn postgres_client_certificates() {
    let Some(pg) = Postgres::start(PgOptions {
        ssl: true,
        archive: false,
        max_connections: 20,
    }) else {
        return;
    };
    let Some(certs) = pg.certs.as_ref() else {
        panic!("an SSL server has certificates");
    };
    let client = tempfile::tempdir().unwrap();
    let dir = client.path();
    openssl(
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=certuser",
            "-keyout",
            "client.key",
            "-out",
            "client.csr",
        ],
        dir,
    );
    std::fs::write(
        dir.join("client.cnf"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    let ca_key = pg.dir.path().join("ca.key");
    openssl(
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-CAcreateserial",
            "-in",
            "client.csr",
            "-CA",
            &certs.ca.display().to_string(),
            "-CAkey",
            &ca_key.display().to_string(),
            "-extfile",
            "client.cnf",
            "-out",
            "client.crt",
        ],
        dir,
    );
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("client.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    pg.psql("postgres", "CREATE ROLE certuser LOGIN");
    pg.psql(
        "postgres",
        &format!("ALTER SYSTEM SET ssl_ca_file = '{}'", certs.ca.display()),
    );
    let hba = pg.dir.path().join("data").join("pg_hba.conf");
    let old = std::fs::read_to_string(&hba).unwrap();
    std::fs::write(
        &hba,
        format!("hostssl all certuser 127.0.0.1/32 cert\n{old}"),
    )
    .unwrap();
    pg.psql("postgres", "SELECT pg_reload_conf()");
    let ca = certs.ca.display().to_string();
    assert!(
        crate::servers::eventually(Duration::from_secs(10), || pg
            .psql("postgres", "SHOW ssl_ca_file")
            .contains(&ca)),
        "the server did not reload ssl_ca_file"
    );

    let repo = tempfile::tempdir().unwrap();
    let base = format!(
        "postgresql://certuser@127.0.0.1:{}/postgres?sslmode=verify-full&sslrootcert={ca}",
        pg.port
    );
    let with_cert = format!(
        "{base}&sslcert={}&sslkey={}",
        dir.join("client.crt").display(),
        dir.join("client.key").display()
    );
    let env = |url: &str| format!("[environments.test]\ndatabase_url = \"{url}\"\n");
    let run = check(repo.path(), &env(&with_cert), "PG001,PG003", &[]);
    run.expect("PG001", "pass");
    run.expect("PG003", "pass");

    let run = check(repo.path(), &env(&base), "PG001,PG003", &[]);
    run.expect("PG001", "fail");
    run.mentions("PG001", "certificate");
    run.mentions("PG001", "set sslcert and sslkey");
    run.expect("PG003", "error");
}
