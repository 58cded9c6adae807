//! Every HTTP and TLS check passes against the well-configured target; against a target
//! missing one property, exactly the check for that property fails.

use super::server::{Req, Resp, Server};
use super::{Cert, PROMETHEUS_TEXT, Target, run_check, statuses, with_status};
use std::sync::Arc;

#[test]
fn a_well_configured_target_passes_every_live_check() {
    let t = Target::start("good", Cert::Good);
    let report = t.check("HTTP,TLS,LOAD");
    let all = statuses(&report);
    assert!(all.len() >= 25, "{all:?}");
    let not_pass: Vec<_> = all.iter().filter(|(_, (s, _))| s != "pass").collect();
    assert!(not_pass.is_empty(), "not passing: {not_pass:#?}");
    // Secrets never leave: the cookie value is not in the report.
    assert!(!report.to_string().contains("s3cr3t-value"));
}

fn exactly_fails(variant: &'static str, code: &str) {
    let t = Target::start(variant, Cert::Good);
    let report = t.check("HTTP,TLS");
    let fails = with_status(&report, "fail");
    assert_eq!(
        fails,
        vec![code.to_string()],
        "variant {variant}: {:#?}",
        statuses(&report)
    );
    let errors = with_status(&report, "error");
    assert!(
        errors.is_empty(),
        "variant {variant} errors: {:#?}",
        statuses(&report)
    );
    let r = crate::support::result(&report, code);
    assert!(!r["evidence"].as_array().unwrap().is_empty(), "{r}");
    assert!(
        r["evidence"].to_string().contains("curl")
            || r["evidence"].to_string().contains("reproduce"),
        "{r}"
    );
}

macro_rules! variants {
    ($($name:ident: $variant:literal => $code:literal,)*) => {
        $(#[test] fn $name() { exactly_fails($variant, $code); })*
    };
}

variants! {
    health_failing_fails_only_http001: "HTTP001" => "HTTP001",
    readiness_dependency_down_fails_only_http002: "HTTP002" => "HTTP002",
    liveness_missing_fails_only_http003: "HTTP003" => "HTTP003",
    short_hsts_fails_only_http004: "HTTP004" => "HTTP004",
    unsafe_csp_fails_only_http005: "HTTP005" => "HTTP005",
    no_nosniff_fails_only_http006: "HTTP006" => "HTTP006",
    framing_allowed_fails_only_http007: "HTTP007" => "HTTP007",
    unsafe_referrer_fails_only_http008: "HTTP008" => "HTTP008",
    server_version_fails_only_http009: "HTTP009" => "HTTP009",
    cookie_without_httponly_fails_only_http010: "HTTP010" => "HTTP010",
    plain_http_served_fails_only_http011: "HTTP011" => "HTTP011",
    reflected_origin_fails_only_http012: "HTTP012" => "HTTP012",
    no_rate_limit_fails_only_http013: "HTTP013" => "HTTP013",
    rate_limited_health_fails_only_http013: "HTTP013-health" => "HTTP013",
    openapi_exposed_fails_only_http014: "HTTP014" => "HTTP014",
    admin_open_fails_only_http015: "HTTP015" => "HTTP015",
    no_request_id_fails_only_http016: "HTTP016" => "HTTP016",
    mock_data_fails_only_http017: "HTTP017" => "HTTP017",
    public_metrics_fails_only_http018: "HTTP018" => "HTTP018",
}

#[test]
fn plain_http_api_url_fails_tls001_and_hsts() {
    let t = Target::start("good", Cert::Good);
    t.write_config(&format!("http://localhost:{}", t.http.port), "");
    let report = t.check("HTTP004,TLS");
    let s = statuses(&report);
    assert_eq!(s["TLS001"].0, "fail", "{s:?}");
    assert_eq!(s["HTTP004"].0, "fail", "{s:?}");
    for code in ["TLS002", "TLS003", "TLS004", "TLS005", "TLS006"] {
        assert_eq!(s[code].0, "skipped", "{code}: {s:?}");
    }
}

#[test]
fn nothing_listening_is_an_error_or_fail_never_a_pass() {
    let t = Target::start("good", Cert::Good);
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    t.write_config(&format!("https://localhost:{port}"), "");
    let report = t.check("HTTP,TLS");
    let s = statuses(&report);
    // HTTP011 goes to the plain-HTTP side, which still runs.
    let passes: Vec<String> = with_status(&report, "pass")
        .into_iter()
        .filter(|c| c != "HTTP011")
        .collect();
    assert!(passes.is_empty(), "{s:#?}");
    assert_eq!(
        s["HTTP001"].0, "fail",
        "unreachable health endpoint is a fail: {s:?}"
    );
    assert_eq!(s["HTTP004"].0, "error", "{s:?}");
}

#[test]
fn a_password_in_api_url_never_reaches_the_report() {
    let t = Target::start("good", Cert::Good);
    t.write_config(
        &format!("https://ops:hunter2-secret@localhost:{}", t.https.port),
        "",
    );
    let report = t.check("HTTP001,HTTP004,HTTP014,TLS001,TLS004");
    assert!(!report.to_string().contains("hunter2"), "{report}");
    let s = statuses(&report);
    assert_eq!(s["HTTP001"].0, "pass", "{s:#?}");
    assert_eq!(s["TLS004"].0, "pass", "{s:#?}");
}

/// HTTP018 with `metrics_url`: the public address must not serve metrics, the internal one must.
#[test]
fn metrics_url_must_serve_exposition_text() {
    // The public side: a single-page app whose catch-all answers 200 everywhere, /metrics too.
    let public = Server::start(
        Arc::new(|_: &Req| {
            Resp::new(200, "<!doctype html><div id=app></div>").header("content-type", "text/html")
        }),
        None,
    );
    let internal = Server::start(
        Arc::new(|r: &Req| match r.path.as_str() {
            "/metrics" => Resp::new(200, PROMETHEUS_TEXT),
            "/auth" => Resp::new(401, "unauthorized"),
            _ => Resp::new(404, "not found"),
        }),
        None,
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let run = |metrics_url: &str| {
        std::fs::write(
            dir.path().join("golive.toml"),
            format!(
                "[environments.test]\napi_url = \"http://127.0.0.1:{}\"\nmetrics_url = \"{metrics_url}\"\n",
                public.port
            ),
        )
        .unwrap();
        let report = run_check(dir.path(), "HTTP018");
        statuses(&report)["HTTP018"].clone()
    };
    let base = format!("http://127.0.0.1:{}", internal.port);
    let (s, m) = run(&format!("{base}/metrics"));
    assert_eq!(s, "pass", "{m}");
    let (s, m) = run(&format!("{base}/other"));
    assert_eq!(s, "fail", "{m}");
    assert!(m.contains("404"), "{m}");
    let (s, m) = run(&format!("{base}/auth"));
    assert_eq!(s, "warn", "{m}");
    let (s, m) = run(&format!("http://127.0.0.1:{closed}/metrics"));
    assert_eq!(s, "fail", "{m}");
    let (s, m) = run("${GOLIVE_TEST_UNSET_METRICS_URL}");
    assert_eq!(s, "error", "{m}");
}
