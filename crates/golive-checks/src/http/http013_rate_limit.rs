use super::{exchange, url_for};
use golive_core::redact::display_value;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::{Burst, BurstSpec, HttpRequest};

pub struct RateLimit;

static META: CheckMeta = CheckMeta {
    code: "HTTP013",
    slug: "http-rate-limit",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "A bounded burst gets 429 with Retry-After while the health endpoint stays reachable",
    doc: CheckDoc {
        what: "Sends up to `burst` GETs (default 100, at most 1000) to `api_url` + `path` within \
`window_ms` (default 8000, at most 12000), six at a time, and stops at the first `429`. It passes \
when a 429 came and carried `Retry-After`, and when `health_path` (default `/health`), asked right \
after, does not answer 429. No 429 within the burst, a 429 without `Retry-After`, or a rate-limited \
health endpoint fail. The responses to `GET api_url` and to the health endpoint that other checks \
judge are fetched before the burst, so the limiter it trips cannot change their verdicts; \
requests other checks send with their own headers (CORS, request ID) are not, so when the limiter \
covers the whole API, point `path` at an endpoint of its own or run this check alone.",
        why: "Without rate limiting, one client can exhaust the service, brute-force logins or scrape \
everything. `Retry-After` tells well-behaved clients when to come back; a rate-limited health \
endpoint makes the orchestrator kill healthy instances exactly when traffic peaks.",
        fix: "Limit requests per client (nginx `limit_req`, a gateway, or middleware such as \
slowapi/express-rate-limit), answer `429` with `Retry-After`, and exempt the health endpoints.",
        example: "```toml\n[checks.HTTP013]\npath = \"/api/login\"\nburst = 70\nwindow_ms = 5000\n```\n\
```\n$ for i in $(seq 100); do curl -s -o /dev/null -w '%{http_code}\\n' https://api.example.com/; done | sort | uniq -c\n     65 200\n     35 429\n```",
    },
    params: &[
        ParamSpec {
            name: "path",
            kind: ParamKind::Str,
            default: "",
            help: "path under api_url to send the burst to (empty: api_url)",
        },
        ParamSpec {
            name: "burst",
            kind: ParamKind::Int,
            default: "100",
            help: "requests in the burst (at most 1000)",
        },
        ParamSpec {
            name: "window_ms",
            kind: ParamKind::Int,
            default: "8000",
            help: "time the burst may take (at most 12000)",
        },
        ParamSpec {
            name: "health_path",
            kind: ParamKind::Str,
            default: "/health",
            help: "endpoint that must not be rate limited (empty: skip that part)",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "rate limit",
        "rate limiting",
        "429",
        "Retry-After",
        "throttling",
        "limit_req",
    ],
};

#[async_trait::async_trait]
impl Check for RateLimit {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let url = url_for(cx, cx.params.str("path"));
        let health = cx.params.str("health_path");
        let after_url = (!health.is_empty()).then(|| url_for(cx, health));
        // Other checks judge these; take them before the limiter trips.
        let _ = exchange(cx, HttpRequest::get(url_for(cx, ""))).await;
        if let Some(h) = &after_url {
            let _ = exchange(cx, HttpRequest::get(h.clone())).await;
        }
        let spec = BurstSpec {
            url: url.clone(),
            count: cx.params.int("burst").clamp(1, 1000) as u32,
            window_ms: cx.params.int("window_ms").clamp(1, 12_000) as u64,
            after_url: after_url.clone(),
        };
        let b = match cx.facts.get_keyed::<Burst>(&spec).await {
            Ok(b) => b,
            Err(e) => return e.outcome(),
        };
        let statuses: Vec<String> = b
            .statuses
            .iter()
            .map(|(s, n)| format!("{n}x {s}"))
            .collect();
        let mut ev = vec![format!(
            "{} GETs of {url} in {:.1} s: {}{}",
            b.sent,
            b.elapsed.as_secs_f64(),
            if statuses.is_empty() {
                "no response".to_string()
            } else {
                statuses.join(", ")
            },
            if b.failures > 0 {
                format!(", {} failed", b.failures)
            } else {
                String::new()
            }
        )];
        if let Some(f) = &b.failure_sample {
            ev.push(format!("first failure: {f}"));
        }
        ev.push(format!(
            "reproduce: for i in $(seq {}); do curl -s -o /dev/null -w '%{{http_code}}\\n' '{url}'; done | sort | uniq -c",
            spec.count
        ));
        if b.statuses.is_empty() && b.failures > 0 {
            return Outcome::error(format!(
                "the burst got no response: {}",
                b.failure_sample.clone().unwrap_or_default()
            ))
            .with_evidence(ev);
        }
        let fix =
            "rate-limit per client, answer 429 with Retry-After, and exempt the health endpoints";
        let Some(l) = &b.limited else {
            return Outcome::fail(format!(
                "{} requests in {:.1} s to {url}: none was rate limited (no 429)",
                b.sent,
                b.elapsed.as_secs_f64()
            ))
            .with_evidence(ev)
            .fix(fix);
        };
        ev.push(format!(
            "first 429 at request {} after {:.2} s; retry-after: {}",
            l.nth,
            l.after.as_secs_f64(),
            l.retry_after
                .as_deref()
                .map(display_value)
                .unwrap_or_else(|| "(absent)".into())
        ));
        for (i, a) in b.after.iter().enumerate() {
            ev.push(format!(
                "after the burst, GET {} #{} -> {}",
                after_url.as_deref().unwrap_or(""),
                i + 1,
                match a {
                    Ok(s) => s.to_string(),
                    Err(e) => e.clone(),
                }
            ));
        }
        if l.retry_after.is_none() {
            return Outcome::fail(format!(
                "rate limited at request {}, but the 429 has no Retry-After",
                l.nth
            ))
            .with_evidence(ev)
            .fix(fix);
        }
        if b.after.iter().any(|a| matches!(a, Ok(429))) {
            return Outcome::fail(format!(
                "the health endpoint {} is rate limited too",
                after_url.as_deref().unwrap_or("")
            ))
            .with_evidence(ev)
            .fix("exempt the health endpoints from rate limiting");
        }
        Outcome::pass(format!(
            "rate limited at request {} with Retry-After; health endpoint not limited",
            l.nth
        ))
        .with_evidence(ev)
    }
}
