//! The same tests against both backends: SQLite in a temporary directory, PostgreSQL started
//! by the harness. Reliability: a writer process killed at random moments loses no run it
//! committed and corrupts nothing; concurrent writers are all recorded.

mod pg_harness;

use golive_core::config::GateConfig;
use golive_core::model::{Category, CheckResult, ItemRef, Location, Severity, Status};
use golive_core::report::{RunReport, SignoffState, SignoffStatus, WaiverState, WaiverStatus};
use golive_store::{
    Attestation, OpenMode, Signoff, Store, StoreError, StoreLocation, StoredWaiver, open,
};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HOSTILE: &str = "<script>alert('x')</script> \"quoted\" 'single' \\ back ` tick ; DROP TABLE runs; -- ünïcødé \u{0007}";

fn report(n: usize, env: Option<&str>) -> RunReport {
    let statuses = Status::ALL;
    let results = (0..n)
        .map(|i| CheckResult {
            check: (i % 5 != 4).then(|| format!("ENV{:03}", i % 999)),
            slug: (i % 5 != 4).then(|| format!("slug-{i}")),
            category: Category::ALL[i % Category::ALL.len()],
            severity: Severity::ALL[i % 4],
            status: statuses[i % statuses.len()],
            message: format!("message {i} {HOSTILE}"),
            item: (i % 3 == 0).then(|| ItemRef {
                text: format!("item {i}"),
                source: "docs/CHECKLIST.md".into(),
                line: i as u32 + 1,
            }),
            locations: vec![Location::line(".env.production", i as u32 + 1)],
            evidence: vec![format!("evidence {i}"), HOSTILE.to_string()],
            fix: (i % 2 == 0).then(|| "set it".to_string()),
            duration_ms: i as u64,
        })
        .collect();
    RunReport {
        tool_version: "0.1.0".into(),
        environment: env.map(Into::into),
        root: "/repo".into(),
        started_at: "2026-11-22T01:02:03.456Z".parse().unwrap(),
        duration_ms: 812,
        results,
        gate: GateConfig {
            severity: Severity::Medium,
            fail_on_error: false,
        },
        run_id: None,
        git_commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        signoffs: vec![SignoffStatus {
            role: "security".into(),
            required: true,
            state: SignoffState::Stale,
            by: Some("alice".into()),
            note: Some(HOSTILE.into()),
            at: Some("2026-11-21T00:00:00Z".into()),
            commit: Some("abc".into()),
        }],
        waivers: vec![WaiverStatus {
            target: "HTTP007".into(),
            reason: "vendor fix pending".into(),
            until: "2026-12-31".into(),
            by: "bob".into(),
            source: "store #1".into(),
            state: WaiverState::Active,
        }],
    }
}

/// The conformance suite every backend passes.
fn conformance(location: &StoreLocation) {
    let mut s = open(location, OpenMode::Create).expect("opens");
    assert_eq!(s.schema_version().unwrap(), golive_store::SCHEMA_VERSION);

    // Runs round-trip exactly, evidence and hostile text included.
    let r1 = report(37, Some("production"));
    let id1 = s.record_run(&r1).unwrap();
    let id2 = s.record_run(&report(3, Some("staging"))).unwrap();
    let id3 = s.record_run(&report(0, None)).unwrap();
    assert!(id1 < id2 && id2 < id3);
    let back = s.load_run(id1).unwrap().expect("run 1");
    assert_eq!(back.results, r1.results);
    assert_eq!(back.environment, r1.environment);
    assert_eq!(back.git_commit, r1.git_commit);
    assert_eq!(back.signoffs, r1.signoffs);
    assert_eq!(back.waivers, r1.waivers);
    assert_eq!(back.started_at, r1.started_at);
    assert_eq!(back.gate.severity, Severity::Medium);
    assert!(!back.gate.fail_on_error);
    assert_eq!(back.run_id, Some(id1));
    assert_eq!(back.counts(), r1.counts());
    assert!(s.load_run(id3 + 100).unwrap().is_none());
    assert_eq!(s.load_run(id3).unwrap().unwrap().results.len(), 0);

    // History: newest first, filtered, bounded.
    let all = s.runs(None, 10).unwrap();
    assert_eq!(
        all.iter().map(|r| r.id).collect::<Vec<_>>(),
        [id3, id2, id1]
    );
    assert_eq!(all[2].summary["fail"], r1.counts().fail);
    assert_eq!(all[2].ready, r1.ready());
    let prod = s.runs(Some("production"), 10).unwrap();
    assert_eq!(prod.len(), 1);
    assert_eq!(prod[0].environment.as_deref(), Some("production"));
    assert_eq!(s.runs(None, 1).unwrap().len(), 1);

    // Sign-offs, attestations, waivers.
    let so = Signoff {
        id: 0,
        role: "security".into(),
        by: "alice".into(),
        note: Some(HOSTILE.into()),
        environment: Some("production".into()),
        git_commit: Some("abc".into()),
        signed_at: "2026-11-22T01:00:00Z".into(),
    };
    let so_id = s.add_signoff(&so).unwrap();
    s.add_signoff(&Signoff {
        environment: None,
        note: None,
        ..so.clone()
    })
    .unwrap();
    let got = s.signoffs(Some("production")).unwrap();
    assert_eq!(got, vec![Signoff { id: so_id, ..so }]);
    assert_eq!(s.signoffs(None).unwrap().len(), 2);
    assert_eq!(s.signoffs(Some("")).unwrap()[0].note, None);

    let at = Attestation {
        id: 0,
        item: "On-call rotation established".into(),
        by: "carol".into(),
        evidence: "https://wiki.example/oncall".into(),
        environment: Some("production".into()),
        git_commit: None,
        attested_at: "2026-11-22T01:00:00Z".into(),
    };
    let at_id = s.add_attestation(&at).unwrap();
    assert_eq!(
        s.attestations(Some("production")).unwrap(),
        vec![Attestation { id: at_id, ..at }]
    );
    assert!(s.attestations(Some("staging")).unwrap().is_empty());

    let w = StoredWaiver {
        id: 0,
        target: "HTTP007".into(),
        reason: "vendor fix pending".into(),
        until: "2026-12-31".into(),
        by: "bob".into(),
        environment: None,
        created_at: "2026-11-22T01:00:00Z".into(),
    };
    let w_id = s.add_waiver(&w).unwrap();
    assert_eq!(s.waivers().unwrap(), vec![StoredWaiver { id: w_id, ..w }]);

    // Reopening migrates nothing and keeps everything.
    drop(s);
    let mut s = open(location, OpenMode::ExistingOnly).expect("reopens");
    assert_eq!(s.runs(None, 10).unwrap().len(), 3);
}

/// Two writers at once, each on its own connection: every run of both is recorded.
fn concurrent_writers(location: &StoreLocation) {
    let per_writer = 15;
    let handles: Vec<_> = (0..3)
        .map(|w| {
            let location = location.clone();
            std::thread::spawn(move || {
                let mut s = open(&location, OpenMode::Create).expect("opens");
                let mut ids = Vec::new();
                for _ in 0..per_writer {
                    ids.push(s.record_run(&report(20, Some(&format!("w{w}")))).unwrap());
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<i64> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("writer thread"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3 * per_writer);
    let mut s = open(location, OpenMode::ExistingOnly).unwrap();
    for w in 0..3 {
        assert_eq!(
            s.runs(Some(&format!("w{w}")), 100).unwrap().len(),
            per_writer
        );
    }
    for id in ids {
        assert_eq!(s.load_run(id).unwrap().unwrap().results.len(), 20);
    }
}

/// A writer killed (SIGKILL) at random moments while it records, again and again: every run it
/// reported committed is there and whole, no partial run is visible, the store still works.
fn killed_writers(location: &StoreLocation, spec: &str) {
    let exe = std::env::current_exe().expect("test binary");
    let mut committed: Vec<i64> = Vec::new();
    let mut seed = std::process::id() as u64 ^ 0x9E37_79B9_7F4A_7C15;
    let rounds = 12;
    for _ in 0..rounds {
        let mut child = Command::new(&exe)
            .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
            .env("GOLIVE_STORE_CHILD", spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child writer starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel::<i64>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(id) = line
                    .strip_prefix("committed ")
                    .and_then(|n| n.trim().parse().ok())
                {
                    let _ = tx.send(id);
                }
            }
        });
        // Wait until the child has committed once, then kill it at a random moment: while it
        // writes a run, between two, or in the middle of its commit.
        let first = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the child writer committed a run");
        committed.push(first);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = (seed >> 33) % 250;
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().expect("kill");
        let _ = child.wait();
        reader.join().expect("reader");
        committed.extend(rx.try_iter());
    }
    assert!(
        committed.len() >= rounds,
        "the child writers committed too few runs to prove anything: {committed:?}"
    );
    let mut s = open(location, OpenMode::Create).expect("the store opens after the kills");
    let runs = s.runs(Some("killed"), 100_000).unwrap();
    for id in &committed {
        assert!(
            runs.iter().any(|r| r.id == *id),
            "committed run {id} was lost"
        );
    }
    for r in &runs {
        let full = s.load_run(r.id).unwrap().expect("listed run loads");
        assert_eq!(full.results.len(), 60, "run {} is partial", r.id);
    }
    // Still writable.
    s.record_run(&report(5, Some("after"))).unwrap();
}

/// Not a test on its own: the writer process `killed_writers` starts and kills.
#[test]
fn child_writer() {
    let Ok(spec) = std::env::var("GOLIVE_STORE_CHILD") else {
        return;
    };
    let location = StoreLocation::parse(&spec, std::path::Path::new("/"));
    let mut s = open(&location, OpenMode::Create).expect("child opens");
    let r = report(60, Some("killed"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let id = s.record_run(&r).expect("child records");
        println!("committed {id}");
    }
}

#[test]
fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let loc = StoreLocation::parse("sub/dir/history.db", dir.path());
    conformance(&loc);
    let loc2 = StoreLocation::default_for(dir.path());
    concurrent_writers(&loc2);
    let path = dir.path().join("killed.db");
    let loc3 = StoreLocation::Sqlite(path.clone());
    killed_writers(&loc3, path.to_str().unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn postgres_store() {
    let Some(pg) = pg_harness::PgServer::start() else {
        return;
    };
    let loc = StoreLocation::Postgres(pg.fresh_database("conformance"));
    conformance(&loc);
    let loc2 = StoreLocation::Postgres(pg.fresh_database("concurrent"));
    concurrent_writers(&loc2);
    let url = pg.fresh_database("killed");
    killed_writers(&StoreLocation::Postgres(url.clone()), &url);

    // Several processes opening a fresh database at once all migrate it without a clash.
    let url = pg.fresh_database("racing");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let loc = StoreLocation::Postgres(url.clone());
            std::thread::spawn(move || open(&loc, OpenMode::Create).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().unwrap().expect("concurrent first open");
    }

    // A newer schema is refused clearly.
    let url = pg.fresh_database("newer");
    let loc = StoreLocation::Postgres(url.clone());
    drop(open(&loc, OpenMode::Create).unwrap());
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute("UPDATE golive_schema SET version = 99")
        .unwrap();
    match open(&loc, OpenMode::Create) {
        Err(StoreError::NewerSchema { found: 99, .. }) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }

    // A server that is not there is a clear error naming it, without the password.
    let dead = format!(
        "postgres://golive:s3cret@127.0.0.1:{}/x?connect_timeout=2",
        pg.port.wrapping_add(1)
    );
    drop(pg);
    let e = open(&StoreLocation::Postgres(dead), OpenMode::Create)
        .err()
        .expect("no server");
    let msg = e.to_string();
    assert!(msg.contains("cannot open the history store"), "{msg}");
    assert!(!msg.contains("s3cret"), "{msg}");
}

/// A server that accepts TLS only: the store connects with its CA (`sslrootcert`), verifies
/// the certificate (an unknown issuer is refused), and `sslmode=disable` is refused by it.
#[test]
fn postgres_store_over_tls() {
    let Some(pg) = pg_harness::PgServer::start_with(true) else {
        return;
    };
    let url = pg.fresh_database("tls");
    let ca = pg.ca_file();
    let with_ca = format!("{url}?sslmode=require&sslrootcert={}", ca.display());
    let loc = StoreLocation::Postgres(with_ca);
    let mut s = open(&loc, OpenMode::Create).expect("TLS with the private CA");
    let id = s.record_run(&report(4, Some("tls"))).unwrap();
    assert_eq!(s.load_run(id).unwrap().unwrap().results.len(), 4);

    let e = open(
        &StoreLocation::Postgres(format!("{url}?sslmode=require")),
        OpenMode::Create,
    )
    .err()
    .expect("an unknown issuer is refused");
    assert!(
        e.to_string().to_ascii_lowercase().contains("certificate"),
        "{e}"
    );
    let e = open(
        &StoreLocation::Postgres(format!("{url}?sslmode=disable")),
        OpenMode::Create,
    )
    .err()
    .expect("the server refuses plain text");
    assert!(e.to_string().contains("cannot open"), "{e}");
}

#[test]
fn sqlite_refuses_newer_schema_and_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let loc = StoreLocation::Sqlite(path.clone());
    drop(open(&loc, OpenMode::Create).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("UPDATE golive_schema SET version = 7")
        .unwrap();
    let e = open(&loc, OpenMode::Create).err().expect("refused");
    assert!(matches!(e, StoreError::NewerSchema { found: 7, .. }), "{e}");
    assert!(e.to_string().contains("upgrade golive"));

    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database, just some bytes; ".repeat(200),
    )
    .unwrap();
    let e = open(&StoreLocation::Sqlite(garbage), OpenMode::Create)
        .err()
        .expect("refused");
    assert!(
        e.to_string().contains("cannot open the history store"),
        "{e}"
    );

    let e = open(
        &StoreLocation::Sqlite(dir.path().join("none.db")),
        OpenMode::ExistingOnly,
    )
    .err()
    .expect("missing");
    assert!(e.to_string().contains("no history yet"), "{e}");
}

#[test]
fn locations_parse_and_hide_passwords() {
    let root = std::path::Path::new("/repo");
    assert_eq!(
        StoreLocation::parse("postgres://u:p@h/db", root),
        StoreLocation::Postgres("postgres://u:p@h/db".into())
    );
    assert_eq!(
        StoreLocation::parse("sqlite:x/h.db", root),
        StoreLocation::Sqlite("/repo/x/h.db".into())
    );
    assert_eq!(
        StoreLocation::parse("/abs/h.db", root),
        StoreLocation::Sqlite("/abs/h.db".into())
    );
    assert_eq!(
        StoreLocation::Postgres("postgresql://golive:hunter2@db:5432/g".into()).display(),
        "postgresql://golive:***@db:5432/g"
    );
}

#[allow(dead_code)]
fn assert_object_safe(_: &dyn Store) {}
