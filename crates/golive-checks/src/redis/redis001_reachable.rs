use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::redis::RedisFacts;

pub struct Reachable;

static META: CheckMeta = CheckMeta {
    code: "REDIS001",
    slug: "redis-reachable",
    category: Category::Cache,
    severity: Severity::Critical,
    summary: "Redis at redis_url accepts a connection and answers PING",
    doc: CheckDoc {
        what: "Connects to `redis_url` (TLS for `rediss://`, credentials from the URL, within 5 \
seconds) and sends `PING`. A refused or timed-out connection, a TLS failure or a rejected \
password fails.",
        why: "Sessions, caches, rate limits and job queues live in Redis; when it is unreachable \
the application degrades or stops, and every other Redis check depends on this one.",
        fix: "Check host, port and password in `redis_url`, the server's `bind` and \
`protected-mode`, and any firewall or security group between the application and Redis.",
        example: "```toml\n[environments.production]\nredis_url = \"rediss://:${REDIS_PASSWORD}@cache.internal:6380/0\"\n```",
    },
    params: &[],
    requires: &[Input::RedisUrl],
    keywords: &["redis", "PING", "REDIS_URL", "redis reachable", "cache"],
};

#[async_trait::async_trait]
impl Check for Reachable {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        match cx.facts.get::<RedisFacts>().await {
            Ok(f) => Outcome::pass(format!("{} answered PING", f.target))
                .evidence(format!("PING -> {}", f.ping)),
            Err(e) => Outcome::fail(e.message.clone())
                .evidence("redis-cli -u \"$REDIS_URL\" PING")
                .fix("check host, port, password and TLS of redis_url, and the server's bind/firewall"),
        }
    }
}
