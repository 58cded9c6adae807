//! The load generator: N keep-alive connections in a closed loop, or a fixed arrival rate,
//! with hard caps on duration and request count and every request under a timeout. Latencies
//! go to HDR histograms; the reported percentiles are corrected for coordinated omission
//! (against the schedule at a fixed rate, with HdrHistogram's post-hoc correction in a
//! closed loop).

pub mod wire;

use crate::http::{HttpClient, Target};
use golive_core::histogram::Bucket;
use golive_core::{FactError, Facts, KeyedFact};
use hdrhistogram::Histogram;
use rustls_pki_types::ServerName;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use wire::BodyLen;

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
    /// The latency of every request in 1-2-5 millisecond buckets, from the first bucket
    /// that holds a request to the first bound above the slowest (plus +Inf): at a fixed rate
    /// from each request's scheduled start, in a closed loop from when it was sent (the
    /// coordinated-omission back-fill adds requests that were never sent, so it is left out).
    pub fn buckets(&self) -> Vec<Bucket> {
        let h = if self.spec.rate.is_some() {
            &self.corrected
        } else {
            &self.raw
        };
        let bounds_us: Vec<u64> = [1u64, 2, 5]
            .iter()
            .flat_map(|m| (0..9).map(move |e| m * 100 * 10u64.pow(e)))
            .filter(|b| *b <= HIGHEST_US)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut counts = vec![0u64; bounds_us.len() + 1];
        for v in h.iter_recorded() {
            let us = v.value_iterated_to();
            let i = bounds_us.partition_point(|b| *b < us);
            counts[i] += v.count_at_value();
        }
        let (Some(first), Some(last)) = (
            counts.iter().position(|c| *c > 0),
            counts.iter().rposition(|c| *c > 0),
        ) else {
            return Vec::new();
        };
        let mut out: Vec<Bucket> = (first..=last.min(bounds_us.len() - 1))
            .map(|i| Bucket {
                upper_ms: Some(bounds_us[i] as f64 / 1000.0),
                count: counts[i],
            })
            .collect();
        out.push(Bucket {
            upper_ms: None,
            count: counts[bounds_us.len()],
        });
        out
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

/// Most OS threads a run uses, each with its own single-threaded runtime.
const MAX_THREADS: usize = 16;
/// Read buffer of one connection; a response head must fit in it.
const READ_BUF: usize = 32 * 1024;

/// What every connection of a run shares.
struct Shared {
    spec: LoadSpec,
    addrs: Vec<SocketAddr>,
    authority: String,
    tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    /// The one request every connection sends, serialized once.
    request: Vec<u8>,
    issued: AtomicU64,
    start: Instant,
    deadline: Instant,
}

/// What the connections of one thread gathered.
struct ThreadOut {
    raw: Histogram<u64>,
    corrected: Histogram<u64>,
    responses: u64,
    failures: u64,
    /// Responses by status code (three digits, so below 1000).
    statuses: Vec<u64>,
    samples: Vec<String>,
}

fn histogram() -> Result<Histogram<u64>, String> {
    Histogram::new_with_bounds(1, HIGHEST_US, 3).map_err(|e| format!("histogram: {e}"))
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Stream {
    async fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Self::Plain(s) => s.write_all(bytes).await,
            Self::Tls(s) => {
                s.write_all(bytes).await?;
                // rustls may hold the record until flushed.
                s.flush().await
            }
        }
    }
    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Self::Plain(s) => s.read(buf).await,
            Self::Tls(s) => s.read(buf).await,
        }
    }
}

/// A kept-alive connection and the bytes read from it but not yet used.
struct Conn {
    stream: Stream,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
}

/// Why an exchange failed; `early` when the server closed a reused connection before
/// answering at all, which a keep-alive race explains and a retry on a new connection cures.
struct ExchangeError {
    message: String,
    early: bool,
}

impl Conn {
    fn pending(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads more bytes; 0 at end of stream.
    async fn fill(&mut self) -> Result<usize, String> {
        if self.end == self.buf.len() {
            if self.start == 0 {
                return Err(format!("response head over {} KiB", READ_BUF / 1024));
            }
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let n = self
            .stream
            .read(&mut self.buf[self.end..])
            .await
            .map_err(|e| format!("reading the response: {e}"))?;
        self.end += n;
        Ok(n)
    }

    /// Sends the request and reads one whole response; the status and whether the
    /// connection can carry another request.
    async fn exchange(&mut self, request: &[u8]) -> Result<(u16, bool), ExchangeError> {
        let early = |message: String| ExchangeError {
            message,
            early: true,
        };
        let late = |message: String| ExchangeError {
            message,
            early: false,
        };
        self.stream
            .send(request)
            .await
            .map_err(|e| early(format!("sending the request: {e}")))?;
        let mut got_bytes = false;
        let head = loop {
            match wire::parse_head(self.pending()).map_err(late)? {
                Some(h) => {
                    self.consume(h.len);
                    match h.status {
                        101 => return Err(late("unexpected 101 Switching Protocols".into())),
                        100..=199 => continue,
                        _ => break h,
                    }
                }
                None => match self.fill().await {
                    Ok(0) if got_bytes || self.end > 0 => {
                        return Err(late("connection closed inside the response head".into()));
                    }
                    Ok(0) => return Err(early("connection closed before a response".into())),
                    Ok(_) => got_bytes = true,
                    Err(e) if got_bytes => return Err(late(e)),
                    Err(e) => return Err(early(e)),
                },
            }
        };
        let closed = || late("connection closed inside the body".into());
        match head.body {
            BodyLen::Empty => {}
            BodyLen::Length(mut left) => loop {
                let take = left.min(self.pending().len() as u64);
                self.consume(take as usize);
                left -= take;
                if left == 0 {
                    break;
                }
                if self.fill().await.map_err(late)? == 0 {
                    return Err(closed());
                }
            },
            BodyLen::Chunked => {
                let mut c = wire::Chunked::default();
                loop {
                    let n = c.advance(self.pending()).map_err(late)?;
                    self.consume(n);
                    if c.done() {
                        break;
                    }
                    if self.fill().await.map_err(late)? == 0 {
                        return Err(closed());
                    }
                }
            }
            BodyLen::UntilClose => loop {
                let n = self.pending().len();
                self.consume(n);
                if self.fill().await.map_err(late)? == 0 {
                    break;
                }
            },
        }
        Ok((head.status, !head.close))
    }
}

async fn connect(sh: &Shared) -> Result<Conn, String> {
    let mut last = None;
    let mut tcp = None;
    for a in &sh.addrs {
        match TcpStream::connect(a).await {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let tcp = tcp.ok_or_else(|| {
        format!(
            "connect {}: {}",
            sh.authority,
            last.map(|e| e.to_string())
                .unwrap_or_else(|| "no address".into())
        )
    })?;
    let _ = tcp.set_nodelay(true);
    let stream = match &sh.tls {
        Some((cfg, name)) => Stream::Tls(Box::new(
            tokio_rustls::TlsConnector::from(cfg.clone())
                .connect(name.clone(), tcp)
                .await
                .map_err(|e| format!("TLS: {e}"))?,
        )),
        None => Stream::Plain(tcp),
    };
    Ok(Conn {
        stream,
        buf: vec![0; READ_BUF].into_boxed_slice(),
        start: 0,
        end: 0,
    })
}

/// One request on `slot`'s connection (opened when there is none); a reused connection that
/// the server closed before answering is replaced once.
async fn attempt(sh: &Shared, slot: &mut Option<Conn>) -> Result<u16, String> {
    loop {
        let reused = slot.is_some();
        let conn = match slot {
            Some(c) => c,
            None => slot.insert(connect(sh).await?),
        };
        match conn.exchange(&sh.request).await {
            Ok((status, keep)) => {
                if !keep {
                    *slot = None;
                }
                return Ok(status);
            }
            Err(e) => {
                *slot = None;
                if !(reused && e.early) {
                    return Err(e.message);
                }
            }
        }
    }
}

/// One connection's closed loop, or its share of the fixed-rate schedule.
async fn connection(sh: &Shared, out: &RefCell<ThreadOut>) {
    let spec = &sh.spec;
    let mut slot: Option<Conn> = None;
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    let mut now = Instant::now();
    loop {
        let i = sh.issued.fetch_add(1, Ordering::Relaxed);
        if i >= spec.max_requests {
            break;
        }
        let intended = match spec.rate {
            Some(r) => sh.start + Duration::from_secs_f64(i as f64 / r as f64),
            None => now,
        };
        if intended >= sh.deadline || now >= sh.deadline {
            break;
        }
        let begin = if spec.rate.is_some() {
            tokio::time::sleep_until(intended).await;
            Instant::now()
        } else {
            now
        };
        timer.as_mut().reset(begin + spec.timeout);
        let result = tokio::select! {
            biased;
            r = attempt(sh, &mut slot) => r,
            _ = &mut timer => {
                slot = None;
                Err(format!("timed out after {} ms", spec.timeout.as_millis()))
            }
        };
        now = Instant::now();
        let us = |d: Duration| (d.as_micros() as u64).clamp(1, HIGHEST_US);
        let mut o = out.borrow_mut();
        let _ = o.raw.record(us(now - begin));
        if spec.rate.is_some() {
            let _ = o.corrected.record(us(now - intended));
        }
        match result {
            Ok(status) => {
                o.responses += 1;
                if let Some(n) = o.statuses.get_mut(status as usize) {
                    *n += 1;
                }
            }
            Err(e) => {
                o.failures += 1;
                if o.samples.len() < 3 {
                    o.samples.push(e);
                }
            }
        }
    }
}

/// `connections` connections on this thread's own runtime.
fn run_thread(sh: &Shared, connections: usize) -> Result<ThreadOut, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("load runtime: {e}"))?;
    let out = RefCell::new(ThreadOut {
        raw: histogram()?,
        corrected: histogram()?,
        responses: 0,
        failures: 0,
        statuses: vec![0; 1000],
        samples: Vec::new(),
    });
    rt.block_on(futures::future::join_all(
        (0..connections).map(|_| connection(sh, &out)),
    ));
    Ok(out.into_inner())
}

/// Runs the load described by `spec` (caps applied). `tls` is required for https URLs.
///
/// Like wrk, the connections are spread over one OS thread per core, each running a
/// single-threaded runtime: no work stealing, no cross-thread wake-ups on the hot path.
pub async fn run_load(
    spec: LoadSpec,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<LoadResult, String> {
    let spec = spec.bounded();
    let target = Target::parse(&spec.url).map_err(|e| e.message)?;
    let tls = match (target.https, tls) {
        (false, _) => None,
        (true, None) => return Err("an https URL needs a TLS configuration".into()),
        (true, Some(cfg)) => {
            let name = ServerName::try_from(target.host.clone())
                .map_err(|e| format!("bad server name {:?}: {e}", target.host))?;
            Some((cfg, name))
        }
    };
    // Resolved once: a run measures the service, not the resolver.
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| format!("cannot resolve {}: {e}", target.host))?
        .collect();
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: golive-load/{}\r\nAccept: */*\r\n\r\n",
        target.path,
        target.host_header(),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(spec.connections);
    let start = Instant::now();
    let sh = Arc::new(Shared {
        addrs,
        authority: target.authority(),
        tls,
        request,
        issued: AtomicU64::new(0),
        start,
        deadline: start + spec.duration,
        spec: spec.clone(),
    });
    let mut waits = Vec::new();
    for t in 0..threads {
        let n = spec.connections / threads + usize::from(t < spec.connections % threads);
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sh = sh.clone();
        std::thread::Builder::new()
            .name(format!("golive-load-{t}"))
            .spawn(move || {
                let _ = tx.send(run_thread(&sh, n));
            })
            .map_err(|e| format!("load thread: {e}"))?;
        waits.push(rx);
    }
    let mut raw = histogram()?;
    let mut corrected = histogram()?;
    let (mut responses, mut failures) = (0, 0);
    let mut statuses = BTreeMap::new();
    let mut failure_samples = Vec::new();
    for rx in waits {
        let out = rx.await.map_err(|_| "a load thread died".to_string())??;
        raw.add(&out.raw).map_err(|e| format!("{e:?}"))?;
        corrected
            .add(&out.corrected)
            .map_err(|e| format!("{e:?}"))?;
        responses += out.responses;
        failures += out.failures;
        for (s, n) in out.statuses.iter().enumerate().filter(|(_, n)| **n > 0) {
            *statuses.entry(s as u16).or_default() += *n;
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
