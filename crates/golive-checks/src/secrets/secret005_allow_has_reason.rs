use super::scan;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};

pub struct AllowHasReason;

static META: CheckMeta = CheckMeta {
    code: "SECRET005",
    slug: "secret-allow-has-reason",
    category: Category::Secrets,
    severity: Severity::Medium,
    summary: "Every golive:allow comment states its reason",
    doc: CheckDoc {
        what: "Every `golive:allow` comment in the repository must be followed by a reason of at least \
three letters or digits (`# golive:allow revoked test key, see SEC-123`). An allow without a reason \
allows nothing: the secret it sits next to is still reported by its check, and the comment itself \
fails here. Only directives count: a `golive:allow` in a comment; a quoted one, or one in \
documentation, shows the syntax and is not reported.",
        why: "An allow comment is a recorded decision that a string which looks like a secret is not \
one. Without the reason, the next reader cannot tell a revoked test key from a silenced live one, and \
the allow outlives the judgement behind it.",
        fix: "Write why the value is not a secret, or why it is acceptable, after `golive:allow`.",
        example: "```python\n# fails\nKEY = \"AKIA…\"  # golive:allow\n# passes\nKEY = \"AKIA…\"  # golive:allow revoked key used by the parser tests\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "golive:allow",
        "allowlist",
        "suppression",
        "secret scanning exceptions",
    ],
};

#[async_trait::async_trait]
impl Check for AllowHasReason {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let s = match scan(cx).await {
            Ok(s) => s,
            Err(o) => return o,
        };
        let mut f = Findings::new();
        for _ in 0..s.files_scanned {
            f.inspected();
        }
        for b in &s.bare_allows {
            f.fail(
                "golive:allow without a reason",
                Location::line(b.file.clone(), b.line),
            );
        }
        f.into_outcome(
            "every golive:allow states its reason",
            "no text files to scan",
            "write the reason after golive:allow",
        )
    }
}
