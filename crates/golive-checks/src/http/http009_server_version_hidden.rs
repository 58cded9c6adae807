use super::{PATH_PARAM, judge_headers, show_header};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct ServerVersionHidden;

static META: CheckMeta = CheckMeta {
    code: "HTTP009",
    slug: "http-server-version-hidden",
    category: Category::Security,
    severity: Severity::Low,
    summary: "Server, X-Powered-By and similar headers reveal no software versions",
    doc: CheckDoc {
        what: "Reads `Server`, `X-Powered-By`, `X-AspNet-Version`, `X-AspNetMvc-Version`, `X-Runtime` \
and `X-Generator` from the response to `GET api_url` (or `path`). It fails when any of them contains \
a version number (`nginx/1.25.3`, `PHP/8.2.1`, `Express 4.18`); product names alone pass.",
        why: "A version number tells an attacker which published vulnerabilities to try first, \
without a single probe. It costs nothing to hide.",
        fix: "nginx: `server_tokens off;`; Apache: `ServerTokens Prod`; Express: \
`app.disable('x-powered-by')`; PHP: `expose_php = Off`; ASP.NET: remove the version headers.",
        example: "```\n# fails\nserver: nginx/1.25.3\nx-powered-by: PHP/8.2.1\n# passes\nserver: nginx\n```",
    },
    params: &[PATH_PARAM],
    requires: &[Input::ApiUrl],
    keywords: &[
        "Server header",
        "X-Powered-By",
        "server_tokens",
        "version disclosure",
    ],
};

const HEADERS: &[&str] = &[
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-runtime",
    "x-generator",
];

/// Whether a header value carries a version: a digit run with a dot, or `/` followed by a digit.
pub fn has_version(v: &str) -> bool {
    let b = v.as_bytes();
    (0..b.len()).any(|i| {
        (b[i].is_ascii_digit()
            && b.get(i + 1) == Some(&b'.')
            && b.get(i + 2).is_some_and(u8::is_ascii_digit))
            || (b[i] == b'/' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}

#[async_trait::async_trait]
impl Check for ServerVersionHidden {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        judge_headers(cx, |r| {
            let mut leaks = Vec::new();
            let mut ev = Vec::new();
            for h in HEADERS {
                for v in r.headers_all(h) {
                    ev.push(show_header(h, Some(v)));
                    if has_version(v) {
                        leaks.push(format!("{h}: {}", golive_core::redact::display_value(v)));
                    }
                }
            }
            if leaks.is_empty() {
                Outcome::pass("no version in Server or X-Powered-By headers").with_evidence(ev)
            } else {
                Outcome::fail(format!("version disclosed: {}", leaks.join(", ")))
                    .with_evidence(ev)
                    .fix("hide versions: nginx server_tokens off; Express app.disable('x-powered-by')")
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions() {
        assert!(super::has_version("nginx/1.25.3"));
        assert!(super::has_version("Express 4.18"));
        assert!(!super::has_version("nginx"));
        assert!(!super::has_version("cloudflare"));
    }
}
