//! Commands from the checklist (test suites, linters): run under `sh -c` in the repository
//! root with a timeout, output captured (capped) and redacted, test summaries parsed.

use golive_core::redact::{is_secret_name, looks_like_secret, mask_url_password, redact};
use golive_core::{FactError, Facts, KeyedFact};
use regex::Regex;
use std::sync::LazyLock;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// Output kept per stream.
pub const MAX_OUTPUT: usize = 256 * 1024;

/// Counts from a test runner's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TestSummary {
    pub framework: &'static str,
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

/// One command run.
#[derive(Debug, Clone)]
pub struct CommandRun {
    pub command: String,
    /// `None` when killed by the timeout or a signal.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: u64,
    /// Redacted, capped stdout then stderr.
    pub output: String,
    pub summary: Option<TestSummary>,
}

impl CommandRun {
    /// The last `n` lines of the output, for evidence.
    pub fn tail(&self, n: usize) -> Vec<String> {
        let lines: Vec<&str> = self
            .output
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        lines[lines.len().saturating_sub(n)..]
            .iter()
            .map(|l| l.chars().take(300).collect())
            .collect()
    }
}

static NUM_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)")
        .expect("static regex")
});
static CARGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored")
        .expect("static regex")
});
static NEXTEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Summary \[[^\]]*\]\s+(\d+) tests? run: (\d+) passed(?:[^,\n]*)?(?:, (\d+) failed)?(?:[^,\n]*)?(?:, (\d+) skipped)?").expect("static regex")
});
static JEST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Tests:\s+(.*)\s(\d+) total").expect("static regex"));
static JEST_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+) (passed|failed|skipped|todo)").expect("static regex"));

/// Recognises the summaries of pytest, cargo test, cargo nextest, jest and go test.
pub fn parse_summary(output: &str) -> Option<TestSummary> {
    let num = |s: &str| s.parse::<u64>().unwrap_or(0);
    // nextest
    if let Some(c) = output.lines().rev().find_map(|l| NEXTEST.captures(l)) {
        return Some(TestSummary {
            framework: "cargo nextest",
            passed: num(&c[2]),
            failed: c.get(3).map(|m| num(m.as_str())).unwrap_or(0),
            skipped: c.get(4).map(|m| num(m.as_str())).unwrap_or(0),
        });
    }
    // cargo test: one line per test binary.
    let cargo: Vec<_> = output.lines().filter_map(|l| CARGO.captures(l)).collect();
    if !cargo.is_empty() {
        let mut s = TestSummary {
            framework: "cargo test",
            ..Default::default()
        };
        for c in cargo {
            s.passed += num(&c[1]);
            s.failed += num(&c[2]);
            s.skipped += num(&c[3]);
        }
        return Some(s);
    }
    // jest
    if let Some(c) = output.lines().rev().find_map(|l| JEST.captures(l.trim())) {
        let mut s = TestSummary {
            framework: "jest",
            ..Default::default()
        };
        for p in JEST_PART.captures_iter(&c[1]) {
            match &p[2] {
                "passed" => s.passed = num(&p[1]),
                "failed" => s.failed = num(&p[1]),
                _ => s.skipped += num(&p[1]),
            }
        }
        return Some(s);
    }
    // pytest: the last line with counts and a duration ("152 passed in 3.21s").
    if let Some(line) = output
        .lines()
        .rev()
        .find(|l| NUM_WORD.is_match(l) && (l.contains(" in ") || l.trim_start().starts_with('=')))
    {
        let mut s = TestSummary {
            framework: "pytest",
            ..Default::default()
        };
        for c in NUM_WORD.captures_iter(line) {
            match &c[2] {
                "passed" | "xpassed" => s.passed += num(&c[1]),
                "failed" | "error" | "errors" => s.failed += num(&c[1]),
                _ => s.skipped += num(&c[1]),
            }
        }
        return Some(s);
    }
    // go test: -v lines, else package lines.
    let (mut pass, mut fail) = (0u64, 0u64);
    for l in output.lines() {
        let t = l.trim_start();
        if t.starts_with("--- PASS:") {
            pass += 1;
        } else if t.starts_with("--- FAIL:") {
            fail += 1;
        }
    }
    if pass + fail > 0 {
        return Some(TestSummary {
            framework: "go test",
            passed: pass,
            failed: fail,
            skipped: 0,
        });
    }
    for l in output.lines() {
        if l.starts_with("ok  \t") || l.starts_with("ok \t") {
            pass += 1;
        } else if l.starts_with("FAIL\t") {
            fail += 1;
        }
    }
    (pass + fail > 0).then_some(TestSummary {
        framework: "go test (packages)",
        passed: pass,
        failed: fail,
        skipped: 0,
    })
}

/// Redacts secrets from command output: URL passwords, token-like words, `NAME=value` with a
/// secret name, and the values of secret-named variables of golive's own environment.
pub fn redact_output(text: &str, known_secrets: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut l = line.to_string();
        for s in known_secrets {
            if l.contains(s.as_str()) {
                l = l.replace(s.as_str(), &redact(s));
            }
        }
        if let Some(m) = mask_url_password(&l) {
            l = m;
        }
        let words: Vec<String> = l
            .split(' ')
            .map(|w| {
                let core = w.trim_end_matches(['\n', '\r']);
                if let Some((k, v)) = core.split_once('=')
                    && is_secret_name(k.trim_start_matches(['-', '"', '\'']))
                    && !v.is_empty()
                    && !v.starts_with("[redacted")
                {
                    return w.replacen(core, &format!("{k}={}", redact(v)), 1);
                }
                if looks_like_secret(core) && !core.starts_with("[redacted") {
                    return w.replacen(core, &redact(core), 1);
                }
                w.to_string()
            })
            .collect();
        out.push_str(&words.join(" "));
    }
    out
}

fn known_secrets() -> Vec<String> {
    std::env::vars()
        .filter(|(k, v)| is_secret_name(k) && v.len() >= 6)
        .map(|(_, v)| v)
        .collect()
}

async fn read_capped<R: tokio::io::AsyncRead + Unpin>(r: Option<R>) -> Vec<u8> {
    let Some(mut r) = r else { return Vec::new() };
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match r.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                // Keep reading (so the child never blocks on a full pipe) but keep only the
                // first MAX_OUTPUT bytes... except that summaries are at the end: keep a
                // sliding window of the last MAX_OUTPUT bytes instead.
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > MAX_OUTPUT * 2 {
                    let cut = buf.len() - MAX_OUTPUT;
                    buf.drain(..cut);
                }
            }
        }
    }
    if buf.len() > MAX_OUTPUT {
        let cut = buf.len() - MAX_OUTPUT;
        buf.drain(..cut);
    }
    buf
}

/// Runs `command` in `root` under `timeout`; the child is killed when the time is up or the
/// check is cancelled.
pub async fn run_command(
    command: &str,
    root: &std::path::Path,
    timeout: Duration,
) -> Result<CommandRun, FactError> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| FactError::new(format!("cannot start `sh -c {command}`: {e}")))?;
    let out = read_capped(child.stdout.take());
    let err = read_capped(child.stderr.take());
    let work = async {
        let (o, e, status) = tokio::join!(out, err, child.wait());
        (o, e, status)
    };
    let (stdout, stderr, status, timed_out) = match tokio::time::timeout(timeout, work).await {
        Ok((o, e, s)) => (o, e, s.ok(), false),
        Err(_) => (Vec::new(), Vec::new(), None, true),
    };
    let secrets = known_secrets();
    let mut output = String::from_utf8_lossy(&stdout).into_owned();
    let e = String::from_utf8_lossy(&stderr);
    if !e.is_empty() {
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        output.push_str(&e);
    }
    let summary = parse_summary(&output);
    Ok(CommandRun {
        command: redact_output(command, &secrets),
        exit_code: status.and_then(|s| s.code()),
        timed_out,
        duration_ms: started.elapsed().as_millis() as u64,
        output: redact_output(&output, &secrets),
        summary,
    })
}

#[async_trait::async_trait]
impl KeyedFact for CommandRun {
    /// (command, timeout in seconds)
    type Key = (String, u64);

    async fn collect(facts: &Facts, key: &(String, u64)) -> Result<Self, FactError> {
        run_command(&key.0, &facts.env().root, Duration::from_secs(key.1.max(1))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        let s = parse_summary(
            "....\n=========== 150 passed, 2 failed, 3 skipped in 3.21s ===========\n",
        )
        .unwrap();
        assert_eq!(
            (s.framework, s.passed, s.failed, s.skipped),
            ("pytest", 150, 2, 3)
        );
        let s = parse_summary("152 passed in 1.02s\n").unwrap();
        assert_eq!((s.passed, s.failed), (152, 0));
        let s = parse_summary("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\ntest result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n").unwrap();
        assert_eq!(
            (s.framework, s.passed, s.failed, s.skipped),
            ("cargo test", 15, 1, 1)
        );
        let s = parse_summary(
            "     Summary [   0.123s] 12 tests run: 10 passed, 2 failed, 1 skipped\n",
        )
        .unwrap();
        assert_eq!(
            (s.framework, s.passed, s.failed, s.skipped),
            ("cargo nextest", 10, 2, 1)
        );
        let s =
            parse_summary("     Summary [   0.5s] 12 tests run: 12 passed, 0 skipped\n").unwrap();
        assert_eq!((s.passed, s.failed, s.skipped), (12, 0, 0));
        let s = parse_summary("Test Suites: 1 failed, 9 passed, 10 total\nTests:       2 failed, 150 passed, 152 total\n").unwrap();
        assert_eq!((s.framework, s.passed, s.failed), ("jest", 150, 2));
        let s = parse_summary(
            "=== RUN   TestA\n--- PASS: TestA (0.00s)\n--- FAIL: TestB (0.00s)\nFAIL\n",
        )
        .unwrap();
        assert_eq!((s.framework, s.passed, s.failed), ("go test", 1, 1));
        let s = parse_summary("ok  \texample.com/a\t0.01s\nFAIL\texample.com/b\t0.02s\n").unwrap();
        assert_eq!((s.passed, s.failed), (1, 1));
        assert!(parse_summary("hello\n").is_none());
    }

    #[test]
    fn output_is_redacted() {
        // golive:allow made-up credentials, to test that command output is redacted
        let t = "connecting to postgres://app:hunter2pw@db/app\nDB_PASSWORD=opensesame1 token ghp_9aB3kLmN0pQrStUvWxYz12345678AbCdEfGh\nplain words stay\n";
        let r = redact_output(t, &["my-known-value".into()]);
        assert!(
            !r.contains("hunter2pw") && !r.contains("opensesame1") && !r.contains("ghp_9aB3"),
            "{r}"
        );
        assert!(r.contains("plain words stay"));
        assert!(
            !redact_output("x my-known-value y", &["my-known-value".into()])
                .contains("my-known-value")
        );
    }
}
