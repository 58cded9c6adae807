//! CI configuration: which workflow files exist and which test and lint commands they run.

use crate::repo_index::{FileKind, RepoIndex};
use golive_core::{Fact, FactError, Facts};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiCommand {
    pub rel: String,
    pub line: u32,
    /// The matched command, as written (trimmed).
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct CiConfig {
    pub files: Vec<String>,
    pub tests: Vec<CiCommand>,
    pub linters: Vec<CiCommand>,
}

static TEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\b(
            pytest | py\.test | python\ -m\ (pytest|unittest) | tox\b | nox\b
          | cargo\ (test|nextest) | go\ test | gotestsum
          | (npm|pnpm|yarn|bun)\ (run\ )?test\b | npx\ (jest|vitest|mocha|playwright\ test) | jest\b | vitest\b | mocha\b
          | mvn\ .*\b(test|verify)\b | gradlew?\ .*\b(test|check)\b | dotnet\ test
          | rspec\b | rake\ (test|spec) | bundle\ exec\ (rspec|rake) | phpunit | make\ (test|check)\b
          | ctest\b | mix\ test | swift\ test
        )",
    )
    .expect("test command pattern is valid")
});

static LINT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\b(
            ruff\b | flake8 | pylint | mypy | pyright | black\ .*--check | isort\ .*--check
          | cargo\ (clippy|fmt\ .*--check) | golangci-lint | go\ vet | staticcheck
          | eslint | (npm|pnpm|yarn|bun)\ (run\ )?(lint|typecheck) | prettier\ .*--check | biome\ (check|lint) | tsc\ .*--noEmit
          | rubocop | standardrb | hadolint | shellcheck | checkov | tflint | pre-commit\ run | make\ lint\b
          | ktlint | detekt | phpstan | php-cs-fixer\ .*--dry-run | dotnet\ format\ .*--verify
        )",
    )
    .expect("lint command pattern is valid")
});

impl CiConfig {
    pub fn build(index: &RepoIndex) -> Self {
        let mut cfg = CiConfig::default();
        for f in index.of_kind(FileKind::CiWorkflow) {
            cfg.files.push(f.rel.clone());
            let Ok(text) = index.read_text(&f.rel) else {
                continue;
            };
            for (i, line) in text.lines().enumerate() {
                let trimmed = line.trim();
                if trimmed.starts_with('#') || trimmed.starts_with("//") {
                    continue;
                }
                let at = |text: &str| CiCommand {
                    rel: f.rel.clone(),
                    line: i as u32 + 1,
                    text: text.chars().take(120).collect(),
                };
                if TEST_RE.is_match(trimmed) {
                    cfg.tests.push(at(trimmed));
                }
                if LINT_RE.is_match(trimmed) {
                    cfg.linters.push(at(trimmed));
                }
            }
        }
        cfg
    }
}

#[async_trait::async_trait]
impl Fact for CiConfig {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || CiConfig::build(&index))
            .await
            .map_err(|e| FactError::new(format!("reading CI configuration failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_commands() {
        for t in [
            "run: pytest -q",
            "run: cargo nextest run",
            "- npm test",
            "run: go test ./...",
            "run: yarn run test",
            "./gradlew clean test",
        ] {
            assert!(TEST_RE.is_match(t), "{t}");
        }
        for t in ["run: npm install", "name: tests", "run: echo testing"] {
            assert!(!TEST_RE.is_match(t), "{t}");
        }
        for t in [
            "run: ruff check .",
            "cargo clippy -- -D warnings",
            "npm run lint",
            "uses: x\n run: golangci-lint run",
        ] {
            assert!(LINT_RE.is_match(t), "{t}");
        }
        assert!(!LINT_RE.is_match("run: black ."));
    }
}
