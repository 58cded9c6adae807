use super::{PATH_PARAM, judge_headers, show_header};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct Csp;

static META: CheckMeta = CheckMeta {
    code: "HTTP005",
    slug: "http-csp",
    category: Category::Security,
    severity: Severity::High,
    summary: "A Content-Security-Policy is sent and allows no unsafe script sources",
    doc: CheckDoc {
        what: "Reads `Content-Security-Policy` from the response to `GET api_url` (or `path`). It fails \
when the header is absent (a `-Report-Only` policy alone does not count), when any directive \
allows `'unsafe-inline'`, `'unsafe-eval'` or `'unsafe-hashes'`, or when `script-src` (or \
`default-src` without `script-src`) allows `*`, `http:`, `https:` or `data:`.",
        why: "A CSP is the second line of defence against cross-site scripting: it decides which \
scripts a browser runs. `unsafe-inline` and `unsafe-eval` switch that defence off, and a wildcard \
source lets an attacker load a script from anywhere.",
        fix: "Send a policy such as `default-src 'self'; script-src 'self'; object-src 'none'; \
frame-ancestors 'none'`; move inline scripts to files or allow them by nonce or hash.",
        example: "```\n# fails\ncontent-security-policy: default-src 'self' 'unsafe-inline'\n# passes\ncontent-security-policy: default-src 'self'; frame-ancestors 'none'\n```",
    },
    params: &[PATH_PARAM],
    requires: &[Input::ApiUrl],
    keywords: &[
        "CSP",
        "Content-Security-Policy",
        "unsafe-inline",
        "unsafe-eval",
    ],
};

/// The unsafe parts of a policy, empty when none.
pub fn csp_problems(policy: &str) -> Vec<String> {
    let mut out = Vec::new();
    let directives: Vec<(String, Vec<String>)> = policy
        .split(';')
        .filter_map(|d| {
            let mut it = d.split_whitespace();
            let name = it.next()?.to_ascii_lowercase();
            Some((name, it.map(|s| s.to_ascii_lowercase()).collect()))
        })
        .collect();
    for (name, sources) in &directives {
        for s in sources {
            if matches!(
                s.as_str(),
                "'unsafe-inline'" | "'unsafe-eval'" | "'unsafe-hashes'"
            ) {
                out.push(format!("{name} allows {s}"));
            }
        }
    }
    let scripts = directives
        .iter()
        .find(|(n, _)| n == "script-src")
        .or_else(|| directives.iter().find(|(n, _)| n == "default-src"));
    match scripts {
        Some((name, sources)) => {
            for s in sources {
                if matches!(s.as_str(), "*" | "http:" | "https:" | "data:") {
                    out.push(format!("{name} allows scripts from {s}"));
                }
            }
        }
        None => out.push("neither script-src nor default-src restricts scripts".into()),
    }
    out
}

#[async_trait::async_trait]
impl Check for Csp {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let fix = "send Content-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'";
        judge_headers(cx, |r| {
            let h = r.header("content-security-policy");
            let o = match h {
                None if r.header("content-security-policy-report-only").is_some() => Outcome::fail(
                    "only Content-Security-Policy-Report-Only is sent; it enforces nothing",
                ),
                None => Outcome::fail("no Content-Security-Policy header"),
                Some(p) => {
                    let problems = csp_problems(p);
                    if problems.is_empty() {
                        return Outcome::pass("Content-Security-Policy allows no unsafe sources")
                            .evidence(show_header("content-security-policy", h));
                    }
                    Outcome::fail(format!(
                        "Content-Security-Policy is unsafe: {}",
                        problems.join("; ")
                    ))
                }
            };
            o.evidence(show_header("content-security-policy", h))
                .fix(fix)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn judges_policies() {
        assert!(super::csp_problems("default-src 'self'; frame-ancestors 'none'").is_empty());
        assert_eq!(
            super::csp_problems("default-src 'self' 'unsafe-inline'").len(),
            1
        );
        assert_eq!(
            super::csp_problems("default-src 'self'; script-src *").len(),
            1
        );
        assert_eq!(super::csp_problems("img-src 'self'").len(), 1);
    }
}
