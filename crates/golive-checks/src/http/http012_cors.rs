use super::{PATH_PARAM, exchange, url_for};
use golive_core::redact::display_value;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::HttpRequest;

pub struct Cors;

static META: CheckMeta = CheckMeta {
    code: "HTTP012",
    slug: "http-cors",
    category: Category::Security,
    severity: Severity::High,
    summary: "CORS accepts the allowed origin and refuses foreign ones; never * with credentials",
    doc: CheckDoc {
        what: "Sends to `api_url` (or `path`) a `GET` and a CORS preflight (`OPTIONS` with \
`Access-Control-Request-Method: GET`) from `foreign_origin`, and, when `allowed_origin` is set, a \
preflight from it. It fails when the foreign origin is echoed in `Access-Control-Allow-Origin` or \
`*` is answered (with `Access-Control-Allow-Credentials: true` that is always a fail), and when the \
allowed origin is not accepted. Without `allowed_origin` only the refusal is verified, and the \
message says so.",
        why: "A permissive CORS policy lets any web page read the API's answers with the visitor's \
cookies: reflecting the Origin header with credentials is account takeover by link.",
        fix: "List production origins explicitly (`CORS_ORIGINS=https://app.example.com`); never \
reflect the request's Origin and never combine `*` with credentials.",
        example: "```\n$ curl -sI -H 'Origin: https://evil.example' https://api.example.com/ | grep -i access-control\n# (nothing)\n```\n```toml\n[checks.HTTP012]\nallowed_origin = \"https://app.example.com\"\n```",
    },
    params: &[
        PATH_PARAM,
        ParamSpec {
            name: "allowed_origin",
            kind: ParamKind::Str,
            default: "",
            help: "an origin the API must accept",
        },
        ParamSpec {
            name: "foreign_origin",
            kind: ParamKind::Str,
            default: "https://golive-foreign-origin.invalid",
            help: "an origin the API must refuse",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "CORS",
        "Access-Control-Allow-Origin",
        "CORS_ORIGINS",
        "allowed origins",
        "cross-origin",
    ],
};

fn preflight(url: &str, origin: &str) -> HttpRequest {
    HttpRequest::get(url)
        .method("OPTIONS")
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
}

#[async_trait::async_trait]
impl Check for Cors {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let url = url_for(cx, cx.params.str("path"));
        let foreign = cx.params.str("foreign_origin");
        let allowed = cx.params.str("allowed_origin");
        let mut fails = Vec::new();
        let mut evidence = Vec::new();
        let foreign_reqs = [
            HttpRequest::get(url.clone()).header("origin", foreign),
            preflight(&url, foreign),
        ];
        for req in foreign_reqs {
            let ex = match exchange(cx, req.clone()).await {
                Ok(e) => e,
                Err(o) => return o,
            };
            let resp = match ex.response() {
                Ok(r) => r,
                Err(e) => return Outcome::error(format!("no response: {e}")),
            };
            let acao = resp.header("access-control-allow-origin").map(str::trim);
            let creds = resp
                .header("access-control-allow-credentials")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            evidence.push(format!(
                "{} from {foreign} -> {}; access-control-allow-origin: {}; credentials: {creds}",
                resp.method,
                resp.status,
                acao.map(display_value).unwrap_or_else(|| "(absent)".into())
            ));
            evidence.push(format!("reproduce: {}", req.curl()));
            match acao {
                Some("*") if creds => {
                    fails.push(format!("{} answers * with credentials", resp.method))
                }
                Some("*") => fails.push(format!("{} allows any origin (*)", resp.method)),
                Some(o) if o.eq_ignore_ascii_case(foreign) => fails.push(format!(
                    "{} reflects the foreign origin {foreign}{}",
                    resp.method,
                    if creds { " with credentials" } else { "" }
                )),
                _ => {}
            }
        }
        let mut checked_allowed = false;
        if !allowed.is_empty() {
            let req = preflight(&url, allowed);
            let ex = match exchange(cx, req.clone()).await {
                Ok(e) => e,
                Err(o) => return o,
            };
            let resp = match ex.response() {
                Ok(r) => r,
                Err(e) => return Outcome::error(format!("no response: {e}")),
            };
            let acao = resp.header("access-control-allow-origin").map(str::trim);
            evidence.push(format!(
                "OPTIONS from {allowed} -> {}; access-control-allow-origin: {}",
                resp.status,
                acao.map(display_value).unwrap_or_else(|| "(absent)".into())
            ));
            evidence.push(format!("reproduce: {}", req.curl()));
            if acao.is_none_or(|a| !a.eq_ignore_ascii_case(allowed)) {
                fails.push(format!("the allowed origin {allowed} is not accepted"));
            }
            checked_allowed = true;
        }
        if !fails.is_empty() {
            return Outcome::fail(format!("CORS: {}", fails.join("; ")))
                .with_evidence(evidence)
                .fix("allow only the production origins, explicitly; never reflect Origin or send * with credentials");
        }
        let msg = if checked_allowed {
            format!("CORS accepts {allowed} and refuses {foreign}")
        } else {
            format!("CORS refuses {foreign} (set allowed_origin to verify an allowed one too)")
        };
        Outcome::pass(msg).with_evidence(evidence)
    }
}
