//! Runs `golive check --format json` in a temporary repository and reads the results, for the
//! infrastructure tests.

use crate::support::{golive, json, result, stderr, stdout};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// One run's JSON report, with the raw text to scan for leaked secrets.
pub struct Run {
    pub json: Value,
    pub text: String,
}

impl Run {
    pub fn result(&self, code: &str) -> &Value {
        result(&self.json, code)
    }

    pub fn status(&self, code: &str) -> String {
        self.result(code)["status"]
            .as_str()
            .unwrap_or("?")
            .to_string()
    }

    /// Asserts `code` has `status`, printing the result when it does not.
    pub fn expect(&self, code: &str, status: &str) -> &Value {
        let r = self.result(code);
        assert_eq!(r["status"].as_str(), Some(status), "{code}: {r:#}");
        r
    }

    /// Asserts `code`'s evidence or message contains `needle`.
    pub fn mentions(&self, code: &str, needle: &str) {
        let r = self.result(code);
        let all = format!("{} {}", r["message"], r["evidence"]);
        assert!(all.contains(needle), "{code} lacks {needle:?}: {r:#}");
    }

    pub fn assert_no_secret(&self, secret: &str) {
        assert!(
            !self.text.contains(secret),
            "secret leaked into the report: {}",
            self.text
        );
    }
}

fn args<'a>(only: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "--format", "json", "--only", only];
    args.extend_from_slice(extra);
    args
}

fn read(out: &Output) -> Run {
    assert!(
        !out.stdout.is_empty(),
        "golive printed no report: {}",
        stderr(out)
    );
    Run {
        json: json(out),
        text: stdout(out),
    }
}

/// Writes `golive.toml` into `dir` and runs the checks of `only`.
pub fn check(dir: &Path, toml: &str, only: &str, extra: &[&str]) -> Run {
    std::fs::write(dir.join("golive.toml"), toml).expect("write golive.toml");
    read(&golive(dir, &args(only, extra)))
}

/// [`check`] with extra environment variables for the golive process (credentials).
pub fn check_env(dir: &Path, toml: &str, only: &str, extra: &[&str], envs: &[(&str, &str)]) -> Run {
    std::fs::write(dir.join("golive.toml"), toml).expect("write golive.toml");
    // GOLIVE_BIN lets the benchmark time a release build.
    let bin = std::env::var("GOLIVE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_golive").into());
    let out = Command::new(bin)
        .args(args(only, extra))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(envs.iter().copied())
        .output()
        .expect("the golive binary runs");
    read(&out)
}
