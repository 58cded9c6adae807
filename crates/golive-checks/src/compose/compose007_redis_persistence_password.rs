use super::{
    NO_PRODUCTION_COMPOSE, command_text, compose, image_short_name, service_loc, visit_production,
};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::compose::bind_mounts;

pub struct RedisPersistencePassword;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE007",
    slug: "compose-redis-persistence-password",
    category: Category::Cache,
    severity: Severity::High,
    summary: "Redis services in production start with AOF persistence and a password",
    doc: CheckDoc {
        what: "Every production compose service running Redis, Valkey or KeyDB must turn on \
append-only persistence (`--appendonly yes` in its command, `appendonly yes` in a mounted \
`redis.conf`, or Bitnami's `REDIS_AOF_ENABLED` left on) and require a password (`--requirepass`, \
`requirepass`/`aclfile` in the mounted config, or Bitnami's `REDIS_PASSWORD` without \
`ALLOW_EMPTY_PASSWORD=yes`). A config file that is mounted but not in the repository cannot be \
read and makes the result a warning.",
        why: "The official image starts without a password and without AOF: anyone on the network \
can read, flush or `CONFIG SET` it (a classic path to remote code execution), and a restart \
loses every write since the last snapshot — sessions, queues, rate-limit counters.",
        fix: "`command: [\"redis-server\", \"--appendonly\", \"yes\", \"--requirepass\", \"${REDIS_PASSWORD:?set it}\"]`, \
or mount a `redis.conf` with `appendonly yes` and `requirepass`.",
        example: "```yaml\n# fails\nredis:\n  image: redis:7.4\n# passes\nredis:\n  image: redis:7.4\n  command: redis-server --appendonly yes --requirepass ${REDIS_PASSWORD:?set it}\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "redis",
        "appendonly",
        "AOF",
        "requirepass",
        "persistence",
        "password",
        "Redis with AOF and a password",
    ],
};

fn conf_has(text: &str, key: &str, want: Option<&str>) -> bool {
    text.lines().any(|l| {
        let mut w = l.split_whitespace();
        w.next().is_some_and(|k| k.eq_ignore_ascii_case(key))
            && match want {
                Some(v) => w
                    .next()
                    .is_some_and(|x| x.trim_matches('"').eq_ignore_ascii_case(v)),
                None => w.next().is_some_and(|x| !x.trim_matches('"').is_empty()),
            }
    })
}

#[async_trait::async_trait]
impl Check for RedisPersistencePassword {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        let mut redis_seen = 0usize;
        visit_production(&files, &mut findings, |_, s, f| {
            let short = image_short_name(s).unwrap_or_default();
            if !matches!(
                short.as_str(),
                "redis" | "valkey" | "keydb" | "redis-stack-server"
            ) {
                return;
            }
            redis_seen += 1;
            let img = s
                .image()
                .and_then(|i| i.str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let bitnami = img.contains("bitnami/");
            let cmd = command_text(s);
            let env = s.environment();
            let env_val = |k: &str| {
                env.iter()
                    .find(|(n, _, _)| n == k)
                    .and_then(|(_, v, _)| v.clone())
            };
            let dir = s.dir.as_str();
            let mut confs = Vec::new();
            let mut unreadable = Vec::new();
            for (rel, target, _, node) in bind_mounts(dir, &s.node) {
                if rel.ends_with(".conf") || target.ends_with(".conf") {
                    match files.mounted_configs.get(&rel) {
                        Some(t) => confs.push(t.as_str()),
                        None => unreadable.push((rel, node)),
                    }
                }
            }
            let words: Vec<&str> = cmd.split_whitespace().collect();
            let flag = |name: &str| {
                words
                    .iter()
                    .position(|w| *w == name)
                    .and_then(|i| words.get(i + 1))
                    .map(|v| v.trim_matches(['"', '\'']))
            };
            let aof = flag("--appendonly").is_some_and(|v| v.eq_ignore_ascii_case("yes"))
                || confs.iter().any(|c| conf_has(c, "appendonly", Some("yes")))
                || (bitnami
                    && env_val("REDIS_AOF_ENABLED").is_none_or(|v| !v.eq_ignore_ascii_case("no")));
            let password = flag("--requirepass").is_some_and(|v| !v.is_empty())
                || words.contains(&"--aclfile")
                || confs
                    .iter()
                    .any(|c| conf_has(c, "requirepass", None) || conf_has(c, "aclfile", None))
                || (bitnami
                    && env_val("REDIS_PASSWORD").is_some_and(|v| !v.is_empty())
                    && env_val("ALLOW_EMPTY_PASSWORD")
                        .is_none_or(|v| !v.eq_ignore_ascii_case("yes")));
            if let Some((rel, node)) = unreadable.first()
                && !(aof && password)
            {
                f.warn(
                        format!("service {}: mounts {rel}, which is not in the repository; cannot tell AOF and password", s.name),
                        Location::line(node.file.to_string(), node.line),
                    );
                return;
            }
            let at = s
                .node
                .get("command")
                .map(super::loc)
                .unwrap_or_else(|| service_loc(s));
            if !aof {
                f.fail(
                    format!(
                        "service {}: Redis starts without AOF persistence (appendonly is off)",
                        s.name
                    ),
                    at.clone(),
                );
            }
            if !password {
                f.fail(
                    format!(
                        "service {}: Redis starts without a password (no requirepass or ACL)",
                        s.name
                    ),
                    at,
                );
            }
        });
        if redis_seen == 0 && !files.production.is_empty() {
            return Outcome::skipped("no production compose service runs Redis");
        }
        findings.into_outcome(
            "every production Redis has AOF persistence and a password",
            NO_PRODUCTION_COMPOSE,
            "start Redis with --appendonly yes --requirepass ${REDIS_PASSWORD:?set it}",
        )
    }
}
