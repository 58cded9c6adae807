//! One TLS handshake per target, with the presented chain parsed and verified separately
//! (against the system store plus `ca_file`), so an invalid certificate is still reported.

use super::roots::{TrustStore, inspect_config, webpki_verifier};
use golive_core::{FactError, Facts, KeyedFact};
use rustls::client::danger::ServerCertVerifier;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use x509_parser::prelude::*;

/// Where to handshake: host, port, and the name to send as SNI and verify.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TlsTarget {
    pub host: String,
    pub port: u16,
}

impl TlsTarget {
    /// The target of an `https://` URL; `None` for any other scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        let t = crate::http::Target::parse(url).ok()?;
        t.https.then_some(Self {
            host: t.host,
            port: t.port,
        })
    }
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
    /// The openssl command that shows the same handshake.
    pub fn openssl(&self) -> String {
        format!(
            "openssl s_client -connect {} -servername {} </dev/null",
            self.authority(),
            self.host
        )
    }
}

/// What a certificate says, as far as the checks care.
#[derive(Debug, Clone, PartialEq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: i64,
    pub not_after: i64,
    pub dns_names: Vec<String>,
    pub ip_names: Vec<String>,
    /// `RSA`, `EC`, `Ed25519`, `DSA` or `unknown`.
    pub key_type: String,
    pub key_bits: usize,
    pub signature_algorithm: String,
    pub self_signed: bool,
}

impl CertInfo {
    pub fn parse(der: &[u8]) -> Result<Self, String> {
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|e| format!("unparsable certificate: {e}"))?;
        let mut dns_names = Vec::new();
        let mut ip_names = Vec::new();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for n in &san.value.general_names {
                match n {
                    GeneralName::DNSName(d) => dns_names.push(d.to_string()),
                    GeneralName::IPAddress(b) => {
                        if let Ok(a) = <[u8; 4]>::try_from(*b) {
                            ip_names.push(std::net::Ipv4Addr::from(a).to_string());
                        } else if let Ok(a) = <[u8; 16]>::try_from(*b) {
                            ip_names.push(std::net::Ipv6Addr::from(a).to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        let spki = cert.public_key();
        let (key_type, key_bits) = match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(k)) => ("RSA", k.key_size()),
            Ok(x509_parser::public_key::PublicKey::EC(k)) => ("EC", k.key_size()),
            Ok(x509_parser::public_key::PublicKey::DSA(k)) => ("DSA", k.len() * 8),
            _ => {
                let oid = spki.algorithm.algorithm.to_id_string();
                match oid.as_str() {
                    "1.3.101.112" => ("Ed25519", 256),
                    "1.3.101.113" => ("Ed448", 456),
                    _ => ("unknown", 0),
                }
            }
        };
        let sig = cert.signature_algorithm.algorithm.to_id_string();
        let signature_algorithm = match sig.as_str() {
            "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption".to_string(),
            "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption".to_string(),
            "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption".to_string(),
            "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256".to_string(),
            "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384".to_string(),
            "1.3.101.112" => "Ed25519".to_string(),
            other => other.to_string(),
        };
        Ok(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            dns_names,
            ip_names,
            key_type: key_type.to_string(),
            key_bits,
            signature_algorithm,
            self_signed: cert.subject() == cert.issuer(),
        })
    }

    /// Whether `host` (a DNS name or an IP address) is covered by the SAN (RFC 6125: one
    /// left-most wildcard label, never matching an IP address).
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.parse::<std::net::IpAddr>().is_ok() {
            return self.ip_names.iter().any(|i| i == &host);
        }
        self.dns_names.iter().any(|n| {
            let n = n.trim_end_matches('.').to_ascii_lowercase();
            match n.strip_prefix("*.") {
                Some(suffix) => host
                    .split_once('.')
                    .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
                None => n == host,
            }
        })
    }

    /// Days from `now` (unix seconds) to expiry; negative once expired.
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }
}

/// What one handshake showed.
#[derive(Debug, Clone)]
pub struct TlsProbe {
    pub target: TlsTarget,
    /// `TLSv1.3` or `TLSv1.2`.
    pub version: String,
    pub cipher: String,
    pub handshake: Duration,
    /// Leaf first, as presented.
    pub chain: Vec<CertInfo>,
    /// Verification as a browser would do it now: `None` when valid.
    pub verify_error: Option<String>,
    /// Verification of the chain alone (with a time inside the leaf's validity and a name the
    /// leaf covers): `None` when the chain leads to a trusted root.
    pub chain_error: Option<String>,
    /// The server's handshake signature did not verify (a key too weak for the provider).
    pub signature_error: Option<String>,
    pub roots_note: String,
    /// Unix seconds at the time of the probe.
    pub now: i64,
}

pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[async_trait::async_trait]
impl KeyedFact for TlsProbe {
    type Key = TlsTarget;
    async fn collect(facts: &Facts, key: &TlsTarget) -> Result<Self, FactError> {
        let roots = facts.get::<TrustStore>().await?;
        probe(key, roots.store.clone(), roots.note.clone()).await
    }
}

/// Handshakes with `target` and inspects what it presents.
pub async fn probe(
    target: &TlsTarget,
    store: rustls::RootCertStore,
    roots_note: String,
) -> Result<TlsProbe, FactError> {
    let (config, inspector) = inspect_config()?;
    let name = ServerName::try_from(target.host.clone())
        .map_err(|e| FactError::new(format!("{}: not a valid server name: {e}", target.host)))?;
    let start = Instant::now();
    let hs = async {
        let tcp = TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|e| {
                FactError::new(format!("cannot connect to {}: {e}", target.authority()))
            })?;
        tokio_rustls::TlsConnector::from(config)
            .connect(name.clone(), tcp)
            .await
            .map_err(|e| {
                FactError::new(format!(
                    "no TLS 1.2 or 1.3 handshake with {}: {e}",
                    target.authority()
                ))
            })
    };
    let stream = tokio::time::timeout(PROBE_TIMEOUT, hs)
        .await
        .map_err(|_| {
            FactError::new(format!(
                "TLS handshake with {} did not finish within {} s",
                target.authority(),
                PROBE_TIMEOUT.as_secs()
            ))
        })??;
    let handshake = start.elapsed();
    let (_, conn) = stream.get_ref();
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
        Some(v) => format!("{v:?}"),
        None => "unknown".to_string(),
    };
    let cipher = conn
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()))
        .unwrap_or_else(|| "unknown".into());
    let certs: Vec<CertificateDer<'static>> = conn
        .peer_certificates()
        .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default();
    if certs.is_empty() {
        return Err(FactError::new(format!(
            "{} presented no certificate",
            target.authority()
        )));
    }
    let chain = certs
        .iter()
        .map(|c| CertInfo::parse(c.as_ref()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(FactError::new)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let verifier = webpki_verifier(store)?;
    let verify = |name: &ServerName<'_>, at: i64| {
        verifier
            .verify_server_cert(
                &certs[0],
                &certs[1..],
                name,
                &[],
                UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64)),
            )
            .err()
            .map(|e| e.to_string())
    };
    let signature_error = inspector
        .signature_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let verify_error = verify(&name, now).or_else(|| {
        signature_error
            .clone()
            .map(|e| format!("handshake signature: {e}"))
    });
    let chain_error = match &verify_error {
        None => None,
        Some(_) => {
            let leaf = &chain[0];
            let at = now.clamp(
                leaf.not_before + 1,
                (leaf.not_after - 1).max(leaf.not_before + 1),
            );
            let covered = leaf
                .dns_names
                .iter()
                .map(|d| d.replacen("*.", "golive-probe.", 1))
                .chain(leaf.ip_names.iter().cloned())
                .find_map(|n| ServerName::try_from(n).ok());
            verify(covered.as_ref().unwrap_or(&name), at).or_else(|| {
                signature_error
                    .clone()
                    .map(|e| format!("handshake signature does not verify: {e}"))
            })
        }
    };
    Ok(TlsProbe {
        target: target.clone(),
        version,
        cipher,
        handshake,
        chain,
        verify_error,
        chain_error,
        signature_error,
        roots_note,
        now,
    })
}
