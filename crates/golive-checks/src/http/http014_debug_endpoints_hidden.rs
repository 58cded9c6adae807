use super::{exchange, url_for};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::HttpRequest;

pub struct DebugEndpointsHidden;

static META: CheckMeta = CheckMeta {
    code: "HTTP014",
    slug: "http-debug-endpoints-hidden",
    category: Category::Security,
    severity: Severity::High,
    summary: "Debug and API documentation endpoints are not served without credentials",
    doc: CheckDoc {
        what: "Sends `GET` without credentials to each of `paths` under `api_url` (`/docs`, `/redoc`, \
`/openapi.json`, `/swagger*`, `/debug/pprof/`, `/actuator/*`, GraphQL playgrounds, ...). A 2xx \
answer fails, unless it is the same page the server gives for a path that cannot exist (a \
single-page app's catch-all), which is fetched first as a baseline. 401, 403, 404 and redirects pass.",
        why: "API docs map the attack surface; `/debug/pprof` and `/actuator/heapdump` hand out memory \
contents, `/actuator/env` prints configuration with secrets, and a GraphQL playground with \
introspection lists every query.",
        fix: "Disable docs and debug routes in production (FastAPI `docs_url=None, redoc_url=None, \
openapi_url=None`; Spring `management.endpoints.web.exposure.include=health`; no `net/http/pprof` \
import on the public listener), or put them behind authentication.",
        example: "```\n$ curl -s -o /dev/null -w '%{http_code}' https://api.example.com/openapi.json\n404\n```\n```toml\n[checks.HTTP014]\npaths = [\"/docs\", \"/internal/debug\"]\n```",
    },
    params: &[ParamSpec {
        name: "paths",
        kind: ParamKind::List,
        default: "/docs,/redoc,/openapi.json,/swagger,/swagger-ui.html,/swagger-ui/,/swagger.json,/api-docs,/v3/api-docs,/debug/pprof/,/debug/vars,/actuator,/actuator/env,/actuator/heapdump,/graphiql,/playground,/__debug__/,/_profiler,/phpinfo.php,/server-status",
        help: "paths under api_url that must not be served",
    }],
    requires: &[Input::ApiUrl],
    keywords: &[
        "/docs",
        "/openapi.json",
        "swagger",
        "redoc",
        "pprof",
        "actuator",
        "GraphQL playground",
        "debug endpoints",
    ],
};

#[async_trait::async_trait]
impl Check for DebugEndpointsHidden {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let baseline_req = HttpRequest::get(url_for(cx, "/golive-no-such-path-7f3a9c"));
        let baseline = match exchange(cx, baseline_req).await {
            Ok(e) => e,
            Err(o) => return o,
        };
        let baseline = match baseline.response() {
            Ok(r) => r.clone(),
            Err(e) => return Outcome::error(format!("no response: {e}")),
        };
        let catch_all = (200..300).contains(&baseline.status);
        let reqs: Vec<HttpRequest> = cx
            .params
            .list("paths")
            .iter()
            .map(|p| HttpRequest::get(url_for(cx, p)))
            .collect();
        let results = futures::future::join_all(reqs.iter().map(|r| exchange(cx, r.clone()))).await;
        let mut exposed = Vec::new();
        let mut evidence = Vec::new();
        let mut errors = Vec::new();
        for (req, r) in reqs.iter().zip(results) {
            let ex = match r {
                Ok(e) => e,
                Err(o) => return o,
            };
            match &ex.result {
                Ok(resp) => {
                    let same_as_baseline =
                        catch_all && resp.status == baseline.status && resp.body == baseline.body;
                    if (200..300).contains(&resp.status) && !same_as_baseline {
                        exposed.push(req.url.clone());
                        evidence.push(format!(
                            "{} (reproduce: curl -s -o /dev/null -w '%{{http_code}}' '{}')",
                            resp.summary(),
                            req.url
                        ));
                    }
                }
                Err(e) => errors.push(format!("{}: {e}", req.url)),
            }
        }
        if !exposed.is_empty() {
            return Outcome::fail(format!(
                "served without credentials: {}",
                exposed.join(", ")
            ))
            .with_evidence(evidence)
            .fix("disable docs and debug routes in production or require authentication for them");
        }
        if !errors.is_empty() {
            return Outcome::error(format!(
                "{} of {} paths got no answer; first: {}",
                errors.len(),
                reqs.len(),
                errors[0]
            ));
        }
        Outcome::pass(format!(
            "none of {} debug and docs paths is served",
            reqs.len()
        ))
        .evidence(format!(
            "baseline {} -> {}{}",
            baseline.url,
            baseline.status,
            if catch_all {
                " (catch-all: identical pages are not counted)"
            } else {
                ""
            }
        ))
    }
}
