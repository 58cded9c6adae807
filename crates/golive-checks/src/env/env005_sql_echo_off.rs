use crate::support::{expect_false, run_var_rule};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};

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
        run_var_rule(
            cx,
            is_echo_key,
            expect_false,
            "no production env file sets a SQL echo switch; the application's default applies",
            "SQL echo is off",
            "set SQLALCHEMY_ECHO=false",
        )
        .await
    }
}
