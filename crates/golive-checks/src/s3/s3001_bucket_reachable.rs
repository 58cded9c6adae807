use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::s3::S3Facts;

pub struct BucketReachable;

static META: CheckMeta = CheckMeta {
    code: "S3001",
    slug: "s3-bucket-reachable",
    category: Category::Storage,
    severity: Severity::Critical,
    summary: "The S3 bucket exists and is reachable with the configured credentials",
    doc: CheckDoc {
        what: "Sends a SigV4-signed `GET /<bucket>?location` to `s3_endpoint` with the \
credentials of `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (region from `AWS_REGION`). \
Fails on connection errors, `NoSuchBucket`, `AccessDenied`, a bad signature, or missing \
credentials.",
        why: "Uploads and downloads fail at the first user action when the bucket was never \
created in this environment or the application's keys cannot reach it.",
        fix: "Create the bucket (`aws s3api create-bucket --bucket NAME`), check the endpoint \
and region, and grant the application's key `s3:ListBucket`/`s3:GetBucketLocation` on it.",
        example: "```toml\n[environments.production]\ns3_endpoint = \"https://s3.eu-west-1.amazonaws.com\"\ns3_bucket = \"acme-uploads-prod\"\n```",
    },
    params: &[],
    requires: &[Input::S3Endpoint, Input::S3Bucket],
    keywords: &[
        "bucket created",
        "s3 bucket",
        "object storage",
        "minio",
        "bucket exists",
    ],
};

#[async_trait::async_trait]
impl Check for BucketReachable {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        match cx.facts.get::<S3Facts>().await {
            Ok(f) => Outcome::pass(format!("bucket {} is reachable", f.bucket)).evidence(format!(
                "GET {}/{}?location -> HTTP {}",
                f.endpoint, f.bucket, f.location.status
            )),
            Err(e) => Outcome::fail(e.message.clone())
                .evidence(
                    "aws s3api get-bucket-location --bucket $S3_BUCKET --endpoint-url $S3_ENDPOINT",
                )
                .fix("create the bucket, check endpoint/region, and grant the key access to it"),
        }
    }
}
