use super::redis;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct Version;

static META: CheckMeta = CheckMeta {
    code: "REDIS003",
    slug: "redis-version",
    category: Category::Cache,
    severity: Severity::Medium,
    summary: "Redis server version is at least the configured minimum (7 by default)",
    doc: CheckDoc {
        what: "Reads `redis_version` from `INFO server` and compares it with `min_version` \
(`major` or `major.minor`). Valkey reports a compatible `redis_version` and is judged by it.",
        why: "Redis 6 is out of support; Redis 7 brought ACL selectors, functions, sharded \
pub/sub and multi-part AOF that production setups (and the seed checklists) assume.",
        fix: "Upgrade the server (or the managed service's engine version) to the required major.",
        example: "`INFO redis_version -> 6.2.14` fails with the default min_version 7.",
    },
    params: &[ParamSpec {
        name: "min_version",
        kind: ParamKind::Str,
        default: "7",
        help: "the lowest acceptable Redis version, `major` or `major.minor`",
    }],
    requires: &[Input::RedisUrl],
    keywords: &["redis version", "Redis 7", "Redis 7+", "redis_version"],
};

fn parse(v: &str) -> Option<(u64, u64, u64)> {
    let mut it = v.trim().split('.');
    let a = it.next()?.parse().ok()?;
    let b = it.next().map(|s| s.parse().ok()).unwrap_or(Some(0))?;
    let c = it.next().map(|s| s.parse().ok()).unwrap_or(Some(0))?;
    Some((a, b, c))
}

#[async_trait::async_trait]
impl Check for Version {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let min_text = cx.params.str("min_version");
        let Some(min) = parse(min_text) else {
            return Outcome::error(format!(
                "min_version {min_text:?} is not a version like 7 or 7.2"
            ));
        };
        let f = match redis(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let Some(v) = f.info("redis_version") else {
            return Outcome::error(match &f.info {
                Err(e) => format!("INFO failed: {e}"),
                Ok(_) => "INFO has no redis_version field".into(),
            });
        };
        let Some(have) = parse(v) else {
            return Outcome::error(format!("unparseable redis_version {v:?}"));
        };
        let ev = format!("INFO redis_version -> {v}");
        if have >= min {
            Outcome::pass(format!("Redis {v} is at least {min_text}")).evidence(ev)
        } else {
            Outcome::fail(format!("Redis {v} is older than the required {min_text}"))
                .evidence(ev)
                .fix(format!("upgrade Redis to {min_text} or later"))
        }
    }
}
