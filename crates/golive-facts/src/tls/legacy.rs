//! TLS 1.0 and 1.1: rustls cannot speak them, so a hand-built ClientHello offering only the
//! legacy version is sent and the first answer read. A ServerHello with that version means the
//! server accepts it; an alert or a closed connection means it refuses.

use super::probe::TlsTarget;
use golive_core::{FactError, Facts, KeyedFact};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacyVersion {
    Tls10,
    Tls11,
}

impl LegacyVersion {
    pub fn wire(self) -> [u8; 2] {
        match self {
            Self::Tls10 => [3, 1],
            Self::Tls11 => [3, 2],
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Tls10 => "TLSv1.0",
            Self::Tls11 => "TLSv1.1",
        }
    }
    /// The openssl flag that reproduces the probe.
    pub fn openssl_flag(self) -> &'static str {
        match self {
            Self::Tls10 => "-tls1",
            Self::Tls11 => "-tls1_1",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyVerdict {
    /// The server answered with a ServerHello of the offered version (and this suite).
    Accepted { cipher: u16 },
    /// An alert, a lower version, or a closed connection.
    Refused { reason: String },
}

#[derive(Debug, Clone)]
pub struct LegacyProbe {
    pub target: TlsTarget,
    pub version: LegacyVersion,
    pub verdict: LegacyVerdict,
}

pub const LEGACY_TIMEOUT: Duration = Duration::from_secs(4);

#[async_trait::async_trait]
impl KeyedFact for LegacyProbe {
    type Key = (TlsTarget, LegacyVersion);
    async fn collect(_: &Facts, key: &Self::Key) -> Result<Self, FactError> {
        let verdict = probe_legacy(&key.0, key.1).await?;
        Ok(Self {
            target: key.0.clone(),
            version: key.1,
            verdict,
        })
    }
}

/// Classic CBC and RC4-free suites a TLS 1.0/1.1 server would pick from.
const SUITES: &[u16] = &[
    0xc014, 0xc013, 0xc00a, 0xc009, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a, 0xc012, 0x0016,
];

pub fn client_hello(host: &str, version: LegacyVersion) -> Vec<u8> {
    let v = version.wire();
    let mut body = Vec::with_capacity(256);
    body.extend_from_slice(&v);
    // Random: not a secret here; the handshake is never completed.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for i in 0..32u32 {
        body.push(((seed >> ((i % 16) * 8)) as u8) ^ (i as u8).wrapping_mul(37));
    }
    body.push(0); // session id
    body.extend_from_slice(&((SUITES.len() * 2) as u16).to_be_bytes());
    for s in SUITES {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut ext = Vec::new();
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() && host.len() < 256 {
        let name = host.as_bytes();
        ext.extend_from_slice(&[0, 0]);
        ext.extend_from_slice(&((name.len() + 5) as u16).to_be_bytes());
        ext.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
        ext.push(0);
        ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
        ext.extend_from_slice(name);
    }
    // supported_groups: secp256r1, secp384r1, x25519
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x17, 0x00, 0x18, 0x00, 0x1d,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // renegotiation_info: empty
    ext.extend_from_slice(&[0xff, 0x01, 0x00, 0x01, 0x00]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);

    let mut hs = vec![1u8];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 3, 1];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

/// Reads the server's first record and classifies it.
pub fn classify(first: &[u8], version: LegacyVersion) -> Result<LegacyVerdict, String> {
    if first.is_empty() {
        return Ok(LegacyVerdict::Refused {
            reason: "the server closed the connection".into(),
        });
    }
    if first.len() < 5 {
        return Err(format!("not a TLS answer ({} bytes)", first.len()));
    }
    let payload = &first[5..];
    match first[0] {
        0x15 => {
            let desc = payload.get(1).copied().unwrap_or(0);
            let name = match desc {
                40 => "handshake_failure",
                47 => "illegal_parameter",
                70 => "protocol_version",
                71 => "insufficient_security",
                80 => "internal_error",
                112 => "unrecognized_name",
                _ => "alert",
            };
            Ok(LegacyVerdict::Refused {
                reason: format!("alert {desc} ({name})"),
            })
        }
        0x16 => {
            if payload.first() != Some(&2) || payload.len() < 6 {
                return Err("a handshake record that is not a ServerHello".into());
            }
            let server_version = [payload[4], payload[5]];
            if server_version != version.wire() {
                return Ok(LegacyVerdict::Refused {
                    reason: format!(
                        "answered with version {}.{}",
                        server_version[0], server_version[1]
                    ),
                });
            }
            // version(2) random(32) session id (1 + n) cipher(2)
            let sid_len = payload.get(4 + 34).copied().unwrap_or(0) as usize;
            let at = 4 + 35 + sid_len;
            let cipher = match (payload.get(at), payload.get(at + 1)) {
                (Some(a), Some(b)) => u16::from_be_bytes([*a, *b]),
                _ => 0,
            };
            Ok(LegacyVerdict::Accepted { cipher })
        }
        other => Err(format!("not a TLS answer (first byte 0x{other:02x})")),
    }
}

pub async fn probe_legacy(
    target: &TlsTarget,
    version: LegacyVersion,
) -> Result<LegacyVerdict, FactError> {
    let run = async {
        let mut tcp = TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", target.authority()))?;
        tcp.write_all(&client_hello(&target.host, version))
            .await
            .map_err(|e| format!("sending the ClientHello: {e}"))?;
        // Read one record header and, for a handshake, enough of the ServerHello.
        let mut buf = vec![0u8; 5];
        let mut got = 0;
        while got < 5 {
            match tcp.read(&mut buf[got..]).await {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => return Err(format!("reading the answer: {e}")),
            }
        }
        buf.truncate(got);
        if got == 5 && (buf[0] == 0x15 || buf[0] == 0x16) {
            let len = (u16::from_be_bytes([buf[3], buf[4]]) as usize).min(96);
            let mut rest = vec![0u8; len];
            let mut have = 0;
            while have < len {
                match tcp.read(&mut rest[have..]).await {
                    Ok(0) => break,
                    Ok(n) => have += n,
                    Err(_) => break,
                }
            }
            buf.extend_from_slice(&rest[..have]);
        }
        classify(&buf, version)
    };
    match tokio::time::timeout(LEGACY_TIMEOUT, run).await {
        Ok(r) => r.map_err(|e| {
            FactError::new(format!(
                "{} probe of {}: {e}",
                version.name(),
                target.authority()
            ))
        }),
        Err(_) => Err(FactError::new(format!(
            "{} probe of {}: no answer within {} s",
            version.name(),
            target.authority(),
            LEGACY_TIMEOUT.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_well_formed() {
        let h = client_hello("example.test", LegacyVersion::Tls11);
        assert_eq!(&h[..3], &[0x16, 3, 1]);
        assert_eq!(u16::from_be_bytes([h[3], h[4]]) as usize, h.len() - 5);
        assert_eq!(h[5], 1);
        assert_eq!(&h[9..11], &[3, 2]);
    }

    #[test]
    fn answers() {
        assert!(matches!(
            classify(&[], LegacyVersion::Tls10),
            Ok(LegacyVerdict::Refused { .. })
        ));
        assert!(matches!(
            classify(&[0x15, 3, 1, 0, 2, 2, 70], LegacyVersion::Tls10),
            Ok(LegacyVerdict::Refused { .. })
        ));
        let mut sh = vec![0x16, 3, 1, 0, 60, 2, 0, 0, 56, 3, 1];
        sh.extend_from_slice(&[0u8; 32]);
        sh.push(0);
        sh.extend_from_slice(&[0xc0, 0x14, 0]);
        assert_eq!(
            classify(&sh, LegacyVersion::Tls10),
            Ok(LegacyVerdict::Accepted { cipher: 0xc014 })
        );
        assert!(classify(b"HTTP/1.1 400", LegacyVersion::Tls10).is_err());
    }
}
