//! Live HTTP checks against the environment's `api_url` (and `admin_url`): health endpoints,
//! security headers, cookies, redirects, CORS, rate limits, exposed endpoints.

mod http001_health_endpoint;
mod http002_readiness_endpoint;
mod http003_liveness_endpoint;
mod http004_hsts;
mod http005_csp;
mod http006_content_type_options;
mod http007_frame_options;
mod http008_referrer_policy;
mod http009_server_version_hidden;
mod http010_cookie_flags;
mod http011_https_redirect;
mod http012_cors;
mod http013_rate_limit;
mod http014_debug_endpoints_hidden;
mod http015_protected_endpoints;
mod http016_request_id;
mod http017_no_mock_data;
mod http018_metrics_not_public;

use golive_core::redact::display_value;
use golive_core::{Check, CheckCx, Input, Outcome, ParamKind, ParamSpec};
use golive_facts::http::{HttpExchange, HttpRequest, HttpResponse, join_url, strip_userinfo};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &http001_health_endpoint::HealthEndpoint,
    &http002_readiness_endpoint::ReadinessEndpoint,
    &http003_liveness_endpoint::LivenessEndpoint,
    &http004_hsts::Hsts,
    &http005_csp::Csp,
    &http006_content_type_options::ContentTypeOptions,
    &http007_frame_options::FrameOptions,
    &http008_referrer_policy::ReferrerPolicy,
    &http009_server_version_hidden::ServerVersionHidden,
    &http010_cookie_flags::CookieFlags,
    &http011_https_redirect::HttpsRedirect,
    &http012_cors::Cors,
    &http013_rate_limit::RateLimit,
    &http014_debug_endpoints_hidden::DebugEndpointsHidden,
    &http015_protected_endpoints::ProtectedEndpoints,
    &http016_request_id::RequestId,
    &http017_no_mock_data::NoMockData,
    &http018_metrics_not_public::MetricsNotPublic,
];

/// The `path` parameter of the header checks: which URL's response they judge.
pub(crate) const PATH_PARAM: ParamSpec = ParamSpec {
    name: "path",
    kind: ParamKind::Str,
    default: "",
    help: "path under api_url whose response is judged (empty: api_url itself)",
};

/// `api_url` without any `user:password@` (never sent, never shown).
pub(crate) fn api_url(cx: &CheckCx<'_>) -> String {
    strip_userinfo(cx.facts.env().input(Input::ApiUrl).unwrap_or(""))
}

/// `api_url` joined with `path`; an empty path is `api_url` itself.
pub(crate) fn url_for(cx: &CheckCx<'_>, path: &str) -> String {
    let base = api_url(cx);
    if path.trim().is_empty() {
        base
    } else {
        join_url(&base, path.trim())
    }
}

/// The shared exchange for `req`.
pub(crate) async fn exchange(
    cx: &CheckCx<'_>,
    req: HttpRequest,
) -> Result<Arc<HttpExchange>, Outcome> {
    cx.facts
        .get_keyed::<HttpExchange>(&req)
        .await
        .map_err(|e| e.outcome())
}

/// The response to a plain GET of `path` (the fact every header check shares), or the
/// `error` outcome when there was none.
pub(crate) async fn get_response(
    cx: &CheckCx<'_>,
    path: &str,
) -> Result<(Arc<HttpExchange>, HttpRequest), Outcome> {
    let req = HttpRequest::get(url_for(cx, path));
    let ex = exchange(cx, req.clone()).await?;
    if let Err(e) = &ex.result {
        return Err(Outcome::error(format!("no response: {e}"))
            .evidence(format!("reproduce: {}", req.curl())));
    }
    Ok((ex, req))
}

/// Runs `judge` on the response of the check's `path` parameter, adding the usual evidence.
pub(crate) async fn judge_headers(
    cx: &CheckCx<'_>,
    judge: impl FnOnce(&HttpResponse) -> Outcome,
) -> Outcome {
    let (ex, req) = match get_response(cx, cx.params.str("path")).await {
        Ok(r) => r,
        Err(o) => return o,
    };
    let Ok(resp) = ex.result.as_ref() else {
        return Outcome::error("no response");
    };
    judge(resp)
        .evidence(resp.summary())
        .evidence(format!("reproduce: {}", req.curl()))
}

/// `name: value` for evidence, the value shown only when it cannot be a secret.
pub(crate) fn show_header(name: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("{name}: {}", display_value(v)),
        None => format!("{name}: (absent)"),
    }
}

/// Shared by HTTP001-003: an endpoint answers 2xx in time and, when its body is JSON with a
/// status, says it (and every dependency it lists) is fine.
pub(crate) async fn probe_endpoint(cx: &CheckCx<'_>, what: &str) -> Outcome {
    let path = cx.params.str("path");
    let max_ms = cx.params.int("max_ms").max(1) as f64;
    let require_json = cx.params.bool("require_json");
    let req = HttpRequest::get(url_for(cx, path));
    let ex = match exchange(cx, req.clone()).await {
        Ok(e) => e,
        Err(o) => return o,
    };
    let repro = format!("reproduce: {}", req.curl());
    let resp = match &ex.result {
        Ok(r) => r,
        Err(e) => {
            return Outcome::fail(format!("{what} endpoint {} did not answer: {e}", req.url))
                .evidence(repro)
                .fix(format!("serve {what} at {path} without authentication"));
        }
    };
    let ms = resp.timings.total.as_secs_f64() * 1000.0;
    let base = |o: Outcome| {
        o.evidence(resp.summary())
            .evidence(format!("timings: {}", resp.timings))
            .evidence(repro.clone())
    };
    if !(200..300).contains(&resp.status) {
        return base(Outcome::fail(format!(
            "{what} endpoint {} answered {}",
            req.url, resp.status
        )))
        .fix(format!(
            "serve {what} at {path} with 200 when the service is {what}"
        ));
    }
    let mut problems = Vec::new();
    if resp.body_truncated {
        problems.push(format!(
            "the body exceeds the {} KiB cap",
            resp.body.len() / 1024
        ));
    }
    match resp.json() {
        Some(body) => health_problems(&body, &mut problems),
        None if require_json && !resp.body_truncated => {
            problems.push("the body is not JSON".to_string())
        }
        None => {}
    }
    if !problems.is_empty() {
        return base(Outcome::fail(format!(
            "{what} endpoint {} reports: {}",
            req.url,
            problems.join("; ")
        )))
        .fix("fix the failing dependency, or report it only in readiness, not liveness");
    }
    if ms > max_ms {
        return base(Outcome::fail(format!(
            "{what} endpoint {} took {ms:.0} ms (limit {max_ms:.0} ms)",
            req.url
        )))
        .fix("health endpoints must answer fast: no heavy work or slow dependency calls inline");
    }
    base(Outcome::pass(format!(
        "{what} endpoint {} answered {} in {ms:.0} ms",
        req.url, resp.status
    )))
}

const GOOD: &[&str] = &[
    "ok",
    "okay",
    "healthy",
    "pass",
    "passed",
    "passing",
    "up",
    "green",
    "ready",
    "alive",
    "live",
    "true",
    "available",
    "serving",
];

fn status_word(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.to_ascii_lowercase()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Object(o) => ["status", "state", "health", "healthy"]
            .iter()
            .find_map(|k| o.get(*k))
            .and_then(status_word),
        _ => None,
    }
}

/// Problems a health body states: a non-OK top-level status, and non-OK dependencies under
/// `checks`, `dependencies`, `components`, `services` or `details`.
pub(crate) fn health_problems(body: &serde_json::Value, out: &mut Vec<String>) {
    let Some(obj) = body.as_object() else { return };
    if let Some(s) = ["status", "state", "health"]
        .iter()
        .find_map(|k| obj.get(*k))
        .and_then(status_word)
        && !GOOD.contains(&s.as_str())
    {
        out.push(format!("status is {}", display_value(&s)));
    }
    for key in [
        "checks",
        "dependencies",
        "components",
        "services",
        "details",
    ] {
        match obj.get(key) {
            Some(serde_json::Value::Object(deps)) => {
                for (name, v) in deps {
                    if let Some(s) = status_word(v)
                        && !GOOD.contains(&s.as_str())
                    {
                        out.push(format!("{key}.{name} is {}", display_value(&s)));
                    }
                }
            }
            Some(serde_json::Value::Array(items)) => {
                for item in items {
                    let name = item.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                    if let Some(s) = status_word(item)
                        && !GOOD.contains(&s.as_str())
                    {
                        out.push(format!("{key}.{name} is {}", display_value(&s)));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_bodies() {
        let mut p = Vec::new();
        health_problems(
            &serde_json::json!({"status": "ok", "checks": {"db": {"status": "up"}}}),
            &mut p,
        );
        assert!(p.is_empty(), "{p:?}");
        health_problems(
            &serde_json::json!({"status": "degraded", "dependencies": [{"name": "redis", "status": "down"}]}),
            &mut p,
        );
        assert_eq!(p, vec!["status is degraded", "dependencies.redis is down"]);
    }
}
