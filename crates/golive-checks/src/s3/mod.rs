//! S3-compatible storage checks for the bucket `s3_bucket` at `s3_endpoint`, read with SigV4-
//! signed GETs (see `golive_facts::s3`). An unreachable bucket fails S3001 and leaves the
//! others `error`.

mod s3001_bucket_reachable;
mod s3002_versioning;
mod s3003_lifecycle;
mod s3004_default_encryption;
mod s3005_public_access_blocked;
mod s3006_cors_origin;

use crate::support::not_checked;
use golive_core::{Check, CheckCx, Outcome};
use golive_facts::s3::{S3Answer, S3Facts};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &s3001_bucket_reachable::BucketReachable,
    &s3002_versioning::Versioning,
    &s3003_lifecycle::Lifecycle,
    &s3004_default_encryption::DefaultEncryption,
    &s3005_public_access_blocked::PublicAccessBlocked,
    &s3006_cors_origin::CorsOrigin,
];

pub(crate) async fn s3(cx: &CheckCx<'_>) -> Result<Arc<S3Facts>, Outcome> {
    cx.facts
        .get::<S3Facts>()
        .await
        .map_err(|e| not_checked("the S3 bucket", "S3001", &e))
}

/// The answer to `GET ?sub`: `Ok(Some(body))` on 2xx, `Ok(None)` when the server says the
/// configuration does not exist (404 with one of `absent_codes`), else the `error` outcome.
pub(crate) fn sub_config(
    r: &Result<S3Answer, String>,
    sub: &str,
    absent_codes: &[&str],
) -> Result<Option<String>, Outcome> {
    let a = r
        .as_ref()
        .map_err(|e| Outcome::error(format!("GET ?{sub} failed: {e}")))?;
    if a.ok() {
        return Ok(Some(a.body.clone()));
    }
    let code = a.error_code().unwrap_or_default();
    if a.status == 404 && absent_codes.contains(&code.as_str()) {
        return Ok(None);
    }
    Err(Outcome::error(format!(
        "GET ?{sub} answered HTTP {} {code}: cannot decide",
        a.status
    )))
}
