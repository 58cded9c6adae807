//! The environment files of the repository and the environment, parsed, with their role.

use crate::envfile::{ParsedEnv, parse};
use crate::repo_index::{
    FileKind, RepoIndex, is_env_file_name, is_test_or_example_path, read_text_capped,
};
use golive_core::{Fact, FactError, Facts};
use std::collections::HashSet;
use std::sync::Arc;

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvRole {
    /// What the deploy will use: named in golive.toml, or `.env.production`-like by name or
    /// content. Production rules apply.
    Target,
    /// `.env.example` and friends: the list of keys the app expects.
    Template,
    /// Anything else (`.env`, `.env.development`, test fixtures).
    Other,
}

#[derive(Debug, Clone)]
pub struct EnvFile {
    pub rel: String,
    pub role: EnvRole,
    /// Why the file has its role, for evidence ("named in golive.toml", "file name").
    pub role_reason: String,
    /// Shared with the other environments of a fleet (see [`RepoEnvFiles`]).
    pub parsed: Arc<ParsedEnv>,
    /// Set when the file exists but could not be read; `parsed` is empty then.
    pub read_error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EnvFiles {
    pub files: Vec<EnvFile>,
    /// Files golive.toml names that do not exist.
    pub missing_configured: Vec<String>,
    /// Whether the targets came from golive.toml (otherwise from file names and contents).
    pub configured: bool,
}

impl EnvFiles {
    pub fn targets(&self) -> impl Iterator<Item = &EnvFile> {
        self.files.iter().filter(|f| f.role == EnvRole::Target)
    }

    pub fn templates(&self) -> impl Iterator<Item = &EnvFile> {
        self.files.iter().filter(|f| f.role == EnvRole::Template)
    }
}

const TEMPLATE_MARKERS: &[&str] = &["example", "sample", "template", "dist", "defaults", "tpl"];
const ENV_NAME_KEYS: &[&str] = &[
    "ENVIRONMENT",
    "APP_ENV",
    "NODE_ENV",
    "ENV",
    "RAILS_ENV",
    "RACK_ENV",
    "FLASK_ENV",
    "DJANGO_ENV",
    "APP_ENVIRONMENT",
    "ASPNETCORE_ENVIRONMENT",
    "GO_ENV",
    "MIX_ENV",
];

/// The variables that name the deployment environment.
pub fn environment_name_keys() -> &'static [&'static str] {
    ENV_NAME_KEYS
}

pub fn is_template_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(['.', '-', '_'])
        .any(|part| TEMPLATE_MARKERS.contains(&part))
}

pub fn is_production_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !is_template_name(&lower)
        && lower
            .split(['.', '-', '_'])
            .any(|part| part == "production" || part == "prod")
}

pub fn is_production_value(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "production" | "prod"
    )
}

/// One env file read and parsed, before any environment gives it a role.
#[derive(Debug, Clone)]
pub struct ReadEnvFile {
    pub rel: String,
    pub parsed: Arc<ParsedEnv>,
    pub read_error: Option<String>,
}

impl ReadEnvFile {
    fn read(root: &std::path::Path, rel: &str) -> Self {
        Self::new(rel, read_text_capped(&root.join(rel), rel))
    }

    /// From the index's copy; a path it does not hold (a git-ignored file) is read from disk.
    fn from_index(index: &RepoIndex, rel: &str) -> Self {
        Self::new(rel, index.read_text(rel))
    }

    fn new(rel: &str, text: Result<impl std::ops::Deref<Target: AsRef<str>>, FactError>) -> Self {
        let (parsed, read_error) = match text {
            Ok(text) => (parse((*text).as_ref()), None),
            Err(e) => (ParsedEnv::default(), Some(e.message)),
        };
        Self {
            rel: rel.to_string(),
            parsed: Arc::new(parsed),
            read_error,
        }
    }
}

/// Every env file of the repository (the index's, and the root's git-ignored ones), parsed.
/// Roles depend on the environment, the parse does not: a fleet collects this once and each of
/// its environments assigns roles, so N environments with N env files cost N parses, not N².
#[derive(Debug, Clone, Default)]
pub struct RepoEnvFiles {
    /// Sorted by `rel`, no duplicates.
    pub files: Vec<ReadEnvFile>,
}

impl RepoEnvFiles {
    pub fn collect_from(index: &RepoIndex) -> Self {
        let mut rels: Vec<String> = index
            .of_kind(FileKind::EnvFile)
            .map(|f| f.rel.clone())
            .collect();
        // Env files are usually git-ignored, so the index does not see them: look at the root.
        if let Ok(rd) = std::fs::read_dir(&index.root) {
            let known: HashSet<String> = rels.iter().cloned().collect();
            for entry in rd.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if is_env_file_name(&name.to_ascii_lowercase())
                    && entry.file_type().is_ok_and(|t| t.is_file())
                    && !known.contains(&name)
                {
                    rels.push(name);
                }
            }
        }
        rels.sort();
        rels.dedup();
        let files = crate::parallel::map(&rels, |rel| ReadEnvFile::from_index(index, rel));
        Self { files }
    }

    pub fn get(&self, rel: &str) -> Option<&ReadEnvFile> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
            .and_then(|i| self.files.get(i))
    }
}

#[async_trait::async_trait]
impl Fact for RepoEnvFiles {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || RepoEnvFiles::collect_from(&index))
            .await
            .map_err(|e| FactError::new(format!("reading env files failed: {e}")))
    }
}

impl EnvFiles {
    pub fn discover(index: &RepoIndex, configured: &[String]) -> Self {
        Self::assign(&RepoEnvFiles::collect_from(index), &index.root, configured)
    }

    /// Gives every env file of the repository (and the configured ones outside it) its role
    /// for one environment.
    pub fn assign(repo: &RepoEnvFiles, root: &std::path::Path, configured: &[String]) -> Self {
        let configured_rels: Vec<String> = configured
            .iter()
            .map(|c| c.trim_start_matches("./").replace('\\', "/"))
            .collect();
        let mut missing = Vec::new();
        // Configured files the repository walk did not list (a git-ignored file in a
        // subdirectory, an unusual name): read for this environment only.
        let mut extra: Vec<ReadEnvFile> = Vec::new();
        for c in &configured_rels {
            if root.join(c).is_file() {
                if repo.get(c).is_none() && !extra.iter().any(|f| &f.rel == c) {
                    extra.push(ReadEnvFile::read(root, c));
                }
            } else {
                missing.push(c.clone());
            }
        }
        let mut all: Vec<&ReadEnvFile> = repo.files.iter().chain(extra.iter()).collect();
        all.sort_by(|a, b| a.rel.cmp(&b.rel));

        let mut files = Vec::with_capacity(all.len());
        for f in all {
            let rel = &f.rel;
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let parsed = &f.parsed;
            let (role, reason) = if configured_rels.contains(rel) {
                (EnvRole::Target, "named in golive.toml".to_string())
            } else if is_template_name(name) {
                (EnvRole::Template, "template by file name".to_string())
            } else if !configured_rels.is_empty() || is_test_or_example_path(rel) {
                (EnvRole::Other, "not a deploy target".to_string())
            } else if is_production_name(name) {
                (EnvRole::Target, "production by file name".to_string())
            } else if let Some(e) = ENV_NAME_KEYS
                .iter()
                .filter_map(|k| parsed.get(k))
                .find(|e| is_production_value(&e.value))
            {
                (
                    EnvRole::Target,
                    format!("{} says production at line {}", e.key, e.line),
                )
            } else {
                (
                    EnvRole::Other,
                    "not production by name or content".to_string(),
                )
            };
            files.push(EnvFile {
                rel: rel.clone(),
                role,
                role_reason: reason,
                parsed: parsed.clone(),
                read_error: f.read_error.clone(),
            });
        }
        Self {
            files,
            missing_configured: missing,
            configured: !configured_rels.is_empty(),
        }
    }
}

#[async_trait::async_trait]
impl Fact for EnvFiles {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        let repo = facts.get::<RepoEnvFiles>().await?;
        let configured = facts.env().env_files.clone();
        tokio::task::spawn_blocking(move || EnvFiles::assign(&repo, &index.root, &configured))
            .await
            .map_err(|e| FactError::new(format!("reading env files failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_name() {
        assert!(is_production_name(".env.production"));
        assert!(is_production_name(".env.prod"));
        assert!(is_production_name("prod.env"));
        assert!(!is_production_name(".env.production.example"));
        assert!(!is_production_name(".env.productivity"));
        assert!(is_template_name(".env.example"));
        assert!(is_template_name(".env.sample"));
        assert!(!is_template_name(".env"));
    }

    #[test]
    fn discovers_ignored_root_files_and_assigns_roles() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "/.env*\n!.env.example\n").unwrap();
        std::fs::write(root.join(".env.production"), "DEBUG=false\n").unwrap();
        std::fs::write(root.join(".env.example"), "DEBUG=\n").unwrap();
        std::fs::write(root.join(".env"), "APP_ENV=production\n").unwrap();
        std::fs::create_dir_all(root.join("tests")).unwrap();
        std::fs::write(root.join("tests/.env.prod"), "DEBUG=true\n").unwrap();
        let index = RepoIndex::build(root).unwrap();
        let ef = EnvFiles::discover(&index, &[]);
        let roles: Vec<(&str, EnvRole)> =
            ef.files.iter().map(|f| (f.rel.as_str(), f.role)).collect();
        assert_eq!(
            roles,
            vec![
                (".env", EnvRole::Target),
                (".env.example", EnvRole::Template),
                (".env.production", EnvRole::Target),
                ("tests/.env.prod", EnvRole::Other),
            ]
        );
        let ef = EnvFiles::discover(&index, &["deploy/prod.env".into(), ".env".into()]);
        assert_eq!(ef.missing_configured, vec!["deploy/prod.env".to_string()]);
        let targets: Vec<&str> = ef.targets().map(|f| f.rel.as_str()).collect();
        assert_eq!(targets, vec![".env"]);
    }

    #[test]
    fn one_parse_serves_every_environment() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "/.env*\ndeploy/secret.env\n").unwrap();
        std::fs::write(root.join(".env.t1"), "DEBUG=false\n").unwrap();
        std::fs::write(root.join(".env.t2"), "DEBUG=true\n").unwrap();
        std::fs::create_dir_all(root.join("deploy")).unwrap();
        // Git-ignored below the root: the walk does not list it, golive.toml names it.
        std::fs::write(root.join("deploy/secret.env"), "A=1\n").unwrap();
        let index = RepoIndex::build(root).unwrap();
        let repo = RepoEnvFiles::collect_from(&index);
        let rels: Vec<&str> = repo.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec![".env.t1", ".env.t2"]);
        let t1 = EnvFiles::assign(&repo, root, &[".env.t1".into()]);
        let t2 = EnvFiles::assign(
            &repo,
            root,
            &["./.env.t2".into(), "deploy/secret.env".into()],
        );
        let targets = |e: &EnvFiles| e.targets().map(|f| f.rel.clone()).collect::<Vec<_>>();
        assert_eq!(targets(&t1), vec![".env.t1"]);
        assert_eq!(targets(&t2), vec![".env.t2", "deploy/secret.env"]);
        assert_eq!(t2.files[2].parsed.get("A").map(|e| e.line), Some(1));
        // The parse is shared, not repeated.
        assert!(Arc::ptr_eq(&t1.files[0].parsed, &t2.files[0].parsed));
        // The same roles as a discovery from scratch.
        let fresh = EnvFiles::discover(&index, &["./.env.t2".into(), "deploy/secret.env".into()]);
        let roles = |e: &EnvFiles| {
            e.files
                .iter()
                .map(|f| (f.rel.clone(), f.role, f.role_reason.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(roles(&t2), roles(&fresh));
    }
}
