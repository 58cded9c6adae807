use super::{exchange, url_for};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::HttpRequest;

pub struct ProtectedEndpoints;

static META: CheckMeta = CheckMeta {
    code: "HTTP015",
    slug: "http-protected-endpoints",
    category: Category::Security,
    severity: Severity::Critical,
    summary: "Protected endpoints and admin_url refuse requests without credentials",
    doc: CheckDoc {
        what: "Sends `GET` without credentials to each of `paths` under `api_url`, and to `admin_url` \
when the environment sets it. Each must answer 401 or 403, or redirect to a login page (a \
`Location` mentioning login, signin, auth, sso or oauth). A 2xx answer fails; any other answer \
(404, 5xx, no answer) is an error, because it shows nothing about protection. With neither `paths` \
nor `admin_url` the check is skipped.",
        why: "An admin panel or private API that answers without credentials is the most direct \
breach there is, and it typically happens when a route is added outside the authenticated router.",
        fix: "Put every non-public route behind the authentication middleware; deny by default.",
        example: "```toml\n[checks.HTTP015]\npaths = [\"/api/users\", \"/admin\"]\n```\n```\n$ curl -s -o /dev/null -w '%{http_code}' https://api.example.com/api/users\n401\n```",
    },
    params: &[ParamSpec {
        name: "paths",
        kind: ParamKind::List,
        default: "",
        help: "paths under api_url that require credentials",
    }],
    requires: &[Input::ApiUrl],
    keywords: &[
        "authentication",
        "401",
        "403",
        "protected endpoints",
        "admin",
        "unauthorized",
    ],
};

#[async_trait::async_trait]
impl Check for ProtectedEndpoints {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let mut urls: Vec<String> = cx
            .params
            .list("paths")
            .iter()
            .map(|p| url_for(cx, p))
            .collect();
        if let Some(a) = cx.facts.env().input(Input::AdminUrl) {
            urls.push(golive_facts::http::strip_userinfo(a));
        }
        if urls.is_empty() {
            return Outcome::skipped(
                "no protected paths configured (`paths`) and no admin_url in the environment",
            );
        }
        let (mut open, mut unclear, mut ev) = (Vec::new(), Vec::new(), Vec::new());
        for url in &urls {
            let req = HttpRequest::get(url.clone());
            let ex = match exchange(cx, req.clone()).await {
                Ok(e) => e,
                Err(o) => return o,
            };
            let repro = format!("curl -s -o /dev/null -w '%{{http_code}}' '{url}'");
            match &ex.result {
                Ok(r) => {
                    ev.push(format!("{} (reproduce: {repro})", r.summary()));
                    let to_login = matches!(r.status, 301 | 302 | 303 | 307 | 308)
                        && r.header("location").is_some_and(|l| {
                            let l = l.to_ascii_lowercase();
                            ["login", "signin", "sign_in", "auth", "sso", "oauth"]
                                .iter()
                                .any(|w| l.contains(w))
                        });
                    if (200..300).contains(&r.status) {
                        open.push(format!("{url} ({})", r.status));
                    } else if !(r.status == 401 || r.status == 403 || to_login) {
                        unclear.push(format!("{url} answered {}", r.status));
                    }
                }
                Err(e) => unclear.push(format!("{url}: {e}")),
            }
        }
        if !open.is_empty() {
            return Outcome::fail(format!("answered without credentials: {}", open.join(", ")))
                .with_evidence(ev)
                .fix("require authentication on these routes; deny by default");
        }
        if !unclear.is_empty() {
            return Outcome::error(format!(
                "cannot tell whether protected: {}",
                unclear.join("; ")
            ))
            .with_evidence(ev);
        }
        Outcome::pass(format!(
            "{} protected URL(s) refuse requests without credentials",
            urls.len()
        ))
        .with_evidence(ev)
    }
}
