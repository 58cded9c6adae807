use super::{PATH_PARAM, judge_headers, show_header};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct ContentTypeOptions;

static META: CheckMeta = CheckMeta {
    code: "HTTP006",
    slug: "http-content-type-options",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "Responses carry X-Content-Type-Options: nosniff",
    doc: CheckDoc {
        what: "Reads `X-Content-Type-Options` from the response to `GET api_url` (or `path`); it passes \
only when the value is `nosniff`.",
        why: "Without `nosniff`, browsers guess content types: an uploaded text file or a JSON answer \
can be run as script or rendered as HTML, turning a harmless endpoint into a cross-site scripting \
vector.",
        fix: "Send `X-Content-Type-Options: nosniff` on every response (nginx: `add_header \
X-Content-Type-Options nosniff always;`).",
        example: "```\n$ curl -sI https://api.example.com | grep -i x-content-type\nx-content-type-options: nosniff\n```",
    },
    params: &[PATH_PARAM],
    requires: &[Input::ApiUrl],
    keywords: &["X-Content-Type-Options", "nosniff", "MIME sniffing"],
};

#[async_trait::async_trait]
impl Check for ContentTypeOptions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        judge_headers(cx, |r| {
            let h = r.header("x-content-type-options");
            let o = match h {
                Some(v) if v.trim().eq_ignore_ascii_case("nosniff") => {
                    return Outcome::pass("X-Content-Type-Options is nosniff")
                        .evidence(show_header("x-content-type-options", h));
                }
                Some(_) => Outcome::fail("X-Content-Type-Options is not nosniff"),
                None => Outcome::fail("no X-Content-Type-Options header"),
            };
            o.evidence(show_header("x-content-type-options", h))
                .fix("send X-Content-Type-Options: nosniff")
        })
        .await
    }
}
