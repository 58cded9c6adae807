//! Redis: PING, INFO, a few `CONFIG GET`s, and a second connection without credentials to
//! learn whether the server demands authentication. Read-only; nothing is written.
//!
//! `CONFIG` is often renamed or disabled on managed Redis; each `CONFIG GET` result is kept
//! with its error so checks can fall back to `INFO` and say so.

use crate::infra_tls::{self, clean};
use golive_core::{Fact, FactError, Facts, Input};
use std::collections::BTreeMap;
use std::time::Duration;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The `CONFIG GET` parameters golive reads. `requirepass` is deliberately not among them.
pub const CONFIG_KEYS: &[&str] = &["appendonly", "maxmemory", "maxmemory-policy"];

/// Whether an unauthenticated client is turned away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthProbe {
    /// An unauthenticated PING was refused; the reply, e.g. `NOAUTH Authentication required.`
    Refused(String),
    /// An unauthenticated PING was answered.
    Open,
    /// The probe could not decide (connection failed for another reason).
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct RedisFacts {
    /// The URL, password masked.
    pub target: String,
    pub tls: bool,
    pub ping: String,
    /// `INFO` fields (all default sections), `Err` when INFO itself failed.
    pub info: Result<BTreeMap<String, String>, String>,
    /// `CONFIG GET key` per key: `Ok(None)` when the server knows no such parameter.
    pub config: BTreeMap<&'static str, Result<Option<String>, String>>,
    pub auth: AuthProbe,
    /// Whether golive's own URL carried credentials.
    pub url_has_credentials: bool,
}

impl RedisFacts {
    pub fn info(&self, key: &str) -> Option<&str> {
        self.info.as_ref().ok()?.get(key).map(String::as_str)
    }

    /// `CONFIG GET key`: the value, or why it is not known.
    pub fn config(&self, key: &str) -> Result<Option<&str>, String> {
        match self.config.get(key) {
            Some(Ok(v)) => Ok(v.as_deref()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(format!("CONFIG GET {key} was not asked")),
        }
    }
}

/// Parses an `INFO` reply into fields (section headers and blank lines are skipped).
pub fn parse_info(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[async_trait::async_trait]
impl Fact for RedisFacts {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let Some(url) = env.input(Input::RedisUrl) else {
            return Err(FactError::new("redis_url is not set"));
        };
        let ca = infra_tls::ca_file_path(env);
        collect_redis(url, ca.as_deref()).await
    }
}

fn client_for(url: &str, ca_file: Option<&std::path::Path>) -> Result<redis::Client, String> {
    let tls = url.starts_with("rediss://");
    match ca_file {
        Some(p) if tls => {
            let pem = std::fs::read(p).map_err(|e| format!("ca_file {}: {e}", p.display()))?;
            redis::Client::build_with_tls(
                url,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem),
                },
            )
            .map_err(clean)
        }
        _ => redis::Client::open(url).map_err(clean),
    }
}

async fn connect(client: &redis::Client) -> Result<redis::aio::MultiplexedConnection, String> {
    let cfg = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT));
    match tokio::time::timeout(
        CONNECT_TIMEOUT + RESPONSE_TIMEOUT,
        client.get_multiplexed_async_connection_with_config(&cfg),
    )
    .await
    {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(clean(e)),
        Err(_) => Err(format!(
            "no answer within {}s",
            (CONNECT_TIMEOUT + RESPONSE_TIMEOUT).as_secs()
        )),
    }
}

async fn query<T: redis::FromRedisValue>(
    con: &mut redis::aio::MultiplexedConnection,
    cmd: &redis::Cmd,
) -> Result<T, String> {
    match tokio::time::timeout(RESPONSE_TIMEOUT, cmd.query_async::<T>(con)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(clean(e)),
        Err(_) => Err(format!("no reply within {}s", RESPONSE_TIMEOUT.as_secs())),
    }
}

/// The same URL without username and password.
fn without_credentials(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let at = authority.rfind('@')?;
    Some(format!(
        "{scheme}://{}{}",
        &authority[at + 1..],
        &rest[end..]
    ))
}

pub async fn collect_redis(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<RedisFacts, FactError> {
    infra_tls::ensure_default_provider();
    let target = golive_core::redact::mask_url_password(url).unwrap_or_else(|| url.to_string());
    if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
        return Err(FactError::new(format!(
            "redis_url {target} must start with redis:// or rediss://"
        )));
    }
    let tls = url.starts_with("rediss://");
    let client =
        client_for(url, ca_file).map_err(|e| FactError::new(format!("redis_url {target}: {e}")))?;
    let mut con = connect(&client)
        .await
        .map_err(|e| FactError::new(format!("cannot connect to {target}: {e}")))?;
    let ping: String = query(&mut con, &redis::cmd("PING"))
        .await
        .map_err(|e| FactError::new(format!("PING to {target} failed: {e}")))?;

    let info = query::<String>(&mut con, &redis::cmd("INFO"))
        .await
        .map(|t| parse_info(&t));
    let mut config = BTreeMap::new();
    for key in CONFIG_KEYS {
        let r = query::<redis::Value>(&mut con, redis::cmd("CONFIG").arg("GET").arg(*key))
            .await
            .and_then(|v| config_value(&v, key));
        config.insert(*key, r);
    }

    let stripped = without_credentials(url);
    let url_has_credentials = stripped.is_some();
    let auth = match &stripped {
        // golive itself connected without credentials and was answered.
        None => AuthProbe::Open,
        Some(anon) => probe_anonymous(anon, ca_file).await,
    };
    Ok(RedisFacts {
        target,
        tls,
        ping,
        info,
        config,
        auth,
        url_has_credentials,
    })
}

async fn probe_anonymous(url: &str, ca_file: Option<&std::path::Path>) -> AuthProbe {
    let client = match client_for(url, ca_file) {
        Ok(c) => c,
        Err(e) => return AuthProbe::Unknown(e),
    };
    let mut con = match connect(&client).await {
        Ok(c) => c,
        Err(e) if is_auth_refusal(&e) => return AuthProbe::Refused(e),
        Err(e) => return AuthProbe::Unknown(e),
    };
    match query::<String>(&mut con, &redis::cmd("PING")).await {
        Ok(_) => AuthProbe::Open,
        Err(e) if is_auth_refusal(&e) => AuthProbe::Refused(e),
        Err(e) => AuthProbe::Unknown(e),
    }
}

fn is_auth_refusal(e: &str) -> bool {
    let u = e.to_ascii_uppercase();
    u.contains("NOAUTH") || u.contains("AUTHENTICATION REQUIRED") || u.contains("NOPERM")
}

/// `CONFIG GET key` replies `[key, value]` (RESP2) or a map (RESP3); empty when unknown.
fn config_value(v: &redis::Value, key: &str) -> Result<Option<String>, String> {
    use redis::Value;
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Value::SimpleString(s) => Some(s.clone()),
            Value::VerbatimString { text, .. } => Some(text.clone()),
            Value::Int(i) => Some(i.to_string()),
            _ => None,
        }
    };
    match v {
        Value::Array(items) => {
            let mut it = items.iter();
            while let (Some(k), Some(val)) = (it.next(), it.next()) {
                if text(k).is_some_and(|k| k.eq_ignore_ascii_case(key)) {
                    return Ok(text(val));
                }
            }
            Ok(None)
        }
        Value::Map(pairs) => Ok(pairs
            .iter()
            .find(|(k, _)| text(k).is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .and_then(|(_, v)| text(v))),
        other => Err(format!("unexpected CONFIG GET reply {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_and_urls() {
        let i = parse_info(
            "# Server\r\nredis_version:7.0.15\r\n\r\n# Persistence\r\naof_enabled:1\r\n",
        );
        assert_eq!(i["redis_version"], "7.0.15");
        assert_eq!(i["aof_enabled"], "1");
        assert_eq!(
            without_credentials("redis://:pw@h:6379/0").as_deref(),
            Some("redis://h:6379/0")
        );
        assert_eq!(
            without_credentials("rediss://u:p@w@h:1").as_deref(),
            Some("rediss://h:1")
        );
        assert_eq!(without_credentials("redis://h:6379"), None);
    }
}
