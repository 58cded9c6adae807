use super::redis;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::redis::AuthProbe;

pub struct AuthRequired;

static META: CheckMeta = CheckMeta {
    code: "REDIS004",
    slug: "redis-auth-required",
    category: Category::Security,
    severity: Severity::Critical,
    summary: "Redis refuses clients that do not authenticate",
    doc: CheckDoc {
        what: "Opens a second connection to the host of `redis_url` without username and \
password and sends `PING`. Passes when the server answers `NOAUTH` (or an ACL refusal); fails \
when it answers `PONG`. When `redis_url` carries no credentials and golive's own PING was \
answered, the server is open and the check fails without a second connection.",
        why: "An open Redis is readable and writable by anyone who reaches the port: session \
theft, job injection, and with `CONFIG SET dir` remote code execution on the host.",
        fix: "Set `requirepass` (or ACL users with `user default off`) in redis.conf and put the \
password in the application's `redis_url`.",
        example: "`PING without credentials -> PONG` fails; `-> NOAUTH Authentication required.` passes.",
    },
    params: &[],
    requires: &[Input::RedisUrl],
    keywords: &[
        "requirepass",
        "redis password",
        "Password configured",
        "AUTH",
        "NOAUTH",
        "redis acl",
    ],
};

#[async_trait::async_trait]
impl Check for AuthRequired {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match redis(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let fix = "set requirepass (or ACL users with `user default off`) and put the password in redis_url";
        match &f.auth {
            AuthProbe::Refused(reply) => Outcome::pass("unauthenticated clients are refused")
                .evidence(format!("PING without credentials -> {reply}")),
            AuthProbe::Open if !f.url_has_credentials => Outcome::fail(
                "Redis answered golive without any password: authentication is not required",
            )
            .evidence(format!("PING without credentials -> {}", f.ping))
            .fix(fix),
            AuthProbe::Open => Outcome::fail(
                "Redis answers clients without credentials: authentication is not required",
            )
            .evidence("PING without credentials -> PONG")
            .fix(fix),
            AuthProbe::Unknown(e) => {
                Outcome::error(format!("the unauthenticated probe could not decide: {e}"))
            }
        }
    }
}
