use super::answered;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};
use golive_facts::postgres::PgFacts;

pub struct Reachable;

static META: CheckMeta = CheckMeta {
    code: "PG001",
    slug: "postgres-reachable",
    category: Category::Database,
    severity: Severity::Critical,
    summary: "PostgreSQL at database_url accepts a connection and answers a query",
    doc: CheckDoc {
        what: "Connects to `database_url` (with its `sslmode`, within 5 seconds) and reads the \
server version. A refused, timed-out or rejected connection (wrong password, unknown database, \
`pg_hba.conf` rejection) fails.",
        why: "Every other database check depends on it, and an application that cannot reach its \
database is down whatever its health endpoint says.",
        fix: "Check host, port, database name and credentials in `database_url`, the server's \
`listen_addresses`, `pg_hba.conf` and any firewall between golive and the database.",
        example: "```toml\n[environments.production]\ndatabase_url = \"postgresql://app:${DB_PASSWORD}@db.internal:5432/app?sslmode=verify-full\"\n```",
    },
    params: &[],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "postgres",
        "postgresql",
        "database reachable",
        "DATABASE_URL",
        "pg_isready",
    ],
};

#[async_trait::async_trait]
impl Check for Reachable {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let facts = match cx.facts.get::<PgFacts>().await {
            Ok(f) => f,
            Err(e) => {
                return Outcome::fail(e.message.clone())
                    .evidence("pg_isready -d \"$DATABASE_URL\"")
                    .fix("check host, port, credentials and pg_hba.conf for database_url");
            }
        };
        let version = match answered(&facts.version, "server_version") {
            Ok(v) => v.clone(),
            Err(o) => return o,
        };
        Outcome::pass(format!("connected to {}", facts.target))
            .evidence(format!("SHOW server_version -> {version}"))
    }
}
