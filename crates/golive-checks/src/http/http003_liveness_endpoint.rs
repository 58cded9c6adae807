use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct LivenessEndpoint;

static META: CheckMeta = CheckMeta {
    code: "HTTP003",
    slug: "http-liveness-endpoint",
    category: Category::Health,
    severity: Severity::Medium,
    summary: "The liveness endpoint answers 200 quickly",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` + `path` (default `/live`), without credentials and without following redirects. It passes when the answer is 2xx within `max_ms`, and, when the body is JSON with a status (`status`, `state`, `health`), that status is OK (`ok`, `healthy`, `up`, `pass`, ...) and every dependency listed under `checks`, `dependencies`, `components`, `services` or `details` is OK too. No answer, a non-2xx status, a failing dependency or a slow answer fail.",
        why: "Kubernetes liveness probes restart a process that stopped answering. Without a cheap liveness endpoint the probe either hits something heavy (and restarts healthy pods under load) or is missing (and a wedged process is never restarted).",
        fix: "Serve `/live` without authentication or rate limiting, answering `200` with a small JSON body such as `{\"status\":\"ok\"}`; keep it cheap so it answers in milliseconds. Set `path` in `[checks.HTTP003]` when the endpoint lives elsewhere.",
        example: "```\n$ curl -s https://api.example.com/live\n{\"status\":\"ok\",\"checks\":{\"database\":{\"status\":\"up\"}}}\n```\n```toml\n[checks.HTTP003]\npath = \"/live\"\nmax_ms = 500\n```",
    },
    params: &[
        ParamSpec {
            name: "path",
            kind: ParamKind::Str,
            default: "/live",
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
    keywords: &["/live", "liveness", "liveness probe", "/livez"],
};

#[async_trait::async_trait]
impl Check for LivenessEndpoint {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        super::probe_endpoint(cx, "liveness").await
    }
}
