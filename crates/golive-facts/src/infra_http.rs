//! A small HTTP(S) client for the infrastructure APIs (Prometheus, Alertmanager, Vault, S3):
//! reqwest on rustls with the system trust store plus `ca_file`, bounded time and body size.
//!
//! Why a second HTTP client next to `http.rs` (hyper): the live HTTP checks need what reqwest
//! hides (DNS, connect, TLS and first-byte timings per request, the exact headers sent and
//! received, a per-host limit shared by the run), while these API clients need what hyper
//! leaves to the caller (connection pooling across a collector's parallel requests, JSON,
//! redirects refused so a token header never follows one). Both trust the same roots
//! (`tls::roots`).

use crate::infra_tls::{self, clean};
use golive_core::FactError;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(8);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(4);
/// API bodies larger than this are cut off (and fail to parse): a hostile server cannot make
/// golive buffer without bound.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// A response: status, headers of interest and the (capped) body.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

impl ApiResponse {
    pub fn json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("response is not JSON: {e}"))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An HTTP client for one run.
#[derive(Clone)]
pub struct ApiClient {
    inner: reqwest::Client,
}

impl ApiClient {
    pub fn new(ca_file: Option<&std::path::Path>) -> Result<Self, FactError> {
        let tls = infra_tls::verifying_config(ca_file)?;
        let inner = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            // No redirects: a token header (X-Vault-Token) must never follow one to another host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("golive/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FactError::new(format!("HTTP client setup: {}", clean(e))))?;
        Ok(Self { inner })
    }

    /// The run's shared client (built once per run: one trust store, one connection pool).
    pub async fn for_run(facts: &golive_core::Facts) -> Result<Self, FactError> {
        facts.get::<SharedApiClient>().await.map(|c| c.0.clone())
    }

    /// Sends `req`, reading at most [`MAX_BODY`] bytes of the body. Errors are redacted.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Result<ApiResponse, String> {
        let work = async {
            let mut resp = req.send().await.map_err(describe)?;
            let status = resp.status().as_u16();
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(describe)? {
                let room = MAX_BODY.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= MAX_BODY {
                    break;
                }
            }
            Ok(ApiResponse { status, body })
        };
        match tokio::time::timeout(TIMEOUT + Duration::from_secs(1), work).await {
            Ok(r) => r,
            Err(_) => Err(format!("no complete answer within {}s", TIMEOUT.as_secs())),
        }
    }

    pub fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.inner.get(url)
    }

    pub fn post(&self, url: &str) -> reqwest::RequestBuilder {
        self.inner.post(url)
    }

    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.inner.request(method, url)
    }

    /// GET `url` and parse a JSON body; non-2xx is an error naming the status.
    pub async fn get_json(&self, url: &str) -> Result<serde_json::Value, String> {
        let r = self.send(self.get(url)).await?;
        if !(200..300).contains(&r.status) {
            return Err(format!("HTTP {} from {}", r.status, clean(url)));
        }
        r.json()
    }
}

/// The per-run [`ApiClient`], as a fact so every collector shares it.
pub struct SharedApiClient(pub ApiClient);

#[async_trait::async_trait]
impl golive_core::Fact for SharedApiClient {
    async fn collect(facts: &golive_core::Facts) -> Result<Self, FactError> {
        let ca = infra_tls::ca_file_path(facts.env());
        ApiClient::new(ca.as_deref()).map(SharedApiClient)
    }
}

/// reqwest's error with its causes, credentials masked.
pub fn describe(e: reqwest::Error) -> String {
    let mut s = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "connection failed".to_string()
    } else {
        "request failed".to_string()
    };
    let mut src = std::error::Error::source(&e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    clean(s)
}

/// `base` + `path`, with exactly one slash between them.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}
