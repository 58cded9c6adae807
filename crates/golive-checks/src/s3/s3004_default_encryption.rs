use super::{s3, sub_config};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::s3::xml_values;

pub struct DefaultEncryption;

static META: CheckMeta = CheckMeta {
    code: "S3004",
    slug: "s3-default-encryption",
    category: Category::Security,
    severity: Severity::High,
    summary: "The bucket encrypts new objects by default",
    doc: CheckDoc {
        what: "Reads `GET /<bucket>?encryption` and fails when there is no server-side \
encryption configuration or it names no `SSEAlgorithm`. The algorithm (`AES256`, `aws:kms`, \
`aws:kms:dsse`) and whether a KMS key is set are shown.",
        why: "Encryption at rest is a baseline of every compliance framework; on S3-compatible \
stores other than AWS (which has encrypted by default since 2023) nothing is encrypted unless \
configured.",
        fix: "`aws s3api put-bucket-encryption --bucket NAME --server-side-encryption-configuration \
'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\"}}]}'`",
        example: "`GET ?encryption -> ServerSideEncryptionConfigurationNotFoundError` fails; `-> SSEAlgorithm AES256` passes.",
    },
    params: &[],
    requires: &[Input::S3Endpoint, Input::S3Bucket],
    keywords: &[
        "encryption at rest",
        "default encryption",
        "SSE",
        "KMS",
        "bucket encryption",
    ],
};

#[async_trait::async_trait]
impl Check for DefaultEncryption {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match s3(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let fix = "aws s3api put-bucket-encryption with SSEAlgorithm aws:kms (or AES256)";
        let body = match sub_config(
            &f.encryption,
            "encryption",
            &["ServerSideEncryptionConfigurationNotFoundError"],
        ) {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Outcome::fail("the bucket has no default encryption")
                    .evidence(
                        "GET ?encryption -> 404 ServerSideEncryptionConfigurationNotFoundError",
                    )
                    .fix(fix);
            }
            Err(o) => return o,
        };
        let algs = xml_values(&body, "SSEAlgorithm");
        let kms = !xml_values(&body, "KMSMasterKeyID").is_empty();
        match algs.first() {
            Some(a) => Outcome::pass(format!("default encryption {a}")).evidence(format!(
                "GET ?encryption -> SSEAlgorithm {a}{}",
                if kms { " with a KMS key" } else { "" }
            )),
            None => Outcome::fail("the encryption configuration names no SSEAlgorithm")
                .evidence("GET ?encryption -> no SSEAlgorithm")
                .fix(fix),
        }
    }
}
