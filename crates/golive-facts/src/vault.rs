//! Vault / OpenBao through the HTTP API (`/v1/...`), with the token of `VAULT_TOKEN` (and
//! `VAULT_NAMESPACE` when set). Read-only, and metadata only: golive reads KV v2
//! `metadata/` endpoints, never `data/`, and keeps nothing of `lookup-self` but policies,
//! TTL and display name (the response also contains the token itself).

use crate::infra_http::{ApiClient, join};
use crate::infra_tls::clean;
use golive_core::{Fact, FactError, Facts, Input, KeyedFact};
use serde_json::Value;

/// `GET /v1/sys/health` (no token needed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultHealth {
    pub status: u16,
    pub initialized: bool,
    pub sealed: bool,
    pub standby: bool,
    pub performance_standby: bool,
    pub version: String,
}

/// What `lookup-self` says about the token in use (not the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultTokenInfo {
    pub display_name: String,
    pub policies: Vec<String>,
    /// Remaining seconds; 0 means the token never expires.
    pub ttl: i64,
    pub renewable: bool,
}

#[derive(Debug, Clone)]
pub struct VaultFacts {
    pub target: String,
    pub health: VaultHealth,
    /// `Err` when VAULT_TOKEN is not set or the lookup failed.
    pub token: Result<VaultTokenInfo, String>,
    /// Audit device paths and types (`file/` -> `file`).
    pub audit: Result<Vec<(String, String)>, String>,
}

/// A secrets engine mount: its type and KV version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultMount {
    pub path: String,
    /// `None` when nothing is mounted there.
    pub kind: Option<String>,
    pub version: Option<String>,
    pub source: String,
}

/// KV v2 metadata of one secret path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultSecretMeta {
    pub path: String,
    pub exists: bool,
    pub current_version: Option<i64>,
    /// The current version is soft-deleted or destroyed.
    pub current_deleted: bool,
}

/// The HTTP client, base URL and token for Vault requests.
pub struct VaultApi {
    client: ApiClient,
    base: String,
    token: Option<String>,
    namespace: Option<String>,
}

impl VaultApi {
    pub async fn from_facts(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let Some(base) = env.input(Input::VaultUrl) else {
            return Err(FactError::new("vault_url is not set"));
        };
        Ok(Self {
            client: ApiClient::for_run(facts).await?,
            base: base.to_string(),
            token: std::env::var("VAULT_TOKEN")
                .ok()
                .filter(|t| !t.trim().is_empty()),
            namespace: std::env::var("VAULT_NAMESPACE")
                .ok()
                .filter(|t| !t.is_empty()),
        })
    }

    pub fn target(&self) -> String {
        clean(&self.base)
    }

    /// GET `/v1/<path>`: status and JSON body (null when the body is not JSON).
    pub async fn get(&self, path: &str, with_token: bool) -> Result<(u16, Value), String> {
        let mut req = self.client.get(&join(&self.base, &format!("v1/{path}")));
        if with_token {
            let Some(t) = &self.token else {
                return Err("VAULT_TOKEN is not set".into());
            };
            req = req.header("X-Vault-Token", t);
        }
        if let Some(ns) = &self.namespace {
            req = req.header("X-Vault-Namespace", ns);
        }
        let r = self.client.send(req).await?;
        Ok((r.status, r.json().unwrap_or(Value::Null)))
    }

    /// Like [`get`], but a non-2xx answer is an error quoting Vault's `errors`.
    pub async fn get_ok(&self, path: &str) -> Result<Value, String> {
        let (status, body) = self.get(path, true).await?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(format!("GET /v1/{path} -> HTTP {status}{}", errors(&body)))
        }
    }
}

fn errors(body: &Value) -> String {
    let list: Vec<&str> = body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str())
        .collect();
    if list.is_empty() {
        String::new()
    } else {
        format!(": {}", clean(list.join("; ")))
    }
}

/// The object Vault wraps in `data` (newer servers) or returns at top level (older ones).
fn payload(v: &Value) -> &Value {
    match v.get("data") {
        Some(d) if d.is_object() => d,
        _ => v,
    }
}

pub fn parse_health(status: u16, v: &Value) -> Result<VaultHealth, String> {
    let b = |k: &str| v[k].as_bool();
    Ok(VaultHealth {
        status,
        initialized: b("initialized").ok_or("sys/health: no `initialized` field")?,
        sealed: b("sealed").ok_or("sys/health: no `sealed` field")?,
        standby: b("standby").unwrap_or(false),
        performance_standby: b("performance_standby").unwrap_or(false),
        version: v["version"].as_str().unwrap_or_default().to_string(),
    })
}

pub fn parse_token(v: &Value) -> VaultTokenInfo {
    let d = &v["data"];
    let mut policies: Vec<String> = d["policies"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(d["identity_policies"].as_array().into_iter().flatten())
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect();
    policies.dedup();
    VaultTokenInfo {
        display_name: d["display_name"].as_str().unwrap_or_default().to_string(),
        policies,
        ttl: d["ttl"].as_i64().unwrap_or(0),
        renewable: d["renewable"].as_bool().unwrap_or(false),
    }
}

pub fn parse_audit(v: &Value) -> Vec<(String, String)> {
    let d = payload(v);
    d.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, val)| k.ends_with('/') && val.is_object())
        .map(|(k, val)| (k.clone(), val["type"].as_str().unwrap_or("?").to_string()))
        .collect()
}

#[async_trait::async_trait]
impl Fact for VaultFacts {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let api = VaultApi::from_facts(facts).await?;
        let target = api.target();
        let (status, body) = api
            .get("sys/health", false)
            .await
            .map_err(|e| FactError::new(format!("cannot reach Vault at {target}: {e}")))?;
        let health = parse_health(status, &body).map_err(|e| {
            FactError::new(format!(
                "Vault at {target} (HTTP {status}) is not a Vault API: {e}"
            ))
        })?;
        let (token, audit) = tokio::join!(
            api.get_ok("auth/token/lookup-self"),
            api.get_ok("sys/audit")
        );
        Ok(VaultFacts {
            target,
            health,
            token: token.map(|v| parse_token(&v)),
            audit: audit.map(|v| parse_audit(&v)),
        })
    }
}

#[async_trait::async_trait]
impl KeyedFact for VaultMount {
    /// The mount path, without slashes (`secret`).
    type Key = String;

    async fn collect(facts: &Facts, mount: &String) -> Result<Self, FactError> {
        let api = VaultApi::from_facts(facts).await?;
        let m = mount.trim_matches('/');
        let parse = |v: &Value, source: &str| {
            let d = payload(v);
            VaultMount {
                path: m.to_string(),
                kind: d["type"].as_str().map(str::to_string),
                version: d["options"]["version"].as_str().map(str::to_string),
                source: source.to_string(),
            }
        };
        // sys/mounts/<m> needs read on sys/mounts; the UI endpoint works for any token with
        // access below the mount.
        match api.get(&format!("sys/mounts/{m}"), true).await {
            Ok((200, v)) => return Ok(parse(&v, &format!("GET /v1/sys/mounts/{m}"))),
            Ok((400 | 404, _)) => {
                return Ok(VaultMount {
                    path: m.to_string(),
                    kind: None,
                    version: None,
                    source: format!("GET /v1/sys/mounts/{m} -> not mounted"),
                });
            }
            Err(e) => return Err(FactError::new(e)),
            Ok(_) => {}
        }
        let (status, v) = api
            .get(&format!("sys/internal/ui/mounts/{m}"), true)
            .await
            .map_err(FactError::new)?;
        match status {
            200 => Ok(parse(&v, &format!("GET /v1/sys/internal/ui/mounts/{m}"))),
            s => Err(FactError::new(format!(
                "the token can read neither sys/mounts/{m} nor sys/internal/ui/mounts/{m} (HTTP {s}{})",
                errors(&v)
            ))),
        }
    }
}

#[async_trait::async_trait]
impl KeyedFact for VaultSecretMeta {
    /// (mount, secret path)
    type Key = (String, String);

    async fn collect(facts: &Facts, key: &(String, String)) -> Result<Self, FactError> {
        let api = VaultApi::from_facts(facts).await?;
        let (mount, path) = (key.0.trim_matches('/'), key.1.trim_matches('/'));
        let (status, v) = api
            .get(&format!("{mount}/metadata/{path}"), true)
            .await
            .map_err(FactError::new)?;
        match status {
            200 => {
                let d = &v["data"];
                let current = d["current_version"].as_i64();
                let deleted = current
                    .map(|c| {
                        let ver = &d["versions"][c.to_string()];
                        ver["destroyed"].as_bool().unwrap_or(false)
                            || ver["deletion_time"].as_str().is_some_and(|t| !t.is_empty())
                    })
                    .unwrap_or(false);
                Ok(VaultSecretMeta {
                    path: path.to_string(),
                    exists: true,
                    current_version: current,
                    current_deleted: deleted,
                })
            }
            404 => Ok(VaultSecretMeta {
                path: path.to_string(),
                exists: false,
                current_version: None,
                current_deleted: false,
            }),
            s => Err(FactError::new(format!(
                "GET /v1/{mount}/metadata/{path} -> HTTP {s}{}",
                errors(&v)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documented_responses() {
        let h: Value = serde_json::from_str(r#"{"initialized":true,"sealed":false,"standby":false,"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":1516639589,"version":"1.16.1","cluster_name":"vault-cluster","cluster_id":"x"}"#).unwrap();
        let h = parse_health(200, &h).unwrap();
        assert!(h.initialized && !h.sealed && !h.standby);
        let t: Value = serde_json::from_str(r#"{"data":{"accessor":"a","creation_ttl":2764800,"display_name":"token-app","id":"hvs.SECRETTOKEN","policies":["app","default"],"renewable":true,"ttl":2764790}}"#).unwrap();
        let t = parse_token(&t);
        assert_eq!(t.policies, vec!["app", "default"]);
        assert_eq!(t.ttl, 2764790);
        assert!(!format!("{t:?}").contains("SECRETTOKEN"));
        let a: Value = serde_json::from_str(r#"{"file/":{"type":"file","description":"","options":{"file_path":"/var/log/vault.log"}},"request_id":"r","data":{"file/":{"type":"file"}}}"#).unwrap();
        assert_eq!(
            parse_audit(&a),
            vec![("file/".to_string(), "file".to_string())]
        );
    }
}
