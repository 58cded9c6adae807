use super::{PATH_PARAM, judge_headers, show_header};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct ReferrerPolicy;

static META: CheckMeta = CheckMeta {
    code: "HTTP008",
    slug: "http-referrer-policy",
    category: Category::Security,
    severity: Severity::Low,
    summary: "A Referrer-Policy is sent and does not leak full URLs across origins",
    doc: CheckDoc {
        what: "Reads `Referrer-Policy` from the response to `GET api_url` (or `path`). It passes for \
`no-referrer`, `same-origin`, `strict-origin`, `strict-origin-when-cross-origin` and `origin`; it \
fails when absent or set to `unsafe-url` or `no-referrer-when-downgrade`. With several comma-separated \
values the last one the browser knows applies, so the last is judged.",
        why: "Full URLs often carry tokens, IDs and search terms. A permissive referrer policy sends \
them to every third party the page links to or loads from.",
        fix: "Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`).",
        example: "```\nreferrer-policy: strict-origin-when-cross-origin\n```",
    },
    params: &[PATH_PARAM],
    requires: &[Input::ApiUrl],
    keywords: &["Referrer-Policy", "referrer"],
};

const SAFE: &[&str] = &[
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "origin",
];

#[async_trait::async_trait]
impl Check for ReferrerPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        judge_headers(cx, |r| {
            let h = r.header("referrer-policy");
            let last = h.and_then(|v| {
                v.split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .rfind(|s| !s.is_empty())
            });
            let o = match last {
                Some(p) if SAFE.contains(&p.as_str()) => {
                    return Outcome::pass(format!("Referrer-Policy is {p}"))
                        .evidence(show_header("referrer-policy", h));
                }
                Some(p) => Outcome::fail(format!(
                    "Referrer-Policy {p} sends full URLs to other origins"
                )),
                None => Outcome::fail("no Referrer-Policy header"),
            };
            o.evidence(show_header("referrer-policy", h))
                .fix("send Referrer-Policy: strict-origin-when-cross-origin")
        })
        .await
    }
}
