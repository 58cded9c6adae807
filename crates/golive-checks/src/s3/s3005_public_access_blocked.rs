use super::{s3, sub_config};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::s3::xml_values;

pub struct PublicAccessBlocked;

static META: CheckMeta = CheckMeta {
    code: "S3005",
    slug: "s3-public-access-blocked",
    category: Category::Security,
    severity: Severity::Critical,
    summary: "The bucket's public access block has all four settings on",
    doc: CheckDoc {
        what: "Reads `GET /<bucket>?publicAccessBlock` and fails unless `BlockPublicAcls`, \
`IgnorePublicAcls`, `BlockPublicPolicy` and `RestrictPublicBuckets` are all `true`, naming the \
ones that are not. No configuration at all fails.",
        why: "Public buckets are the most common cloud data leak; one stray ACL or policy \
statement exposes every object. The block settings override them.",
        fix: "`aws s3api put-public-access-block --bucket NAME --public-access-block-configuration \
BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`; \
serve public assets through a CDN with origin access control instead.",
        example: "`GET ?publicAccessBlock -> BlockPublicPolicy false` fails.",
    },
    params: &[],
    requires: &[Input::S3Endpoint, Input::S3Bucket],
    keywords: &[
        "public access",
        "block public access",
        "bucket not public",
        "public bucket",
    ],
};

const SETTINGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

#[async_trait::async_trait]
impl Check for PublicAccessBlocked {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match s3(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let fix = "aws s3api put-public-access-block with all four settings true";
        let body = match sub_config(
            &f.public_access_block,
            "publicAccessBlock",
            &["NoSuchPublicAccessBlockConfiguration"],
        ) {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Outcome::fail("the bucket has no public access block")
                    .evidence("GET ?publicAccessBlock -> 404 NoSuchPublicAccessBlockConfiguration")
                    .fix(fix);
            }
            Err(o) => return o,
        };
        let mut off = Vec::new();
        let mut ev = Vec::new();
        for s in SETTINGS {
            let v = xml_values(&body, s)
                .into_iter()
                .next()
                .unwrap_or_else(|| "(absent)".into());
            ev.push(format!("GET ?publicAccessBlock -> {s} {v}"));
            if !v.eq_ignore_ascii_case("true") {
                off.push(s);
            }
        }
        if off.is_empty() {
            Outcome::pass("all four public access block settings are on").with_evidence(ev)
        } else {
            Outcome::fail(format!(
                "public access not fully blocked: {} off",
                off.join(", ")
            ))
            .with_evidence(ev)
            .fix(fix)
        }
    }
}
