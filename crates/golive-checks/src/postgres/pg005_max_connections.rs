use super::{answered, pg};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct MaxConnections;

static META: CheckMeta = CheckMeta {
    code: "PG005",
    slug: "postgres-max-connections",
    category: Category::Database,
    severity: Severity::Medium,
    summary: "max_connections is within the configured range",
    doc: CheckDoc {
        what: "Reads `SHOW max_connections` and fails when it is below `min` or above `max`.",
        why: "Too few connections and the application's pools (times replicas, plus workers and \
migrations) exhaust the server under load: `FATAL: sorry, too many clients already`. Too many and \
each backend's `work_mem` can push the server out of memory; a pooler such as PgBouncer is the \
answer then.",
        fix: "Set `max_connections` in postgresql.conf (it needs a restart) to cover the sum of \
the pools, or put PgBouncer in front and lower it.",
        example: "```toml\n[checks.PG005]\nmin = 100\nmax = 500\n```\n\n`SHOW max_connections -> 20` fails with min 100.",
    },
    params: &[
        ParamSpec {
            name: "min",
            kind: ParamKind::Int,
            default: "50",
            help: "the lowest acceptable max_connections",
        },
        ParamSpec {
            name: "max",
            kind: ParamKind::Int,
            default: "5000",
            help: "the highest acceptable max_connections",
        },
    ],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "max_connections",
        "connection limit",
        "too many clients",
        "connection pool",
    ],
};

#[async_trait::async_trait]
impl Check for MaxConnections {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let n = match answered(&facts.max_connections, "max_connections") {
            Ok(n) => *n,
            Err(o) => return o,
        };
        let (min, max) = (cx.params.int("min"), cx.params.int("max"));
        let evidence = format!("SHOW max_connections -> {n}");
        if n < min {
            Outcome::fail(format!("max_connections is {n}, below the minimum {min}"))
                .evidence(evidence)
                .fix(format!(
                    "set max_connections to at least {min} (restart needed) or add a pooler"
                ))
        } else if n > max {
            Outcome::fail(format!("max_connections is {n}, above the maximum {max}"))
                .evidence(evidence)
                .fix(format!(
                    "lower max_connections to at most {max} and put PgBouncer in front"
                ))
        } else {
            Outcome::pass(format!("max_connections is {n} (range {min}..={max})"))
                .evidence(evidence)
        }
    }
}
