//! What git knows about the repository: which files are tracked.

use golive_core::{Fact, FactError, Facts};
use std::collections::HashSet;
use std::time::Duration;

/// Tracked paths relative to the checked root, or `None` outside a git work tree.
#[derive(Debug, Clone, Default)]
pub struct GitFiles {
    pub tracked: Option<HashSet<String>>,
    /// Why `tracked` is `None`.
    pub unavailable: Option<String>,
}

impl GitFiles {
    pub fn is_tracked(&self, rel: &str) -> Option<bool> {
        self.tracked.as_ref().map(|t| t.contains(rel))
    }
}

#[async_trait::async_trait]
impl Fact for GitFiles {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let root = facts.env().root.clone();
        let child = tokio::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["ls-files", "-z", "--cached"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .output();
        let out = match tokio::time::timeout(Duration::from_secs(10), child).await {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => {
                return Ok(Self {
                    tracked: None,
                    unavailable: Some(format!("git could not be run: {e}")),
                });
            }
            Err(_) => {
                return Ok(Self {
                    tracked: None,
                    unavailable: Some("git ls-files timed out after 10s".into()),
                });
            }
        };
        if !out.status.success() {
            return Ok(Self {
                tracked: None,
                unavailable: Some("not a git work tree".into()),
            });
        }
        let tracked = out
            .stdout
            .split(|&b| b == 0)
            .filter(|s| !s.is_empty())
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect();
        Ok(Self {
            tracked: Some(tracked),
            unavailable: None,
        })
    }
}
