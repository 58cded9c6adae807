use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct ReadinessEndpoint;

static META: CheckMeta = CheckMeta {
    code: "HTTP002",
    slug: "http-readiness-endpoint",
    category: Category::Health,
    severity: Severity::Medium,
    summary: "The readiness endpoint answers 200 and reports its dependencies OK",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` + `path` (default `/ready`), without credentials and without following redirects. It passes when the answer is 2xx within `max_ms`, and, when the body is JSON with a status (`status`, `state`, `health`), that status is OK (`ok`, `healthy`, `up`, `pass`, ...) and every dependency listed under `checks`, `dependencies`, `components`, `services` or `details` is OK too. No answer, a non-2xx status, a failing dependency or a slow answer fail.",
        why: "Kubernetes readiness probes and rolling deploys route traffic only to instances that say they are ready; without a readiness endpoint that checks dependencies, a pod that cannot reach its database still receives requests.",
        fix: "Serve `/ready` without authentication or rate limiting, answering `200` with a small JSON body such as `{\"status\":\"ok\"}`; keep it cheap so it answers in milliseconds. Set `path` in `[checks.HTTP002]` when the endpoint lives elsewhere.",
        example: "```\n$ curl -s https://api.example.com/ready\n{\"status\":\"ok\",\"checks\":{\"database\":{\"status\":\"up\"}}}\n```\n```toml\n[checks.HTTP002]\npath = \"/ready\"\nmax_ms = 500\n```",
    },
    params: &[
        ParamSpec {
            name: "path",
            kind: ParamKind::Str,
            default: "/ready",
            help: "path under api_url",
        },
        ParamSpec {
            name: "max_ms",
            kind: ParamKind::Int,
            default: "1000",
            help: "slowest acceptable answer, milliseconds",
        },
        ParamSpec {
            name: "require_json",
            kind: ParamKind::Bool,
            default: "false",
            help: "fail when the body is not JSON",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &["/ready", "readiness", "readiness probe", "/readyz"],
};

#[async_trait::async_trait]
impl Check for ReadinessEndpoint {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        super::probe_endpoint(cx, "readiness").await
    }
}
