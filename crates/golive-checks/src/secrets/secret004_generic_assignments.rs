use super::{report, scan};
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::secrets_scan::SecretKind;

pub struct GenericAssignments;

static META: CheckMeta = CheckMeta {
    code: "SECRET004",
    slug: "secret-generic-assignments",
    category: Category::Secrets,
    severity: Severity::High,
    summary: "No high-entropy literal is assigned to a secret-named identifier in code",
    doc: CheckDoc {
        what: "Finds quoted literals of 16 characters or more, with letters and digits and an entropy of at least 3.7 bits per character, assigned (`=`, `:`, `:=`, `=>`) to an identifier or key whose name says secret (`*secret*`, `*token*`, `*password*`, `*api_key*`, `*access_key*`, `*private_key*`, `*credential*`, `*signing_key*`). Placeholders and references (`${…}`, `your-…`, `changeme`, `xxxx`) are ignored. Hits in test, fixture, example and documentation files are not counted.",
        why: "Secrets without a provider prefix (signing keys, internal API tokens, webhook secrets) are the ones no provider scanner revokes for you: they stay valid in git until someone notices.",
        fix: "Move the value to the secret store, read it from the environment, and rotate it.",
        example: "```python\n# fails\nJWT_SECRET = \"9f8e7d6c5b4a3f2e1d0c9b8a7f6e\"\n# passes\nJWT_SECRET = os.environ[\"JWT_SECRET\"]\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "hardcoded secrets",
        "signing key",
        "high entropy",
        "secrets in code",
    ],
};

#[async_trait::async_trait]
impl Check for GenericAssignments {
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
            &[SecretKind::Generic],
            "high-entropy secret assignment",
            "move the value to the secret store, read it from the environment and rotate it",
        )
    }
}
