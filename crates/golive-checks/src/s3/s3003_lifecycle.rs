use super::{s3, sub_config};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::s3::xml_values;

pub struct Lifecycle;

static META: CheckMeta = CheckMeta {
    code: "S3003",
    slug: "s3-lifecycle-rules",
    category: Category::Storage,
    severity: Severity::Medium,
    summary: "The bucket has at least one enabled lifecycle rule",
    doc: CheckDoc {
        what: "Reads `GET /<bucket>?lifecycle` and fails when there is no lifecycle \
configuration or none of its rules is `Enabled`. The rules' IDs are shown.",
        why: "Without lifecycle rules, noncurrent versions, incomplete multipart uploads and \
temporary objects accumulate forever: the bill grows and retention promises in the privacy \
policy are broken.",
        fix: "Add rules that expire noncurrent versions and abort incomplete multipart uploads \
(`aws s3api put-bucket-lifecycle-configuration`), and transition or expire data per the \
retention policy.",
        example: "`GET ?lifecycle -> NoSuchLifecycleConfiguration` fails; `-> rules expire-tmp (Enabled)` passes.",
    },
    params: &[],
    requires: &[Input::S3Endpoint, Input::S3Bucket],
    keywords: &[
        "lifecycle policies",
        "lifecycle rules",
        "expiration",
        "retention",
        "lifecycle",
    ],
};

#[async_trait::async_trait]
impl Check for Lifecycle {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match s3(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let fix = "add lifecycle rules (aws s3api put-bucket-lifecycle-configuration): expire noncurrent versions, abort incomplete multipart uploads";
        let body = match sub_config(&f.lifecycle, "lifecycle", &["NoSuchLifecycleConfiguration"]) {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Outcome::fail("the bucket has no lifecycle configuration")
                    .evidence("GET ?lifecycle -> 404 NoSuchLifecycleConfiguration")
                    .fix(fix);
            }
            Err(o) => return o,
        };
        let rules = xml_values(&body, "Rule");
        let mut enabled = Vec::new();
        let mut ev = Vec::new();
        for r in &rules {
            let id = xml_values(r, "ID")
                .into_iter()
                .next()
                .unwrap_or_else(|| "(no id)".into());
            let status = xml_values(r, "Status")
                .into_iter()
                .next()
                .unwrap_or_default();
            ev.push(format!("lifecycle rule {id}: {status}"));
            if status == "Enabled" {
                enabled.push(id);
            }
        }
        if enabled.is_empty() {
            Outcome::fail(format!(
                "none of the {} lifecycle rule(s) is enabled",
                rules.len()
            ))
            .with_evidence(ev)
            .fix(fix)
        } else {
            Outcome::pass(format!("enabled lifecycle rule(s): {}", enabled.join(", ")))
                .with_evidence(ev)
        }
    }
}
