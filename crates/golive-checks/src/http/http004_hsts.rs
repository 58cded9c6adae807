use super::{PATH_PARAM, judge_headers, show_header};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct Hsts;

static META: CheckMeta = CheckMeta {
    code: "HTTP004",
    slug: "http-hsts",
    category: Category::Security,
    severity: Severity::High,
    summary: "HTTPS responses carry Strict-Transport-Security with a max-age of at least a year",
    doc: CheckDoc {
        what: "Sends `GET` to `api_url` (or `path` under it) and reads `Strict-Transport-Security`. It \
passes when the URL is `https://` and the header has `max-age` of at least `min_max_age` seconds \
(default 31536000, one year). A plain `http://` api_url fails (browsers ignore HSTS over HTTP), \
and so do a missing header, an unparsable one or a shorter max-age.",
        why: "Without HSTS the first request of a visitor can be downgraded to plain HTTP and \
intercepted (SSL stripping). A short max-age lets the protection lapse between visits; one year is \
the minimum browsers' preload lists accept.",
        fix: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response \
(nginx: `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;`).",
        example: "```\n$ curl -sI https://api.example.com | grep -i strict\nstrict-transport-security: max-age=31536000; includeSubDomains\n```",
    },
    params: &[
        PATH_PARAM,
        ParamSpec {
            name: "min_max_age",
            kind: ParamKind::Int,
            default: "31536000",
            help: "smallest acceptable max-age, seconds",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "HSTS",
        "Strict-Transport-Security",
        "max-age",
        "includeSubDomains",
    ],
};

/// The max-age of an HSTS header, `None` when absent or unparsable.
pub fn max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|d| {
        let (k, v) = d.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

#[async_trait::async_trait]
impl Check for Hsts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let min = cx.params.int("min_max_age").max(0) as u64;
        let fix = "send Strict-Transport-Security: max-age=31536000; includeSubDomains";
        judge_headers(cx, |r| {
            let h = r.header("strict-transport-security");
            let o = if !r.url.starts_with("https://") {
                Outcome::fail(format!(
                    "{} is plain HTTP; HSTS only applies over HTTPS",
                    r.url
                ))
            } else {
                match h {
                    None => Outcome::fail("no Strict-Transport-Security header"),
                    Some(v) => match max_age(v) {
                        None => Outcome::fail("Strict-Transport-Security has no valid max-age"),
                        Some(a) if a < min => {
                            Outcome::fail(format!("HSTS max-age is {a} s, below {min} s"))
                        }
                        Some(a) => {
                            return Outcome::pass(format!("HSTS max-age is {a} s"))
                                .evidence(show_header("strict-transport-security", h));
                        }
                    },
                }
            };
            o.evidence(show_header("strict-transport-security", h))
                .fix(fix)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_max_age() {
        assert_eq!(
            super::max_age("max-age=31536000; includeSubDomains"),
            Some(31536000)
        );
        assert_eq!(
            super::max_age("includeSubDomains; MAX-AGE=\"60\""),
            Some(60)
        );
        assert_eq!(super::max_age("includeSubDomains"), None);
    }
}
