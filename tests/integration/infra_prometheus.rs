//! Prometheus and Alertmanager checks against real servers: a well-configured pair (targets
//! up, healthy error-rate and latency alerts, a connected Alertmanager with a webhook receiver)
//! and a misconfigured pair (a dead target, a rule that fails to evaluate, no latency alert,
//! no Alertmanager, only a null receiver), plus dead ports.

use crate::infra_support::check;
use crate::servers::{alertmanager, eventually, free_port, prometheus};
use std::time::{Duration, Instant};

pub(crate) const GOOD_RULES: &str = r#"groups:
- name: api
  interval: 1s
  rules:
  - alert: HighErrorRate
    expr: sum(rate(prometheus_http_requests_total{code=~"5.."}[5m])) / sum(rate(prometheus_http_requests_total[5m])) > 0.05
    for: 5m
    labels: {severity: page}
  - alert: HighLatencyP95
    expr: histogram_quantile(0.95, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[5m]))) > 0.5
    for: 5m
    labels: {severity: page}
"#;

const BAD_RULES: &str = r#"groups:
- name: api
  interval: 1s
  rules:
  - alert: HighErrorRate
    expr: up * on() up > 0
"#;

pub(crate) const AM_GOOD: &str = r#"route:
  receiver: team
  group_wait: 0s
receivers:
- name: "null"
- name: team
  webhook_configs:
  - url: "http://127.0.0.1:9/hook-with-Secret-Token-abc123"
"#;

const AM_NULL: &str = "route:\n  receiver: \"null\"\nreceivers:\n- name: \"null\"\n";

pub(crate) fn prom_config(extra_target: Option<u16>, am_port: Option<u16>) -> String {
    let mut c = String::from(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nscrape_configs:\n- job_name: prometheus\n  static_configs:\n  - targets: ['127.0.0.1:{PORT}']\n",
    );
    if let Some(p) = extra_target {
        c.push_str(&format!(
            "- job_name: api\n  static_configs:\n  - targets: ['127.0.0.1:{p}']\n"
        ));
    }
    if let Some(p) = am_port {
        c.push_str(&format!(
            "alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:{p}']\n"
        ));
    }
    c
}

pub(crate) fn get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn prometheus_and_alertmanager_checks_against_real_servers() {
    let started = Instant::now();
    let Some(am_good) = alertmanager(AM_GOOD) else {
        return;
    };
    let Some(am_null) = alertmanager(AM_NULL) else {
        return;
    };
    let Some(good) = prometheus(&prom_config(None, Some(am_good.port)), GOOD_RULES) else {
        return;
    };
    let Some(bad) = prometheus(&prom_config(Some(free_port()), None), BAD_RULES) else {
        return;
    };
    // Wait for the first scrapes, rule evaluations and Alertmanager discovery.
    assert!(
        eventually(Duration::from_secs(30), || {
            get(good.port, "/api/v1/targets").contains("\"health\":\"up\"")
                && get(good.port, "/api/v1/rules").contains("\"health\":\"ok\"")
                && get(good.port, "/api/v1/alertmanagers")
                    .contains(&format!("127.0.0.1:{}", am_good.port))
                && get(bad.port, "/api/v1/targets").contains("\"health\":\"down\"")
                && get(bad.port, "/api/v1/rules").contains("\"health\":\"err\"")
        }),
        "the test Prometheus servers did not settle"
    );

    let repo = tempfile::tempdir().unwrap();
    let env = |p: u16, a: u16| {
        format!(
            "[environments.test]\nprometheus_url = \"http://127.0.0.1:{p}\"\nalertmanager_url = \"http://127.0.0.1:{a}/\"\n"
        )
    };

    let run = check(repo.path(), &env(good.port, am_good.port), "PROM", &[]);
    for code in [
        "PROM001", "PROM002", "PROM003", "PROM004", "PROM005", "PROM007", "PROM008",
    ] {
        run.expect(code, "pass");
    }
    run.expect("PROM006", "skipped");
    run.mentions("PROM003", "HighLatencyP95");
    run.mentions("PROM005", "receiver team: webhook");
    run.assert_no_secret("Secret-Token-abc123");

    // The one write, only with the flag.
    let run = check(
        repo.path(),
        &env(good.port, am_good.port),
        "PROM006",
        &["--send-test-alert"],
    );
    run.expect("PROM006", "pass");
    run.mentions("PROM006", "state=active");
    assert!(get(am_good.port, "/api/v2/alerts").contains("GoliveTestAlert"));
    assert!(!get(am_null.port, "/api/v2/alerts").contains("GoliveTestAlert"));

    let run = check(repo.path(), &env(bad.port, am_null.port), "PROM", &[]);
    run.expect("PROM001", "fail");
    run.mentions("PROM001", "health=down");
    run.expect("PROM002", "fail");
    run.mentions("PROM002", "HighErrorRate");
    run.expect("PROM003", "fail");
    run.mentions("PROM003", "latency");
    run.expect("PROM004", "fail");
    run.expect("PROM005", "fail");
    run.mentions("PROM005", "route.receiver -> null");

    // Named alerts and jobs as parameters.
    let run = check(
        repo.path(),
        &format!(
            "{}\n[checks.PROM003]\nalerts = [\"HighErrorRate\", \"DiskFull\"]\n[checks.PROM001]\njobs = [\"prometheus\", \"worker\"]\n",
            env(good.port, am_good.port)
        ),
        "PROM001,PROM003",
        &[],
    );
    run.expect("PROM003", "fail");
    run.mentions("PROM003", "DiskFull");
    run.expect("PROM001", "fail");
    run.mentions("PROM001", "job worker has no active target");

    // Dead ports: errors, never passes, and quickly.
    let t = Instant::now();
    let run = check(
        repo.path(),
        &env(free_port(), free_port()),
        "PROM",
        &["--send-test-alert"],
    );
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    run.expect("PROM007", "fail");
    run.expect("PROM008", "fail");
    for code in ["PROM001", "PROM002", "PROM003", "PROM004", "PROM005"] {
        run.expect(code, "error");
        run.mentions(code, "not checked");
    }
    run.mentions("PROM001", "(see PROM007)");
    run.mentions("PROM005", "(see PROM008)");
    run.expect("PROM006", "fail");
    eprintln!("prometheus tests took {:?}", started.elapsed());
}
