//! In-process test targets on free loopback ports: an HTTP(S) server whose behaviour each test
//! sets, certificates made with rcgen, and hostile servers (silent, dripping, endless, garbage).

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A request as the handler sees it.
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Resp {
    pub fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.set(k, v);
        self
    }
    pub fn set(&mut self, k: &str, v: &str) {
        self.remove(k);
        self.headers.push((k.to_ascii_lowercase(), v.to_string()));
    }
    pub fn remove(&mut self, k: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(k));
    }
}

pub type Handler = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// A running server; stops when dropped.
pub struct Server {
    pub port: u16,
    rt: Option<tokio::runtime::Runtime>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
}

fn bind(rt: &tokio::runtime::Runtime) -> (tokio::net::TcpListener, u16) {
    let l = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let port = l.local_addr().expect("local addr").port();
    (l, port)
}

impl Server {
    /// Serves `handler` over HTTP/1.1, with TLS when `tls` is given.
    pub fn start(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let rt = runtime();
        let (listener, port) = bind(&rt);
        rt.spawn(async move {
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let handler = handler.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let handler = handler.clone();
                            async move {
                                let r = Req {
                                    method: req.method().to_string(),
                                    path: req
                                        .uri()
                                        .path_and_query()
                                        .map(|p| p.to_string())
                                        .unwrap_or_default(),
                                    headers: req
                                        .headers()
                                        .iter()
                                        .map(|(k, v)| {
                                            (
                                                k.to_string(),
                                                String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                            )
                                        })
                                        .collect(),
                                };
                                let _ = req.into_body().collect().await;
                                let resp = handler(&r);
                                if !resp.delay.is_zero() {
                                    tokio::time::sleep(resp.delay).await;
                                }
                                let mut b = hyper::Response::builder().status(resp.status);
                                for (k, v) in &resp.headers {
                                    b = b.header(k.as_str(), v.as_str());
                                }
                                Ok::<_, std::convert::Infallible>(
                                    b.body(Full::new(Bytes::from(resp.body))).expect("response"),
                                )
                            }
                        },
                    );
                    let builder = hyper::server::conn::http1::Builder::new();
                    match acceptor {
                        Some(a) => {
                            if let Ok(s) = a.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(s), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                        }
                    }
                });
            }
        });
        Self { port, rt: Some(rt) }
    }

    /// A hostile server.
    pub fn hostile(kind: Hostile) -> Self {
        let rt = runtime();
        let (listener, port) = bind(&rt);
        rt.spawn(async move {
            loop {
                let Ok((mut s, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(async move {
                    match kind {
                        Hostile::Silent => tokio::time::sleep(Duration::from_secs(120)).await,
                        Hostile::Drip => {
                            for b in b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
                                .iter()
                                .cycle()
                                .take(120)
                            {
                                if s.write_all(&[*b]).await.is_err() {
                                    break;
                                }
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                        }
                        Hostile::Garbage => {
                            let _ = s
                                .write_all(b"\x00\xffTHIS IS NOT TLS OR HTTP\r\n\r\n")
                                .await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                    }
                });
            }
        });
        Self { port, rt: Some(rt) }
    }

    /// A server whose every response is 200 with a body that never ends.
    pub fn endless() -> Self {
        let rt = runtime();
        let (listener, port) = bind(&rt);
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        |_req: hyper::Request<hyper::body::Incoming>| async {
                            let chunks = futures_util_stream();
                            Ok::<_, std::convert::Infallible>(
                                hyper::Response::builder()
                                    .status(200)
                                    .body(StreamBody::new(chunks))
                                    .expect("response"),
                            )
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Self { port, rt: Some(rt) }
    }
}

/// An endless stream of 64 KiB chunks (bounded only by the client).
fn futures_util_stream()
-> impl futures::Stream<Item = Result<Frame<Bytes>, std::convert::Infallible>> + Send {
    futures::stream::unfold((), |_| async {
        tokio::task::yield_now().await;
        Some((Ok(Frame::data(Bytes::from(vec![b'x'; 65536]))), ()))
    })
}

#[derive(Debug, Clone, Copy)]
pub enum Hostile {
    /// Accepts and never answers.
    Silent,
    /// Sends a response head one byte a second.
    Drip,
    /// Answers anything with bytes that are neither TLS nor HTTP.
    Garbage,
}

/// A calendar date: year, month, day.
pub type Ymd = (i32, u8, u8);

/// A private CA for the tests, and leaves signed by it.
pub struct Pki {
    ca_key: KeyPair,
    ca: rcgen::Certificate,
}

pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    pub cert_pem: String,
    pub key_pem: String,
}

impl Pki {
    pub fn new() -> Self {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name
            .push(DnType::CommonName, "golive test CA");
        let ca = p.self_signed(&ca_key).expect("CA cert");
        Self { ca_key, ca }
    }

    pub fn write_ca(&self, path: &Path) {
        std::fs::write(path, self.ca.pem()).expect("write CA");
    }

    /// A leaf for `names` (plus 127.0.0.1), valid between the two dates when given.
    pub fn leaf(&self, names: &[&str], validity: Option<(Ymd, Ymd)>, self_signed: bool) -> Leaf {
        let key = KeyPair::generate().expect("leaf key");
        let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("params");
        p.subject_alt_names
            .push(SanType::IpAddress("127.0.0.1".parse().expect("ip")));
        p.distinguished_name
            .push(DnType::CommonName, names.first().copied().unwrap_or("test"));
        if let Some(((y1, m1, d1), (y2, m2, d2))) = validity {
            p.not_before = rcgen::date_time_ymd(y1, m1, d1);
            p.not_after = rcgen::date_time_ymd(y2, m2, d2);
        }
        let cert = if self_signed {
            p.self_signed(&key).expect("self-signed leaf")
        } else {
            p.signed_by(&key, &self.ca, &self.ca_key).expect("leaf")
        };
        let mut chain = vec![cert.der().clone()];
        if !self_signed {
            chain.push(self.ca.der().clone());
        }
        Leaf {
            chain,
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A rustls server configuration for `leaf`; TLS 1.2 only when `tls12_only`.
pub fn server_tls(leaf: &Leaf, tls12_only: bool) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] = if tls12_only {
        &[&rustls::version::TLS12]
    } else {
        &[&rustls::version::TLS13, &rustls::version::TLS12]
    };
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(leaf.chain.clone(), leaf.key.clone_key())
        .expect("server cert");
    Arc::new(cfg)
}
