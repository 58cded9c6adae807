//! Secrets in code: one pass over the repository index.
//!
//! Each file is read once (in parallel; binary files, lockfiles and files over
//! [`crate::repo_index::MAX_READ_BYTES`] are skipped), an Aho-Corasick automaton over every
//! rule's keywords decides which rules can match at all, and only those rules' regexes run.
//! Rules that match generic shapes also need a minimum Shannon entropy. Matched values never
//! leave this module in clear: a hit carries the redacted form and a fingerprint.
//!
//! A hit is allowed by `golive:allow <reason>` on its line or the line above; an allow
//! comment without a reason does not allow anything and is itself reported.

use crate::repo_index::{
    FileKind, FileText, IndexedFile, MAX_READ_BYTES, ReadError, RepoIndex, is_test_or_example_path,
};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use golive_core::redact::{fingerprint, redact, shannon_bits_per_char};
use golive_core::{Fact, FactError, Facts};
use regex::Regex;
use std::sync::OnceLock;

/// Which check reports a rule's hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// Provider API keys and tokens with a recognisable shape (AWS, Stripe, GitHub, JWT…).
    ProviderToken,
    PrivateKey,
    /// `scheme://user:password@host` with a literal password.
    CredentialUrl,
    /// A high-entropy literal assigned to a secret-named identifier.
    Generic,
}

/// How sure a rule is that a hit is a live secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// A test-mode key, a local default: worth a look, not a leak.
    Low,
    High,
}

/// Where the hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileContext {
    Code,
    /// Under tests/, fixtures/, examples/ or named like a test (`test_*.py`, `*_test.go`).
    TestOrExample,
    /// Markdown and other documentation.
    Docs,
}

pub struct Rule {
    pub id: &'static str,
    pub kind: SecretKind,
    pub description: &'static str,
    /// Lower-case keywords; a file without any of them is never matched against the regex.
    pub keywords: &'static [&'static str],
    pub pattern: &'static str,
    /// Capture group holding the secret (0: the whole match).
    pub group: usize,
    /// Minimum Shannon entropy of the secret, in bits per character.
    pub min_entropy: Option<f64>,
    pub confidence: Confidence,
    /// What a line must hold for `pattern` to match in it, tested before the regex runs.
    pub line_needs: LineNeeds,
}

/// A condition that every line the rule's regex matches meets, cheap to test on bytes: most
/// lines that hold a keyword (`secret`, `://`) hold no value the regex could match, and the
/// regex costs far more than this scan. A test checks, on random lines, that the regex never
/// matches where the condition fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineNeeds {
    Nothing,
    /// This byte somewhere on the line.
    Byte(u8),
    /// A run of at least this many key bytes: `[A-Za-z0-9/+]`, or any non-ASCII byte, since a
    /// case-insensitive class also matches `ſ` and `K` (Kelvin sign).
    KeyRun(usize),
    /// A quote, then at least this many value bytes, then a quote: the quoted literal of a
    /// generic assignment (`[A-Za-z0-9+/=_\-.~!@#%^&*]`, or any non-ASCII byte).
    QuotedValue(usize),
}

impl LineNeeds {
    pub fn met_by(self, line: &[u8]) -> bool {
        match self {
            LineNeeds::Nothing => true,
            LineNeeds::Byte(b) => memchr::memchr(b, line).is_some(),
            LineNeeds::KeyRun(min) => {
                let mut run = 0;
                for &b in line {
                    if b.is_ascii_alphanumeric() || b == b'/' || b == b'+' || b >= 0x80 {
                        run += 1;
                        if run >= min {
                            return true;
                        }
                    } else {
                        run = 0;
                    }
                }
                false
            }
            LineNeeds::QuotedValue(min) => {
                let is_quote = |b: u8| matches!(b, b'\'' | b'"' | b'`');
                // Bytes of value since the last quote; `None` before the first quote.
                let mut run: Option<usize> = None;
                for &b in line {
                    if is_quote(b) {
                        if run.is_some_and(|n| n >= min) {
                            return true;
                        }
                        run = Some(0);
                    } else if let Some(n) = run.as_mut() {
                        if is_value_byte(b) {
                            *n += 1;
                        } else {
                            run = None;
                        }
                    }
                }
                false
            }
        }
    }
}

fn is_value_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b"+/=_-.~!@#%^&*".contains(&b)
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "aws-access-key-id",
        kind: SecretKind::ProviderToken,
        description: "AWS access key ID",
        keywords: &["akia", "asia", "abia", "acca"],
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        group: 1,
        min_entropy: Some(2.5),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "aws-secret-access-key",
        kind: SecretKind::ProviderToken,
        description: "AWS secret access key",
        keywords: &["aws"],
        pattern: r#"(?i)aws.{0,20}?(?:secret|private).{0,20}?['"]?\s*[:=]>?\s*['"]?([A-Za-z0-9/+]{40})\b"#,
        group: 1,
        min_entropy: Some(4.0),
        confidence: Confidence::High,
        line_needs: LineNeeds::KeyRun(40),
    },
    Rule {
        id: "stripe-live-key",
        kind: SecretKind::ProviderToken,
        description: "Stripe live secret or restricted key",
        keywords: &["sk_live_", "rk_live_"],
        pattern: r"\b((?:sk|rk)_live_[0-9A-Za-z]{20,247})\b",
        group: 1,
        min_entropy: None,
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "stripe-test-key",
        kind: SecretKind::ProviderToken,
        description: "Stripe test-mode secret key",
        keywords: &["sk_test_", "rk_test_"],
        pattern: r"\b((?:sk|rk)_test_[0-9A-Za-z]{20,247})\b",
        group: 1,
        min_entropy: None,
        confidence: Confidence::Low,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "github-token",
        kind: SecretKind::ProviderToken,
        description: "GitHub token",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        pattern: r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82,})\b",
        group: 1,
        min_entropy: Some(3.0),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "gitlab-token",
        kind: SecretKind::ProviderToken,
        description: "GitLab personal, deploy or runner token",
        keywords: &["glpat-", "gldt-", "glrt-", "glptt-"],
        pattern: r"\b((?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_\-]{20,})",
        group: 1,
        min_entropy: Some(3.0),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "slack-token",
        kind: SecretKind::ProviderToken,
        description: "Slack token",
        keywords: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xapp-"],
        pattern: r"\b(xox[abprs]-[0-9A-Za-z\-]{10,250}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)",
        group: 1,
        min_entropy: Some(3.0),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "slack-webhook",
        kind: SecretKind::ProviderToken,
        description: "Slack incoming webhook URL",
        keywords: &["hooks.slack.com"],
        pattern: r"(https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{20,})",
        group: 1,
        min_entropy: None,
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "google-api-key",
        kind: SecretKind::ProviderToken,
        description: "Google API key",
        keywords: &["aiza"],
        pattern: r"\b(AIza[0-9A-Za-z_\-]{35})",
        group: 1,
        min_entropy: Some(3.5),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "openai-key",
        kind: SecretKind::ProviderToken,
        description: "OpenAI API key",
        keywords: &["sk-proj-", "t3blbkfj"],
        pattern: r"\b(sk-(?:proj-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}|sk-proj-[A-Za-z0-9_\-]{40,})",
        group: 1,
        min_entropy: Some(3.5),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "sendgrid-key",
        kind: SecretKind::ProviderToken,
        description: "SendGrid API key",
        keywords: &["sg."],
        pattern: r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})\b",
        group: 1,
        min_entropy: Some(3.5),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "npm-token",
        kind: SecretKind::ProviderToken,
        description: "npm access token",
        keywords: &["npm_"],
        pattern: r"\b(npm_[A-Za-z0-9]{36})\b",
        group: 1,
        min_entropy: Some(3.5),
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "jwt",
        kind: SecretKind::ProviderToken,
        description: "JSON Web Token",
        keywords: &["eyj"],
        pattern: r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})",
        group: 1,
        min_entropy: None,
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "private-key",
        kind: SecretKind::PrivateKey,
        description: "private key",
        keywords: &["private key", "putty-user-key-file"],
        pattern: r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d)",
        group: 1,
        min_entropy: None,
        confidence: Confidence::High,
        line_needs: LineNeeds::Nothing,
    },
    Rule {
        id: "credential-url",
        kind: SecretKind::CredentialUrl,
        description: "URL with a literal password",
        keywords: &["://"],
        pattern: r#"\b((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|clickhouse|nats|kafka|ftp|sftp|smtps?|https?)(?:\+[a-z0-9]+)?://[^\s:/@'"`]+:([^\s@/'"`]+)@[^\s'"`]+)"#,
        group: 2,
        min_entropy: None,
        confidence: Confidence::High,
        line_needs: LineNeeds::Byte(b'@'),
    },
    Rule {
        id: "generic-secret-assignment",
        kind: SecretKind::Generic,
        description: "high-entropy value assigned to a secret-named identifier",
        keywords: &[
            "secret",
            "token",
            "passw",
            "api_key",
            "apikey",
            "api-key",
            "access_key",
            "accesskey",
            "private_key",
            "credential",
            "auth_key",
            "signing_key",
            "client_secret",
        ],
        pattern: r#"(?i)([a-z0-9_.\-]*(?:secret|token|passwd|password|api_?key|api-key|access_?key|private_?key|credential|auth_?key|signing_?key)[a-z0-9_.\-]*)['"]?\s*(?::=|=>|:|=)\s*(?:[a-z]?['"`])((?-i)[A-Za-z0-9+/=_\-.~!@#%^&*]{16,200})['"`]"#,
        group: 2,
        min_entropy: Some(3.7),
        confidence: Confidence::High,
        line_needs: LineNeeds::QuotedValue(16),
    },
];

/// Values that the AWS and other vendors publish as documentation examples.
const KNOWN_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];

#[derive(Debug, Clone, PartialEq)]
pub struct SecretHit {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub rule: &'static str,
    pub kind: SecretKind,
    pub description: &'static str,
    pub confidence: Confidence,
    pub context: FileContext,
    /// The redacted value (`[redacted len=40 "ab…" fp=…]`).
    pub redacted: String,
    pub fingerprint: String,
    /// The reason of a `golive:allow` that covers this hit.
    pub allowed: Option<String>,
}

/// A `golive:allow` comment without a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BareAllow {
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default)]
pub struct SecretScan {
    pub hits: Vec<SecretHit>,
    pub bare_allows: Vec<BareAllow>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub skipped_large: usize,
    pub skipped_binary: usize,
}

impl SecretScan {
    pub fn of_kind(&self, kind: SecretKind) -> impl Iterator<Item = &SecretHit> {
        self.hits.iter().filter(move |h| h.kind == kind)
    }
}

/// Matched with the rules' keywords, so that the scan finds allow comments in the same pass.
const ALLOW_MARKER: &str = "golive:allow";

/// What the line search looks for, in lower case: every keyword and [`ALLOW_MARKER`] holds one
/// of these (a test checks it), so every line that holds a keyword is found. Fewer than the
/// keywords, because up to 32 patterns Teddy uses its slim searcher, which reads twice as many
/// bytes per step as the fat one it needs for the 49 keywords. `key` stands for the eight
/// `*key*` keywords: it finds more lines, but the overlapping search on a line costs little.
const LINE_KEYS: [&str; 32] = [
    "akia",
    "asia",
    "abia",
    "acca",
    "aws",
    "k_live_",
    "k_test_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glp",
    "gldt-",
    "glrt-",
    "xox",
    "xapp-",
    "hooks.slack.com",
    "aiza",
    "sk-proj-",
    "t3blbkfj",
    "sg.",
    "npm_",
    "eyj",
    "://",
    "secret",
    "token",
    "passw",
    "key",
    "credential",
    "golive:allow",
];

struct Compiled {
    /// Every keyword and [`ALLOW_MARKER`], ASCII case-insensitive, for the overlapping search
    /// on candidate lines.
    ac: Option<AhoCorasick>,
    /// The same keywords, case-sensitive, over ASCII-lowercased text: Teddy's SIMD search,
    /// which the case-insensitive automaton cannot use, finds the candidate lines.
    lines: Option<aho_corasick::packed::Searcher>,
    /// For each automaton pattern, the index of its rule (`None`: [`ALLOW_MARKER`]).
    pattern_rule: Vec<Option<usize>>,
    /// Compiled on a rule's first candidate line: most trees never meet most providers' keys,
    /// and compiling every rule up front held every scanning thread at the first file.
    /// `None` for a rule whose pattern does not compile (a test proves none does).
    regexes: Vec<OnceLock<Option<Regex>>>,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let mut pats = Vec::new();
        let mut pattern_rule = Vec::new();
        for (i, r) in RULES.iter().enumerate() {
            for k in r.keywords {
                pats.push(*k);
                pattern_rule.push(Some(i));
            }
        }
        pats.push(ALLOW_MARKER);
        pattern_rule.push(None);
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .ok();
        let lines = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(LINE_KEYS)
            .build();
        let regexes = RULES.iter().map(|_| OnceLock::new()).collect();
        Compiled {
            ac,
            lines,
            pattern_rule,
            regexes,
        }
    })
}

/// Files by name that are tests even outside a tests directory.
pub fn is_test_file_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.starts_with("test_")
        || l.ends_with("_test.go")
        || l.ends_with("_test.py")
        || l.ends_with("_spec.rb")
        || l == "conftest.py"
        || [".test.", ".spec."].iter().any(|m| l.contains(m))
        || l.contains(".example")
        || l.contains(".sample")
}

fn context_of(f: &IndexedFile) -> FileContext {
    if f.kind == FileKind::Markdown || f.rel.to_ascii_lowercase().starts_with("docs/") {
        FileContext::Docs
    } else if f.is_test_or_example()
        || is_test_file_name(f.name())
        || is_test_or_example_path(&f.rel)
    {
        FileContext::TestOrExample
    } else {
        FileContext::Code
    }
}

const SKIP_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "ico", "webp", "bmp", "tiff", "pdf", "zip", "gz", "tgz", "bz2",
    "xz", "zst", "7z", "jar", "war", "class", "so", "dylib", "dll", "exe", "o", "a", "woff",
    "woff2", "ttf", "otf", "eot", "mp3", "mp4", "mov", "avi", "wasm", "pyc", "map", "svg", "lock",
    "sum",
];

/// Whether the scanner reads this file at all.
pub fn scannable(f: &IndexedFile) -> bool {
    f.size <= MAX_READ_BYTES && f.size > 0 && scannable_name(f.name(), f.kind)
}

/// The part of [`scannable`] decided by the name: the repository index reads these files
/// during its walk.
pub fn scannable_name(name: &str, kind: FileKind) -> bool {
    if matches!(kind, FileKind::Lockfile(_)) {
        return false;
    }
    let l = name.to_ascii_lowercase();
    if l.ends_with(".min.js") || l.ends_with(".min.css") {
        return false;
    }
    let ext = l.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    !SKIP_EXTENSIONS.contains(&ext)
}

fn is_placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    v.starts_with('$')
        || v.starts_with('%')
        || v.starts_with('{')
        || v.starts_with('<')
        || v.contains("${")
        || v.contains("{{")
        || l.contains("xxxx")
        || l.contains("****")
        || l.contains("example")
        || l.contains("placeholder")
        || l.contains("changeme")
        || l.contains("change-me")
        || l.contains("change_me")
        || l.contains("your")
        || l.contains("dummy")
        || l.contains("redacted")
        // An elided value (`Zq8r…`, `abc...`) is a documentation example.
        || v.contains('…')
        || v.contains("...")
        || v.chars().all(|c| c == v.chars().next().unwrap_or(c))
}

const WEAK_PASSWORDS: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "secret",
    "postgres",
    "mysql",
    "root",
    "admin",
    "guest",
    "test",
    "user",
    "redis",
    "minioadmin",
    "dev",
    "local",
    "changeit",
    "pwd",
    "123456",
];

/// Scans one file's text. `rel` names it in hits.
pub fn scan_text(rel: &str, text: &str, context: FileContext) -> (Vec<SecretHit>, Vec<BareAllow>) {
    let c = compiled();
    let Some(ac) = &c.ac else {
        return (Vec::new(), Vec::new());
    };
    // (rule, offset) of every keyword: a rule's regex runs only on the lines that hold one
    // of its keywords (every rule matches within one line, keyword included). A line holds a
    // keyword when its lowercased text holds the lowercase keyword; on those lines only, the
    // overlapping search lists every keyword, so every rule.
    let bytes = text.as_bytes();
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    // (line, offset) of each `golive:allow`.
    let mut allow_at: Vec<(usize, usize)> = Vec::new();
    let mut on_line = |line: usize, start: usize, end: usize| {
        let before = found.len();
        for m in ac.find_overlapping_iter(&bytes[start..end]) {
            match c.pattern_rule.get(m.pattern().as_usize()) {
                Some(Some(r)) => found.push((*r, line)),
                Some(None) => allow_at.push((line, start + m.start())),
                None => {}
            }
        }
        if found.len() > before {
            candidates.push((line, start, end));
        }
    };
    match &c.lines {
        Some(lines) => crate::ascii_text::with_lowercase(text, |lower| {
            let (mut from, mut line, mut counted) = (0, 1, 0);
            while from < lower.len() {
                let Some(m) = lines.find_in(lower, aho_corasick::Span::from(from..lower.len()))
                else {
                    break;
                };
                let start =
                    memchr::memrchr(b'\n', &lower[from..m.start()]).map_or(from, |i| from + i + 1);
                let end = memchr::memchr(b'\n', &lower[m.start()..])
                    .map_or(lower.len(), |i| m.start() + i);
                line += memchr::memchr_iter(b'\n', &lower[counted..start]).count();
                counted = start;
                on_line(line, start, end);
                from = end + 1;
            }
        }),
        None => {
            let mut start = 0;
            for (n, l) in text.split('\n').enumerate() {
                on_line(n + 1, start, start + l.len());
                start += l.len() + 1;
            }
        }
    }
    if found.is_empty() && allow_at.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let lines = ScanLines {
        text,
        candidates,
        starts: std::cell::OnceCell::new(),
    };
    let line_of = |off: usize| lines.line_of(off);
    let line_text = |line: usize| lines.text(line);
    let mut bare = Vec::new();
    let mut allows: Vec<(usize, Option<String>)> = Vec::new();
    for &(line, at) in &allow_at {
        let after = text.get(at + ALLOW_MARKER.len()..).unwrap_or("");
        let reason = after.lines().next().unwrap_or("");
        let reason = reason
            .trim_start_matches([':', '=', '-', ' ', '(', '\t'])
            .trim_end_matches([
                '*', '/', '>', ')', '#', '}', '-', ' ', '"', '\'', '\t', '\r',
            ])
            .trim();
        let reason = (reason.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
            .then(|| reason.chars().take(200).collect::<String>());
        // Documentation shows the syntax; it has nothing to allow.
        if reason.is_none()
            && context != FileContext::Docs
            && is_allow_directive(line_text(line), at - lines.start(line))
        {
            bare.push(BareAllow {
                file: rel.to_string(),
                line: line as u32,
            });
        }
        allows.push((line, reason));
    }
    // Rust keeps unit tests in the source file: from `#[cfg(test)]` on, it is test code.
    let is_rust = rel.ends_with(".rs");
    // Only the attribute on a line of its own: a mention in a string or comment does not make
    // the rest of the file test code.
    let rust_tests_from = is_rust
        .then(|| {
            text.match_indices("#[cfg(test)]")
                .map(|(at, _)| line_of(at))
                .find(|&l| line_text(l).trim() == "#[cfg(test)]")
        })
        .flatten()
        .unwrap_or(usize::MAX);
    let context_at = |line: usize| -> FileContext {
        if context != FileContext::Code {
            context
        } else if line >= rust_tests_from {
            FileContext::TestOrExample
        } else if is_rust && {
            let t = line_text(line).trim_start();
            t.starts_with("///") || t.starts_with("//!")
        } {
            FileContext::Docs
        } else {
            FileContext::Code
        }
    };
    let mut hits: Vec<SecretHit> = Vec::new();
    let mut targets = found;
    targets.sort_unstable();
    targets.dedup();
    for (i, line) in targets {
        let Some(rule) = RULES.get(i) else {
            continue;
        };
        if !rule.line_needs.met_by(line_text(line).as_bytes()) {
            continue;
        }
        let Some(Some(re)) = c
            .regexes
            .get(i)
            .map(|cell| cell.get_or_init(|| Regex::new(rule.pattern).ok()))
        else {
            continue;
        };
        for caps in re.captures_iter(line_text(line)) {
            let Some(m) = caps.get(rule.group).or_else(|| caps.get(0)) else {
                continue;
            };
            let value = m.as_str();
            if KNOWN_EXAMPLES.contains(&value) {
                continue;
            }
            if rule.kind == SecretKind::PrivateKey && value.starts_with("-----BEGIN") {
                let after = lines.start(line) + m.end();
                if !has_key_material(text.get(after..).unwrap_or("")) {
                    continue;
                }
            }
            if let Some(min) = rule.min_entropy
                && shannon_bits_per_char(value) < min
            {
                continue;
            }
            let mut confidence = rule.confidence;
            if rule.kind == SecretKind::CredentialUrl || rule.kind == SecretKind::Generic {
                if is_placeholder(value) {
                    continue;
                }
                if rule.kind == SecretKind::Generic {
                    let has_digit = value.chars().any(|c| c.is_ascii_digit());
                    let has_alpha = value.chars().any(|c| c.is_ascii_alphabetic());
                    if !(has_digit && has_alpha)
                        || value.contains("..")
                        || value.starts_with("http")
                    {
                        continue;
                    }
                }
                if WEAK_PASSWORDS.contains(&value.to_ascii_lowercase().as_str()) {
                    confidence = Confidence::Low;
                }
            }
            // One hit per line and place: a URL in a generic assignment is reported once.
            if hits
                .iter()
                .any(|h| h.line as usize == line && h.fingerprint == fingerprint(value))
            {
                continue;
            }
            let col = m.start() + 1;
            // An allow on the line above counts only when that line is a comment alone.
            let allowed = allows
                .iter()
                .find(|(l, _)| *l == line || (*l + 1 == line && is_comment_only(line_text(*l))))
                .and_then(|(_, r)| r.clone());
            hits.push(SecretHit {
                file: rel.to_string(),
                line: line as u32,
                column: col as u32,
                rule: rule.id,
                kind: rule.kind,
                description: rule.description,
                confidence,
                context: context_at(line),
                redacted: redact(value),
                fingerprint: fingerprint(value),
                allowed,
            });
        }
    }
    // A credential URL also matches the generic rule: keep the more specific one.
    let urls: Vec<u32> = hits
        .iter()
        .filter(|h| h.kind == SecretKind::CredentialUrl)
        .map(|h| h.line)
        .collect();
    hits.retain(|h| !(h.kind == SecretKind::Generic && urls.contains(&h.line)));
    hits.sort_by_key(|h| (h.line, h.column));
    (hits, bare)
}

/// A file's lines, numbered from 1, for the few lines the scan reads: the lines holding a
/// keyword are numbered during the keyword search; the start of every line is listed only
/// when an allow comment or a Rust file needs other lines.
struct ScanLines<'t> {
    text: &'t str,
    /// (line, start, end) of each line that holds a keyword, in order.
    candidates: Vec<(usize, usize, usize)>,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl ScanLines<'_> {
    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    fn line_of(&self, off: usize) -> usize {
        self.starts().partition_point(|&s| s <= off).max(1)
    }

    /// Byte range of a line, without its line feed.
    fn span(&self, line: usize) -> (usize, usize) {
        if let Ok(i) = self.candidates.binary_search_by_key(&line, |c| c.0) {
            let (_, start, end) = self.candidates[i];
            return (start, end);
        }
        let starts = self.starts();
        let start = starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let end = starts
            .get(line)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(self.text.len());
        (start, end.max(start))
    }

    fn start(&self, line: usize) -> usize {
        self.span(line).0
    }

    fn text(&self, line: usize) -> &str {
        let (start, end) = self.span(line);
        self.text.get(start..end).unwrap_or("")
    }
}

/// Whether the `golive:allow` at byte `at` of `line` is a directive (in a comment) rather than a
/// mention of one: quoted or in backticks, as in golive's own docs and sources.
fn is_allow_directive(line: &str, at: usize) -> bool {
    let before = line.get(..at).unwrap_or("");
    if before.ends_with(['"', '\'', '`']) {
        return false;
    }
    // `;` starts a comment only at the start of a line (INI); elsewhere it ends statements.
    before.trim_start().starts_with(';')
        || ["#", "//", "/*", "--", "<!--", "{{/*", "{#"]
            .iter()
            .any(|m| before.contains(m))
}

/// Whether key material follows a `-----BEGIN … PRIVATE KEY-----` header (in a file, or in a
/// string with `\n` escapes): a header alone, as in documentation, is not a key.
fn has_key_material(after: &str) -> bool {
    let mut rest = after;
    for _ in 0..4 {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        rest = rest
            .strip_prefix("\\n")
            .or_else(|| rest.strip_prefix("\\r\\n"))
            .unwrap_or(rest);
        let header = ["Proc-Type:", "DEK-Info:", "Comment:"]
            .iter()
            .any(|h| rest.starts_with(h));
        if !header {
            break;
        }
        // Encrypted PEM headers precede the body; skip the header line.
        rest = rest.find(['\n']).map_or("", |i| &rest[i..]);
    }
    let body = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    body >= 4
}

fn is_comment_only(line: &str) -> bool {
    let t = line.trim_start();
    [
        "#", "//", "/*", "*", "--", "<!--", ";", "%", "'", "{{/*", "{#",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// A file's text for the scanner, as the index read it: `None` for binary content; errors
/// (too large, unreadable) are skipped files.
fn read_for_scan(index: &RepoIndex, rel: &str) -> Result<Option<FileText>, ()> {
    match index.content(rel) {
        Ok(text) => Ok(Some(text)),
        Err(ReadError::Binary) => Ok(None),
        Err(ReadError::TooLarge(_) | ReadError::Io(_)) => Err(()),
    }
}

impl SecretScan {
    pub fn scan(index: &RepoIndex) -> Self {
        let files: Vec<&IndexedFile> = index.files.iter().collect();
        let mut scan = SecretScan {
            skipped_large: files.iter().filter(|f| f.size > MAX_READ_BYTES).count(),
            ..Default::default()
        };
        let todo: Vec<&IndexedFile> = files.into_iter().filter(|f| scannable(f)).collect();
        let results = crate::parallel::map(&todo, |f| match read_for_scan(index, &f.rel) {
            Ok(Some(text)) => {
                let (h, b) = scan_text(&f.rel, &text, context_of(f));
                (Some(text.len() as u64), h, b, false)
            }
            Ok(None) => (None, Vec::new(), Vec::new(), true),
            Err(()) => (None, Vec::new(), Vec::new(), false),
        });
        for (bytes, h, b, binary) in results {
            if let Some(n) = bytes {
                scan.files_scanned += 1;
                scan.bytes_scanned += n;
            }
            if binary {
                scan.skipped_binary += 1;
            }
            scan.hits.extend(h);
            scan.bare_allows.extend(b);
        }
        scan
    }
}

#[async_trait::async_trait]
impl Fact for SecretScan {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || SecretScan::scan(&index))
            .await
            .map_err(|e| FactError::new(format!("secret scan failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(text: &str) -> Vec<&'static str> {
        scan_text("a.py", text, FileContext::Code)
            .0
            .iter()
            .map(|h| h.rule)
            .collect()
    }

    // Built at run time so that this file holds no literal token for other scanners.
    fn tok(prefix: &str, body: &str) -> String {
        format!("{prefix}{body}")
    }

    /// `LineNeeds` may only skip lines the regex cannot match: on random lines assembled from
    /// the pieces the regexes look for, every regex match meets the rule's condition.
    #[test]
    fn line_needs_never_hides_a_match() {
        const PIECES: &[&str] = &[
            "aws",
            "AWS_",
            "secret",
            "Secret",
            "private",
            "password",
            "api_key",
            "TOKEN",
            "client_secret",
            "postgres://",
            "https://",
            "redis://",
            "user",
            ":",
            ":=",
            "=>",
            "=",
            " = ",
            "@",
            "@db:5432/app",
            "/",
            "+",
            "'",
            "\"",
            "`",
            "b'",
            " ",
            "\t",
            "\u{a0}",
            "ſ",
            "K",
            "é",
            "-",
            ".",
            "_",
            "~",
            "!",
            "#",
            "%",
            "^&*",
            "{{",
            "}}",
            "abcdefgh",
            "ABCDEFGH",
            "01234567",
            "Zx9Qw2Er",
            "k8sP0d",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let checked: Vec<(&Rule, Regex)> = RULES
            .iter()
            .filter(|r| r.line_needs != LineNeeds::Nothing)
            .map(|r| (r, Regex::new(r.pattern).expect("rule compiles")))
            .collect();
        assert_eq!(checked.len(), 3);
        let mut matched = vec![0usize; checked.len()];
        for _ in 0..60_000 {
            let mut line = String::new();
            // Half the lines follow the shape the regexes want, with random pieces inside.
            let shaped = next() % 2 == 0;
            let parts = 2 + next() as usize % 24;
            let mut pick = |from: &[&'static str]| from[next() as usize % from.len()];
            for part in 0..parts {
                let piece = match (shaped, part) {
                    (true, 1) => pick(&["aws_secret", "password", "DB_TOKEN", "postgres://"]),
                    (true, 3) => pick(&[" = ", ": ", "=", "@", "'", "\""]),
                    (true, 4..=7) => pick(&["Zx9Qw2Er4Ty6Ui8O", "AB/CD+EF", "ſK", "é"]),
                    _ => pick(PIECES),
                };
                line.push_str(piece);
            }
            for (n, (rule, re)) in checked.iter().enumerate() {
                if re.is_match(&line) {
                    matched[n] += 1;
                    assert!(
                        rule.line_needs.met_by(line.as_bytes()),
                        "{} matches {line:?} but its line condition fails",
                        rule.id
                    );
                }
            }
        }
        // The lines exercise every rule, so the assertion above is tested.
        assert!(matched.iter().all(|&m| m >= 20), "{matched:?}");
    }

    #[test]
    fn line_needs_reject_lines_without_a_value() {
        let generic = LineNeeds::QuotedValue(16);
        assert!(generic.met_by(br#"password = "Zx9Qw2Er4Ty6Ui8Op0""#));
        assert!(generic.met_by("token: 'ſſſſſſſſ'".as_bytes()));
        assert!(!generic.met_by(br#"secretName: {{ include "chart.fullname" . }}"#));
        assert!(!generic.met_by(br#"password = "short""#));
        assert!(!generic.met_by(b"password = Zx9Qw2Er4Ty6Ui8Op0Zx9Qw2Er4Ty6Ui8Op0"));
        assert!(LineNeeds::Byte(b'@').met_by(b"postgres://u:p@db/app"));
        assert!(!LineNeeds::Byte(b'@').met_by(b"https://example.com/chart"));
        assert!(LineNeeds::KeyRun(40).met_by(&[b'A'; 40]));
        assert!(!LineNeeds::KeyRun(40).met_by(&[b'A'; 39]));
    }

    #[test]
    fn compiles_every_rule() {
        for r in RULES {
            assert!(Regex::new(r.pattern).is_ok(), "{}", r.id);
            assert!(
                r.keywords.iter().all(|k| k.to_ascii_lowercase() == *k),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn line_keys_find_every_keyword_with_the_slim_searcher() {
        let keywords = RULES
            .iter()
            .flat_map(|r| r.keywords.iter().copied())
            .chain([ALLOW_MARKER]);
        for k in keywords {
            assert!(
                LINE_KEYS.iter().any(|l| k.contains(l)),
                "no line key finds the keyword {k:?}"
            );
        }
        assert!(LINE_KEYS.len() <= 32, "Teddy's slim searcher takes 32");
        // Teddy's fingerprint is as long as the shortest pattern, up to 4 bytes.
        assert!(LINE_KEYS.iter().all(|l| l.len() >= 3));
        assert!(LINE_KEYS.iter().all(|l| l.to_ascii_lowercase() == *l));
    }

    #[test]
    fn provider_tokens() {
        let aws = tok("AKIA", "Z7Q4HX2LMN5PR3TW");
        assert_eq!(
            rules_of(&format!("key = \"{aws}\"\n")),
            vec!["aws-access-key-id"]
        );
        assert!(rules_of("key = \"AKIAIOSFODNN7EXAMPLE\"").is_empty());
        let live = tok("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc9Fk2");
        assert_eq!(
            rules_of(&format!("stripe.api_key = '{live}'")),
            vec!["stripe-live-key"]
        );
        let test = tok("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc9Fk2");
        let h = scan_text("a.py", &format!("x = '{test}'"), FileContext::Code).0;
        assert_eq!(h[0].confidence, Confidence::Low);
        let gh = tok("ghp_", "9aB3kLmN0pQrStUvWxYz12345678AbCdEfGh");
        assert_eq!(
            rules_of(&format!("GITHUB = \"{gh}\"")),
            vec!["github-token"]
        );
        let gl = tok("glpat-", "Xy9_kP2mQ7rT4vW8zB1n");
        assert_eq!(rules_of(&gl), vec!["gitlab-token"]);
        let sl = tok("xoxb-", "1234567890-0987654321-AbCdEfGhIjKlMnOp");
        assert_eq!(rules_of(&sl), vec!["slack-token"]);
        let jwt = tok(
            "eyJhbGciOiJIUzI1NiJ9.",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        );
        assert_eq!(rules_of(&jwt), vec!["jwt"]);
        let google = tok("AIza", "SyD3x9kLmN0pQrStUvWxYz12345678Abc-_");
        assert_eq!(google.len(), 39);
        assert_eq!(
            rules_of(&format!("key = \"{google}-\"")),
            vec!["google-api-key"]
        );
        let pk = tok(
            "-----BEGIN RSA ",
            "PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
        );
        assert_eq!(rules_of(&pk), vec!["private-key"]);
    }

    #[test]
    fn a_key_header_without_key_material_is_documentation() {
        let header = tok("-----BEGIN RSA ", "PRIVATE KEY-----");
        assert!(rules_of(&format!("{header}\n# passes: mounted at run time\n")).is_empty());
        assert!(rules_of(&format!("doc = \"{header}\\n# example\"\n")).is_empty());
        // In a string with escapes, and after encrypted-PEM headers, the body still counts.
        assert_eq!(
            rules_of(&format!("k = \"{header}\\nMIIEowIBAAKCAQEAu1SU\"\n")),
            vec!["private-key"]
        );
        assert_eq!(
            rules_of(&format!(
                "{header}\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,AB12\n\nMIIEowIBAAKC\n"
            )),
            vec!["private-key"]
        );
    }

    #[test]
    fn a_mention_of_the_allow_syntax_is_not_a_bare_allow() {
        let bare = |t: &str, c| scan_text("a.rs", t, c).1.len();
        assert_eq!(bare("x = 1 # golive:allow\n", FileContext::Code), 1);
        assert_eq!(bare("// golive:allow\n", FileContext::Code), 1);
        assert_eq!(bare("let k = \"golive:allow\";\n", FileContext::Code), 0);
        assert_eq!(
            bare("/// after `golive:allow`, a reason\n", FileContext::Code),
            0
        );
        assert_eq!(bare("KEY = 1  # golive:allow\n", FileContext::Docs), 0);
        assert_eq!(bare("plain golive:allow in prose\n", FileContext::Code), 0);
        assert_eq!(
            bare("f(\"x\"); g(); // golive:allow\n", FileContext::Code),
            1
        );
        assert_eq!(
            bare("a(); b(\"allowed by golive:allow\");\n", FileContext::Code),
            0
        );
        assert_eq!(bare("; golive:allow\n", FileContext::Code), 1);
        // Any case, several per file, found by the keyword search itself.
        assert_eq!(
            bare(
                "# GoLive:Allow\nx = 1\n// golive:allow\n",
                FileContext::Code
            ),
            2
        );
    }

    #[test]
    fn rust_unit_tests_and_doc_comments_are_not_code() {
        let url = tok("postgres://app:", "Zq8rT2vX9mK4pL7n@db.internal:5432/app");
        let src = format!(
            "/// Example: `{url}`\nconst A: &str = \"{url}\";\n#[cfg(test)]\nmod tests {{ const B: &str = \"{url}\"; }}\n"
        );
        let hits = scan_text("src/lib.rs", &src, FileContext::Code).0;
        let ctx: Vec<(u32, FileContext)> = hits.iter().map(|h| (h.line, h.context)).collect();
        assert_eq!(
            ctx,
            vec![
                (1, FileContext::Docs),
                (2, FileContext::Code),
                (4, FileContext::TestOrExample)
            ]
        );
        // A mention of the attribute inside a string is not the test module.
        let mention = format!("const D: &str = \"#[cfg(test)]\";\nconst A: &str = \"{url}\";\n");
        let hits = scan_text("src/lib.rs", &mention, FileContext::Code).0;
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].context, FileContext::Code);
        // The same text in a Python file is code throughout.
        let py = scan_text("app.py", &src, FileContext::Code).0;
        assert!(py.iter().all(|h| h.context == FileContext::Code), "{py:?}");
        // An elided value is an example.
        assert!(rules_of("DATABASE_URL = \"postgres://app:Zq8r…@db:5432/app\"").is_empty());
    }

    #[test]
    fn urls_generic_and_placeholders() {
        let url = tok("postgres://app:", "Zq8rT2vX9mK4pL7n@db.internal:5432/app");
        let hits = scan_text(
            "settings.py",
            &format!("DATABASE_URL = \"{url}\"\n"),
            FileContext::Code,
        )
        .0;
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "credential-url");
        assert!(!hits[0].redacted.contains("Zq8rT2vX9mK4pL7n"));
        assert!(rules_of("url = \"postgres://app:${DB_PASSWORD}@db/app\"").is_empty());
        assert!(rules_of("url = \"https://example.com/a:b@c\"").is_empty());
        let weak = scan_text(
            "a.py",
            "u = 'postgres://postgres:postgres@localhost/db'",
            FileContext::Code,
        )
        .0;
        assert_eq!(weak[0].confidence, Confidence::Low);
        let generic = tok("9f8e7d6c5b4a", "3f2e1d0c9b8a7f6e");
        assert_eq!(
            rules_of(&format!("API_SECRET = \"{generic}\"")),
            vec!["generic-secret-assignment"]
        );
        assert!(rules_of("password = \"aaaaaaaaaaaaaaaaaaaa\"").is_empty());
        assert!(rules_of("secret_key = os.environ[\"SECRET_KEY\"]").is_empty());
        assert!(rules_of("token = \"your-token-goes-here-1234\"").is_empty());
        assert!(rules_of("password_reset_url = \"/accounts/password/reset/\"").is_empty());
    }

    #[test]
    fn allow_comments() {
        let aws = tok("AKIA", "Z7Q4HX2LMN5PR3TW");
        let (h, b) = scan_text(
            "a.py",
            &format!("k = \"{aws}\"  # golive:allow revoked key kept for a regression test\n"),
            FileContext::Code,
        );
        assert_eq!(
            h[0].allowed.as_deref(),
            Some("revoked key kept for a regression test")
        );
        assert!(b.is_empty());
        let (h, b) = scan_text(
            "a.py",
            &format!("# golive:allow\nk = \"{aws}\"\n"),
            FileContext::Code,
        );
        assert_eq!(h[0].allowed, None);
        assert_eq!(
            b,
            vec![BareAllow {
                file: "a.py".into(),
                line: 1
            }]
        );
        let (h, _) = scan_text(
            "a.py",
            &format!("# golive:allow: documented sample\nk = \"{aws}\"\n"),
            FileContext::Code,
        );
        assert_eq!(h[0].allowed.as_deref(), Some("documented sample"));
        assert_eq!((h[0].line, h[0].column), (2, 6));
    }

    #[test]
    fn odd_inputs_never_panic() {
        let mut x: u64 = 0x2545F4914F6CDD1D;
        let alphabet: Vec<char> = "AKIAsk_live_ghp_eyJ.:/@=\"'# \n\tgolive:allowpostgres://-----BEGIN PRIVATE KEY\u{e9}\u{1F600}0123456789".chars().collect();
        for _ in 0..3000 {
            let len = (x % 200) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let _ = scan_text("f", &s, FileContext::Code);
        }
        let _ = scan_text("f", "", FileContext::Code);
        let _ = scan_text("f", "golive:allow", FileContext::Code);
        let _ = scan_text("f", "\ngolive:allow\n", FileContext::Code);
    }

    #[test]
    fn scans_a_repository_and_skips_binaries() {
        let dir = tempfile::tempdir().unwrap();
        let aws = tok("AKIA", "Z7Q4HX2LMN5PR3TW");
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(
            dir.path().join("app/config.py"),
            format!("AWS_KEY = \"{aws}\"\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("tests/test_cfg.py"),
            format!("AWS_KEY = \"{aws}\"\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("blob.bin"), [0u8, 1, 2, b'A', b'K']).unwrap();
        let idx = RepoIndex::build(dir.path()).unwrap();
        let s = SecretScan::scan(&idx);
        assert_eq!(s.hits.len(), 2);
        assert_eq!(s.hits[0].context, FileContext::Code);
        assert_eq!(s.hits[1].context, FileContext::TestOrExample);
        assert_eq!(s.skipped_binary, 1);
    }
}
