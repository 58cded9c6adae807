use super::{redis, setting};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct Maxmemory;

static META: CheckMeta = CheckMeta {
    code: "REDIS005",
    slug: "redis-maxmemory",
    category: Category::Cache,
    severity: Severity::High,
    summary: "maxmemory is set and maxmemory-policy is the configured one",
    doc: CheckDoc {
        what: "Reads `CONFIG GET maxmemory` and `CONFIG GET maxmemory-policy` (falling back to \
`maxmemory` and `maxmemory_policy` in `INFO memory`). Fails when `maxmemory` is 0 (unlimited) or \
the policy differs from `policy`.",
        why: "Without a limit Redis grows until the kernel's OOM killer ends it; with the wrong \
policy a cache refuses writes (`noeviction`) or a queue silently loses jobs (`allkeys-lru`).",
        fix: "Set `maxmemory` below the instance's memory (leave room for forks) and \
`maxmemory-policy` to what the data needs: `allkeys-lru` for a cache, `noeviction` for queues \
and sessions.",
        example: "```toml\n[checks.REDIS005]\npolicy = \"noeviction\"\n```\n\n`CONFIG GET maxmemory -> 0` fails.",
    },
    params: &[ParamSpec {
        name: "policy",
        kind: ParamKind::Str,
        default: "allkeys-lru",
        help: "the required maxmemory-policy",
    }],
    requires: &[Input::RedisUrl],
    keywords: &[
        "maxmemory",
        "maxmemory-policy",
        "allkeys-lru",
        "noeviction",
        "eviction policy",
    ],
};

#[async_trait::async_trait]
impl Check for Maxmemory {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match redis(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut ev = Vec::new();
        let max = match setting(&f, "maxmemory", "maxmemory", &mut ev) {
            Ok(v) => v,
            Err(o) => return o,
        };
        let policy = match setting(&f, "maxmemory-policy", "maxmemory_policy", &mut ev) {
            Ok(v) => v,
            Err(o) => return o,
        };
        let want = cx.params.str("policy");
        if max.trim() == "0" {
            return Outcome::fail("maxmemory is 0 (unlimited)")
                .with_evidence(ev)
                .fix("set maxmemory (e.g. 75% of the instance's memory) in redis.conf");
        }
        if !policy.eq_ignore_ascii_case(want) {
            return Outcome::fail(format!("maxmemory-policy is {policy}, expected {want}"))
                .with_evidence(ev)
                .fix(format!("set maxmemory-policy {want} in redis.conf"));
        }
        Outcome::pass(format!("maxmemory is {max} bytes with policy {policy}")).with_evidence(ev)
    }
}
