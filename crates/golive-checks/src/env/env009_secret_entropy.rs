use crate::support::{NO_TARGET_ENV, at, env_files, name_matches, visit_target_vars};
use golive_core::redact::{redact, shannon_bits_per_char};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, ParamKind, ParamSpec,
    Severity,
};

pub struct SecretEntropy;

static META: CheckMeta = CheckMeta {
    code: "ENV009",
    slug: "env-secret-entropy",
    category: Category::Secrets,
    severity: Severity::High,
    summary: "Signing and encryption secrets carry at least min_bits of entropy (default 256)",
    doc: CheckDoc {
        what: "In each production env file, variables matching `keys` (signing and encryption \
secrets: `*SECRET_KEY*`, `*JWT*SECRET*`, `*SIGNING_KEY*`, `*ENCRYPTION_KEY*`, `NEXTAUTH_SECRET`, \
`*SESSION_SECRET*`) must carry at least `min_bits` bits of entropy, estimated from the length and \
the alphabet the value draws from (hex 4 bits a character, base64 6, printable ASCII 6.5), and \
lowered for repetitive values. Empty values and placeholders are ENV008's business and not \
repeated here.",
        why: "HMAC-signed tokens (JWT HS256, Django, Flask, Rails sessions) are only as strong as the \
key: a short or guessable key is brute-forced offline from a single token, and then anyone can \
sign a token for any user. RFC 7518 asks for a key at least as long as the hash (256 bits).",
        fix: "Generate the key with a CSPRNG: `openssl rand -hex 32` (256 bits) or `openssl rand -base64 48`.",
        example: "```\n# fails: about 60 bits\nJWT_SECRET=my-company-jwt-2024\n# passes\nJWT_SECRET=6b1f0c9e3d2a…(64 hex characters)\n```",
    },
    params: &[
        ParamSpec {
            name: "min_bits",
            kind: ParamKind::Int,
            default: "256",
            help: "minimum estimated entropy in bits",
        },
        ParamSpec {
            name: "keys",
            kind: ParamKind::List,
            default: "*SECRET_KEY*,*JWT*SECRET*,*JWT*KEY,*SIGNING_KEY*,*ENCRYPTION_KEY*,*NEXTAUTH_SECRET*,*SESSION_SECRET*,*APP_SECRET*,*COOKIE_SECRET*",
            help: "variable-name globs the rule applies to",
        },
    ],
    requires: &[],
    keywords: &[
        "entropy",
        "256 bits",
        "cryptographically random",
        "JWT_SECRET",
        "SECRET_KEY",
        "min bits",
    ],
};

/// Estimated entropy of a secret, in bits: length times the bits per character of the
/// smallest alphabet that covers it, capped by the observed character distribution.
pub fn estimate_bits(value: &str) -> f64 {
    let v = value.trim();
    let n = v.chars().count() as f64;
    if n == 0.0 {
        return 0.0;
    }
    let is_hex = v.chars().all(|c| c.is_ascii_hexdigit());
    let is_digits = v.chars().all(|c| c.is_ascii_digit());
    let lower = v.chars().any(|c| c.is_ascii_lowercase());
    let upper = v.chars().any(|c| c.is_ascii_uppercase());
    let digit = v.chars().any(|c| c.is_ascii_digit());
    let b64 = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'));
    let per_char: f64 = if is_digits {
        10f64.log2()
    } else if is_hex {
        4.0
    } else if b64 {
        let classes = [lower, upper, digit].iter().filter(|b| **b).count();
        match classes {
            1 => 26f64.log2(),
            2 => 36f64.log2(),
            _ => 6.0,
        }
    } else {
        95f64.log2()
    };
    // A random string's per-character Shannon entropy approaches log2 of its alphabet; a
    // repetitive one falls far short. Use whichever is lower, with slack for short strings,
    // whose sample entropy underestimates.
    let observed = shannon_bits_per_char(v);
    let slack = if n < 64.0 { 1.0 } else { 0.5 };
    n * per_char.min(observed + slack)
}

#[async_trait::async_trait]
impl Check for SecretEntropy {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let min_bits = cx.params.int("min_bits") as f64;
        let keys = cx.params.list("keys").to_vec();
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(
            &files,
            &mut findings,
            |k| keys.iter().any(|p| name_matches(p, k)),
            |file, e, f| {
                if super::env008_secrets_not_default::default_reason(&e.value).is_some() {
                    return;
                }
                let bits = estimate_bits(&e.value);
                if bits < min_bits {
                    f.fail(
                        format!(
                            "{} has about {bits:.0} bits of entropy, under {min_bits:.0} {}",
                            e.key,
                            redact(&e.value)
                        ),
                        at(file, e),
                    );
                }
            },
        );
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped("no production env file sets a signing or encryption secret");
        }
        findings.into_outcome(
            format!("signing secrets carry at least {min_bits:.0} bits"),
            NO_TARGET_ENV,
            "generate the secret with `openssl rand -hex 32`",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::estimate_bits;

    #[test]
    fn estimates() {
        let hex64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(estimate_bits(hex64) >= 240.0, "{}", estimate_bits(hex64));
        let b64 = "q3Jz0k9XvT7bLw2N8cYpR1sFh6mDgA4eUoKiW5tZxEjCnQ==";
        assert!(estimate_bits(b64) >= 256.0, "{}", estimate_bits(b64));
        assert!(estimate_bits("my-company-jwt-2024") < 128.0);
        assert!(estimate_bits(&"ab".repeat(40)) < 128.0);
        assert!(estimate_bits("12345678901234567890") < 80.0);
    }
}
