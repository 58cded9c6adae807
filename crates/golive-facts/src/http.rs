//! The HTTP collector: one request per key (method, URL, headers), over hyper with rustls,
//! with per-phase timings, capped bodies, a timeout on every request, redirects followed only
//! when asked, and a per-host concurrency limit shared by the whole run. (The infrastructure
//! API clients use reqwest instead, `infra_http.rs`, which says why there are two.)

use crate::tls::roots::{TrustStore, config_with_roots};
use bytes::Bytes;
use golive_core::{Fact, FactError, Facts, KeyedFact};
use http_body_util::{BodyExt, Empty};
use hyper::Uri;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// At most this many requests run at once against one host:port.
pub const PER_HOST_LIMIT: usize = 6;
/// Default cap of a response body kept in a fact.
pub const DEFAULT_BODY_CAP: usize = 256 * 1024;
/// Default timeout of one request, every phase included.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;

/// The shared client of a run: the TLS configuration (system roots plus `ca_file`) and the
/// per-host semaphores.
pub struct HttpClient {
    tls: Arc<rustls::ClientConfig>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Notes about the trust store (a `ca_file` that could not be read is an error instead).
    pub roots_note: String,
}

#[async_trait::async_trait]
impl Fact for HttpClient {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let roots = facts.get::<TrustStore>().await?;
        let tls = config_with_roots(roots.store.clone())?;
        Ok(Self::with_tls(tls, roots.note.clone()))
    }
}

impl HttpClient {
    pub fn with_tls(tls: Arc<rustls::ClientConfig>, roots_note: String) -> Self {
        Self {
            tls,
            hosts: Mutex::new(HashMap::new()),
            roots_note,
        }
    }

    /// The verifying TLS configuration.
    pub fn tls(&self) -> Arc<rustls::ClientConfig> {
        self.tls.clone()
    }

    fn host_permit(&self, authority: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(authority.to_ascii_lowercase())
            .or_insert_with(|| Arc::new(Semaphore::new(PER_HOST_LIMIT)))
            .clone()
    }

    /// Sends `req`, following redirects when it asks to.
    pub async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, HttpFailure> {
        let mut url = req.url.clone();
        let mut hops = Vec::new();
        loop {
            let mut resp = self.send_one(req, &url).await?;
            let location = resp.header("location").map(str::to_string);
            let redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308);
            match location {
                Some(loc) if redirect && hops.len() < req.follow_redirects as usize => {
                    let next = resolve_location(&url, &loc).ok_or_else(|| HttpFailure {
                        kind: FailureKind::Protocol,
                        message: format!("redirect to an unusable Location {loc:?}"),
                    })?;
                    hops.push((resp.status, url.clone()));
                    url = next;
                }
                Some(_) if redirect && req.follow_redirects > 0 => {
                    return Err(HttpFailure {
                        kind: FailureKind::RedirectLoop,
                        message: format!(
                            "more than {} redirects (last {} {url})",
                            req.follow_redirects, resp.status
                        ),
                    });
                }
                _ => {
                    resp.redirects = hops;
                    return Ok(resp);
                }
            }
        }
    }

    async fn send_one(&self, req: &HttpRequest, url: &str) -> Result<HttpResponse, HttpFailure> {
        let target = Target::parse(url)?;
        let sem = self.host_permit(&target.authority());
        let _permit = sem.acquire_owned().await.map_err(|_| HttpFailure {
            kind: FailureKind::Protocol,
            message: "internal: host limiter closed".into(),
        })?;
        let timeout = Duration::from_millis(req.timeout_ms.max(1));
        match tokio::time::timeout(timeout, self.exchange(req, url, &target)).await {
            Ok(r) => r,
            Err(_) => Err(HttpFailure {
                kind: FailureKind::Timeout,
                message: format!(
                    "{} {url}: no complete answer within {} ms",
                    req.method, req.timeout_ms
                ),
            }),
        }
    }

    async fn exchange(
        &self,
        req: &HttpRequest,
        url: &str,
        t: &Target,
    ) -> Result<HttpResponse, HttpFailure> {
        let start = Instant::now();
        let fail = |kind, what: String| HttpFailure {
            kind,
            message: format!("{} {url}: {what}", req.method),
        };
        let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((t.host.as_str(), t.port))
            .await
            .map_err(|e| fail(FailureKind::Dns, format!("cannot resolve {}: {e}", t.host)))?
            .collect();
        let dns = start.elapsed();
        let mut last_err = None;
        let mut tcp = None;
        for a in &addrs {
            match TcpStream::connect(a).await {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last_err = Some(e),
            }
        }
        let Some(tcp) = tcp else {
            let e = last_err
                .map(|e| e.to_string())
                .unwrap_or_else(|| "no address".into());
            return Err(fail(
                FailureKind::Connect,
                format!("cannot connect to {}: {e}", t.authority()),
            ));
        };
        let _ = tcp.set_nodelay(true);
        let connect = start.elapsed();
        let (status, version, headers, body, truncated, first_byte, tls_time) = if t.https {
            let name = rustls_pki_types::ServerName::try_from(t.host.clone())
                .map_err(|e| fail(FailureKind::Tls, format!("bad server name: {e}")))?;
            let stream = tokio_rustls::TlsConnector::from(self.tls.clone())
                .connect(name, tcp)
                .await
                .map_err(|e| fail(FailureKind::Tls, format!("TLS handshake failed: {e}")))?;
            let tls_done = start.elapsed();
            let (s, v, h, b, tr, fb) = http1(stream, req, t, start)
                .await
                .map_err(|(k, m)| fail(k, m))?;
            (s, v, h, b, tr, fb, Some(tls_done - connect))
        } else {
            let (s, v, h, b, tr, fb) = http1(tcp, req, t, start)
                .await
                .map_err(|(k, m)| fail(k, m))?;
            (s, v, h, b, tr, fb, None)
        };
        Ok(HttpResponse {
            method: req.method.clone(),
            url: url.to_string(),
            status,
            version,
            headers,
            body,
            body_truncated: truncated,
            timings: Timings {
                dns,
                connect: connect - dns,
                tls: tls_time,
                first_byte,
                total: start.elapsed(),
            },
            redirects: Vec::new(),
            request_headers: req.headers.clone(),
        })
    }
}

type Exchange = (u16, String, Vec<(String, String)>, Vec<u8>, bool, Duration);

async fn http1<S>(
    stream: S,
    req: &HttpRequest,
    t: &Target,
    start: Instant,
) -> Result<Exchange, (FailureKind, String)>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| (FailureKind::Protocol, format!("HTTP handshake: {e}")))?;
    let conn_task = tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut builder = hyper::Request::builder()
        .method(req.method.as_str())
        .uri(t.path.as_str())
        .header("host", t.host_header())
        .header("user-agent", concat!("golive/", env!("CARGO_PKG_VERSION")))
        .header("accept", "*/*")
        .header("connection", "close");
    for (k, v) in &req.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder.body(Empty::<Bytes>::new()).map_err(|e| {
        (
            FailureKind::Protocol,
            format!("cannot build the request: {e}"),
        )
    })?;
    let result = async {
        let resp = sender.send_request(request).await.map_err(|e| {
            (
                FailureKind::Protocol,
                format!("no valid HTTP response: {e}"),
            )
        })?;
        let first_byte = start.elapsed();
        let status = resp.status().as_u16();
        let version = format!("{:?}", resp.version());
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = resp.into_body();
        let mut buf = Vec::new();
        let mut truncated = false;
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| (FailureKind::Protocol, format!("reading the body: {e}")))?;
            if let Ok(data) = frame.into_data() {
                let room = req.body_cap.saturating_sub(buf.len());
                if data.len() > room {
                    buf.extend_from_slice(&data[..room]);
                    truncated = true;
                    break;
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok((status, version, headers, buf, truncated, first_byte))
    }
    .await;
    conn_task.abort();
    result
}

/// Where a URL points.
#[derive(Debug, Clone)]
pub struct Target {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, `/` at least.
    pub path: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, HttpFailure> {
        let bad = |m: String| HttpFailure {
            kind: FailureKind::Url,
            message: m,
        };
        let uri: Uri = url
            .parse()
            .map_err(|e| bad(format!("invalid URL {url:?}: {e}")))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            other => return Err(bad(format!("unsupported scheme {other:?} in {url:?}"))),
        };
        let host = uri
            .host()
            .ok_or_else(|| bad(format!("no host in {url:?}")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let path = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".into());
        Ok(Self {
            https,
            host,
            port,
            path,
        })
    }

    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    pub fn host_header(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        let h = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            h
        } else {
            format!("{h}:{}", self.port)
        }
    }
}

/// Joins `base` (an absolute URL) and `path` (`/health`, `health`, or an absolute URL).
pub fn join_url(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_string();
    }
    let base = base.trim_end_matches('/');
    if path.is_empty() {
        return format!("{base}/");
    }
    format!("{base}/{}", path.trim_start_matches('/'))
}

/// `url` without `user:password@`: requests never send it (credentials go in headers), so
/// dropping it up front keeps a password in `api_url` out of every message and evidence.
pub fn strip_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// The origin (`scheme://host[:port]`) of an absolute URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}"))
}

fn resolve_location(current: &str, loc: &str) -> Option<String> {
    if loc.starts_with("http://") || loc.starts_with("https://") {
        return Some(loc.to_string());
    }
    let origin = origin_of(current)?;
    if loc.starts_with('/') {
        return Some(format!("{origin}{loc}"));
    }
    None
}

/// One request: the key of an [`HttpExchange`] fact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// How many redirects to follow; 0 returns the redirect itself.
    pub follow_redirects: u8,
    pub timeout_ms: u64,
    pub body_cap: usize,
}

impl HttpRequest {
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
            follow_redirects: 0,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            body_cap: DEFAULT_BODY_CAP,
        }
    }
    pub fn method(mut self, m: &str) -> Self {
        self.method = m.to_ascii_uppercase();
        self
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_ascii_lowercase(), v.to_string()));
        self
    }
    pub fn follow(mut self, n: u8) -> Self {
        self.follow_redirects = n;
        self
    }
    pub fn timeout_ms(mut self, ms: u64) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// The curl command that reproduces this request's headers.
    pub fn curl(&self) -> String {
        let mut s = String::from("curl -sS -o /dev/null -D -");
        if self.method != "GET" {
            s.push_str(&format!(" -X {}", self.method));
        }
        for (k, v) in &self.headers {
            s.push_str(&format!(" -H '{k}: {v}'"));
        }
        if self.follow_redirects > 0 {
            s.push_str(" -L");
        }
        s.push_str(&format!(" '{}'", self.url));
        s
    }
}

/// Time spent in each phase of one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timings {
    pub dns: Duration,
    pub connect: Duration,
    pub tls: Option<Duration>,
    /// From the start to the response head.
    pub first_byte: Duration,
    pub total: Duration,
}

impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "dns {:.1} ms, connect {:.1} ms",
            ms(self.dns),
            ms(self.connect)
        )?;
        if let Some(t) = self.tls {
            write!(f, ", tls {:.1} ms", ms(t))?;
        }
        write!(
            f,
            ", first byte {:.1} ms, total {:.1} ms",
            ms(self.first_byte),
            ms(self.total)
        )
    }
}

/// A response as observed. Header names are lower-case.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub method: String,
    /// The URL that answered (after redirects, when followed).
    pub url: String,
    pub status: u16,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub body_truncated: bool,
    pub timings: Timings,
    /// Redirects followed: (status, URL that answered with it).
    pub redirects: Vec<(u16, String)>,
    pub request_headers: Vec<(String, String)>,
}

impl HttpResponse {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Every value of header `name`, in order.
    pub fn headers_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
    /// `GET https://x/health -> 200 (first byte 3.1 ms, total 3.4 ms)`
    pub fn summary(&self) -> String {
        format!(
            "{} {} -> {} ({:.1} ms)",
            self.method,
            self.url,
            self.status,
            self.timings.total.as_secs_f64() * 1000.0
        )
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Url,
    Dns,
    Connect,
    Tls,
    Timeout,
    Protocol,
    RedirectLoop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpFailure {
    pub kind: FailureKind,
    pub message: String,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One request and what came of it, shared by every check that sends the same request.
/// Collecting never fails: a failed request is a fact too (a refused connection is a fail for
/// some checks and an error for others).
#[derive(Debug, Clone)]
pub struct HttpExchange {
    pub request: HttpRequest,
    pub result: Result<HttpResponse, HttpFailure>,
}

impl HttpExchange {
    /// The response, or the `FactError` a check turns into `error`.
    pub fn response(&self) -> Result<&HttpResponse, FactError> {
        self.result
            .as_ref()
            .map_err(|e| FactError::new(e.message.clone()))
    }
}

#[async_trait::async_trait]
impl KeyedFact for HttpExchange {
    type Key = HttpRequest;
    async fn collect(facts: &Facts, key: &HttpRequest) -> Result<Self, FactError> {
        let client = facts.get::<HttpClient>().await?;
        Ok(Self {
            request: key.clone(),
            result: client.send(key).await,
        })
    }
}

/// A bounded burst of identical GETs, stopped at the first 429 or when the window closes,
/// followed by GETs of `after_url` (the health endpoint, which must stay reachable).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BurstSpec {
    pub url: String,
    pub count: u32,
    pub window_ms: u64,
    pub after_url: Option<String>,
}

/// The first rate-limited answer of a burst.
#[derive(Debug, Clone)]
pub struct Limited {
    /// 1-based position of the request in the burst.
    pub nth: u32,
    pub retry_after: Option<String>,
    pub after: Duration,
}

#[derive(Debug, Clone)]
pub struct Burst {
    pub spec: BurstSpec,
    pub sent: u32,
    pub statuses: std::collections::BTreeMap<u16, u32>,
    pub failures: u32,
    pub failure_sample: Option<String>,
    pub limited: Option<Limited>,
    pub elapsed: Duration,
    /// Statuses (or failures) of the GETs of `after_url`.
    pub after: Vec<Result<u16, String>>,
}

/// Hard caps of a burst.
pub const BURST_MAX_COUNT: u32 = 1000;
pub const BURST_MAX_WINDOW_MS: u64 = 12_000;
const BURST_WORKERS: usize = PER_HOST_LIMIT;

#[derive(Default)]
struct BurstState {
    statuses: std::collections::BTreeMap<u16, u32>,
    failures: u32,
    failure_sample: Option<String>,
    limited: Option<Limited>,
    sent: u32,
}

pub async fn run_burst(client: Arc<HttpClient>, spec: &BurstSpec) -> Burst {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let count = spec.count.clamp(1, BURST_MAX_COUNT);
    let window = Duration::from_millis(spec.window_ms.clamp(1, BURST_MAX_WINDOW_MS));
    let start = Instant::now();
    let next = Arc::new(AtomicU32::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let state = Arc::new(Mutex::new(BurstState::default()));
    let mut tasks = Vec::new();
    for _ in 0..BURST_WORKERS {
        let (client, next, stop, state) =
            (client.clone(), next.clone(), stop.clone(), state.clone());
        let url = spec.url.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                if stop.load(Ordering::Relaxed) || start.elapsed() >= window {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let left = window.saturating_sub(start.elapsed()).as_millis() as u64;
                let req = HttpRequest::get(url.clone()).timeout_ms(left.clamp(1, 2_000));
                let r = client.send(&req).await;
                let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
                st.sent += 1;
                match r {
                    Ok(resp) => {
                        *st.statuses.entry(resp.status).or_default() += 1;
                        if resp.status == 429 && st.limited.is_none() {
                            st.limited = Some(Limited {
                                nth: i + 1,
                                retry_after: resp.header("retry-after").map(str::to_string),
                                after: start.elapsed(),
                            });
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        st.failures += 1;
                        if st.failure_sample.is_none() {
                            st.failure_sample = Some(e.message);
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed();
    let mut after = Vec::new();
    if let Some(u) = &spec.after_url {
        for _ in 0..2 {
            let r = client
                .send(&HttpRequest::get(u.clone()).timeout_ms(2_000))
                .await;
            after.push(r.map(|r| r.status).map_err(|e| e.message));
        }
    }
    let st = std::mem::take(&mut *state.lock().unwrap_or_else(|p| p.into_inner()));
    Burst {
        spec: spec.clone(),
        sent: st.sent,
        statuses: st.statuses,
        failures: st.failures,
        failure_sample: st.failure_sample,
        limited: st.limited,
        elapsed,
        after,
    }
}

#[async_trait::async_trait]
impl KeyedFact for Burst {
    type Key = BurstSpec;
    async fn collect(facts: &Facts, key: &BurstSpec) -> Result<Self, FactError> {
        let client = facts.get::<HttpClient>().await?;
        Ok(run_burst(client, key).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Target::parse("https://api.example.test:8443/v1?x=1").unwrap();
        assert!(t.https);
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("api.example.test", 8443, "/v1?x=1")
        );
        assert_eq!(t.host_header(), "api.example.test:8443");
        let t = Target::parse("http://[::1]").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("::1", 80, "/"));
        assert!(Target::parse("ftp://x").is_err());
        assert_eq!(join_url("https://a/b/", "/health"), "https://a/b/health");
        assert_eq!(join_url("https://a", "health"), "https://a/health");
        assert_eq!(origin_of("https://a:1/x?y").as_deref(), Some("https://a:1"));
        assert_eq!(strip_userinfo("https://u:p@a:1/x@y"), "https://a:1/x@y");
        assert_eq!(strip_userinfo("https://a/x"), "https://a/x");
        assert_eq!(
            resolve_location("http://a:1/x", "/y").as_deref(),
            Some("http://a:1/y")
        );
    }
}
