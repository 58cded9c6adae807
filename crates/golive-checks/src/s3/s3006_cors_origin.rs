use super::{s3, sub_config};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::s3::xml_values;

pub struct CorsOrigin;

static META: CheckMeta = CheckMeta {
    code: "S3006",
    slug: "s3-cors-origin",
    category: Category::Security,
    severity: Severity::Medium,
    summary: "The bucket's CORS rules allow the front-end origin, and not every origin",
    doc: CheckDoc {
        what: "Reads `GET /<bucket>?cors`. Fails when no rule allows `origin` (the front end that \
uploads or downloads directly, e.g. `https://app.example.com`), and warns when a rule allows \
`*`. Skipped when `origin` is not configured.",
        why: "Browser uploads with presigned URLs fail with a CORS error when the origin is \
missing; `*` lets any site use the bucket from a visitor's browser.",
        fix: "`aws s3api put-bucket-cors` with a rule whose AllowedOrigin is exactly the front \
end's origin and AllowedMethod the ones it uses (GET, PUT).",
        example: "```toml\n[checks.S3006]\norigin = \"https://app.example.com\"\n```",
    },
    params: &[ParamSpec {
        name: "origin",
        kind: ParamKind::Str,
        default: "",
        help: "the front-end origin that must be allowed, e.g. https://app.example.com",
    }],
    requires: &[Input::S3Endpoint, Input::S3Bucket],
    keywords: &["cors", "bucket cors", "AllowedOrigin", "presigned upload"],
};

#[async_trait::async_trait]
impl Check for CorsOrigin {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let origin = cx.params.str("origin").trim_end_matches('/').to_string();
        if origin.is_empty() {
            return Outcome::skipped(
                "no front-end origin configured (set origin in [checks.S3006])",
            );
        }
        let f = match s3(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let fix = format!("aws s3api put-bucket-cors with AllowedOrigin {origin}");
        let body = match sub_config(&f.cors, "cors", &["NoSuchCORSConfiguration"]) {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Outcome::fail(format!(
                    "the bucket has no CORS configuration; {origin} is not allowed"
                ))
                .evidence("GET ?cors -> 404 NoSuchCORSConfiguration")
                .fix(fix);
            }
            Err(o) => return o,
        };
        let origins = xml_values(&body, "AllowedOrigin");
        let ev = format!("GET ?cors -> AllowedOrigin {}", origins.join(", "));
        if origins.iter().any(|o| o == "*") {
            return Outcome::warn("a CORS rule allows every origin (*)")
                .evidence(ev)
                .fix(fix);
        }
        if origins
            .iter()
            .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(&origin))
        {
            Outcome::pass(format!("CORS allows {origin}")).evidence(ev)
        } else {
            Outcome::fail(format!("no CORS rule allows {origin}"))
                .evidence(ev)
                .fix(fix)
        }
    }
}
