use super::pg;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Location, Outcome, Severity,
};
use golive_facts::alembic::AlembicGraph;

pub struct MigrationsAtHead;

static META: CheckMeta = CheckMeta {
    code: "PG008",
    slug: "postgres-migrations-at-head",
    category: Category::Database,
    severity: Severity::High,
    summary: "The database's alembic_version equals the head of the repository's Alembic graph",
    doc: CheckDoc {
        what: "Parses every Alembic migration in the repository (`versions/*.py`: `revision` and \
`down_revision`) into a graph, takes its heads, and compares them with the rows of the \
database's `alembic_version` table. Pending migrations fail with both revisions and the count; \
a database revision the repository does not know fails too (a newer deploy or another branch); \
so does a missing `alembic_version` table. Skipped when the repository has no Alembic migrations.",
        why: "Code that expects a column the database does not have yet fails at the first \
request that touches it; the checklist item \"`alembic current` matches `alembic heads`\" exists \
because deploys forget the migration step.",
        fix: "Run `alembic upgrade head` against the environment's database before (or as part \
of) the deploy; for multiple heads in the repository, `alembic merge heads`.",
        example: "`alembic_version -> 1a2b3c (repo head 9f8e7d, 2 pending)` fails; `alembic_version -> 9f8e7d` passes.",
    },
    params: &[],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "alembic",
        "alembic current",
        "alembic heads",
        "alembic upgrade head",
        "migrations",
        "alembic_version",
    ],
};

#[async_trait::async_trait]
impl Check for MigrationsAtHead {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let graph = match cx.facts.get::<AlembicGraph>().await {
            Ok(g) => g,
            Err(e) => return e.outcome(),
        };
        if graph.revisions.is_empty() {
            return Outcome::skipped("the repository has no Alembic migrations (versions/*.py)");
        }
        let heads = graph.heads();
        let head_ids: Vec<&str> = heads.iter().map(|h| h.revision.as_str()).collect();
        let head_locs: Vec<Location> = heads
            .iter()
            .map(|h| Location::line(h.path.clone(), h.line))
            .collect();
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let applied = match &facts.alembic_versions {
            Ok(Some(v)) => v.clone(),
            Ok(None) => {
                return Outcome::fail(format!(
                    "the database has no alembic_version table; repo head is {}",
                    head_ids.join(", ")
                ))
                .with_locations(head_locs)
                .evidence("SELECT to_regclass('alembic_version') -> NULL")
                .fix("run alembic upgrade head against the database");
            }
            Err(e) => return Outcome::error(format!("alembic_version could not be read: {e}")),
        };
        let evidence = vec![
            format!(
                "SELECT version_num FROM alembic_version -> {}",
                if applied.is_empty() {
                    "(no rows)".to_string()
                } else {
                    applied.join(", ")
                }
            ),
            format!(
                "repository heads ({} revisions) -> {}",
                graph.revisions.len(),
                head_ids.join(", ")
            ),
        ];
        let mut applied_sorted = applied.clone();
        applied_sorted.sort();
        let mut heads_sorted: Vec<String> = head_ids.iter().map(|s| s.to_string()).collect();
        heads_sorted.sort();
        if applied_sorted == heads_sorted {
            return Outcome::pass(format!("database is at head {}", head_ids.join(", ")))
                .with_evidence(evidence);
        }
        if applied.is_empty() {
            return Outcome::fail(format!(
                "alembic_version is empty; repo head is {} ({} migrations pending)",
                head_ids.join(", "),
                graph.revisions.len()
            ))
            .with_locations(head_locs)
            .with_evidence(evidence)
            .fix("run alembic upgrade head against the database");
        }
        match graph.pending_after(&applied) {
            None => Outcome::fail(format!(
                "database is at {}, which the repository's migrations do not contain (repo head {})",
                applied.join(", "),
                head_ids.join(", ")
            ))
            .with_locations(head_locs)
            .with_evidence(evidence)
            .fix("deploy the code that matches the database, or check that the right branch is being deployed"),
            Some(n) => Outcome::fail(format!(
                "pending migrations: database is at {}, repo head is {} ({n} pending)",
                applied.join(", "),
                head_ids.join(", ")
            ))
            .with_locations(head_locs)
            .with_evidence(evidence)
            .fix("run alembic upgrade head against the database"),
        }
    }
}
