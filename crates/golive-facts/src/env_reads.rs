//! Whether the code reads environment variables, and where it first does, found with one
//! multi-pattern pass (aho-corasick) over the source files.

use crate::repo_index::{FileKind, RepoIndex};
use aho_corasick::AhoCorasick;
use golive_core::{Fact, FactError, Facts, Location};
use std::sync::LazyLock;

const PATTERNS: &[&str] = &[
    "os.getenv(",
    "os.environ",
    "environ.get(",
    "BaseSettings",
    "process.env",
    "import.meta.env",
    "os.Getenv(",
    "os.LookupEnv(",
    "env::var(",
    "env::var_os(",
    "std::env::var",
    "ENV[",
    "ENV.fetch(",
    "System.getenv(",
    "Environment.GetEnvironmentVariable(",
    "getenv(",
    "$_ENV[",
];

static MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| AhoCorasick::new(PATTERNS).ok());

/// Source files that read the environment; capped, since one is enough to decide.
#[derive(Debug, Clone, Default)]
pub struct EnvReads {
    pub sites: Vec<Location>,
}

impl EnvReads {
    pub fn build(index: &RepoIndex) -> Self {
        let Some(ac) = MATCHER.as_ref() else {
            return Self::default();
        };
        let mut sites = Vec::new();
        for f in &index.files {
            if !matches!(f.kind, FileKind::Source(_)) || f.is_test_or_example() {
                continue;
            }
            let Ok(text) = index.read_text(&f.rel) else {
                continue;
            };
            if let Some(m) = ac.find(&*text) {
                let line = text[..m.start()].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
                sites.push(Location::line(f.rel.clone(), line));
                if sites.len() >= 20 {
                    break;
                }
            }
        }
        Self { sites }
    }
}

#[async_trait::async_trait]
impl Fact for EnvReads {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || EnvReads::build(&index))
            .await
            .map_err(|e| FactError::new(format!("scanning sources failed: {e}")))
    }
}
