use crate::support::{NO_TARGET_ENV, at, env_files, visit_target_vars};
use golive_core::redact::{is_secret_name, redact};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct SecretsNotDefault;

static META: CheckMeta = CheckMeta {
    code: "ENV008",
    slug: "env-secrets-not-default",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "Secret variables are set and are not empty, placeholders or well-known defaults",
    doc: CheckDoc {
        what: "In each production env file, every variable whose name marks a secret (`*SECRET*`, \
`*PASSWORD*`, `*TOKEN*`, `*_KEY` except public and publishable keys, `*CREDENTIAL*`, `*PRIVATE*`) \
must have a value that is not empty and not a placeholder or vendor default: `change-me`, \
`changeme`, `secret`, `password`, `admin`, `root`, `minioadmin`, `postgres`, `dev-*`, `test-*`, \
`your-*`, `<generated-secret>`, `django-insecure-*`, `xxx…`, repeated characters, and the like. \
Values are never shown; findings carry a redacted fingerprint.",
        why: "Defaults are public: they are in the README, the compose file and every scanner's \
word list. A production secret left at `change-me` signs tokens anyone can forge and opens \
databases and object stores to anyone who tries the vendor password.",
        fix: "Generate a value (`openssl rand -hex 32`) and set it from your secret store.",
        example: "```\n# fails\nSECRET_KEY=change-me\nMINIO_ROOT_PASSWORD=minioadmin\nJWT_SECRET=\n# passes\nSECRET_KEY=3f9c…(64 random hex characters)\n```",
    },
    params: &[],
    requires: &[],
    keywords: &["SECRET_KEY", "password", "defaults", "secrets", "change-me", "not using defaults", "POSTGRES_PASSWORD", "REDIS_PASSWORD"],
};

const EXACT_DEFAULTS: &[&str] = &[
    "changeme", "change-me", "change_me", "changethis", "change-this", "changeit", "secret", "secretkey",
    "secret-key", "secret_key", "password", "passw0rd", "password1", "password123", "pass", "admin",
    "administrator", "root", "toor", "minioadmin", "minio123", "postgres", "mysql", "redis", "guest",
    "default", "test", "testing", "example", "sample", "demo", "dev", "development", "local", "letmein",
    "qwerty", "123456", "12345678", "123456789", "1234567890", "abc123", "foobar", "foo", "bar", "todo",
    "tbd", "fixme", "none", "null", "nil", "undefined", "placeholder", "replaceme", "replace-me",
    "insecure", "notsecret", "not-a-secret", "supersecret", "super-secret", "mysecret", "my-secret",
    "keyboardcat", "keyboard cat", "s3cr3t", "hunter2", "xxx", "xxxx", "...",
];

const MARKERS: &[&str] = &[
    "change-me", "changeme", "change_me", "change-this", "change_this", "changethis", "replace-me",
    "replace_me", "replaceme", "replace-with", "replace_with", "your-", "your_", "placeholder",
    "insecure", "dummy", "example", "not-secure", "notsecure", "generate", "fill-in", "fill_in", "todo",
    "fixme", "<", "${",
];

const PREFIXES: &[&str] = &["dev-", "dev_", "test-", "test_", "local-", "local_", "django-insecure", "sk_test_", "pk_test_", "rk_test_"];

/// Why `value` is a placeholder or well-known default, or `None` when it is not one.
pub fn default_reason(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.is_empty() {
        return Some("is empty");
    }
    let lower = v.to_ascii_lowercase();
    if EXACT_DEFAULTS.contains(&lower.as_str()) {
        return Some("is a well-known default");
    }
    if PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return Some("has a development or test prefix");
    }
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return Some("looks like a placeholder");
    }
    let mut chars = lower.chars();
    if let Some(first) = chars.next()
        && v.chars().count() >= 3
        && chars.all(|c| c == first)
    {
        return Some("is one repeated character");
    }
    None
}

#[async_trait::async_trait]
impl Check for SecretsNotDefault {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(&files, &mut findings, is_secret_name, |file, e, f| {
            if let Some(why) = default_reason(&e.value) {
                let shown = if e.value.trim().is_empty() { String::new() } else { format!(" {}", redact(&e.value)) };
                f.fail(format!("{} {why}{shown}", e.key), at(file, e));
            }
        });
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped("no production env file sets a secret-named variable (they may come from a secret store)");
        }
        findings.into_outcome(
            "secret variables are set and are not defaults",
            NO_TARGET_ENV,
            "generate each secret (openssl rand -hex 32) and set it from the secret store",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::default_reason;

    #[test]
    fn defaults_and_placeholders() {
        for v in ["change-me", "CHANGEME", "", "minioadmin", "dev-secret-change-me", "<generated-secret>", "your-secret-key", "aaaaaaaa", "django-insecure-abc", "sk_test_123"] {
            assert!(default_reason(v).is_some(), "{v}");
        }
        for v in ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "Tr0ub4dor&3-horse-battery"] {
            assert_eq!(default_reason(v), None, "{v}");
        }
    }
}
