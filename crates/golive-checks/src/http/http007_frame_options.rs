use super::{PATH_PARAM, judge_headers, show_header};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct FrameOptions;

static META: CheckMeta = CheckMeta {
    code: "HTTP007",
    slug: "http-frame-options",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Framing is restricted by X-Frame-Options or CSP frame-ancestors",
    doc: CheckDoc {
        what: "Reads the response to `GET api_url` (or `path`). It passes when `X-Frame-Options` is \
`DENY` or `SAMEORIGIN`, or when `Content-Security-Policy` has a `frame-ancestors` directive without \
`*`. Anything else fails.",
        why: "A page that any site may frame can be overlaid with a decoy and clicked through by its \
own users (clickjacking).",
        fix: "Send `X-Frame-Options: DENY` or add `frame-ancestors 'none'` (or `'self'`) to the CSP.",
        example: "```\nx-frame-options: DENY\n# or\ncontent-security-policy: default-src 'self'; frame-ancestors 'none'\n```",
    },
    params: &[PATH_PARAM],
    requires: &[Input::ApiUrl],
    keywords: &[
        "X-Frame-Options",
        "frame-ancestors",
        "clickjacking",
        "DENY",
        "SAMEORIGIN",
    ],
};

#[async_trait::async_trait]
impl Check for FrameOptions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        judge_headers(cx, |r| {
            let xfo = r.header("x-frame-options");
            let csp = r.header("content-security-policy");
            let ancestors = csp.and_then(|p| {
                p.split(';')
                    .map(str::trim)
                    .find(|d| d.to_ascii_lowercase().starts_with("frame-ancestors"))
                    .map(str::to_string)
            });
            let ev = |o: Outcome| {
                o.evidence(show_header("x-frame-options", xfo))
                    .evidence(show_header("content-security-policy", csp))
            };
            if let Some(a) = &ancestors
                && !a.split_whitespace().skip(1).any(|s| s == "*")
                && a.split_whitespace().count() > 1
            {
                return ev(Outcome::pass(format!("CSP restricts framing: {a}")));
            }
            match xfo.map(|v| v.trim().to_ascii_uppercase()) {
                Some(v) if v == "DENY" || v == "SAMEORIGIN" => {
                    ev(Outcome::pass(format!("X-Frame-Options is {v}")))
                }
                Some(_) => ev(Outcome::fail(
                    "X-Frame-Options is neither DENY nor SAMEORIGIN",
                ))
                .fix("send X-Frame-Options: DENY"),
                None => ev(Outcome::fail(match ancestors {
                    Some(_) => {
                        "CSP frame-ancestors allows any site and there is no X-Frame-Options"
                    }
                    None => "neither X-Frame-Options nor CSP frame-ancestors restricts framing",
                }))
                .fix("send X-Frame-Options: DENY or CSP frame-ancestors 'none'"),
            }
        })
        .await
    }
}
