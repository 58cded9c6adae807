//! Secrets in code: the repository scanned once ([`SecretScan`]), each check reporting one
//! kind of rule.
//!
//! Test, fixture and example files (and documentation) are treated as such: a provider token or
//! private key there is a warning, not a failure (a real key does not belong there either, but
//! it is more often a deliberate fake); a generic assignment, a credential URL or a low-confidence
//! hit (a Stripe test-mode key, a `postgres:postgres` default) there is skipped, because
//! fixtures are made of exactly that. A `golive:allow <reason>` comment on the
//! line or the line above allows a hit; the reason is mandatory (SECRET005).

mod secret001_provider_tokens;
mod secret002_private_keys;
mod secret003_credential_urls;
mod secret004_generic_assignments;
mod secret005_allow_has_reason;

use golive_core::{Check, CheckCx, Findings, Location, Outcome, Status};
use golive_facts::secrets_scan::{Confidence, FileContext, SecretHit, SecretKind, SecretScan};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &secret001_provider_tokens::ProviderTokens,
    &secret002_private_keys::PrivateKeys,
    &secret003_credential_urls::CredentialUrls,
    &secret004_generic_assignments::GenericAssignments,
    &secret005_allow_has_reason::AllowHasReason,
];

pub(crate) async fn scan(cx: &CheckCx<'_>) -> Result<Arc<SecretScan>, Outcome> {
    cx.facts.get::<SecretScan>().await.map_err(|e| e.outcome())
}

pub(crate) fn loc(h: &SecretHit) -> Location {
    Location {
        path: h.file.clone(),
        line: Some(h.line),
        column: Some(h.column),
    }
}

/// Folds the hits of `kinds` into an outcome, by the rules in the module doc.
pub(crate) fn report(s: &SecretScan, kinds: &[SecretKind], what: &str, fix: &str) -> Outcome {
    let mut f = Findings::new();
    for _ in 0..s.files_scanned {
        f.inspected();
    }
    let mut allowed = 0;
    let mut skipped = 0;
    for h in s.hits.iter().filter(|h| kinds.contains(&h.kind)) {
        if h.allowed.is_some() {
            allowed += 1;
            continue;
        }
        let shaped = matches!(h.kind, SecretKind::ProviderToken | SecretKind::PrivateKey);
        let where_ = match h.context {
            FileContext::Code => "",
            FileContext::TestOrExample => " in a test or example file",
            FileContext::Docs => " in documentation",
        };
        let msg = format!("{} {}{where_} ({})", h.description, h.redacted, h.rule);
        match (h.context, shaped, h.confidence) {
            (FileContext::Code, _, Confidence::High) => f.fail(msg, loc(h)),
            (FileContext::Code, _, Confidence::Low) => f.push(Status::Warn, msg, Some(loc(h))),
            (_, true, Confidence::High) => f.push(Status::Warn, msg, Some(loc(h))),
            _ => skipped += 1,
        }
    }
    let mut pass = format!("no {what} in {} scanned file(s)", s.files_scanned);
    if allowed > 0 {
        pass.push_str(&format!("; {allowed} allowed by golive:allow"));
    }
    if skipped > 0 {
        pass.push_str(&format!(
            "; {skipped} in test, example or documentation files not counted"
        ));
    }
    f.into_outcome(pass, "no text files to scan", fix)
}
