use super::{redis, setting};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct AofEnabled;

static META: CheckMeta = CheckMeta {
    code: "REDIS002",
    slug: "redis-aof-enabled",
    category: Category::Cache,
    severity: Severity::High,
    summary: "Redis append-only file persistence is on (appendonly yes)",
    doc: CheckDoc {
        what: "Reads `CONFIG GET appendonly`; where `CONFIG` is renamed or disabled (managed \
Redis), falls back to `aof_enabled` in `INFO persistence` and says so in the evidence. Fails \
when AOF is off.",
        why: "Without AOF a restart or failover loses everything written since the last RDB \
snapshot (minutes by default): queued jobs, sessions, idempotency keys.",
        fix: "Set `appendonly yes` (and `appendfsync everysec`) in redis.conf, or at runtime with \
`CONFIG SET appendonly yes` followed by `CONFIG REWRITE`.",
        example: "`CONFIG GET appendonly -> no` fails; `CONFIG GET appendonly -> yes` passes.",
    },
    params: &[],
    requires: &[Input::RedisUrl],
    keywords: &[
        "appendonly",
        "appendonly yes",
        "AOF",
        "AOF persistence",
        "appendfsync",
    ],
};

#[async_trait::async_trait]
impl Check for AofEnabled {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match redis(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut ev = Vec::new();
        let v = match setting(&f, "appendonly", "aof_enabled", &mut ev) {
            Ok(v) => v,
            Err(o) => return o,
        };
        match v.as_str() {
            "yes" | "1" => Outcome::pass("AOF persistence is on").with_evidence(ev),
            "no" | "0" => Outcome::fail(format!("appendonly is \"{v}\""))
                .with_evidence(ev)
                .fix("set appendonly yes in redis.conf (or CONFIG SET appendonly yes; CONFIG REWRITE)"),
            other => Outcome::error(format!("unexpected appendonly value {other:?}")).with_evidence(ev),
        }
    }
}
