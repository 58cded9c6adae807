//! Prometheus and Alertmanager through their HTTP APIs: scrape targets, rule groups, connected
//! Alertmanagers, configured receivers, and (only with `--send-test-alert`) a test alert.

use crate::infra_http::{ApiClient, join};
use crate::infra_tls::clean;
use golive_core::{Fact, FactError, Facts, Input};
use serde_json::Value;
use std::time::Duration;

/// One scrape target of `/api/v1/targets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromTarget {
    pub job: String,
    pub instance: String,
    pub health: String,
    pub last_error: String,
}

/// One rule of `/api/v1/rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromRule {
    pub group: String,
    pub file: String,
    pub name: String,
    pub kind: String,
    pub query: String,
    pub health: String,
    pub last_error: String,
}

#[derive(Debug, Clone)]
pub struct PromFacts {
    pub target: String,
    pub targets: Result<Vec<PromTarget>, String>,
    /// Group names, and every rule.
    pub groups: Result<(Vec<String>, Vec<PromRule>), String>,
    pub alertmanagers: Result<Vec<String>, String>,
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn data<'a>(v: &'a Value, what: &str) -> Result<&'a Value, String> {
    if v["status"] != "success" {
        return Err(format!("{what}: status {} {}", v["status"], s(&v["error"])));
    }
    Ok(&v["data"])
}

pub fn parse_targets(v: &Value) -> Result<Vec<PromTarget>, String> {
    let d = data(v, "/api/v1/targets")?;
    let list = d["activeTargets"]
        .as_array()
        .ok_or("/api/v1/targets: no activeTargets")?;
    Ok(list
        .iter()
        .map(|t| PromTarget {
            job: s(&t["labels"]["job"]),
            instance: s(&t["labels"]["instance"]),
            health: s(&t["health"]),
            last_error: s(&t["lastError"]),
        })
        .collect())
}

pub fn parse_rules(v: &Value) -> Result<(Vec<String>, Vec<PromRule>), String> {
    let d = data(v, "/api/v1/rules")?;
    let groups = d["groups"].as_array().ok_or("/api/v1/rules: no groups")?;
    let mut names = Vec::new();
    let mut rules = Vec::new();
    for g in groups {
        let gname = s(&g["name"]);
        names.push(gname.clone());
        for r in g["rules"].as_array().into_iter().flatten() {
            rules.push(PromRule {
                group: gname.clone(),
                file: s(&g["file"]),
                name: s(&r["name"]),
                kind: s(&r["type"]),
                query: s(&r["query"]),
                health: s(&r["health"]),
                last_error: s(&r["lastError"]),
            });
        }
    }
    Ok((names, rules))
}

pub fn parse_alertmanagers(v: &Value) -> Result<Vec<String>, String> {
    let d = data(v, "/api/v1/alertmanagers")?;
    Ok(d["activeAlertmanagers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| s(&a["url"]))
        .collect())
}

#[async_trait::async_trait]
impl Fact for PromFacts {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let Some(base) = env.input(Input::PrometheusUrl) else {
            return Err(FactError::new("prometheus_url is not set"));
        };
        let client = ApiClient::for_run(facts).await?;
        let target = clean(base);
        // Reachability first: a dead Prometheus is one error, not three.
        let (u_targets, u_rules, u_ams) = (
            join(base, "api/v1/targets"),
            join(base, "api/v1/rules"),
            join(base, "api/v1/alertmanagers"),
        );
        let (targets, rules, ams) = tokio::join!(
            client.get_json(&u_targets),
            client.get_json(&u_rules),
            client.get_json(&u_ams),
        );
        if let (Err(a), Err(_), Err(_)) = (&targets, &rules, &ams) {
            return Err(FactError::new(format!("Prometheus at {target}: {a}")));
        }
        Ok(PromFacts {
            target,
            targets: targets.and_then(|v| parse_targets(&v)),
            groups: rules.and_then(|v| parse_rules(&v)),
            alertmanagers: ams.and_then(|v| parse_alertmanagers(&v)),
        })
    }
}

/// A receiver of the Alertmanager configuration and the kinds of integrations it has
/// (`webhook`, `slack`, `pagerduty`, ...). A receiver without integrations discards alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmReceiver {
    pub name: String,
    pub integrations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AmFacts {
    pub target: String,
    pub version: String,
    /// The top-level route's receiver.
    pub route_receiver: Option<String>,
    pub receivers: Vec<AmReceiver>,
}

/// Reads receivers and the root route's receiver from the configuration Alertmanager reports
/// in `/api/v2/status` (`config.original`, YAML as Alertmanager re-serialises it, secrets shown
/// as `<secret>`). Only structure is kept: names and integration kinds, never values.
pub fn parse_am_config(yaml: &str) -> (Option<String>, Vec<AmReceiver>) {
    let mut route_receiver = None;
    let mut receivers: Vec<AmReceiver> = Vec::new();
    let mut section = "";
    for line in yaml.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 && !t.starts_with('-') {
            section = t.split(':').next().unwrap_or("");
            continue;
        }
        match section {
            "route" if indent == 2 => {
                if let Some(r) = t.strip_prefix("receiver:") {
                    route_receiver = Some(unquote(r));
                }
            }
            "receivers" => {
                if let Some(n) = t.strip_prefix("- name:") {
                    receivers.push(AmReceiver {
                        name: unquote(n),
                        integrations: Vec::new(),
                    });
                } else if let Some(key) = t.split(':').next()
                    && let Some(kind) = key.strip_suffix("_configs")
                    && let Some(r) = receivers.last_mut()
                {
                    r.integrations.push(kind.to_string());
                }
            }
            _ => {}
        }
    }
    (route_receiver, receivers)
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches(['"', '\'']).to_string()
}

#[async_trait::async_trait]
impl Fact for AmFacts {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let Some(base) = env.input(Input::AlertmanagerUrl) else {
            return Err(FactError::new("alertmanager_url is not set"));
        };
        let client = ApiClient::for_run(facts).await?;
        let target = clean(base);
        let status = client
            .get_json(&join(base, "api/v2/status"))
            .await
            .map_err(|e| FactError::new(format!("Alertmanager at {target}: {e}")))?;
        let original = status["config"]["original"].as_str().ok_or_else(|| {
            FactError::new(format!(
                "Alertmanager at {target}: /api/v2/status has no config.original"
            ))
        })?;
        let (route_receiver, receivers) = parse_am_config(original);
        Ok(AmFacts {
            target,
            version: s(&status["versionInfo"]["version"]),
            route_receiver,
            receivers,
        })
    }
}

/// The result of posting a test alert: only collected when the run allows writes.
#[derive(Debug, Clone)]
pub struct AmTestAlert {
    pub alertname: String,
    /// The state Alertmanager reported for it, e.g. `active`.
    pub state: Option<String>,
    pub waited_ms: u64,
}

pub const TEST_ALERT_NAME: &str = "GoliveTestAlert";

#[async_trait::async_trait]
impl Fact for AmTestAlert {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        if !env.config.run.send_test_alert {
            return Err(FactError::new(
                "not sent: golive writes only with --send-test-alert",
            ));
        }
        let Some(base) = env.input(Input::AlertmanagerUrl) else {
            return Err(FactError::new("alertmanager_url is not set"));
        };
        let client = ApiClient::for_run(facts).await?;
        let target = clean(base);
        let now = jiff::Timestamp::now();
        let ends = now
            .checked_add(jiff::SignedDuration::from_mins(5))
            .unwrap_or(now);
        let run_id = format!("{}", now.as_millisecond());
        let alert = serde_json::json!([{
            "labels": {"alertname": TEST_ALERT_NAME, "severity": "none", "source": "golive", "golive_run": run_id},
            "annotations": {"summary": "golive --send-test-alert: verifying the alerting path; resolves in 5 minutes"},
            "startsAt": now.to_string(),
            "endsAt": ends.to_string(),
        }]);
        let body = serde_json::to_vec(&alert).map_err(|e| FactError::new(e.to_string()))?;
        let resp = client
            .send(
                client
                    .post(&join(base, "api/v2/alerts"))
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await
            .map_err(|e| FactError::new(format!("posting the test alert to {target}: {e}")))?;
        if !(200..300).contains(&resp.status) {
            return Err(FactError::new(format!(
                "Alertmanager at {target} refused the test alert: HTTP {}",
                resp.status
            )));
        }
        let started = std::time::Instant::now();
        let filter = format!(
            "api/v2/alerts?filter=alertname%3D%22{TEST_ALERT_NAME}%22&filter=golive_run%3D%22{run_id}%22"
        );
        let mut state = None;
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(v) = client.get_json(&join(base, &filter)).await {
                state = v
                    .as_array()
                    .and_then(|a| a.first())
                    .map(|a| s(&a["status"]["state"]));
                if state.as_deref() == Some("active") {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(AmTestAlert {
            alertname: TEST_ALERT_NAME.to_string(),
            state,
            waited_ms: started.elapsed().as_millis() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alertmanager_config_structure() {
        let y = "global:\n  resolve_timeout: 5m\nroute:\n  receiver: team\n  routes:\n  - receiver: \"null\"\nreceivers:\n- name: \"null\"\n- name: team\n  webhook_configs:\n  - send_resolved: true\n    url: <secret>\n  slack_configs:\n  - channel: '#x'\ntemplates: []\n";
        let (route, rs) = parse_am_config(y);
        assert_eq!(route.as_deref(), Some("team"));
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].name, "null");
        assert!(rs[0].integrations.is_empty());
        assert_eq!(rs[1].integrations, vec!["webhook", "slack"]);
    }
}
