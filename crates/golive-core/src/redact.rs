//! Secrets never leave: every value that is or looks like a secret is shown only as its
//! length, at most two leading characters, and a short fingerprint.

use sha2::{Digest, Sha256};

/// Variable-name fragments that mark a value as secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "TOKEN",
    "PRIVATE",
    "CREDENTIAL",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "AUTH_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "SESSION_KEY",
    "MASTER_KEY",
    "SALT",
    "DSN",
];

/// Whether a variable name says it holds a secret (`*SECRET*`, `*PASSWORD*`, `*TOKEN*`, `*_KEY`).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("_KEY") || upper == "KEY" {
        // Public halves and identifiers named *_KEY are not secrets.
        return !(upper.ends_with("PUBLIC_KEY")
            || upper.ends_with("PUBLISHABLE_KEY")
            || upper.ends_with("_ID_KEY")
            || upper.ends_with("CACHE_KEY")
            || upper.ends_with("PARTITION_KEY")
            || upper.ends_with("SORT_KEY"));
    }
    SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
        && !upper.ends_with("_FILE")
        && !upper.ends_with("_PATH")
        && !upper.contains("PUBLIC")
}

/// A short, stable fingerprint: equal secrets get equal fingerprints within and across runs.
pub fn fingerprint(value: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"golive-redaction-v1\0");
    h.update(value.as_bytes());
    let digest = h.finalize();
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// The redacted form of a secret: `[redacted len=44 "ab…" fp=1a2b3c4d]`. Leading characters
/// are shown only for long values, where two of them reveal next to nothing.
pub fn redact(value: &str) -> String {
    let len = value.chars().count();
    let fp = fingerprint(value);
    if len == 0 {
        return "[empty]".to_string();
    }
    if len >= 16 {
        let head: String = value.chars().take(2).collect();
        format!(
            "[redacted len={len} \"{}…\" fp={fp}]",
            escape_display(&head)
        )
    } else {
        format!("[redacted len={len} fp={fp}]")
    }
}

/// Shows `value` as is when it cannot be a secret, and redacted when it might be one: URLs
/// lose their passwords and token-like strings are redacted whole.
pub fn display_value(value: &str) -> String {
    if let Some(masked) = mask_url_password(value) {
        return escape_display(&masked);
    }
    if looks_like_secret(value) {
        return redact(value);
    }
    escape_display(value)
}

/// Shows `value` for a variable called `name`: redacted when the name or the value says secret.
pub fn display_var(name: &str, value: &str) -> String {
    if is_secret_name(name) {
        redact(value)
    } else {
        display_value(value)
    }
}

/// `scheme://user:password@host` becomes `scheme://user:[redacted …]@host`, for each URL found
/// in `value`. Returns `None` when there is no URL with a password.
pub fn mask_url_password(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut changed = false;
    while let Some(idx) = rest.find("://") {
        let (before, after) = rest.split_at(idx + 3);
        out.push_str(before);
        // The authority ends at the first '/', '?', '#', whitespace, quote or comma.
        let end = after
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | ',' | '"' | '\'' | ';') || c.is_whitespace()
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            if let Some(colon) = userinfo.find(':') {
                let password = &userinfo[colon + 1..];
                if !password.is_empty() {
                    out.push_str(&userinfo[..colon + 1]);
                    out.push_str(&redact(password));
                    out.push_str(&authority[at..]);
                    changed = true;
                    rest = &after[end..];
                    continue;
                }
            }
        }
        out.push_str(authority);
        rest = &after[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Heuristic for values whose name does not say secret: long, mixed, high-entropy tokens and
/// well-known key shapes.
pub fn looks_like_secret(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 16 || v.contains(char::is_whitespace) {
        return v.starts_with("-----BEGIN");
    }
    if v.starts_with("-----BEGIN") {
        return true;
    }
    // URLs, paths and host lists are not tokens.
    if v.contains("://") || v.starts_with('/') || v.contains(',') {
        return false;
    }
    let has_digit = v.chars().any(|c| c.is_ascii_digit());
    let has_alpha = v.chars().any(|c| c.is_ascii_alphabetic());
    has_digit && has_alpha && shannon_bits_per_char(v) >= 3.5
}

/// Shannon entropy of the characters of `s`, in bits per character.
pub fn shannon_bits_per_char(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Control characters would let a hostile value rewrite the terminal; show them escaped.
fn escape_display(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_contains_the_value() {
        for v in [
            "change-me",
            "hunter2",
            "a-very-long-secret-value-0123456789",
        ] {
            let r = redact(v);
            assert!(!r.contains(v), "{r}");
            assert!(r.contains(&format!("len={}", v.chars().count())));
        }
        assert_eq!(redact("same-value-here!!"), redact("same-value-here!!"));
        assert_ne!(redact("value-one-here!!!"), redact("value-two-here!!!"));
    }

    #[test]
    fn short_values_show_no_characters() {
        assert!(!redact("hunter2").contains("hu"));
        assert!(redact("abcdefghijklmnopqrstuvwxyz").contains("\"ab…\""));
    }

    #[test]
    fn url_passwords_are_masked() {
        let m = mask_url_password("postgres://app:s3cretpw@db:5432/app").unwrap();
        assert!(!m.contains("s3cretpw"));
        assert!(m.starts_with("postgres://app:[redacted"));
        assert!(m.ends_with("@db:5432/app"));
        assert_eq!(mask_url_password("https://example.com/a"), None);
        let two = mask_url_password("redis://:pw1secret@a,redis://u:pw2secret@b").unwrap();
        assert!(!two.contains("pw1secret") && !two.contains("pw2secret"));
    }

    #[test]
    fn secret_names() {
        for n in [
            "SECRET_KEY",
            "AUTH__JWT_SECRET_KEY",
            "POSTGRES_PASSWORD",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "DEBUG",
            "LOG_LEVEL",
            "JWT_PUBLIC_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "PASSWORD_FILE",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn token_like_values_are_redacted_by_display_value() {
        // golive:allow a made-up token shaped like GitHub's, to test redaction
        let tok = "ghp_9aB3kLmN0pQrStUvWxYz12345678AbCdEfGh";
        assert!(!display_value(tok).contains(tok));
        assert_eq!(display_value("true"), "true");
        assert_eq!(
            display_value("https://app.example.com"),
            "https://app.example.com"
        );
        assert_eq!(display_value("a\u{1b}[31m"), "a\\u{1b}[31m");
    }
}
