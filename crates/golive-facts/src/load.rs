//! The load generator: N keep-alive connections in a closed loop, or a fixed arrival rate,
//! with hard caps on duration and request count and every request under a timeout. Latencies
//! go to HDR histograms; the reported percentiles are corrected for coordinated omission
//! (against the schedule at a fixed rate, with HdrHistogram's post-hoc correction in a
//! closed loop).

use crate::http::{HttpClient, Target};
use bytes::Bytes;
use golive_core::{FactError, Facts, KeyedFact};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Hard caps, whatever a caller asks for.
pub const MAX_CONNECTIONS: usize = 1024;
pub const MAX_DURATION: Duration = Duration::from_secs(600);
pub const MAX_REQUESTS: u64 = 10_000_000;
/// Highest latency the histograms track: one minute, in microseconds.
const HIGHEST_US: u64 = 60_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoadSpec {
    pub url: String,
    pub connections: usize,
    /// Requests per second across all connections; `None` for a closed loop.
    pub rate: Option<u32>,
    pub duration: Duration,
    pub max_requests: u64,
    pub timeout: Duration,
}

impl LoadSpec {
    /// The spec with every cap applied.
    pub fn bounded(mut self) -> Self {
        self.connections = self.connections.clamp(1, MAX_CONNECTIONS);
        self.duration = self.duration.min(MAX_DURATION);
        self.max_requests = self.max_requests.clamp(1, MAX_REQUESTS);
        self.timeout = self
            .timeout
            .clamp(Duration::from_millis(1), Duration::from_secs(60));
        self.rate = self.rate.filter(|r| *r > 0);
        self
    }
}

#[derive(Debug, Clone)]
pub struct LoadResult {
    pub spec: LoadSpec,
    /// Requests that completed with a response (any status).
    pub responses: u64,
    /// Transport failures and timeouts.
    pub failures: u64,
    pub statuses: BTreeMap<u16, u64>,
    /// The first few failure messages.
    pub failure_samples: Vec<String>,
    /// Service time of each request, microseconds.
    pub raw: Histogram<u64>,
    /// Latency corrected for coordinated omission, microseconds.
    pub corrected: Histogram<u64>,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn requests(&self) -> u64 {
        self.responses + self.failures
    }
    /// Failures plus 5xx responses.
    pub fn errors(&self) -> u64 {
        self.failures
            + self
                .statuses
                .iter()
                .filter(|(s, _)| **s >= 500)
                .map(|(_, n)| n)
                .sum::<u64>()
    }
    pub fn error_rate(&self) -> f64 {
        match self.requests() {
            0 => 0.0,
            n => self.errors() as f64 / n as f64,
        }
    }
    pub fn rps(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.requests() as f64 / s
        } else {
            0.0
        }
    }
    /// Corrected latency at `q` (0..=1), milliseconds.
    pub fn ms(&self, q: f64) -> f64 {
        self.corrected.value_at_quantile(q) as f64 / 1000.0
    }
    pub fn raw_ms(&self, q: f64) -> f64 {
        self.raw.value_at_quantile(q) as f64 / 1000.0
    }
    pub fn max_ms(&self) -> f64 {
        self.corrected.max() as f64 / 1000.0
    }
    /// One line: requests, rate, percentiles, errors.
    pub fn summary(&self) -> String {
        format!(
            "{} requests in {:.2} s ({:.0}/s) over {} connections: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms, errors {} ({:.2}%)",
            self.requests(),
            self.elapsed.as_secs_f64(),
            self.rps(),
            self.spec.connections,
            self.ms(0.50),
            self.ms(0.95),
            self.ms(0.99),
            self.max_ms(),
            self.errors(),
            self.error_rate() * 100.0
        )
    }
}

struct Shared {
    spec: LoadSpec,
    target: Target,
    tls: Option<Arc<rustls::ClientConfig>>,
    issued: AtomicU64,
    start: Instant,
    /// The Host header, computed once.
    host: String,
    deadline: Instant,
}

struct WorkerOut {
    raw: Histogram<u64>,
    corrected: Histogram<u64>,
    responses: u64,
    failures: u64,
    statuses: BTreeMap<u16, u64>,
    samples: Vec<String>,
}

fn histogram() -> Result<Histogram<u64>, String> {
    Histogram::new_with_bounds(1, HIGHEST_US, 3).map_err(|e| format!("histogram: {e}"))
}

type Sender = hyper::client::conn::http1::SendRequest<Empty<Bytes>>;

async fn connect(sh: &Shared) -> Result<Sender, String> {
    let t = &sh.target;
    let tcp = TcpStream::connect((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("connect {}: {e}", t.authority()))?;
    let _ = tcp.set_nodelay(true);
    macro_rules! hs {
        ($io:expr) => {{
            let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new($io))
                .await
                .map_err(|e| format!("HTTP handshake: {e}"))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            sender
        }};
    }
    match &sh.tls {
        Some(cfg) => {
            let name = rustls_pki_types::ServerName::try_from(t.host.clone())
                .map_err(|e| e.to_string())?;
            let s = tokio_rustls::TlsConnector::from(cfg.clone())
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS: {e}"))?;
            Ok(hs!(s))
        }
        None => Ok(hs!(tcp)),
    }
}

async fn one_request(sh: &Shared, sender: &mut Sender) -> Result<u16, String> {
    sender
        .ready()
        .await
        .map_err(|e| format!("connection: {e}"))?;
    let host = sh.host.as_str();
    let req = hyper::Request::builder()
        .method("GET")
        .uri(sh.target.path.as_str())
        .header("host", host)
        .header(
            "user-agent",
            concat!("golive-load/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| format!("request: {e}"))?;
    let status = resp.status().as_u16();
    let mut body = resp.into_body();
    while let Some(f) = body.frame().await {
        f.map_err(|e| format!("body: {e}"))?;
    }
    Ok(status)
}

async fn worker(sh: Arc<Shared>) -> Result<WorkerOut, String> {
    let mut out = WorkerOut {
        raw: histogram()?,
        corrected: histogram()?,
        responses: 0,
        failures: 0,
        statuses: BTreeMap::new(),
        samples: Vec::new(),
    };
    let mut sender: Option<Sender> = None;
    loop {
        let i = sh.issued.fetch_add(1, Ordering::Relaxed);
        if i >= sh.spec.max_requests {
            break;
        }
        let intended = match sh.spec.rate {
            Some(r) => sh.start + Duration::from_secs_f64(i as f64 / r as f64),
            None => Instant::now(),
        };
        if intended >= sh.deadline || Instant::now() >= sh.deadline {
            break;
        }
        if sh.spec.rate.is_some() {
            tokio::time::sleep_until(intended).await;
        }
        let begin = Instant::now();
        let attempt = async {
            // A server that closed the kept-alive connection (HTTP/1.0, `Connection: close`)
            // is not an error: open a new one.
            if let Some(s) = sender.as_mut()
                && s.ready().await.is_err()
            {
                sender = None;
            }
            if sender.is_none() {
                sender = Some(connect(&sh).await?);
            }
            match sender.as_mut() {
                Some(s) => one_request(&sh, s).await,
                None => Err("no connection".to_string()),
            }
        };
        let result = match tokio::time::timeout(sh.spec.timeout, attempt).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "timed out after {} ms",
                sh.spec.timeout.as_millis()
            )),
        };
        let done = Instant::now();
        let us = |d: Duration| (d.as_micros() as u64).clamp(1, HIGHEST_US);
        let _ = out.raw.record(us(done - begin));
        let _ = out.corrected.record(us(done - intended));
        match result {
            Ok(status) => {
                out.responses += 1;
                *out.statuses.entry(status).or_default() += 1;
            }
            Err(e) => {
                out.failures += 1;
                if out.samples.len() < 3 {
                    out.samples.push(e);
                }
                sender = None;
            }
        }
    }
    Ok(out)
}

/// Runs the load described by `spec` (caps applied). `tls` is required for https URLs.
pub async fn run_load(
    spec: LoadSpec,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<LoadResult, String> {
    let spec = spec.bounded();
    let target = Target::parse(&spec.url).map_err(|e| e.message)?;
    if target.https && tls.is_none() {
        return Err("an https URL needs a TLS configuration".into());
    }
    let start = Instant::now();
    let host = if (target.https && target.port == 443) || (!target.https && target.port == 80) {
        target.host.clone()
    } else {
        target.authority()
    };
    let sh = Arc::new(Shared {
        host,
        deadline: start + spec.duration,
        spec: spec.clone(),
        tls: if target.https { tls } else { None },
        target,
        issued: AtomicU64::new(0),
        start,
    });
    let handles: Vec<_> = (0..spec.connections)
        .map(|_| tokio::spawn(worker(sh.clone())))
        .collect();
    let mut raw = histogram()?;
    let mut corrected = histogram()?;
    let (mut responses, mut failures) = (0, 0);
    let mut statuses = BTreeMap::new();
    let mut failure_samples = Vec::new();
    for h in handles {
        let out = h.await.map_err(|e| format!("load worker: {e}"))??;
        raw.add(&out.raw).map_err(|e| format!("{e:?}"))?;
        corrected
            .add(&out.corrected)
            .map_err(|e| format!("{e:?}"))?;
        responses += out.responses;
        failures += out.failures;
        for (s, n) in out.statuses {
            *statuses.entry(s).or_default() += n;
        }
        for s in out.samples {
            if failure_samples.len() < 5 {
                failure_samples.push(s);
            }
        }
    }
    let elapsed = start.elapsed();
    if spec.rate.is_none() && !raw.is_empty() {
        // Closed loop: a stall holds back the requests that would have been sent meanwhile;
        // HdrHistogram's correction back-fills them at the mean service interval.
        let interval = (raw.mean() as u64).max(1);
        corrected = raw.clone_correct(interval);
    }
    Ok(LoadResult {
        spec,
        responses,
        failures,
        statuses,
        failure_samples,
        raw,
        corrected,
        elapsed,
    })
}

/// A latency histogram as text: one row per percentile band with a bar.
pub fn render_histogram(r: &LoadResult, width: usize) -> String {
    let qs = [0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0];
    let max = r.corrected.max().max(1) as f64;
    let mut s = String::new();
    for q in qs {
        let v = r.corrected.value_at_quantile(q) as f64;
        let bar = ((v / max) * width as f64).round() as usize;
        s.push_str(&format!(
            "  p{:<6} {:>10.2} ms |{}\n",
            format!("{}", q * 100.0),
            v / 1000.0,
            "#".repeat(bar.max(1))
        ));
    }
    s
}

/// A load run shared by every check that asks for the same spec.
#[derive(Debug, Clone)]
pub struct LoadRun(pub LoadResult);

#[async_trait::async_trait]
impl KeyedFact for LoadRun {
    type Key = LoadSpec;
    async fn collect(facts: &Facts, key: &LoadSpec) -> Result<Self, FactError> {
        let client = facts.get::<HttpClient>().await?;
        run_load(key.clone(), Some(client.tls()))
            .await
            .map(LoadRun)
            .map_err(|e| FactError::new(format!("load on {}: {e}", key.url)))
    }
}
