//! A hostile target: a server that accepts connections and never says a word. Every family
//! must give up within its own timeout (fail or error, never pass, never hang), and the run
//! must take about as long as the slowest timeout, not their sum.

use crate::infra_support::check_env;
use std::net::TcpListener;
use std::time::{Duration, Instant};

#[test]
fn a_silent_server_fails_every_family_within_its_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and hold every connection open without answering.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming().flatten() {
            held.push(c);
        }
    });
    let repo = tempfile::tempdir().unwrap();
    let toml = format!(
        "[run]\nconcurrency = 64\n\n[environments.test]\ndatabase_url = \"postgresql://app:silent-pw-123@127.0.0.1:{port}/app\"\nredis_url = \"redis://:silent-pw-123@127.0.0.1:{port}\"\ns3_endpoint = \"http://127.0.0.1:{port}\"\ns3_bucket = \"b\"\nvault_url = \"http://127.0.0.1:{port}\"\nprometheus_url = \"http://127.0.0.1:{port}\"\nalertmanager_url = \"http://127.0.0.1:{port}\"\n"
    );
    let envs = [
        ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "silent-secret"),
        ("VAULT_TOKEN", "hvs.silent"),
    ];
    let t = Instant::now();
    let run = check_env(repo.path(), &toml, "PG,REDIS,S3,VAULT,PROM", &[], &envs);
    let took = t.elapsed();
    for r in run.json["results"].as_array().unwrap() {
        let s = r["status"].as_str().unwrap_or_default();
        assert!(
            s == "fail" || s == "error" || s == "skipped",
            "{} must not pass against a silent server: {r}",
            r["check"]
        );
    }
    for code in ["PG001", "REDIS001", "S3001", "VAULT001"] {
        run.expect(code, "fail");
    }
    // The longest collector timeout is the HTTP one (8 s + 1 s grace); the per-check timeout
    // is 15 s. With every check running at once, the run takes about the longest timeout,
    // not the sum (over 30 s). (With the default concurrency of 16, checks waiting on a dead
    // collector hold slots and the run takes two timeouts: see docs/benchmarks.md, "Infrastructure checks".)
    assert!(took < Duration::from_secs(12), "took {took:?}");
    run.assert_no_secret("silent-pw-123");
    run.assert_no_secret("silent-secret");
    eprintln!("silent server: {took:?}");
}
