use super::{report, scan};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::secrets_scan::SecretKind;

pub struct ProviderTokens;

static META: CheckMeta = CheckMeta {
    code: "SECRET001",
    slug: "secret-provider-tokens",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "No provider API key or token (AWS, Stripe live, GitHub, GitLab, Slack, Google, OpenAI, SendGrid, npm, JWT) is committed",
    doc: CheckDoc {
        what: "Finds API keys and tokens by their provider's documented shape: AWS access key IDs (`AKIA…`, `ASIA…`) and secret keys next to an `aws…secret` name, Stripe live keys (`sk_live_`, `rk_live_`; test-mode `sk_test_` keys are a warning), GitHub (`ghp_`, `gho_`, `ghs_`, `github_pat_`), GitLab (`glpat-`), Slack tokens and webhooks, Google API keys, OpenAI, SendGrid and npm tokens, and JSON Web Tokens. Every text file of the repository index (honouring .gitignore; binary files, lockfiles and files over 2 MiB skipped) is scanned once. Values are shown redacted: length, at most two characters and a fingerprint. A hit in a test, fixture or example file (or documentation) is a warning. AWS's documented example keys are ignored. `golive:allow <reason>` on the line or the line above allows a hit.",
        why: "A key in git is a key for everyone who can read the repository, its forks, clones, CI caches and backups, forever: deleting the file leaves it in history. Bots scrape public pushes for these shapes within minutes.",
        fix: "Revoke the key at the provider first, then remove it from the code and read it from the environment or a secret store. Rewriting history does not un-leak it.",
        example: "```python\n# fails\nstripe.api_key = \"sk_live_…\"\n# passes\nstripe.api_key = os.environ[\"STRIPE_API_KEY\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "secrets in code",
        "API key",
        "token",
        "AWS",
        "Stripe",
        "GitHub token",
        "hardcoded secrets",
        "no secrets committed",
    ],
};

#[async_trait::async_trait]
impl Check for ProviderTokens {
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
            &[SecretKind::ProviderToken],
            "provider key or token",
            "revoke the key at the provider, remove it and read it from the environment or a secret store",
        )
    }
}
