use crate::support::{NO_TARGET_ENV, at, env_files, parse_bool, visit_target_vars};
use golive_core::redact::display_value;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct SqlEchoOff;

static META: CheckMeta = CheckMeta {
    code: "ENV005",
    slug: "env-sql-echo-off",
    category: Category::Database,
    severity: Severity::Medium,
    summary: "SQL statement echo (SQLALCHEMY_ECHO and the like) is off in production env files",
    doc: CheckDoc {
        what: "In each production env file, `SQLALCHEMY_ECHO` and every variable naming a database \
echo or query-logging switch (`DB_ECHO`, `DATABASE__ECHO`, `*_SQL_ECHO`, `DB_LOGGING`, `TYPEORM_LOGGING`) \
must be false.",
        why: "Echoed SQL goes to the application log with its bound parameters: email addresses, \
password hashes, tokens and payment data end up in log storage, and every query costs a log write.",
        fix: "Set `SQLALCHEMY_ECHO=false` (or remove the variable) in the production env file.",
        example: "```\n# fails\nSQLALCHEMY_ECHO=true\n# passes\nSQLALCHEMY_ECHO=false\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "SQLALCHEMY_ECHO",
        "SQLALCHEMY_ECHO=false",
        "DB_ECHO",
        "query logging",
        "echo",
    ],
};

fn is_echo_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    let dbish =
        k.contains("SQL") || k.contains("DB") || k.contains("DATABASE") || k.contains("TYPEORM");
    dbish && (k.ends_with("ECHO") || k.ends_with("_LOGGING") || k.ends_with("LOG_QUERIES"))
}

#[async_trait::async_trait]
impl Check for SqlEchoOff {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(
            &files,
            &mut findings,
            is_echo_key,
            |file, e, f| match parse_bool(&e.value) {
                Some(false) => {}
                Some(true) => f.fail(
                    format!("{} is \"{}\"", e.key, display_value(&e.value)),
                    at(file, e),
                ),
                None => f.warn(
                    format!(
                        "{} is \"{}\", not a boolean",
                        e.key,
                        display_value(&e.value)
                    ),
                    at(file, e),
                ),
            },
        );
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped(
                "no production env file sets a SQL echo switch; the application's default applies",
            );
        }
        findings.into_outcome(
            "SQL echo is off",
            NO_TARGET_ENV,
            "set SQLALCHEMY_ECHO=false",
        )
    }
}
