//! No input makes golive panic: the parsers of env files and golive.toml get arbitrary bytes
//! (a deterministic generator, so CI proves it without a fuzzer), and the whole CLI runs on
//! hostile repositories.

use crate::support::{golive, temp_repo};

/// xorshift: deterministic, dependency-free bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Bytes biased towards the characters these formats care about.
    fn input(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"=\"'#\\\n\r\t ${}[]:-_.,*AZaz09export\xc3\xa9";
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = self.next();
                if r % 5 == 0 {
                    (r >> 8) as u8
                } else {
                    ALPHABET[(r >> 8) as usize % ALPHABET.len()]
                }
            })
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[test]
fn env_and_config_parsers_never_panic() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for i in 0..5000 {
        let text = rng.input(1 + i % 300);
        let parsed = golive_facts::envfile::parse(&text);
        for e in &parsed.entries {
            assert!(e.line >= 1 && (e.line as usize) <= text.split('\n').count());
        }
        for e in &parsed.errors {
            assert!(e.line >= 1);
        }
        if let Err(e) = golive_core::config::Config::parse(&text, "golive.toml") {
            assert!(!e.to_string().contains('\n'), "one-line error: {e}");
        }
        let _ = golive_core::inputs::expand_vars(&text, &|_| Some("v".into()));
        let _ = golive_core::redact::display_value(&text);
    }
}

#[test]
fn hostile_repositories_are_reported_not_crashed_on() {
    let huge = "A=".to_string() + &"x".repeat(3 * 1024 * 1024);
    let repo = temp_repo(&[
        (".env.production", "\u{0}\u{1}binary\n"),
        (".env.prod", &huge),
        (".env.production.local", "KEY=\"never closed\nDEBUG=true\n"),
        ("README.md", "# \u{202e}\n\n```\nunclosed"),
        ("requirements.txt", "\u{feff}==\n@@@\n"),
        (".github/workflows/ci.yml", "\u{0}"),
    ]);
    let out = golive(repo.path(), &["check", "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let env001 = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "ENV001")
        .unwrap();
    assert_ne!(
        env001["status"], "pass",
        "unreadable env files are not a pass: {env001}"
    );
}
