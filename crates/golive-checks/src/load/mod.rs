//! Latency and errors under bounded load against `api_url`.

mod load001_latency_percentiles;
mod load002_error_rate;

use golive_core::{CheckCx, Input, Outcome, ParamKind, ParamSpec};
use golive_facts::http::{HttpExchange, HttpRequest, join_url, strip_userinfo};
use golive_facts::load::{LoadRun, LoadSpec};
use std::sync::Arc;
use std::time::Duration;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &load001_latency_percentiles::LatencyPercentiles,
    &load002_error_rate::ErrorRate,
];

/// Longest load a check may run: it must end within the engine's per-check timeout (15 s).
pub(crate) const MAX_DURATION_MS: i64 = 10_000;

/// The load parameters LOAD001 and LOAD002 share; with equal values they share one run.
pub(crate) const LOAD_PARAMS: [ParamSpec; 6] = [
    ParamSpec {
        name: "path",
        kind: ParamKind::Str,
        default: "",
        help: "path under api_url to load (empty: api_url)",
    },
    ParamSpec {
        name: "connections",
        kind: ParamKind::Int,
        default: "10",
        help: "concurrent connections (closed loop)",
    },
    ParamSpec {
        name: "rate",
        kind: ParamKind::Int,
        default: "0",
        help: "fixed arrival rate, requests per second (0: closed loop)",
    },
    ParamSpec {
        name: "duration_ms",
        kind: ParamKind::Int,
        default: "5000",
        help: "how long to load (at most 10000)",
    },
    ParamSpec {
        name: "max_requests",
        kind: ParamKind::Int,
        default: "20000",
        help: "stop after this many requests",
    },
    ParamSpec {
        name: "timeout_ms",
        kind: ParamKind::Int,
        default: "2000",
        help: "timeout of one request",
    },
];

pub(crate) async fn load(cx: &CheckCx<'_>) -> Result<Arc<LoadRun>, Outcome> {
    let base = strip_userinfo(cx.facts.env().input(Input::ApiUrl).unwrap_or(""));
    let base = base.as_str();
    let p = cx.params;
    let url = if p.str("path").is_empty() {
        base.to_string()
    } else {
        join_url(base, p.str("path"))
    };
    // Other checks judge these responses; take them before the load starts.
    let _ = cx
        .facts
        .get_keyed::<HttpExchange>(&HttpRequest::get(base))
        .await;
    let spec = LoadSpec {
        url,
        connections: p.int("connections").clamp(1, 256) as usize,
        rate: Some(p.int("rate"))
            .filter(|r| *r > 0)
            .map(|r| r.min(100_000) as u32),
        duration: Duration::from_millis(p.int("duration_ms").clamp(100, MAX_DURATION_MS) as u64),
        max_requests: p.int("max_requests").clamp(1, 1_000_000) as u64,
        timeout: Duration::from_millis(p.int("timeout_ms").clamp(10, 4_000) as u64),
    };
    cx.facts
        .get_keyed::<LoadRun>(&spec)
        .await
        .map_err(|e| e.outcome())
}

pub(crate) fn evidence(r: &LoadRun) -> Vec<String> {
    let r = &r.0;
    let mut ev = vec![r.summary()];
    let statuses: Vec<String> = r
        .statuses
        .iter()
        .map(|(s, n)| format!("{n}x {s}"))
        .collect();
    ev.push(format!(
        "statuses: {}",
        if statuses.is_empty() {
            "none".into()
        } else {
            statuses.join(", ")
        }
    ));
    ev.push(format!(
        "uncorrected service time: p50 {:.1} ms, p99 {:.1} ms",
        r.raw_ms(0.5),
        r.raw_ms(0.99)
    ));
    for f in &r.failure_samples {
        ev.push(format!("failure: {f}"));
    }
    ev.push(format!(
        "reproduce: golive load '{}' -c {} -d {}ms{}",
        r.spec.url,
        r.spec.connections,
        r.spec.duration.as_millis(),
        r.spec
            .rate
            .map(|x| format!(" --rate {x}"))
            .unwrap_or_default()
    ));
    ev
}

/// LOAD001's latency chart for the HTML report (contract in [`golive_core::histogram`]).
pub(crate) fn histogram_evidence(r: &LoadRun) -> Vec<String> {
    let buckets = r.0.buckets();
    if buckets.is_empty() {
        return Vec::new();
    }
    vec![
        format!(
            "latency of each request, {}:",
            if r.0.spec.rate.is_some() {
                "from its scheduled start"
            } else {
                "from when it was sent (the percentiles above add the coordinated-omission back-fill)"
            }
        ),
        golive_core::histogram::evidence_line(&buckets),
    ]
}
