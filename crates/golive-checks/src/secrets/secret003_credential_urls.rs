use super::{report, scan};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::secrets_scan::SecretKind;

pub struct CredentialUrls;

static META: CheckMeta = CheckMeta {
    code: "SECRET003",
    slug: "secret-credentials-in-urls",
    category: Category::Secrets,
    severity: Severity::High,
    summary: "No database, cache or broker URL with a literal password is committed in code",
    doc: CheckDoc {
        what: "Finds URLs with a literal password in their user info: `postgres://`, `mysql://`, `mongodb(+srv)://`, `redis(s)://`, `amqp(s)://`, `mssql://`, `clickhouse://`, `smtp(s)://`, `http(s)://` and the like. Passwords that are variables or placeholders (`${DB_PASSWORD}`, `{{ … }}`, `<password>`, `changeme`) are ignored; well-known local defaults (`postgres:postgres@`) are a warning. Hits in test, fixture, example and documentation files are not counted: fixtures are full of such URLs.",
        why: "A connection string in code is a production password in git, and it is usually also the default the application falls back to when the variable is unset, so a misconfigured deploy silently connects with it.",
        fix: "Remove the password from the URL and build the URL from the environment (`DATABASE_URL` set by the secret store), rotate the password.",
        example: "```python\n# fails\nDATABASE_URL = \"postgres://app:Zq8r…@db:5432/app\"\n# passes\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "DATABASE_URL",
        "connection string",
        "database password",
        "REDIS_URL",
        "credentials in code",
        "hardcoded password",
    ],
};

#[async_trait::async_trait]
impl Check for CredentialUrls {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let s = match scan(cx).await {
            Ok(s) => s,
            Err(o) => return o,
        };
        report(
            &s,
            &[SecretKind::CredentialUrl],
            "URL with a literal password",
            "read the URL from the environment and rotate the password",
        )
    }
}
