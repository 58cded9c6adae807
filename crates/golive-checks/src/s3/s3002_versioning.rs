use super::{s3, sub_config};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::s3::xml_values;

pub struct Versioning;

static META: CheckMeta = CheckMeta {
    code: "S3002",
    slug: "s3-versioning",
    category: Category::Backup,
    severity: Severity::High,
    summary: "Versioning is enabled on the bucket",
    doc: CheckDoc {
        what: "Reads `GET /<bucket>?versioning` and fails unless `Status` is `Enabled` (never \
enabled and `Suspended` both fail).",
        why: "Without versioning an overwrite or delete, by a bug, a user or an attacker with \
the application's keys, destroys the only copy.",
        fix: "`aws s3api put-bucket-versioning --bucket NAME --versioning-configuration \
Status=Enabled`, with a lifecycle rule expiring noncurrent versions to bound the cost.",
        example: "`GET ?versioning -> Status (none)` fails; `-> Status Enabled` passes.",
    },
    params: &[],
    requires: &[Input::S3Endpoint, Input::S3Bucket],
    keywords: &["versioning enabled", "bucket versioning", "s3 versioning"],
};

#[async_trait::async_trait]
impl Check for Versioning {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match s3(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let body = match sub_config(&f.versioning, "versioning", &[]) {
            Ok(Some(b)) => b,
            Ok(None) => String::new(),
            Err(o) => return o,
        };
        let status = xml_values(&body, "Status").into_iter().next();
        let ev = format!(
            "GET ?versioning -> Status {}",
            status.as_deref().unwrap_or("(none: never enabled)")
        );
        match status.as_deref() {
            Some("Enabled") => Outcome::pass("versioning is enabled").evidence(ev),
            Some(other) => Outcome::fail(format!("versioning is {other}"))
                .evidence(ev)
                .fix("aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled"),
            None => Outcome::fail("versioning has never been enabled")
                .evidence(ev)
                .fix("aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled"),
        }
    }
}
