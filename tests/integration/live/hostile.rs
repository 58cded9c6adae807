//! Hostile targets: each check ends within its timeout, the run completes, nothing passes.

use super::server::{Hostile, Resp, Server};
use super::{run_check, statuses, with_status};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn config(dir: &std::path::Path, api_url: &str) {
    let toml = format!(
        "[environments.test]\napi_url = \"{api_url}\"\n\n[run]\ncheck_timeout_secs = 8\n\n[checks.HTTP011]\nhttp_url = \"{api_url}\"\n"
    );
    std::fs::write(dir.join("golive.toml"), toml).unwrap();
}

fn run_against(api_url: &str, only: &str) -> (serde_json::Value, Duration) {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), api_url);
    let start = Instant::now();
    let report = run_check(dir.path(), only);
    (report, start.elapsed())
}

const ONLY: &str = "HTTP001,HTTP004,HTTP009,HTTP012,HTTP016,TLS001,TLS002,TLS003,LOAD002";

#[test]
fn silent_server_errors_within_the_timeout() {
    let s = Server::hostile(Hostile::Silent);
    let (report, took) = run_against(&format!("https://127.0.0.1:{}", s.port), ONLY);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        with_status(&report, "pass").is_empty(),
        "{:#?}",
        statuses(&report)
    );
}

#[test]
fn dripping_server_errors_within_the_timeout() {
    let s = Server::hostile(Hostile::Drip);
    let (report, took) = run_against(&format!("http://127.0.0.1:{}", s.port), ONLY);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        with_status(&report, "pass").is_empty(),
        "{:#?}",
        statuses(&report)
    );
}

#[test]
fn garbage_on_the_tls_port_is_an_error_not_a_pass() {
    let s = Server::hostile(Hostile::Garbage);
    let (report, took) = run_against(&format!("https://127.0.0.1:{}", s.port), ONLY);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let st = statuses(&report);
    assert!(with_status(&report, "pass").is_empty(), "{st:#?}");
    assert_eq!(st["TLS002"].0, "error", "{st:#?}");
}

#[test]
fn endless_body_is_capped() {
    let s = Server::endless();
    let (report, took) = run_against(
        &format!("http://127.0.0.1:{}", s.port),
        "HTTP001,HTTP004,HTTP017",
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let st = statuses(&report);
    assert_eq!(st["HTTP001"].0, "fail", "{st:#?}");
    assert!(st["HTTP001"].1.contains("cap"), "{st:?}");
    assert_eq!(st["HTTP004"].0, "fail", "{st:#?}");
}

#[test]
fn redirect_loop_is_bounded() {
    let s = Server::start(
        Arc::new(|_req: &super::server::Req| Resp::new(302, "").header("location", "/loop")),
        None,
    );
    let url = format!("http://127.0.0.1:{}/loop", s.port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (tls, note) = golive_facts::tls::roots::client_config(None).unwrap();
    let client = golive_facts::http::HttpClient::with_tls(tls, note);
    let r = rt.block_on(client.send(&golive_facts::http::HttpRequest::get(url.clone()).follow(5)));
    let e = r.expect_err("a loop is an error");
    assert_eq!(e.kind, golive_facts::http::FailureKind::RedirectLoop, "{e}");
    // Not following (the default) returns the redirect itself.
    let r = rt
        .block_on(client.send(&golive_facts::http::HttpRequest::get(url)))
        .unwrap();
    assert_eq!(r.status, 302);
    let (report, _) = run_against(&format!("http://127.0.0.1:{}", s.port), "HTTP001");
    assert_eq!(statuses(&report)["HTTP001"].0, "fail");
}
