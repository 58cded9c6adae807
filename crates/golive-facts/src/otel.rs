//! OpenTelemetry collector endpoints: does a TCP connection to the OTLP gRPC and HTTP ports
//! of `otel_endpoint`'s host succeed? Nothing is sent.

use golive_core::{FactError, Facts, KeyedFact};
use std::time::{Duration, Instant};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// A TCP connection attempt to (host, port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpConnect {
    pub host: String,
    pub port: u16,
    /// `Ok(milliseconds)` when accepted, `Err(reason)` when not.
    pub result: Result<u64, String>,
}

/// Host and explicit port of an endpoint such as `http://collector:4317` or `collector:4317`.
pub fn host_port(endpoint: &str) -> Result<(String, Option<u16>), String> {
    let rest = endpoint
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(endpoint);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority
        .rsplit_once('@')
        .map(|(_, a)| a)
        .unwrap_or(authority);
    if authority.is_empty() {
        return Err(format!("otel_endpoint {endpoint:?} has no host"));
    }
    if let Some(v6) = authority.strip_prefix('[') {
        let (h, p) = v6.split_once(']').ok_or("unclosed [ in otel_endpoint")?;
        let port = p
            .strip_prefix(':')
            .map(|p| p.parse::<u16>())
            .transpose()
            .map_err(|e| e.to_string())?;
        return Ok((h.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Ok((
            h.to_string(),
            Some(
                p.parse::<u16>()
                    .map_err(|_| format!("otel_endpoint port {p:?} is not a number"))?,
            ),
        )),
        None => Ok((authority.to_string(), None)),
    }
}

#[async_trait::async_trait]
impl KeyedFact for TcpConnect {
    type Key = (String, u16);

    async fn collect(_facts: &Facts, key: &(String, u16)) -> Result<Self, FactError> {
        let started = Instant::now();
        let attempt = tokio::net::TcpStream::connect((key.0.as_str(), key.1));
        let result = match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
            Ok(Ok(_)) => Ok(started.elapsed().as_millis() as u64),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {}s", CONNECT_TIMEOUT.as_secs())),
        };
        Ok(TcpConnect {
            host: key.0.clone(),
            port: key.1,
            result,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn endpoints() {
        use super::host_port;
        assert_eq!(
            host_port("http://otel:4317").unwrap(),
            ("otel".into(), Some(4317))
        );
        assert_eq!(
            host_port("otel-collector").unwrap(),
            ("otel-collector".into(), None)
        );
        assert_eq!(
            host_port("https://[::1]:4318/v1/traces").unwrap(),
            ("::1".into(), Some(4318))
        );
        assert!(host_port("http://otel:x").is_err());
    }
}
