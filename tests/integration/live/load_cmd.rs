//! The load generator: `golive load URL` and LOAD001/LOAD002 against in-process servers.

use super::server::{Req, Resp, Server};
use super::{run_check, statuses};
use crate::support::{golive, stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[test]
fn golive_load_prints_a_histogram_and_json() {
    let s = Server::start(Arc::new(|_: &Req| Resp::new(200, "ok")), None);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", s.port);
    let o = golive(dir.path(), &["load", &url, "-c", "2", "-d", "500ms"]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("p99") && out.contains("requests in"), "{out}");
    assert!(out.contains("errors 0"), "{out}");
    let o = golive(
        dir.path(),
        &["load", &url, "-c", "2", "-n", "50", "-d", "5s", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["requests"], 50, "{v}");
    assert_eq!(v["errors"], 0, "{v}");
    // A fixed rate is honoured: 100/s for 0.5 s is at most 50 requests (fewer when a busy
    // machine makes slots miss the deadline, which is a hard cap).
    let o = golive(
        dir.path(),
        &[
            "load", &url, "-c", "2", "--rate", "100", "-d", "500ms", "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = v["requests"].as_u64().unwrap();
    assert!((10..=51).contains(&n), "{v}");
    // Bad input is a usage error.
    let o = golive(dir.path(), &["load", &url, "-d", "5h"]);
    assert_eq!(o.status.code(), Some(2));
}

fn load_config(dir: &std::path::Path, port: u16, extra: &str) {
    let toml = format!(
        "[environments.test]\napi_url = \"http://127.0.0.1:{port}\"\n\n[checks.LOAD001]\nduration_ms = 600\nconnections = 4\n{extra}\n[checks.LOAD002]\nduration_ms = 600\nconnections = 4\n"
    );
    std::fs::write(dir.join("golive.toml"), toml).unwrap();
}

#[test]
fn slow_server_fails_load001_only() {
    let s = Server::start(
        Arc::new(|_: &Req| {
            let mut r = Resp::new(200, "ok");
            r.delay = Duration::from_millis(30);
            r
        }),
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    load_config(dir.path(), s.port, "max_p50_ms = 10\n");
    let st = statuses(&run_check(dir.path(), "LOAD"));
    assert_eq!(st["LOAD001"].0, "fail", "{st:#?}");
    assert!(st["LOAD001"].1.contains("p50"), "{st:?}");
    assert_eq!(st["LOAD002"].0, "pass", "{st:#?}");
}

#[test]
fn failing_server_fails_load002_only() {
    let n = Arc::new(AtomicU64::new(0));
    let s = Server::start(
        Arc::new(move |_: &Req| {
            if n.fetch_add(1, Ordering::Relaxed) % 10 == 0 {
                Resp::new(500, "boom")
            } else {
                Resp::new(200, "ok")
            }
        }),
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    load_config(dir.path(), s.port, "");
    let st = statuses(&run_check(dir.path(), "LOAD"));
    assert_eq!(st["LOAD002"].0, "fail", "{st:#?}");
    assert_eq!(st["LOAD001"].0, "pass", "{st:#?}");
}

#[test]
fn load001_leaves_a_histogram_the_html_report_draws() {
    let s = Server::start(Arc::new(|_: &Req| Resp::new(200, "ok")), None);
    let dir = tempfile::tempdir().unwrap();
    load_config(dir.path(), s.port, "");
    let report = run_check(dir.path(), "LOAD001");
    let r = crate::support::result(&report, "LOAD001");
    let line = r["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.as_str())
        .find(|e| e.starts_with(golive_core::histogram::PREFIX))
        .unwrap_or_else(|| panic!("no histogram line: {r}"))
        .to_string();
    let buckets = golive_core::histogram::parse(&line).unwrap();
    let counted: u64 = buckets.iter().map(|b| b.count).sum();
    let summary = r["evidence"][0].as_str().unwrap();
    let requests: u64 = summary.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(counted, requests, "{line} vs {summary}");
    assert_eq!(buckets.last().unwrap().upper_ms, None, "{line}");
    let o = golive(
        dir.path(),
        &["check", ".", "--only", "LOAD001", "--format", "html"],
    );
    let html = stdout(&o);
    assert!(html.contains("Latency — LOAD001"), "{html}");
    assert!(html.contains(r#"aria-label="latency histogram""#), "{html}");
}
