//! Redis checks against real servers: a well-configured one (TLS, password, AOF, maxmemory
//! with allkeys-lru) and a misconfigured one (no password, no AOF, no maxmemory) whose CONFIG
//! command is disabled, so the checks fall back to INFO; plus a dead port.

use crate::infra_support::check;
use crate::servers::{free_port, redis};
use std::time::{Duration, Instant};

pub(crate) const PASSWORD: &str = "redis-Pa55-never-shown-9f3k";

#[test]
fn redis_checks_against_real_servers() {
    let started = Instant::now();
    let good_conf = format!(
        "requirepass {PASSWORD}\nappendonly yes\nmaxmemory 64mb\nmaxmemory-policy allkeys-lru\n"
    );
    let Some(good) = redis(&good_conf, true) else {
        return;
    };
    let Some(bad) = redis(
        "appendonly no\nmaxmemory 0\nrename-command CONFIG \"\"\n",
        false,
    ) else {
        return;
    };
    let ca = good.dir.path().join("ca.crt").display().to_string();
    let repo = tempfile::tempdir().unwrap();
    let good_url = format!("rediss://:{PASSWORD}@localhost:{}/0", good.port);
    let env = |url: &str, ca: Option<&str>| {
        let mut s = format!("[environments.test]\nredis_url = \"{url}\"\n");
        if let Some(ca) = ca {
            s.push_str(&format!("ca_file = \"{ca}\"\n"));
        }
        s
    };

    let run = check(repo.path(), &env(&good_url, Some(&ca)), "REDIS", &[]);
    for code in [
        "REDIS001", "REDIS002", "REDIS003", "REDIS004", "REDIS005", "REDIS006", "REDIS007",
    ] {
        run.expect(code, "pass");
    }
    run.mentions("REDIS002", "CONFIG GET appendonly -> yes");
    run.mentions("REDIS004", "NOAUTH");
    run.assert_no_secret(PASSWORD);

    // TLS with a certificate golive does not trust (no ca_file): not reachable, never a pass.
    let run = check(repo.path(), &env(&good_url, None), "REDIS001,REDIS007", &[]);
    run.expect("REDIS001", "fail");
    run.expect("REDIS007", "error");
    run.assert_no_secret(PASSWORD);

    // A wrong password: unreachable for golive, the rest undecided.
    let wrong = format!("rediss://:wrong-{PASSWORD}@localhost:{}/0", good.port);
    let run = check(
        repo.path(),
        &env(&wrong, Some(&ca)),
        "REDIS001,REDIS002",
        &[],
    );
    run.expect("REDIS001", "fail");
    run.expect("REDIS002", "error");
    run.assert_no_secret(PASSWORD);

    // Another policy required.
    let run = check(
        repo.path(),
        &format!(
            "{}[checks.REDIS005]\npolicy = \"noeviction\"\n",
            env(&good_url, Some(&ca))
        ),
        "REDIS005",
        &[],
    );
    run.expect("REDIS005", "fail");
    run.mentions("REDIS005", "CONFIG GET maxmemory-policy -> allkeys-lru");

    // The misconfigured server, CONFIG disabled: decided from INFO, and says so.
    let bad_url = format!("redis://127.0.0.1:{}", bad.port);
    let run = check(repo.path(), &env(&bad_url, None), "REDIS", &[]);
    run.expect("REDIS001", "pass");
    run.expect("REDIS002", "fail");
    run.mentions("REDIS002", "INFO aof_enabled -> 0");
    run.mentions("REDIS002", "CONFIG GET appendonly unavailable");
    run.expect("REDIS003", "pass");
    run.expect("REDIS004", "fail");
    run.expect("REDIS005", "fail");
    run.mentions("REDIS005", "INFO maxmemory -> 0");
    run.expect("REDIS006", "pass");
    run.expect("REDIS007", "fail");

    // Credentials in the URL for a server that has no password: Redis 7 refuses the AUTH,
    // so golive cannot connect (neither could the application); nothing is decided.
    let needless = format!("redis://:{PASSWORD}@127.0.0.1:{}", bad.port);
    let run = check(repo.path(), &env(&needless, None), "REDIS004,REDIS001", &[]);
    run.expect("REDIS001", "fail");
    run.expect("REDIS004", "error");
    run.assert_no_secret(PASSWORD);

    // A dead port.
    let t = Instant::now();
    let dead = format!("redis://:{PASSWORD}@127.0.0.1:{}", free_port());
    let run = check(repo.path(), &env(&dead, None), "REDIS", &[]);
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    run.expect("REDIS001", "fail");
    for code in [
        "REDIS002", "REDIS003", "REDIS004", "REDIS005", "REDIS006", "REDIS007",
    ] {
        run.expect(code, "error");
    }
    run.assert_no_secret(PASSWORD);
    eprintln!("redis tests took {:?}", started.elapsed());
}
