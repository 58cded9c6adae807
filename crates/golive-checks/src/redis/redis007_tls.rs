use super::redis;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct Tls;

static META: CheckMeta = CheckMeta {
    code: "REDIS007",
    slug: "redis-tls",
    category: Category::Security,
    severity: Severity::High,
    summary: "The connection to Redis is encrypted with TLS (rediss://) where required",
    doc: CheckDoc {
        what: "When `required` is true (the default), passes only when `redis_url` uses \
`rediss://` and golive completed a verified TLS handshake with the server (system trust store \
plus `ca_file`). A plaintext `redis://` URL fails. With `required = false` the check is skipped.",
        why: "Redis's protocol is plaintext: the password and every key and value cross the \
network readable by anyone on the path, which matters as soon as Redis is not on the same host.",
        fix: "Enable `tls-port` with `tls-cert-file`/`tls-key-file` on the server (or the managed \
service's in-transit encryption), disable the plaintext `port 0`, and use `rediss://` in the URL.",
        example: "`redis_url -> redis://cache:6379` fails; `rediss://cache:6380` with a valid certificate passes.",
    },
    params: &[ParamSpec {
        name: "required",
        kind: ParamKind::Bool,
        default: "true",
        help: "whether TLS is required for this environment (false for a Redis on the same host)",
    }],
    requires: &[Input::RedisUrl],
    keywords: &["rediss", "redis tls", "tls-port", "in-transit encryption"],
};

#[async_trait::async_trait]
impl Check for Tls {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        if !cx.params.bool("required") {
            return Outcome::skipped("TLS is not required for this environment (required = false)");
        }
        let f = match redis(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        if f.tls {
            Outcome::pass("connected over TLS with a verified certificate")
                .evidence(format!("redis_url -> {}", f.target))
        } else {
            Outcome::fail("redis_url uses plaintext redis://")
                .evidence(format!("redis_url -> {}", f.target))
                .fix("enable tls-port on the server and use rediss:// in redis_url")
        }
    }
}
