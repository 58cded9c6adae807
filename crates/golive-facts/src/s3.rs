//! S3-compatible storage: a thin, read-only client for one bucket, requests signed with AWS
//! Signature Version 4 (written here on `hmac`/`sha2`: six GETs do not need the AWS SDK).
//! Credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and
//! `AWS_SESSION_TOKEN`), the region from `AWS_REGION` / `AWS_DEFAULT_REGION` (default
//! `us-east-1`, or the region an AWS endpoint's host name carries). Path-style addressing
//! (`endpoint/bucket?versioning`: MinIO, Ceph, R2, moto, and AWS for older buckets) or
//! virtual-hosted (`bucket.s3.region.amazonaws.com/?versioning`), chosen by the environment's
//! `s3_addressing` (see [`bucket_address`]).

use crate::infra_http::{ApiClient, ApiResponse};
use crate::infra_tls::clean;
use golive_core::config::S3Addressing;
use golive_core::{Fact, FactError, Facts, Input};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Access keys for signing. `Debug` never shows the secret.
#[derive(Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AwsCredentials({}, [redacted])", self.access_key_id)
    }
}

impl AwsCredentials {
    pub fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        let id = lookup("AWS_ACCESS_KEY_ID").filter(|v| !v.is_empty())?;
        let secret = lookup("AWS_SECRET_ACCESS_KEY").filter(|v| !v.is_empty())?;
        Some(Self {
            access_key_id: id,
            secret_access_key: secret,
            session_token: lookup("AWS_SESSION_TOKEN").filter(|v| !v.is_empty()),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC accepts keys of any length; new_from_slice cannot fail for it.
    let mut m = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// URI-encodes per SigV4 (unreserved characters kept; `/` kept when `path`).
fn uri_encode(s: &str, path: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if path => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The headers to add to a request so it is signed with SigV4: `(name, value)` pairs
/// including `authorization`. `host` is `host[:port]` as sent; `query` pairs unencoded.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    creds: &AwsCredentials,
    region: &str,
    method: &str,
    host: &str,
    path: &str,
    query: &[(&str, &str)],
    payload: &[u8],
    now: jiff::Timestamp,
) -> Vec<(String, String)> {
    let amz_date = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let date = &amz_date[..8];
    let payload_hash = hex(&Sha256::digest(payload));
    let mut q: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    q.sort();
    let canonical_query = q
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers = vec![
        ("host".to_string(), host.to_string()),
        ("x-amz-content-sha256".to_string(), payload_hash.clone()),
        ("x-amz-date".to_string(), amz_date.clone()),
    ];
    if let Some(t) = &creds.session_token {
        headers.push(("x-amz-security-token".to_string(), t.clone()));
    }
    headers.sort();
    let canonical_headers: String = headers
        .iter()
        .map(|(k, v)| format!("{k}:{}\n", v.trim()))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{method}\n{}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        uri_encode(path, true)
    );
    let scope = format!("{date}/{region}/s3/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{}", creds.secret_access_key).as_bytes(), date);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, "s3");
    let k_signing = hmac(&k_service, "aws4_request");
    let signature = hex(&hmac(&k_signing, &string_to_sign));
    let mut out: Vec<(String, String)> = headers.into_iter().filter(|(k, _)| k != "host").collect();
    out.push((
        "authorization".to_string(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            creds.access_key_id
        ),
    ));
    out
}

/// One bucket sub-resource as the server answered it.
#[derive(Debug, Clone)]
pub struct S3Answer {
    pub status: u16,
    pub body: String,
}

impl S3Answer {
    /// The S3 error code of a non-2xx answer (`NoSuchBucket`, `AccessDenied`, ...).
    pub fn error_code(&self) -> Option<String> {
        xml_values(&self.body, "Code").into_iter().next()
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The text of every `<tag>...</tag>` in `xml` (namespaces and attributes ignored; values
/// unescaped for the five XML entities).
pub fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    let open_plain = format!("<{tag}>");
    let open_attr = format!("<{tag} ");
    let close = format!("</{tag}>");
    loop {
        let start = match (rest.find(&open_plain), rest.find(&open_attr)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let after = &rest[start..];
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push(
            body[..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
                .trim()
                .to_string(),
        );
        rest = &body[end + close.len()..];
    }
    out
}

/// What golive learned about the bucket. Every sub-resource answer is kept as is; a
/// transport failure of one is its `Err`.
#[derive(Debug, Clone)]
pub struct S3Facts {
    pub endpoint: String,
    pub bucket: String,
    pub location: S3Answer,
    pub versioning: Result<S3Answer, String>,
    pub lifecycle: Result<S3Answer, String>,
    pub encryption: Result<S3Answer, String>,
    pub public_access_block: Result<S3Answer, String>,
    pub cors: Result<S3Answer, String>,
}

/// Where the requests for one bucket go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketAddress {
    /// `scheme://host[:port]` to send to.
    pub origin: String,
    /// The `Host` header as signed (`host[:port]`).
    pub host: String,
    /// The bucket's path: `/bucket` (path-style, after any path prefix of the endpoint) or `/`
    /// (virtual-hosted, or an endpoint prefix ending in `/`).
    pub path: String,
    pub virtual_hosted: bool,
}

/// Splits `s3_endpoint` and decides how to name `bucket`:
///
/// - `auto`: virtual-hosted when the endpoint's host already starts with `bucket.`
///   (`https://bucket.s3.eu-west-1.amazonaws.com`), else path-style; an endpoint whose path
///   already ends in `/bucket` is taken as it is.
/// - `path`: `/bucket` after the endpoint's path.
/// - `virtual`: `bucket.` prepended to the host unless it is already there; an IP address or
///   `localhost` cannot carry a bucket name and is an error.
pub fn bucket_address(
    endpoint: &str,
    bucket: &str,
    mode: S3Addressing,
) -> Result<BucketAddress, FactError> {
    let trimmed = endpoint.trim().trim_end_matches('/');
    let (scheme, rest) = trimmed
        .split_once("://")
        .filter(|(s, _)| *s == "https" || *s == "http")
        .ok_or_else(|| {
            FactError::new(format!(
                "s3_endpoint {} must start with https:// or http://",
                clean(trimmed)
            ))
        })?;
    if rest.contains('@') {
        return Err(FactError::new(
            "s3_endpoint must not carry credentials; use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(FactError::new(format!(
            "s3_endpoint {} must not have a query or fragment",
            clean(trimmed)
        )));
    }
    if bucket.is_empty() || bucket.contains(['/', '?', '#', ' ']) {
        return Err(FactError::new(format!(
            "s3_bucket {bucket:?} is not a bucket name"
        )));
    }
    let (authority, base) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(FactError::new(format!(
            "s3_endpoint {} has no host",
            clean(trimmed)
        )));
    }
    let hostname = host_name(authority).to_ascii_lowercase();
    let prefix = format!("{}.", bucket.to_ascii_lowercase());
    let in_host = hostname.starts_with(&prefix);
    let in_path = base.rsplit('/').next() == Some(bucket);
    let virtual_hosted = match mode {
        S3Addressing::Auto => in_host,
        S3Addressing::Path => false,
        S3Addressing::Virtual => true,
    };
    if virtual_hosted {
        let authority = if in_host {
            authority.to_string()
        } else {
            if hostname == "localhost" || hostname.parse::<std::net::IpAddr>().is_ok() {
                return Err(FactError::new(format!(
                    "s3_addressing = \"virtual\" needs a DNS name in s3_endpoint, not {hostname}; use \"path\""
                )));
            }
            format!("{bucket}.{authority}")
        };
        return Ok(BucketAddress {
            origin: format!("{scheme}://{authority}"),
            host: authority,
            path: format!("{base}/"),
            virtual_hosted: true,
        });
    }
    let path = if in_path && mode == S3Addressing::Auto {
        base.to_string()
    } else {
        format!("{base}/{bucket}")
    };
    Ok(BucketAddress {
        origin: format!("{scheme}://{authority}"),
        host: authority.to_string(),
        path,
        virtual_hosted: false,
    })
}

/// The host of `host[:port]` or `[v6]:port`.
fn host_name(authority: &str) -> &str {
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// The region an AWS S3 host name names: `s3.eu-west-1.amazonaws.com`,
/// `bucket.s3.eu-west-1.amazonaws.com`, `s3-eu-west-1.amazonaws.com`,
/// `s3.dualstack.eu-west-1.amazonaws.com`; `us-east-1` for the global `s3.amazonaws.com`.
pub fn region_of_aws_host(authority: &str) -> Option<String> {
    let host = host_name(authority).to_ascii_lowercase();
    let stem = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
    let labels: Vec<&str> = stem.split('.').collect();
    let s3 = labels
        .iter()
        .rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
    let label = labels[s3];
    if let Some(r) = label.strip_prefix("s3-") {
        // s3-external-1 is us-east-1; s3-website-* are website endpoints, not the API.
        return match r {
            "external-1" => Some("us-east-1".into()),
            r if r.starts_with("website") => None,
            r => Some(r.to_string()),
        };
    }
    match &labels[s3 + 1..] {
        [] => Some("us-east-1".into()),
        ["dualstack", r] | [r] => Some((*r).to_string()),
        _ => None,
    }
}

/// A signed, read-only client for one bucket.
pub struct S3Client {
    http: ApiClient,
    creds: AwsCredentials,
    region: String,
    address: BucketAddress,
}

impl S3Client {
    pub fn new(
        http: ApiClient,
        creds: AwsCredentials,
        region: &str,
        address: BucketAddress,
    ) -> Self {
        Self {
            http,
            creds,
            region: region.to_string(),
            address,
        }
    }

    /// The signed headers and URL of `GET <bucket>?<sub>`.
    pub fn signed_get(&self, sub: &str, now: jiff::Timestamp) -> (String, Vec<(String, String)>) {
        let path = &self.address.path;
        let query: Vec<(&str, &str)> = if sub.is_empty() {
            vec![]
        } else {
            vec![(sub, "")]
        };
        let headers = sign(
            &self.creds,
            &self.region,
            "GET",
            &self.address.host,
            path,
            &query,
            b"",
            now,
        );
        let path = uri_encode(path, true);
        let url = if sub.is_empty() {
            format!("{}{path}", self.address.origin)
        } else {
            format!("{}{path}?{sub}=", self.address.origin)
        };
        (url, headers)
    }

    /// GET `<bucket>?<sub>`.
    pub async fn get_sub(&self, sub: &str) -> Result<S3Answer, String> {
        let (url, headers) = self.signed_get(sub, jiff::Timestamp::now());
        let mut req = self.http.get(&url);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let r: ApiResponse = self.http.send(req).await?;
        Ok(S3Answer {
            status: r.status,
            body: r.text(),
        })
    }
}

pub fn region_from(lookup: &dyn Fn(&str) -> Option<String>) -> String {
    lookup("AWS_REGION")
        .or_else(|| lookup("AWS_DEFAULT_REGION"))
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "us-east-1".to_string())
}

#[async_trait::async_trait]
impl Fact for S3Facts {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let env = facts.env();
        let (Some(endpoint), Some(bucket)) =
            (env.input(Input::S3Endpoint), env.input(Input::S3Bucket))
        else {
            return Err(FactError::new("s3_endpoint and s3_bucket must both be set"));
        };
        let lookup = |k: &str| std::env::var(k).ok();
        let creds = AwsCredentials::from_env(&lookup).ok_or_else(|| {
            FactError::new("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        })?;
        let mode = env
            .environment
            .as_deref()
            .and_then(|name| env.config.environments.iter().find(|e| e.name == name))
            .map(|e| e.s3_addressing)
            .unwrap_or_default();
        let address = bucket_address(endpoint, bucket, mode)?;
        // A request signed for another region than the bucket's is refused; an AWS host name
        // says which one it serves.
        let region = region_of_aws_host(&address.host).unwrap_or_else(|| region_from(&lookup));
        let client = S3Client::new(ApiClient::for_run(facts).await?, creds, &region, address);
        let target = format!("{}/{}", clean(endpoint.trim_end_matches('/')), bucket);
        let location = client
            .get_sub("location")
            .await
            .map_err(|e| FactError::new(format!("cannot reach {target}: {e}")))?;
        if !location.ok() {
            return Err(FactError::new(format!(
                "bucket {target} answered HTTP {} {}",
                location.status,
                location.error_code().unwrap_or_default()
            )));
        }
        let (versioning, lifecycle, encryption, public_access_block, cors) = tokio::join!(
            client.get_sub("versioning"),
            client.get_sub("lifecycle"),
            client.get_sub("encryption"),
            client.get_sub("publicAccessBlock"),
            client.get_sub("cors"),
        );
        Ok(S3Facts {
            endpoint: clean(endpoint),
            bucket: bucket.to_string(),
            location,
            versioning,
            lifecycle,
            encryption,
            public_access_block,
            cors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of AWS's SigV4 documentation ("GET Object" in "Signature Calculations for
    /// the Authorization Header"), which fixes the algorithm byte for byte.
    #[test]
    fn signature_matches_the_aws_documentation_example() {
        let creds = AwsCredentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        };
        let now: jiff::Timestamp = "2013-05-24T00:00:00Z".parse().unwrap();
        // The documented "GET Bucket Lifecycle" example.
        let h = sign(
            &creds,
            "us-east-1",
            "GET",
            "examplebucket.s3.amazonaws.com",
            "/",
            &[("lifecycle", "")],
            b"",
            now,
        );
        let auth = &h.iter().find(|(k, _)| k == "authorization").unwrap().1;
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        );
        assert!(!format!("{creds:?}").contains("wJalr"));
    }

    /// The same documented example, reached from the virtual-hosted endpoint AWS shows for the
    /// bucket: the address decides host and path, and the signature comes out byte for byte.
    #[test]
    fn virtual_hosted_requests_sign_as_documented() {
        let creds = AwsCredentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        };
        let now: jiff::Timestamp = "2013-05-24T00:00:00Z".parse().unwrap();
        let signature =
            "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543";
        for (endpoint, mode) in [
            ("https://examplebucket.s3.amazonaws.com", S3Addressing::Auto),
            (
                "https://examplebucket.s3.amazonaws.com/",
                S3Addressing::Virtual,
            ),
            ("https://s3.amazonaws.com", S3Addressing::Virtual),
        ] {
            let address = bucket_address(endpoint, "examplebucket", mode).unwrap();
            assert!(address.virtual_hosted);
            let region = region_of_aws_host(&address.host).unwrap();
            let http = ApiClient::new(None).unwrap();
            let client = S3Client::new(http, creds.clone(), &region, address);
            let (url, headers) = client.signed_get("lifecycle", now);
            assert_eq!(url, "https://examplebucket.s3.amazonaws.com/?lifecycle=");
            let auth = &headers
                .iter()
                .find(|(k, _)| k == "authorization")
                .unwrap()
                .1;
            assert!(auth.ends_with(signature), "{endpoint}: {auth}");
        }
    }

    #[test]
    fn addressing_follows_the_endpoint_and_the_setting() {
        let a = |e: &str, m| bucket_address(e, "my-bucket", m);
        let path = a("http://127.0.0.1:9000", S3Addressing::Auto).unwrap();
        assert_eq!(
            (path.origin.as_str(), path.host.as_str(), path.path.as_str()),
            ("http://127.0.0.1:9000", "127.0.0.1:9000", "/my-bucket")
        );
        assert!(!path.virtual_hosted);
        // AWS's regional endpoint with the bucket in the path, given either way.
        for e in [
            "https://s3.eu-west-1.amazonaws.com",
            "https://s3.eu-west-1.amazonaws.com/my-bucket",
        ] {
            let p = a(e, S3Addressing::Auto).unwrap();
            assert_eq!(
                (p.host.as_str(), p.path.as_str()),
                ("s3.eu-west-1.amazonaws.com", "/my-bucket")
            );
        }
        // A path prefix (a gateway) is kept.
        let p = a("https://gw.example.com/storage/", S3Addressing::Path).unwrap();
        assert_eq!(p.path, "/storage/my-bucket");
        let v = a(
            "https://my-bucket.s3.eu-west-1.amazonaws.com",
            S3Addressing::Auto,
        )
        .unwrap();
        assert_eq!(
            (v.host.as_str(), v.path.as_str()),
            ("my-bucket.s3.eu-west-1.amazonaws.com", "/")
        );
        let v = a("https://minio.example.com:9000", S3Addressing::Virtual).unwrap();
        assert_eq!(v.origin, "https://my-bucket.minio.example.com:9000");
        assert!(a("http://127.0.0.1:9000", S3Addressing::Virtual).is_err());
        assert!(a("ftp://x", S3Addressing::Auto).is_err());
        assert!(a("https://k:s@x", S3Addressing::Auto).is_err());
        assert!(bucket_address("https://x", "a/b", S3Addressing::Auto).is_err());
    }

    #[test]
    fn regions_of_aws_hosts() {
        for (host, region) in [
            ("s3.amazonaws.com", Some("us-east-1")),
            ("b.s3.amazonaws.com", Some("us-east-1")),
            ("s3.eu-west-1.amazonaws.com", Some("eu-west-1")),
            ("my.bucket.s3.eu-west-1.amazonaws.com", Some("eu-west-1")),
            (
                "b.s3.dualstack.ap-south-1.amazonaws.com",
                Some("ap-south-1"),
            ),
            ("s3-us-west-2.amazonaws.com", Some("us-west-2")),
            ("s3.cn-north-1.amazonaws.com.cn:443", Some("cn-north-1")),
            ("minio.example.com", None),
            ("127.0.0.1:9000", None),
        ] {
            assert_eq!(region_of_aws_host(host).as_deref(), region, "{host}");
        }
    }

    #[test]
    fn xml() {
        let x = "<VersioningConfiguration xmlns=\"x\"><Status>Enabled</Status></VersioningConfiguration>";
        assert_eq!(xml_values(x, "Status"), vec!["Enabled"]);
        assert!(xml_values(x, "MfaDelete").is_empty());
    }
}
