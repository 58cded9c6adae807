//! The infrastructure benchmark of docs/benchmarks.md (ignored by default: it measures, it
//! does not assert much). Starts one well-configured server of each kind, then times
//! `golive check` for each family alone and for all of them together, and again with the
//! database on a refused port and on a silent one. Run it with `bench/infra_run.sh`.

use crate::infra_postgres::{APP_PASSWORD, MIGRATION_1, MIGRATION_2, setup_app_db};
use crate::infra_prometheus::{AM_GOOD, GOOD_RULES, get, prom_config};
use crate::infra_s3::{KEY_ID, SECRET, SETUP};
use crate::infra_support::check_env;
use crate::infra_vault::{FakeVault, TOKEN, good};
use crate::servers::{PgOptions, Postgres, alertmanager, eventually, moto, prometheus, redis};
use crate::support::temp_repo;
use std::net::TcpListener;
use std::time::{Duration, Instant};

const FAMILIES: [&str; 6] = ["PG", "REDIS", "S3", "VAULT", "PROM", "OTEL"];

#[test]
#[ignore = "benchmark: run with --ignored --nocapture"]
fn infra_bench() {
    let pg = Postgres::start(PgOptions {
        ssl: true,
        archive: true,
        max_connections: 100,
    })
    .expect("postgres");
    setup_app_db(&pg, &["uuid-ossp", "pg_trgm"], Some("0f9e8d7c6b5a"));
    pg.psql("postgres", "SELECT pg_switch_wal()");
    let rconf = format!(
        "requirepass {}\nappendonly yes\nmaxmemory 64mb\nmaxmemory-policy allkeys-lru\n",
        crate::infra_redis::PASSWORD
    );
    let rd = redis(&rconf, true).expect("redis");
    let am = alertmanager(AM_GOOD).expect("alertmanager");
    let prom = prometheus(&prom_config(None, Some(am.port)), GOOD_RULES).expect("prometheus");
    let s3 = moto().expect("moto");
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let out = std::process::Command::new("python3")
        .args(["-c", SETUP, &endpoint])
        .output()
        .unwrap();
    assert!(out.status.success());
    let vault = FakeVault::start(Box::new(good));
    let grpc = TcpListener::bind("127.0.0.1:0").unwrap();
    let http = TcpListener::bind("127.0.0.1:0").unwrap();
    assert!(eventually(Duration::from_secs(30), || {
        get(prom.port, "/api/v1/alertmanagers").contains(&format!("127.0.0.1:{}", am.port))
            && get(prom.port, "/api/v1/rules").contains("\"health\":\"ok\"")
    }));

    let repo = temp_repo(&[
        ("migrations/versions/001_init.py", MIGRATION_1),
        ("migrations/versions/002_users.py", MIGRATION_2),
    ]);
    let ca_pg = pg.certs.as_ref().unwrap().ca.display().to_string();
    let ca_redis = rd.dir.path().join("ca.crt");
    // One CA file holding both test CAs.
    let ca = repo.path().join("ca.pem");
    let both = format!(
        "{}{}",
        std::fs::read_to_string(&ca_pg).unwrap(),
        std::fs::read_to_string(&ca_redis).unwrap()
    );
    std::fs::write(&ca, both).unwrap();
    let toml = |db: &str| {
        format!(
            "[environments.test]\nca_file = \"{}\"\ndatabase_url = \"{db}\"\nredis_url = \"rediss://:{}@localhost:{}/0\"\ns3_endpoint = \"{endpoint}\"\ns3_bucket = \"good\"\nvault_url = \"http://127.0.0.1:{}\"\nprometheus_url = \"http://127.0.0.1:{}\"\nalertmanager_url = \"http://127.0.0.1:{}\"\notel_endpoint = \"http://127.0.0.1:{}\"\n\n[checks.PG004]\nextensions = [\"uuid-ossp\", \"pg_trgm\"]\n[checks.OTEL001]\ngrpc_port = {}\nhttp_port = {}\n[checks.OTEL002]\ngrpc_port = {}\nhttp_port = {}\n[checks.S3006]\norigin = \"https://app.example.com\"\n[checks.VAULT003]\npaths = [\"app/database\"]\n",
            ca.display(),
            crate::infra_redis::PASSWORD,
            rd.port,
            vault.port,
            prom.port,
            am.port,
            grpc.local_addr().unwrap().port(),
            grpc.local_addr().unwrap().port(),
            http.local_addr().unwrap().port(),
            grpc.local_addr().unwrap().port(),
            http.local_addr().unwrap().port(),
        )
    };
    let db = pg.url("app", APP_PASSWORD, "app", "?sslmode=verify-full");
    let envs = [
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("VAULT_TOKEN", TOKEN),
    ];
    let time_with = |only: &str, db: &str, run_section: &str| {
        let t = Instant::now();
        let run = check_env(
            repo.path(),
            &format!("{run_section}{}", toml(db)),
            only,
            &[],
            &envs,
        );
        (t.elapsed(), run)
    };
    let time = |only: &str, db: &str| time_with(only, db, "");
    // Warm-up (first process start, page cache).
    let _ = time("PG", &db);
    let mut slowest = Duration::ZERO;
    for f in FAMILIES {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let (d, run) = time(f, &db);
            let bad: Vec<String> = run.json["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["status"] != "pass" && r["check"] != "PROM006")
                .map(|r| format!("{} {}: {}", r["check"], r["status"], r["message"]))
                .collect();
            assert!(bad.is_empty(), "{f}: {bad:?}");
            best = best.min(d);
        }
        eprintln!("BENCH family {f:<6} {:>6} ms (best of 3)", best.as_millis());
        slowest = slowest.max(best);
    }
    let all = FAMILIES.join(",");
    let mut best = Duration::MAX;
    for _ in 0..3 {
        best = best.min(time(&all, &db).0);
    }
    eprintln!(
        "BENCH all families {:>6} ms (best of 3); slowest family {} ms; ratio {:.2}",
        best.as_millis(),
        slowest.as_millis(),
        best.as_secs_f64() / slowest.as_secs_f64()
    );
    let mut best64 = Duration::MAX;
    for _ in 0..3 {
        best64 = best64.min(time_with(&all, &db, "[run]\nconcurrency = 64\n").0);
    }
    eprintln!(
        "BENCH all families, concurrency 64: {:>6} ms (best of 3); ratio {:.2}",
        best64.as_millis(),
        best64.as_secs_f64() / slowest.as_secs_f64()
    );
    // A dead database host: a refused port, then a silent one (accepts, never answers). PG
    // fails within its timeout; nothing else waits for it.
    let others = [
        "REDIS001", "S3001", "VAULT001", "PROM007", "PROM008", "OTEL001",
    ];
    let (d_other, _) = time("REDIS,S3,VAULT,PROM,OTEL", &db);
    for (what, port) in [
        ("refused", crate::servers::free_port()),
        ("silent", crate::infra_hostile::silent_port()),
    ] {
        let dead = format!("postgresql://app:{APP_PASSWORD}@127.0.0.1:{port}/app?sslmode=require");
        for concurrency in [16, 4] {
            let (d, run) = time_with(
                &all,
                &dead,
                &format!("[run]\nconcurrency = {concurrency}\n"),
            );
            let pg_fail = run.status("PG001");
            let others_pass = others.iter().all(|c| run.status(c) == "pass");
            eprintln!(
                "BENCH all families, {what} database host, concurrency {concurrency}: {} ms (PG001 {pg_fail}, other families pass: {others_pass})",
                d.as_millis()
            );
            assert_eq!(pg_fail, "fail");
            assert!(others_pass);
        }
    }
    eprintln!(
        "BENCH the five other families alone: {} ms",
        d_other.as_millis()
    );
}
