//! Live checks against real servers the tests start on loopback: the in-process server of
//! `server.rs` and nginx from Debian where a Rust server will not do (TLS 1.0, RSA-1024).

mod hostile;
mod http_checks;
mod load_cmd;
mod nginx;
pub mod server;
mod tls_checks;

use crate::support::{golive, json, stderr, stdout};
use server::{Handler, Pki, Req, Resp, Server, server_tls};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const ALLOWED_ORIGIN: &str = "https://app.example.test";

/// Whether a missing server must fail the test (CI) rather than skip it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A fixed-window limiter: `limit` requests per `window`.
pub struct Limiter {
    limit: u32,
    window: Duration,
    state: Mutex<(Instant, u32)>,
}

impl Limiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            state: Mutex::new((Instant::now(), 0)),
        }
    }
    /// Counts a request; true when it is over the limit.
    pub fn over(&self) -> bool {
        let mut s = self.state.lock().unwrap();
        if s.0.elapsed() >= self.window {
            *s = (Instant::now(), 0);
        }
        s.1 += 1;
        s.1 > self.limit
    }
}

pub const PROMETHEUS_TEXT: &str = "# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\nhttp_requests_total{route=\"/api/search\",code=\"200\"} 1027\n";

const HEALTHY: &str =
    r#"{"status":"ok","checks":{"database":{"status":"up"},"redis":{"status":"up"}}}"#;

/// The well-configured application: every property the live checks look for.
pub fn good(req: &Req, limiter: &Limiter) -> Resp {
    let path = req.path.split('?').next().unwrap_or("/");
    let mut r = match path {
        "/health" | "/ready" | "/live" => {
            Resp::new(200, HEALTHY).header("content-type", "application/json")
        }
        "/" => Resp::new(200, r#"{"items":[{"id":1,"name":"Widget"}]}"#)
            .header("content-type", "application/json")
            .header(
                "set-cookie",
                "session=s3cr3t-value; Path=/; Secure; HttpOnly; SameSite=Lax",
            ),
        "/api/search" if limiter.over() => Resp::new(429, "slow down").header("retry-after", "1"),
        "/api/search" => Resp::new(200, "[]"),
        "/admin" => Resp::new(401, "unauthorized"),
        _ => Resp::new(404, "not found"),
    };
    r.set(
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    );
    r.set(
        "content-security-policy",
        "default-src 'self'; frame-ancestors 'none'",
    );
    r.set("x-content-type-options", "nosniff");
    r.set("x-frame-options", "DENY");
    r.set("referrer-policy", "strict-origin-when-cross-origin");
    r.set("server", "golive-test");
    let rid = req
        .header("x-request-id")
        .unwrap_or("generated-1")
        .to_string();
    r.set("x-request-id", &rid);
    if req.header("origin") == Some(ALLOWED_ORIGIN) {
        r.set("access-control-allow-origin", ALLOWED_ORIGIN);
        r.set("access-control-allow-credentials", "true");
        r.set("vary", "Origin");
    }
    if req.method == "OPTIONS" {
        r.status = 204;
        r.body.clear();
    }
    r
}

/// The good application with one property broken, named by the check that must fail.
pub fn app(variant: &'static str) -> Handler {
    // A long window: on a busy machine the health GETs after the burst must still fall in it.
    let limiter = Limiter::new(20, Duration::from_secs(10));
    Arc::new(move |req: &Req| {
        let path = req.path.split('?').next().unwrap_or("/").to_string();
        if variant == "HTTP013" && path == "/api/search" {
            return Resp::new(200, "[]");
        }
        if variant == "HTTP013-health" && path == "/health" && limiter.over() {
            return Resp::new(429, "slow down").header("retry-after", "1");
        }
        let mut r = good(req, &limiter);
        match (variant, path.as_str()) {
            ("HTTP001", "/health") => {
                r.status = 503;
                r.body = br#"{"status":"down"}"#.to_vec();
            }
            ("HTTP002", "/ready") => {
                r.body = br#"{"status":"ok","checks":{"database":{"status":"down"}}}"#.to_vec()
            }
            ("HTTP003", "/live") => r.status = 404,
            ("HTTP004", _) => r.set("strict-transport-security", "max-age=300"),
            ("HTTP005", _) => r.set(
                "content-security-policy",
                "default-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            ),
            ("HTTP006", _) => r.remove("x-content-type-options"),
            ("HTTP007", _) => {
                r.remove("x-frame-options");
                r.set("content-security-policy", "default-src 'self'");
            }
            ("HTTP008", _) => r.set("referrer-policy", "unsafe-url"),
            ("HTTP009", _) => r.set("server", "nginx/1.25.3"),
            ("HTTP010", "/") => r.set(
                "set-cookie",
                "session=s3cr3t-value; Path=/; Secure; SameSite=Lax",
            ),
            ("HTTP012", _) => {
                if let Some(o) = req.header("origin") {
                    r.set("access-control-allow-origin", o);
                    r.set("access-control-allow-credentials", "true");
                }
            }
            ("HTTP014", "/openapi.json") => {
                r.status = 200;
                r.body = br#"{"openapi":"3.1.0"}"#.to_vec();
            }
            ("HTTP015", "/admin") => r.status = 200,
            ("HTTP016", _) => r.remove("x-request-id"),
            ("HTTP018", "/metrics") => {
                r.status = 200;
                r.body = PROMETHEUS_TEXT.as_bytes().to_vec();
                r.set("content-type", "text/plain; version=0.0.4; charset=utf-8");
            }
            ("HTTP017", "/") => {
                r.body = br#"{"items":[{"id":1,"name":"Lorem ipsum dolor"}]}"#.to_vec()
            }
            _ => {}
        }
        r
    })
}

/// The plain-HTTP side: redirects to the HTTPS port, or serves content (variant HTTP011).
pub fn redirector(https_port: u16, variant: &'static str) -> Handler {
    Arc::new(move |req: &Req| {
        if variant == "HTTP011" {
            return Resp::new(200, "plain");
        }
        Resp::new(301, "").header(
            "location",
            &format!("https://localhost:{https_port}{}", req.path),
        )
    })
}

/// A full target: the HTTPS app, its plain-HTTP side, a CA file and a golive.toml.
pub struct Target {
    pub dir: tempfile::TempDir,
    pub https: Server,
    pub http: Server,
}

pub enum Cert {
    Good,
    SelfSigned,
    WrongHost,
    Expired,
    Tls12Only,
}

impl Target {
    pub fn start(variant: &'static str, cert: Cert) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = Pki::new();
        pki.write_ca(&dir.path().join("ca.pem"));
        let (leaf, tls12) = match cert {
            Cert::Good => (pki.leaf(&["localhost"], None, false), false),
            Cert::SelfSigned => (pki.leaf(&["localhost"], None, true), false),
            Cert::WrongHost => (pki.leaf(&["other.example.test"], None, false), false),
            Cert::Expired => (
                pki.leaf(&["localhost"], Some(((2020, 1, 1), (2021, 1, 1))), false),
                false,
            ),
            Cert::Tls12Only => (pki.leaf(&["localhost"], None, false), true),
        };
        let https = Server::start(app(variant), Some(server_tls(&leaf, tls12)));
        let http = Server::start(redirector(https.port, variant), None);
        let t = Self { dir, https, http };
        t.write_config(&format!("https://localhost:{}", t.https.port), "");
        t
    }

    pub fn write_config(&self, api_url: &str, extra: &str) {
        let toml = format!(
            r#"[environments.test]
api_url = "{api_url}"
ca_file = "ca.pem"

# Generous bounds: the tests share two cores with other test binaries.
[checks.HTTP001]
max_ms = 5000

[checks.HTTP002]
max_ms = 5000

[checks.HTTP003]
max_ms = 5000

[checks.HTTP011]
http_url = "http://localhost:{http}/"

[checks.HTTP012]
allowed_origin = "{ALLOWED_ORIGIN}"

[checks.HTTP013]
path = "/api/search"

[checks.HTTP015]
paths = ["/admin"]

[checks.LOAD001]
duration_ms = 1000
connections = 4

[checks.LOAD002]
duration_ms = 1000
connections = 4
{extra}"#,
            http = self.http.port
        );
        std::fs::write(self.dir.path().join("golive.toml"), toml).unwrap();
    }

    /// Runs `golive check --only ONLY --format json` and returns the report.
    pub fn check(&self, only: &str) -> serde_json::Value {
        run_check(self.dir.path(), only)
    }
}

pub fn run_check(dir: &Path, only: &str) -> serde_json::Value {
    let o = golive(dir, &["check", ".", "--only", only, "--format", "json"]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "golive check failed to run: {}\n{}",
        stderr(&o),
        stdout(&o)
    );
    json(&o)
}

/// code -> (status, message) of every result.
pub fn statuses(report: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            Some((
                r["check"].as_str()?.to_string(),
                (
                    r["status"].as_str()?.to_string(),
                    r["message"].as_str().unwrap_or("").to_string(),
                ),
            ))
        })
        .collect()
}

pub fn with_status(report: &serde_json::Value, status: &str) -> Vec<String> {
    statuses(report)
        .into_iter()
        .filter(|(_, (s, _))| s == status)
        .map(|(c, _)| c)
        .collect()
}
