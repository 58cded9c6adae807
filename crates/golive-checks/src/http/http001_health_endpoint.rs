use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct HealthEndpoint;

static META: CheckMeta = CheckMeta {
    code: "HTTP001",
    slug: "http-health-endpoint",
    category: Category::Health,
    severity: Severity::High,
    summary: "The health endpoint answers 200 quickly and reports itself and its dependencies OK",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` + `path` (default `/health`), without credentials and without following redirects. It passes when the answer is 2xx within `max_ms`, and, when the body is JSON with a status (`status`, `state`, `health`), that status is OK (`ok`, `healthy`, `up`, `pass`, ...) and every dependency listed under `checks`, `dependencies`, `components`, `services` or `details` is OK too. No answer, a non-2xx status, a failing dependency or a slow answer fail.",
        why: "Load balancers, orchestrators and uptime monitors decide from the health endpoint whether to send traffic. A missing or failing one takes healthy instances out of rotation or keeps broken ones in; a slow one makes probes time out under load.",
        fix: "Serve `/health` without authentication or rate limiting, answering `200` with a small JSON body such as `{\"status\":\"ok\"}`; keep it cheap so it answers in milliseconds. Set `path` in `[checks.HTTP001]` when the endpoint lives elsewhere.",
        example: "```\n$ curl -s https://api.example.com/health\n{\"status\":\"ok\",\"checks\":{\"database\":{\"status\":\"up\"}}}\n```\n```toml\n[checks.HTTP001]\npath = \"/health\"\nmax_ms = 500\n```",
    },
    params: &[
        ParamSpec {
            name: "path",
            kind: ParamKind::Str,
            default: "/health",
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
    keywords: &[
        "/health",
        "health endpoint",
        "healthcheck",
        "health check",
        "/healthz",
    ],
};

#[async_trait::async_trait]
impl Check for HealthEndpoint {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        super::probe_endpoint(cx, "health").await
    }
}
