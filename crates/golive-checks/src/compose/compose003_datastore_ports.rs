use super::{NO_PRODUCTION_COMPOSE, compose, image_short_name, loc, visit_production};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};
use golive_facts::compose::Node;

pub struct DatastorePorts;

static META: CheckMeta = CheckMeta {
    code: "COMPOSE003",
    slug: "compose-datastore-ports-not-published",
    category: Category::Network,
    severity: Severity::High,
    summary: "Database and cache ports are not published on the host in production",
    doc: CheckDoc {
        what: "In the production compose files, a service running a database, cache or broker \
(postgres, mysql, mariadb, mongo, redis, valkey, memcached, elasticsearch, opensearch, rabbitmq, \
clickhouse, …) or any service publishing one of their well-known container ports (5432, 3306, \
27017, 6379, 11211, 9200, 5672, 9042, 8123) must not publish it on the host, unless bound to \
loopback (`127.0.0.1:5432:5432`). A bare `\"5432\"` publishes on a random host port on every \
interface and fails too.",
        why: "A published port listens on every interface of the host, and Docker's iptables rules \
bypass ufw and most host firewalls: the database is reachable from the internet, where scanners \
find it within hours.",
        fix: "Remove `ports:` from the datastore (services on the same network reach it by name), \
or bind it to loopback for local tooling: `127.0.0.1:5432:5432`.",
        example: "```yaml\n# fails\ndb:\n  image: postgres:16\n  ports: [\"5432:5432\"]\n# passes\ndb:\n  image: postgres:16\n  expose: [\"5432\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "ports",
        "5432",
        "6379",
        "published",
        "database port",
        "firewall",
        "open ports",
        "exposed",
    ],
};

const DATASTORES: &[&str] = &[
    "postgres",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "percona",
    "mongo",
    "mongodb",
    "redis",
    "redis-stack",
    "redis-stack-server",
    "valkey",
    "keydb",
    "dragonfly",
    "memcached",
    "elasticsearch",
    "opensearch",
    "rabbitmq",
    "cassandra",
    "scylla",
    "clickhouse-server",
    "clickhouse",
    "couchdb",
    "influxdb",
    "neo4j",
    "cockroach",
    "etcd",
];
const PORTS: &[u32] = &[
    5432, 3306, 27017, 6379, 11211, 9200, 9300, 5672, 9042, 8123, 9000, 26257, 2379,
];

/// (host ip, container port) of one `ports` entry; `None` when unparseable.
fn published(n: &Node) -> Option<(Option<String>, u32)> {
    if let Some(s) = n.str() {
        let s = s.split('/').next().unwrap_or(s);
        let parts: Vec<&str> = if s.starts_with('[') {
            // [::1]:5432:5432
            let close = s.find(']')?;
            let ip = &s[1..close];
            let rest: Vec<&str> = s[close + 1..].trim_start_matches(':').split(':').collect();
            return Some((
                Some(ip.to_string()),
                rest.last()?.split('-').next()?.parse().ok()?,
            ));
        } else {
            s.split(':').collect()
        };
        let container = parts.last()?.split('-').next()?.parse().ok()?;
        let ip = if parts.len() == 3 {
            Some(parts[0].to_string())
        } else {
            None
        };
        return Some((ip, container));
    }
    let target = n.get("target")?.str()?.parse().ok()?;
    Some((
        n.get("host_ip").and_then(Node::str).map(str::to_string),
        target,
    ))
}

fn is_loopback(ip: &str) -> bool {
    ip.starts_with("127.") || ip == "::1" || ip == "localhost"
}

#[async_trait::async_trait]
impl Check for DatastorePorts {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match compose(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_production(&files, &mut findings, |_, s, f| {
            let short = image_short_name(s).unwrap_or_default();
            let is_store = DATASTORES.contains(&short.as_str());
            for p in s.node.get("ports").map(Node::items).unwrap_or(&[]) {
                let Some((ip, port)) = published(p) else {
                    continue;
                };
                if ip.as_deref().is_some_and(is_loopback) {
                    continue;
                }
                if is_store || PORTS.contains(&port) {
                    let what = if is_store {
                        short.clone()
                    } else {
                        format!("port {port}")
                    };
                    f.fail(
                        format!(
                            "service {} publishes {what} ({}) on every host interface",
                            s.name,
                            p.str().unwrap_or("ports entry")
                        ),
                        loc(p),
                    );
                }
            }
        });
        findings.into_outcome(
            "no database or cache port is published on the host",
            NO_PRODUCTION_COMPOSE,
            "remove the ports entry or bind it to 127.0.0.1",
        )
    }
}
