use super::redis;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct PersistenceHealthy;

static META: CheckMeta = CheckMeta {
    code: "REDIS006",
    slug: "redis-persistence-healthy",
    category: Category::Backup,
    severity: Severity::High,
    summary: "The last RDB save and AOF write/rewrite succeeded (INFO persistence)",
    doc: CheckDoc {
        what: "Reads `rdb_last_bgsave_status`, and when AOF is on `aof_last_write_status` and \
`aof_last_bgrewrite_status`, from `INFO persistence`. Any `err` fails.",
        why: "A failing background save (full disk, no permission, fork refused by the kernel) \
means the data on disk is stale; with `stop-writes-on-bgsave-error yes` Redis then refuses all \
writes.",
        fix: "Read the Redis log for the save error: free disk space, fix the `dir` permissions, \
or set `vm.overcommit_memory = 1` so fork succeeds.",
        example: "`INFO rdb_last_bgsave_status -> err` fails.",
    },
    params: &[],
    requires: &[Input::RedisUrl],
    keywords: &[
        "rdb_last_bgsave_status",
        "aof_last_write_status",
        "INFO persistence",
        "bgsave",
        "RDB snapshot",
    ],
};

#[async_trait::async_trait]
impl Check for PersistenceHealthy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let f = match redis(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        if let Err(e) = &f.info {
            return Outcome::error(format!("INFO failed: {e}"));
        }
        let mut keys = vec!["rdb_last_bgsave_status"];
        if f.info("aof_enabled") == Some("1") {
            keys.push("aof_last_write_status");
            keys.push("aof_last_bgrewrite_status");
        }
        let mut ev = Vec::new();
        let mut bad = Vec::new();
        for k in keys {
            match f.info(k) {
                Some(v) => {
                    ev.push(format!("INFO {k} -> {v}"));
                    if v != "ok" {
                        bad.push(format!("{k} is {v}"));
                    }
                }
                None => {
                    return Outcome::error(format!("INFO persistence has no {k} field"))
                        .with_evidence(ev);
                }
            }
        }
        if bad.is_empty() {
            Outcome::pass("the last background save and AOF writes succeeded").with_evidence(ev)
        } else {
            Outcome::fail(bad.join("; "))
                .with_evidence(ev)
                .fix("read the Redis log for the save error (disk space, dir permissions, vm.overcommit_memory)")
        }
    }
}
