use super::{exchange, url_for};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::http::HttpRequest;

pub struct CookieFlags;

static META: CheckMeta = CheckMeta {
    code: "HTTP010",
    slug: "http-cookie-flags",
    category: Category::Security,
    severity: Severity::High,
    summary: "Cookies are set with Secure, HttpOnly and SameSite",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` and to each of `paths` under it, and reads every `Set-Cookie`. \
Each cookie must have `Secure`, `HttpOnly` (except the names in `script_readable`, such as CSRF \
tokens a script must read) and a `SameSite` attribute; `SameSite=None` without `Secure` fails too. \
When no response sets a cookie the check is skipped, naming the URLs it tried. Cookie values are \
never shown.",
        why: "A cookie without `Secure` travels over plain HTTP; without `HttpOnly` any injected script \
can steal the session; without `SameSite` it rides along on cross-site requests (CSRF).",
        fix: "Set cookies with `Secure; HttpOnly; SameSite=Lax` (or `Strict`). In most frameworks these \
are settings: Django `SESSION_COOKIE_SECURE`, `SESSION_COOKIE_HTTPONLY`, `SESSION_COOKIE_SAMESITE`; \
Express `cookie: { secure: true, httpOnly: true, sameSite: 'lax' }`.",
        example: "```\n# fails\nset-cookie: session=…; Path=/\n# passes\nset-cookie: session=…; Path=/; Secure; HttpOnly; SameSite=Lax\n```\n```toml\n[checks.HTTP010]\npaths = [\"/login\", \"/api/session\"]\n```",
    },
    params: &[
        ParamSpec {
            name: "paths",
            kind: ParamKind::List,
            default: "",
            help: "more paths under api_url whose cookies are judged",
        },
        ParamSpec {
            name: "script_readable",
            kind: ParamKind::List,
            default: "csrftoken,XSRF-TOKEN,csrf_token",
            help: "cookie names allowed without HttpOnly",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "cookie",
        "Set-Cookie",
        "Secure",
        "HttpOnly",
        "SameSite",
        "SESSION_COOKIE_SECURE",
    ],
};

/// The name and the missing flags of one `Set-Cookie` value.
pub fn cookie_problems(
    set_cookie: &str,
    script_readable: &[String],
) -> (String, Vec<&'static str>) {
    let mut parts = set_cookie.split(';');
    let name = parts
        .next()
        .and_then(|nv| nv.split_once('=').map(|(n, _)| n.trim().to_string()))
        .unwrap_or_default();
    let attrs: Vec<(String, String)> = parts
        .map(|a| match a.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()),
            None => (a.trim().to_ascii_lowercase(), String::new()),
        })
        .collect();
    let has = |k: &str| attrs.iter().any(|(n, _)| n == k);
    let mut missing = Vec::new();
    if !has("secure") {
        missing.push("Secure");
    }
    if !has("httponly")
        && !script_readable
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&name))
    {
        missing.push("HttpOnly");
    }
    match attrs.iter().find(|(n, _)| n == "samesite") {
        None => missing.push("SameSite"),
        Some((_, v)) if v == "none" && !has("secure") => missing.push("Secure with SameSite=None"),
        _ => {}
    }
    (name, missing)
}

#[async_trait::async_trait]
impl Check for CookieFlags {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let mut urls = vec![url_for(cx, "")];
        urls.extend(cx.params.list("paths").iter().map(|p| url_for(cx, p)));
        let readable = cx.params.list("script_readable");
        let mut bad = Vec::new();
        let mut evidence = Vec::new();
        let mut seen = 0;
        for url in &urls {
            let req = HttpRequest::get(url.clone());
            let ex = match exchange(cx, req.clone()).await {
                Ok(e) => e,
                Err(o) => return o,
            };
            let resp = match ex.response() {
                Ok(r) => r,
                Err(e) => return Outcome::error(format!("no response: {e}")),
            };
            for c in resp.headers_all("set-cookie") {
                seen += 1;
                let (name, missing) = cookie_problems(c, readable);
                if missing.is_empty() {
                    evidence.push(format!("{url}: cookie {name}: Secure, HttpOnly, SameSite"));
                } else {
                    evidence.push(format!("{url}: cookie {name} lacks {}", missing.join(", ")));
                    bad.push(format!("{name} lacks {}", missing.join(", ")));
                }
            }
            if resp.headers_all("set-cookie").next().is_some() {
                evidence.push(format!("reproduce: {} | grep -i set-cookie", req.curl()));
            }
        }
        if seen == 0 {
            return Outcome::skipped(format!(
                "no Set-Cookie in the responses to {}; list the paths that set cookies in `paths`",
                urls.join(", ")
            ));
        }
        if bad.is_empty() {
            Outcome::pass(format!(
                "{seen} cookie(s) set with Secure, HttpOnly and SameSite"
            ))
            .with_evidence(evidence)
        } else {
            Outcome::fail(format!("cookie {}", bad.join("; ")))
                .with_evidence(evidence)
                .fix("set cookies with Secure; HttpOnly; SameSite=Lax")
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn flags() {
        let none: Vec<String> = Vec::new();
        assert!(
            super::cookie_problems("s=1; Path=/; Secure; HttpOnly; SameSite=Lax", &none)
                .1
                .is_empty()
        );
        assert_eq!(
            super::cookie_problems("s=1; Path=/", &none).1,
            vec!["Secure", "HttpOnly", "SameSite"]
        );
        assert_eq!(
            super::cookie_problems(
                "csrftoken=1; Secure; SameSite=Strict",
                &["csrftoken".into()]
            )
            .1
            .len(),
            0
        );
    }
}
