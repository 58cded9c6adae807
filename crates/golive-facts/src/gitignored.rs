//! Whether a path the repository names but does not hold is git-ignored (a generated or local
//! file rather than a missing one), decided as git decides it: the `.gitignore` nearest to the
//! path speaks first, each file's patterns are relative to its own directory, and a path under
//! an ignored directory is ignored. Each directory's rules are read and compiled once per run.

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The `.gitignore` rules of the directories asked about so far, by `/`-separated relative
/// directory (`""` for the root); `None` where a directory has no usable `.gitignore`.
#[derive(Default)]
pub struct IgnoreRules {
    by_dir: Mutex<HashMap<String, Option<Arc<Gitignore>>>>,
}

impl Clone for IgnoreRules {
    /// A cache: a copy starts empty and fills again on demand.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for IgnoreRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IgnoreRules")
    }
}

impl IgnoreRules {
    /// Whether `rel` (relative to `root`, `/`-separated) is ignored by a `.gitignore` of the
    /// root or of a directory on its way.
    pub fn is_ignored(&self, root: &Path, rel: &str) -> bool {
        let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        // Git never looks inside an ignored directory: the shortest ignored prefix decides.
        (1..=parts.len()).any(|end| {
            let is_dir = end < parts.len();
            let path = root.join(parts[..end].join("/"));
            // From the nearest `.gitignore` up to the root's; the first that matches decides.
            for depth in (0..end).rev() {
                let Some(rules) = self.rules_of(root, &parts[..depth].join("/")) else {
                    continue;
                };
                match rules.matched(&path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            false
        })
    }

    fn rules_of(&self, root: &Path, dir: &str) -> Option<Arc<Gitignore>> {
        if let Ok(cache) = self.by_dir.lock()
            && let Some(hit) = cache.get(dir)
        {
            return hit.clone();
        }
        let base = root.join(dir);
        let file = base.join(".gitignore");
        let rules = file.is_file().then(|| {
            let mut b = GitignoreBuilder::new(&base);
            // A bad line is skipped; the valid ones still count.
            let _ = b.add(&file);
            b.build().ok().map(Arc::new)
        });
        let rules = rules.flatten();
        if let Ok(mut cache) = self.by_dir.lock() {
            cache.insert(dir.to_string(), rules.clone());
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::IgnoreRules;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
            std::fs::write(p, text).expect("write");
        }
        dir
    }

    #[test]
    fn nearest_gitignore_decides_with_patterns_relative_to_it() {
        let t = tree(&[
            (".gitignore", "*.log\n/build/\n.env\n"),
            ("app/.gitignore", "/dist\n!keep.log\n"),
        ]);
        let r = IgnoreRules::default();
        let root = t.path();
        assert!(r.is_ignored(root, "server.log"));
        assert!(
            r.is_ignored(root, "build/app.js"),
            "inside an ignored directory"
        );
        assert!(r.is_ignored(root, "api/.env"));
        assert!(
            r.is_ignored(root, "app/dist/main.js"),
            "`/dist` anchored at app/"
        );
        assert!(
            !r.is_ignored(root, "dist/main.js"),
            "app's `/dist` is not the root's"
        );
        assert!(
            !r.is_ignored(root, "app/keep.log"),
            "the nearer file re-includes it"
        );
        assert!(r.is_ignored(root, "app/other.log"));
        assert!(!r.is_ignored(root, "scripts/entrypoint.sh"));
        assert!(
            !r.is_ignored(root, "app/build/x"),
            "`/build/` is anchored at the root"
        );
    }

    #[test]
    fn no_gitignore_ignores_nothing() {
        let t = tree(&[("README.md", "x")]);
        assert!(!IgnoreRules::default().is_ignored(t.path(), "a/b/c.txt"));
    }
}
