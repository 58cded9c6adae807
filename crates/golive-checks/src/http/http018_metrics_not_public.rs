use super::{exchange, url_for};
use golive_core::inputs::InputValue;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::{HttpRequest, HttpResponse, strip_userinfo};

pub struct MetricsNotPublic;

static META: CheckMeta = CheckMeta {
    code: "HTTP018",
    slug: "http-metrics-not-public",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Metrics are not served to anyone on the public address; metrics_url, when set, serves them",
    doc: CheckDoc {
        what: "Sends `GET` without credentials to each of `paths` under `api_url` (`/metrics`, \
`/actuator/prometheus`, `/prometheus`) and fails when one answers 2xx with Prometheus exposition \
text (a `text/plain; version=0.0.4` or `application/openmetrics-text` content type, or a body made \
of `# HELP`/`# TYPE` comments and `name{labels} value` samples). A 2xx page that is not exposition \
text (a single-page app's catch-all) is not a metrics endpoint; 401, 403, 404 and redirects pass. \
When the environment sets `metrics_url` (the internal address Prometheus scrapes, e.g. \
`http://api.internal:9100/metrics`), that URL must answer 2xx with exposition text: a refused \
connection or another answer fails, 401/403 is a warning (golive sends no credentials, so it \
cannot see the samples). golive sees the service from one place, the machine it runs on: it \
can show that the public address serves metrics to anyone, and that the internal address serves \
them to this machine; it cannot prove that other places (another network, another tenant's pods) \
are refused, which takes a probe from each of them or a review of the network policy.",
        why: "Metrics name every route, queue and dependency, count users and errors, and often \
carry labels with tenant names, versions or internal hosts: served on the public address they map \
the system for an attacker and leak business numbers. Hidden so well that Prometheus cannot \
scrape them, they leave the alerts blind.",
        fix: "Serve metrics on a separate internal port or listener (Spring \
`management.server.port`, a second `prometheus_client.start_http_server` port, an ingress rule \
that does not route `/metrics`), or require credentials on the public path; then point \
Prometheus and `metrics_url` at the internal address.",
        example: "```\n$ curl -s -o /dev/null -w '%{http_code}' https://api.example.com/metrics\n404\n```\n```toml\n[environments.production]\napi_url = \"https://api.example.com\"\nmetrics_url = \"http://api.internal:9100/metrics\"\n\n[checks.HTTP018]\npaths = [\"/metrics\", \"/internal/metrics\"]\n```",
    },
    params: &[ParamSpec {
        name: "paths",
        kind: ParamKind::List,
        default: "/metrics,/actuator/prometheus,/prometheus",
        help: "paths under api_url that must not serve metrics without credentials",
    }],
    requires: &[Input::ApiUrl],
    keywords: &[
        "/metrics",
        "metrics endpoint",
        "metrics exposed",
        "metrics reachable",
        "prometheus endpoint",
        "internal metrics",
    ],
};

/// Whether an answer is Prometheus (or OpenMetrics) exposition text.
fn is_exposition(resp: &HttpResponse) -> bool {
    let ct = resp
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/openmetrics-text")
        || (ct.starts_with("text/plain") && ct.contains("version=0.0.4"))
    {
        return true;
    }
    exposition_body(&resp.body_text())
}

/// A body whose first lines are all exposition comments or samples, with at least one sample.
fn exposition_body(body: &str) -> bool {
    let mut samples = 0;
    for line in body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(50)
    {
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim_start();
            if !(c.starts_with("HELP ") || c.starts_with("TYPE ") || c.starts_with("UNIT ")) {
                return false;
            }
            continue;
        }
        if !is_sample(line) {
            return false;
        }
        samples += 1;
    }
    samples > 0
}

/// `name{labels} value [timestamp]`.
fn is_sample(line: &str) -> bool {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut rest = &line[name_end..];
    if let Some(labels) = rest.strip_prefix('{') {
        match labels.rfind('}') {
            Some(close) => rest = &labels[close + 1..],
            None => return false,
        }
    }
    let mut parts = rest.split_whitespace();
    let value_ok = parts
        .next()
        .is_some_and(|v| v.parse::<f64>().is_ok() || matches!(v, "NaN" | "+Inf" | "-Inf"));
    let ts_ok = parts.next().is_none_or(|t| t.parse::<f64>().is_ok());
    value_ok && ts_ok && parts.next().is_none() && rest.starts_with([' ', '\t'])
}

fn curl(url: &str) -> String {
    format!("curl -s -D- '{url}' | head -20")
}

#[async_trait::async_trait]
impl Check for MetricsNotPublic {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let reqs: Vec<HttpRequest> = cx
            .params
            .list("paths")
            .iter()
            .map(|p| HttpRequest::get(url_for(cx, p)))
            .collect();
        let internal = match cx.facts.env().inputs.get(&Input::MetricsUrl) {
            Some(InputValue::Set(u)) => Some(HttpRequest::get(strip_userinfo(u))),
            Some(InputValue::Unresolved(why)) => {
                return Outcome::error(format!("metrics_url is not usable: {why}"));
            }
            None => None,
        };
        let all: Vec<HttpRequest> = reqs.iter().chain(internal.iter()).cloned().collect();
        let results = futures::future::join_all(all.iter().map(|r| exchange(cx, r.clone()))).await;
        let mut results = results.into_iter();
        let (mut public, mut evidence, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        for req in &reqs {
            let ex = match results.next() {
                Some(Ok(e)) => e,
                Some(Err(o)) => return o,
                None => return Outcome::error("internal: a metrics probe is missing"),
            };
            match &ex.result {
                Ok(resp) if (200..300).contains(&resp.status) && is_exposition(resp) => {
                    public.push(req.url.clone());
                    evidence.push(format!(
                        "{}: Prometheus exposition text without credentials (reproduce: {})",
                        resp.summary(),
                        curl(&req.url)
                    ));
                }
                Ok(resp) => evidence.push(resp.summary()),
                Err(e) => errors.push(format!("{}: {e}", req.url)),
            }
        }
        if !public.is_empty() {
            return Outcome::fail(format!(
                "metrics served to anyone at {}",
                public.join(", ")
            ))
            .with_evidence(evidence)
            .fix("serve metrics on an internal port or listener, or require credentials on the public path");
        }
        if !errors.is_empty() {
            return Outcome::error(format!(
                "{} of {} metrics paths got no answer; first: {}",
                errors.len(),
                reqs.len(),
                errors[0]
            ))
            .with_evidence(evidence);
        }
        let public_note = format!(
            "none of {} metrics paths under api_url serves exposition text without credentials",
            reqs.len()
        );
        let Some(req) = internal else {
            return Outcome::pass(format!(
                "{public_note} (no metrics_url: the internal endpoint was not probed)"
            ))
            .with_evidence(evidence);
        };
        let ex = match results.next() {
            Some(Ok(e)) => e,
            Some(Err(o)) => return o,
            None => return Outcome::error("internal: the metrics_url probe is missing"),
        };
        let repro = format!("reproduce: {}", curl(&req.url));
        match &ex.result {
            Ok(resp) if (200..300).contains(&resp.status) && is_exposition(resp) => Outcome::pass(
                format!("{public_note}; metrics_url serves exposition text from here"),
            )
            .with_evidence(evidence)
            .evidence(resp.summary()),
            Ok(resp) if matches!(resp.status, 401 | 403) => Outcome::warn(format!(
                "{public_note}; metrics_url answered {} to golive, which sends no credentials: \
                 whether Prometheus gets samples there is not shown",
                resp.status
            ))
            .with_evidence(evidence)
            .evidence(resp.summary())
            .evidence(repro),
            Ok(resp) => Outcome::fail(format!(
                "metrics_url {} answered {} without exposition text: Prometheus cannot scrape it",
                req.url, resp.status
            ))
            .with_evidence(evidence)
            .evidence(resp.summary())
            .evidence(repro)
            .fix("point metrics_url (and Prometheus) at the listener that serves the metrics"),
            Err(e) => Outcome::fail(format!(
                "metrics_url {} did not answer from here: {e}",
                req.url
            ))
            .with_evidence(evidence)
            .evidence(repro)
            .fix("run golive where Prometheus scrapes from, or fix the internal listener"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_exposition_text() {
        let prom = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{method=\"get\",code=\"200\"} 1027 1395066363000\nprocess_cpu_seconds_total 12.5\nup NaN\n";
        assert!(exposition_body(prom));
        assert!(exposition_body("go_goroutines 8\n"));
        assert!(!exposition_body("# just a comment\nfoo 1\n"));
        assert!(!exposition_body(r#"{"status":"ok"}"#));
        assert!(!exposition_body("<!doctype html><html></html>"));
        assert!(!exposition_body("not found"));
        assert!(!exposition_body("ok 1 2 3"));
        assert!(!exposition_body("# TYPE x counter\n"));
        assert!(!exposition_body(""));
        assert!(!is_sample("1abc 2"));
        assert!(!is_sample("abc{unclosed 2"));
        assert!(is_sample("a:b_c{x=\"}\"} -Inf"));
    }
}
