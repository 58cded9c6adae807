use super::{api_url, exchange};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::{FailureKind, HttpRequest, Target};

pub struct HttpsRedirect;

static META: CheckMeta = CheckMeta {
    code: "HTTP011",
    slug: "http-https-redirect",
    category: Category::Network,
    severity: Severity::High,
    summary: "Plain HTTP redirects to HTTPS on the same host",
    doc: CheckDoc {
        what: "Sends `GET` to the plain-HTTP form of `api_url` (`http://` and the default port, or \
`http_url` when set) without following redirects. It passes on a 301, 302, 303, 307 or 308 whose \
`Location` is an `https://` URL on the same host. Serving content over HTTP, or redirecting to \
`http://` or another host, fails. When nothing listens for plain HTTP the result is a warning: \
nothing leaks, but users typing the bare name get an error instead of the site.",
        why: "Users and old links still arrive over plain HTTP. Serving them there exposes cookies and \
content to anyone on the path; redirecting to another host is an open door for phishing.",
        fix: "Answer every plain-HTTP request with `301 Location: https://<same host><same path>` \
(nginx: `return 301 https://$host$request_uri;`).",
        example: "```\n$ curl -sI http://api.example.com/\nHTTP/1.1 301 Moved Permanently\nlocation: https://api.example.com/\n```",
    },
    params: &[ParamSpec {
        name: "http_url",
        kind: ParamKind::Str,
        default: "",
        help: "the plain-HTTP URL to try (default: api_url with http:// and port 80)",
    }],
    requires: &[Input::ApiUrl],
    keywords: &[
        "HTTP to HTTPS",
        "redirect",
        "301",
        "force HTTPS",
        "SSL redirect",
    ],
};

#[async_trait::async_trait]
impl Check for HttpsRedirect {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let api = match Target::parse(&api_url(cx)) {
            Ok(t) => t,
            Err(e) => return Outcome::error(e.message),
        };
        let url = match cx.params.str("http_url") {
            "" => format!(
                "http://{}{}",
                if api.host.contains(':') {
                    format!("[{}]", api.host)
                } else {
                    api.host.clone()
                },
                api.path
            ),
            u => u.to_string(),
        };
        let req = HttpRequest::get(url.clone());
        let ex = match exchange(cx, req.clone()).await {
            Ok(e) => e,
            Err(o) => return o,
        };
        let repro = format!("reproduce: {}", req.curl());
        let fix = "redirect every plain-HTTP request: return 301 https://$host$request_uri;";
        let resp = match &ex.result {
            Ok(r) => r,
            Err(e) if matches!(e.kind, FailureKind::Connect) => {
                return Outcome::warn(format!("nothing answers plain HTTP at {url}: {e}"))
                    .evidence(repro)
                    .fix("listen on port 80 and redirect to HTTPS");
            }
            Err(e) => return Outcome::error(format!("no response: {e}")).evidence(repro),
        };
        let location = resp.header("location");
        let ev = |o: Outcome| {
            o.evidence(resp.summary())
                .evidence(super::show_header("location", location))
                .evidence(repro.clone())
        };
        if !matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
            return ev(Outcome::fail(format!(
                "{url} answered {} over plain HTTP instead of redirecting",
                resp.status
            )))
            .fix(fix);
        }
        let Some(loc) = location else {
            return ev(Outcome::fail(format!(
                "{url} answered {} without a Location",
                resp.status
            )))
            .fix(fix);
        };
        match Target::parse(loc) {
            Ok(t) if t.https && t.host.eq_ignore_ascii_case(&api.host) => ev(Outcome::pass(
                format!("{url} redirects ({}) to {loc}", resp.status),
            )),
            Ok(t) if t.https => ev(Outcome::fail(format!(
                "{url} redirects to another host: {}",
                t.host
            )))
            .fix(fix),
            Ok(_) => ev(Outcome::fail(format!(
                "{url} redirects to {loc}, which is not HTTPS"
            )))
            .fix(fix),
            Err(_) => ev(Outcome::fail(format!(
                "{url} redirects to {loc:?}, not an absolute https:// URL"
            )))
            .fix(fix),
        }
    }
}
