use super::{exchange, url_for};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::HttpRequest;

pub struct NoMockData;

static META: CheckMeta = CheckMeta {
    code: "HTTP017",
    slug: "http-no-mock-data",
    category: Category::Testing,
    severity: Severity::Medium,
    summary: "Responses contain no mock-data patterns (lorem ipsum, John Doe, test@example.com)",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` and each of `paths` under it and searches the bodies (first \
256 KiB) for `patterns`, case-insensitively. Any match fails, naming the URL and the pattern.",
        why: "\"The API returns real data, not mocks\" is on the seed checklists because a stub left \
wired in (a fake repository, a demo fixture) passes every health check while serving nonsense.",
        fix: "Remove the mock or fixture wiring from the production build; list endpoints that must \
serve real data in `paths`, and tune `patterns` to your fixtures' tell-tale values.",
        example: "```toml\n[checks.HTTP017]\npaths = [\"/api/products\"]\npatterns = [\"lorem ipsum\", \"ACME Test\"]\n```",
    },
    params: &[
        ParamSpec {
            name: "paths",
            kind: ParamKind::List,
            default: "",
            help: "more paths under api_url to search",
        },
        ParamSpec {
            name: "patterns",
            kind: ParamKind::List,
            default: "lorem ipsum,john doe,jane doe,test@example.com,user@example.com,foo@bar,mock data,dummy data,fake data,sample data,acme corp",
            help: "case-insensitive substrings that betray mock data",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "mock data",
        "real data",
        "not mocks",
        "fixtures",
        "lorem ipsum",
    ],
};

#[async_trait::async_trait]
impl Check for NoMockData {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let mut urls = vec![url_for(cx, "")];
        urls.extend(cx.params.list("paths").iter().map(|p| url_for(cx, p)));
        let patterns: Vec<String> = cx
            .params
            .list("patterns")
            .iter()
            .map(|p| p.to_lowercase())
            .collect();
        let (mut hits, mut ev) = (Vec::new(), Vec::new());
        for url in &urls {
            let ex = match exchange(cx, HttpRequest::get(url.clone())).await {
                Ok(e) => e,
                Err(o) => return o,
            };
            let resp = match ex.response() {
                Ok(r) => r,
                Err(e) => return Outcome::error(format!("no response: {e}")),
            };
            let body = resp.body_text().to_lowercase();
            ev.push(format!(
                "{} ({} bytes{})",
                resp.summary(),
                resp.body.len(),
                if resp.body_truncated {
                    ", truncated"
                } else {
                    ""
                }
            ));
            for p in &patterns {
                if !p.is_empty() && body.contains(p.as_str()) {
                    hits.push(format!("{url} contains \"{p}\""));
                    ev.push(format!("reproduce: curl -s '{url}' | grep -i '{p}'"));
                }
            }
        }
        if hits.is_empty() {
            Outcome::pass(format!(
                "no mock-data pattern in {} response(s)",
                urls.len()
            ))
            .with_evidence(ev)
        } else {
            Outcome::fail(hits.join("; "))
                .with_evidence(ev)
                .fix("remove mock or fixture data from the production build")
        }
    }
}
