use super::{PATH_PARAM, exchange, show_header, url_for};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::HttpRequest;

pub struct RequestId;

static META: CheckMeta = CheckMeta {
    code: "HTTP016",
    slug: "http-request-id",
    category: Category::Observability,
    severity: Severity::Low,
    summary: "The request ID a caller sends is echoed back in the response",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` (or `path`) with `header` (default `X-Request-ID`) set to a \
fresh value. It passes when the response carries the same header with the same value; a different \
value (the server ignores the caller's ID and makes its own) is a warning; no such header fails.",
        why: "A request ID that travels from the client through every service and back into the \
logs is how an incident is traced across services. Echoing it lets a user quote it to support.",
        fix: "Add request-ID middleware that keeps an incoming `X-Request-ID` (or generates one), logs \
it and returns it (nginx: `add_header X-Request-ID $request_id;` with \
`proxy_set_header X-Request-ID $request_id;`).",
        example: "```\n$ curl -sI -H 'X-Request-ID: abc123' https://api.example.com/ | grep -i x-request-id\nx-request-id: abc123\n```",
    },
    params: &[
        PATH_PARAM,
        ParamSpec {
            name: "header",
            kind: ParamKind::Str,
            default: "X-Request-ID",
            help: "the request-ID header",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "X-Request-ID",
        "request id",
        "correlation id",
        "X-Correlation-ID",
        "tracing",
    ],
};

#[async_trait::async_trait]
impl Check for RequestId {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let header = cx.params.str("header").to_ascii_lowercase();
        let id = "golive-4f1c2b7e9a";
        let req = HttpRequest::get(url_for(cx, cx.params.str("path"))).header(&header, id);
        let ex = match exchange(cx, req.clone()).await {
            Ok(e) => e,
            Err(o) => return o,
        };
        let resp = match ex.response() {
            Ok(r) => r,
            Err(e) => return Outcome::error(format!("no response: {e}")),
        };
        let got = resp.header(&header);
        let ev = |o: Outcome| {
            o.evidence(resp.summary())
                .evidence(format!(
                    "sent {header}: {id}; received {}",
                    show_header(&header, got)
                ))
                .evidence(format!("reproduce: {}", req.curl()))
        };
        match got {
            Some(v) if v.trim() == id => ev(Outcome::pass(format!("{header} is echoed"))),
            Some(_) => ev(Outcome::warn(format!(
                "{header} is returned, but not the one sent"
            )))
            .fix("keep an incoming request ID instead of replacing it"),
            None => ev(Outcome::fail(format!("the response has no {header}")))
                .fix("add request-ID middleware that echoes the header"),
        }
    }
}
