use super::{answered, pg};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct Extensions;

static META: CheckMeta = CheckMeta {
    code: "PG004",
    slug: "postgres-extensions",
    category: Category::Database,
    severity: Severity::High,
    summary: "The extensions the application needs are installed in the database",
    doc: CheckDoc {
        what: "Reads `pg_extension` in the database of `database_url` and fails when an extension \
named in `extensions` is not installed there. With no extensions configured the check is skipped.",
        why: "Migrations and queries that use `uuid_generate_v4()`, trigram indexes or GIN on \
scalar columns fail at deploy time, or worse at the first request, when the extension is \
missing; creating one usually needs a superuser the application does not have.",
        fix: "As a superuser, `CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";` (and each missing \
one) in the application's database, or add it to the migration that needs it.",
        example: "```toml\n[checks.PG004]\nextensions = [\"uuid-ossp\", \"pg_trgm\", \"btree_gin\"]\n```",
    },
    params: &[ParamSpec {
        name: "extensions",
        kind: ParamKind::List,
        default: "",
        help: "extension names that must be installed (e.g. uuid-ossp, pg_trgm, btree_gin, postgis)",
    }],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "extensions",
        "uuid-ossp",
        "pg_trgm",
        "btree_gin",
        "postgis",
        "CREATE EXTENSION",
    ],
};

#[async_trait::async_trait]
impl Check for Extensions {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let wanted = cx.params.list("extensions");
        if wanted.is_empty() {
            return Outcome::skipped(
                "no required extensions configured (set extensions in [checks.PG004])",
            );
        }
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let installed = match answered(&facts.extensions, "pg_extension") {
            Ok(e) => e,
            Err(o) => return o,
        };
        let names: Vec<String> = installed.iter().map(|(n, v)| format!("{n} {v}")).collect();
        let evidence = format!(
            "SELECT extname, extversion FROM pg_extension -> {}",
            names.join(", ")
        );
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|w| !installed.iter().any(|(n, _)| n.eq_ignore_ascii_case(w)))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            Outcome::pass(format!("installed: {}", wanted.join(", "))).evidence(evidence)
        } else {
            let sql: Vec<String> = missing
                .iter()
                .map(|m| format!("CREATE EXTENSION IF NOT EXISTS \"{m}\";"))
                .collect();
            Outcome::fail(format!("missing extension(s): {}", missing.join(", ")))
                .evidence(evidence)
                .fix(sql.join(" "))
        }
    }
}
