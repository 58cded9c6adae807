//! A hostile target: a server that accepts connections and never says a word. Every family
//! must give up within its own timeout (fail or error, never pass, never hang), the run must
//! take about as long as the slowest timeout, not their sum, and families whose servers are
//! fine must come out exactly as they do without the silent ones.

use crate::infra_redis::PASSWORD as REDIS_PASSWORD;
use crate::infra_support::{Run, check_env};
use crate::infra_vault::{FakeVault, TOKEN, good};
use crate::servers::redis;
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A loopback port that accepts every connection and holds it open without answering.
pub(crate) fn silent_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming().flatten() {
            held.push(c);
        }
    });
    port
}

fn assert_not_checked(run: &Run, reachable: &str, others: &[&str]) {
    run.expect(reachable, "fail");
    for code in others {
        run.expect(code, "error");
        let msg = run.result(code)["message"].as_str().unwrap_or_default();
        assert!(
            msg.starts_with("not checked:") && msg.contains(&format!("(see {reachable})")),
            "{code}: {msg}"
        );
    }
}

#[test]
fn a_silent_server_fails_every_family_within_its_timeout() {
    let port = silent_port();
    let repo = tempfile::tempdir().unwrap();
    // The default concurrency (16): fewer slots than the 34 checks waiting on silent hosts.
    let toml = format!(
        "[environments.test]\ndatabase_url = \"postgresql://app:silent-pw-123@127.0.0.1:{port}/app\"\nredis_url = \"redis://:silent-pw-123@127.0.0.1:{port}\"\ns3_endpoint = \"http://127.0.0.1:{port}\"\ns3_bucket = \"b\"\nvault_url = \"http://127.0.0.1:{port}\"\nprometheus_url = \"http://127.0.0.1:{port}\"\nalertmanager_url = \"http://127.0.0.1:{port}\"\n"
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
    assert_not_checked(&run, "PG001", &["PG002", "PG003", "PG007"]);
    assert_not_checked(&run, "REDIS001", &["REDIS002", "REDIS005"]);
    assert_not_checked(&run, "S3001", &["S3002", "S3005"]);
    assert_not_checked(&run, "VAULT001", &["VAULT002", "VAULT004"]);
    assert_not_checked(&run, "PROM007", &["PROM001", "PROM002", "PROM004"]);
    assert_not_checked(&run, "PROM008", &["PROM005"]);
    // The longest collector timeout is the HTTP one (8 s + 1 s grace) and the per-check
    // timeout 15 s. Checks waiting on a collection already under way hold no slot, so the run
    // takes about one collector timeout, not one per wave of 16 checks (14 s before).
    assert!(took < Duration::from_secs(13), "took {took:?}");
    run.assert_no_secret("silent-pw-123");
    run.assert_no_secret("silent-secret");
    eprintln!("silent server: {took:?}");
}

#[test]
fn a_silent_host_holds_no_other_family_up() {
    let Some(rd) = redis(
        &format!(
            "requirepass {REDIS_PASSWORD}\nappendonly yes\nmaxmemory 64mb\nmaxmemory-policy allkeys-lru\n"
        ),
        true,
    ) else {
        return;
    };
    let ca = rd.dir.path().join("ca.crt");
    let vault = FakeVault::start(Box::new(good));
    let port = silent_port();
    let repo = tempfile::tempdir().unwrap();
    let healthy = format!(
        "ca_file = \"{}\"\nredis_url = \"rediss://:{REDIS_PASSWORD}@localhost:{}/0\"\nvault_url = \"http://127.0.0.1:{}\"\n",
        ca.display(),
        rd.port,
        vault.port
    );
    // Parameters go after every environment key.
    let params = "\n[checks.VAULT003]\npaths = [\"app/database\"]\n";
    let envs = [
        ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "silent-secret"),
        ("VAULT_TOKEN", TOKEN),
    ];
    let healthy_only = check_env(
        repo.path(),
        &format!("[environments.test]\n{healthy}{params}"),
        "REDIS,VAULT",
        &[],
        &envs,
    );

    // Few slots, so checks that held theirs while waiting would run in many waves.
    let timeout_secs = 15;
    let toml = format!(
        "[run]\nconcurrency = 6\ncheck_timeout_secs = {timeout_secs}\n\n[environments.test]\ndatabase_url = \"postgresql://app:silent-pw-123@127.0.0.1:{port}/app\"\ns3_endpoint = \"http://127.0.0.1:{port}\"\ns3_bucket = \"b\"\nprometheus_url = \"http://127.0.0.1:{port}\"\nalertmanager_url = \"http://127.0.0.1:{port}\"\n{healthy}{params}"
    );
    let t = Instant::now();
    let run = check_env(repo.path(), &toml, "PG,REDIS,S3,VAULT,PROM", &[], &envs);
    let took = t.elapsed();

    let statuses = |r: &Run, prefix: &str| -> Vec<(String, String)> {
        r.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["check"].as_str().unwrap_or_default().starts_with(prefix))
            .map(|x| (x["check"].to_string(), x["status"].to_string()))
            .collect()
    };
    for family in ["REDIS", "VAULT"] {
        let alone = statuses(&healthy_only, family);
        assert!(!alone.is_empty());
        assert!(
            alone.iter().all(|(_, s)| s == "\"pass\""),
            "{family} alone: {alone:?}"
        );
        assert_eq!(
            statuses(&run, family),
            alone,
            "{family} next to a silent host"
        );
    }
    assert_not_checked(
        &run,
        "PG001",
        &["PG002", "PG003", "PG005", "PG006", "PG007"],
    );
    assert_not_checked(&run, "S3001", &["S3002", "S3003", "S3004", "S3005"]);
    assert_not_checked(
        &run,
        "PROM007",
        &["PROM001", "PROM002", "PROM003", "PROM004"],
    );
    assert_not_checked(&run, "PROM008", &["PROM005"]);
    // Within one per-check timeout: 20 checks wait on four silent collections, which with six
    // slots held while waiting would take several collector timeouts back to back.
    assert!(
        took < Duration::from_secs(timeout_secs),
        "took {took:?}, more than the {timeout_secs}s per-check timeout"
    );
    run.assert_no_secret("silent-pw-123");
    run.assert_no_secret(REDIS_PASSWORD);
    run.assert_no_secret(TOKEN);
    eprintln!("silent host next to healthy ones: {took:?}");
}
