use super::{answered, pg};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, Severity};

pub struct RoleNotSuperuser;

static META: CheckMeta = CheckMeta {
    code: "PG007",
    slug: "postgres-role-not-superuser",
    category: Category::Security,
    severity: Severity::High,
    summary: "The application's database role is not a superuser",
    doc: CheckDoc {
        what: "Reads `pg_roles` for `current_user` of the `database_url` connection and fails when \
it has `rolsuper`. `CREATEROLE` and `BYPASSRLS` are reported as a warning.",
        why: "A superuser application role turns any SQL injection into full control of the \
server: reading every database, `COPY ... TO PROGRAM` shell execution, disabling row-level \
security.",
        fix: "Create a dedicated role that owns the application's schema (`CREATE ROLE app LOGIN \
PASSWORD ...; GRANT ...`), run migrations with it, and keep the superuser for administration.",
        example: "`current_user postgres: rolsuper -> t` fails; `current_user app: rolsuper -> f` passes.",
    },
    params: &[],
    requires: &[Input::DatabaseUrl],
    keywords: &["superuser", "least privilege", "database role", "rolsuper"],
};

#[async_trait::async_trait]
impl Check for RoleNotSuperuser {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let r = match answered(&facts.role, "pg_roles") {
            Ok(r) => r,
            Err(o) => return o,
        };
        let tf = |b: bool| if b { "t" } else { "f" };
        let evidence = format!(
            "pg_roles for current_user {}: rolsuper -> {} rolcreaterole -> {} rolbypassrls -> {}",
            r.name,
            tf(r.superuser),
            tf(r.create_role),
            tf(r.bypass_rls)
        );
        if r.superuser {
            return Outcome::fail(format!("the application connects as superuser {}", r.name))
                .evidence(evidence)
                .fix("create a non-superuser role for the application and use it in database_url");
        }
        if r.create_role || r.bypass_rls {
            return Outcome::warn(format!(
                "role {} is not a superuser but has {}",
                r.name,
                [(r.create_role, "CREATEROLE"), (r.bypass_rls, "BYPASSRLS")]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, n)| *n)
                    .collect::<Vec<_>>()
                    .join(" and ")
            ))
            .evidence(evidence)
            .fix("ALTER ROLE ... NOCREATEROLE NOBYPASSRLS unless the application needs them");
        }
        Outcome::pass(format!("role {} is not a superuser", r.name)).evidence(evidence)
    }
}
