//! One parallel walk of the repository, honouring .gitignore, with every file classified once.

use golive_core::{Fact, FactError, Facts};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Stop indexing past this many files: a run stays bounded on a monorepo or a mistaken root.
pub const MAX_FILES: usize = 200_000;
/// Files larger than this are indexed but never read by static checks.
pub const MAX_READ_BYTES: u64 = 2 * 1024 * 1024;

/// What a file is, decided from its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    EnvFile,
    Dockerfile,
    Compose,
    Yaml,
    HelmChart,
    Markdown,
    CiWorkflow,
    DependencyManifest(Ecosystem),
    Lockfile(Ecosystem),
    Source(Language),
    Toml,
    Json,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    Cargo,
    Npm,
    PythonRequirements,
    PythonProject,
    GoModules,
    Ruby,
    Php,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Rust,
    Ruby,
    Java,
    Kotlin,
    Php,
    CSharp,
    Shell,
}

#[derive(Debug, Clone)]
pub struct IndexedFile {
    /// Relative to the root, `/`-separated.
    pub rel: String,
    pub kind: FileKind,
    pub size: u64,
}

impl IndexedFile {
    pub fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }

    pub fn dir(&self) -> &str {
        match self.rel.rfind('/') {
            Some(i) => &self.rel[..i],
            None => "",
        }
    }

    /// Under a directory that holds tests, fixtures or examples rather than deployable code.
    pub fn is_test_or_example(&self) -> bool {
        is_test_or_example_path(&self.rel)
    }
}

/// Whether any directory component of `rel` marks test or example material.
pub fn is_test_or_example_path(rel: &str) -> bool {
    const MARKS: [&str; 13] = [
        "test",
        "tests",
        "testdata",
        "test_data",
        "fixtures",
        "__tests__",
        "spec",
        "specs",
        "e2e",
        "example",
        "examples",
        "samples",
        "testing",
    ];
    // Every fact asks this of every file: no allocation per call.
    let dirs = rel.rsplit_once('/').map_or("", |(d, _)| d);
    !dirs.is_empty()
        && dirs
            .split('/')
            .any(|p| MARKS.iter().any(|m| p.eq_ignore_ascii_case(m)))
}

/// The repository index fact.
#[derive(Debug, Clone, Default)]
pub struct RepoIndex {
    pub root: PathBuf,
    pub files: Vec<IndexedFile>,
    /// True when the walk stopped at [`MAX_FILES`].
    pub truncated: bool,
    /// Entries the walk could not read (permissions, broken links), with the reason.
    pub walk_errors: Vec<String>,
}

impl RepoIndex {
    /// Walks `root` in parallel, honouring .gitignore, .ignore and global git excludes.
    pub fn build(root: &Path) -> Result<Self, FactError> {
        if !root.is_dir() {
            return Err(FactError::new(format!(
                "{} is not a directory",
                root.display()
            )));
        }
        let files = Mutex::new(Vec::new());
        let errors = Mutex::new(Vec::new());
        let count = std::sync::atomic::AtomicUsize::new(0);
        let truncated = std::sync::atomic::AtomicBool::new(false);
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                let name = e.file_name();
                !(name == ".git" || name == "node_modules" || name == ".golive")
            })
            .build_parallel();
        walker.run(|| {
            Box::new(|entry| {
                use ignore::WalkState;
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        if let Ok(mut errs) = errors.lock()
                            && errs.len() < 100
                        {
                            errs.push(e.to_string());
                        }
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                if count.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= MAX_FILES {
                    truncated.store(true, std::sync::atomic::Ordering::Relaxed);
                    return WalkState::Quit;
                }
                let Ok(rel) = entry.path().strip_prefix(root) else {
                    return WalkState::Continue;
                };
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                let kind = classify(&rel);
                if let Ok(mut f) = files.lock() {
                    f.push(IndexedFile { rel, kind, size });
                }
                WalkState::Continue
            })
        });
        let mut files = files.into_inner().unwrap_or_else(|p| p.into_inner());
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(Self {
            root: root.to_path_buf(),
            files,
            truncated: truncated.into_inner(),
            walk_errors: errors.into_inner().unwrap_or_else(|p| p.into_inner()),
        })
    }

    pub fn of_kind(&self, kind: FileKind) -> impl Iterator<Item = &IndexedFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    pub fn get(&self, rel: &str) -> Option<&IndexedFile> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
            .map(|i| &self.files[i])
    }

    pub fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Reads a text file of the index, refusing large and binary files.
    pub fn read_text(&self, rel: &str) -> Result<String, FactError> {
        read_text_capped(&self.root.join(rel), rel)
    }
}

/// Reads `path` as UTF-8 (lossy) text, up to [`MAX_READ_BYTES`]; binary files are an error.
pub fn read_text_capped(path: &Path, label: &str) -> Result<String, FactError> {
    use std::io::Read;
    let err = |e: std::io::Error| FactError::new(format!("{label}: {e}"));
    // One open and an fstat instead of two path look-ups: every static fact reads through here.
    let mut file = std::fs::File::open(path).map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    if len > MAX_READ_BYTES {
        return Err(FactError::new(format!(
            "{label}: {len} bytes is over the {MAX_READ_BYTES} byte limit for static checks"
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.read_to_end(&mut bytes).map_err(err)?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(FactError::new(format!("{label}: binary file")));
    }
    // Valid UTF-8 (nearly every file) becomes the String without a copy.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[async_trait::async_trait]
impl Fact for RepoIndex {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let root = facts.env().root.clone();
        tokio::task::spawn_blocking(move || RepoIndex::build(&root))
            .await
            .map_err(|e| FactError::new(format!("repository walk failed: {e}")))?
    }
}

/// Classifies a `/`-separated relative path.
pub fn classify(rel: &str) -> FileKind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let dir = rel.strip_suffix(name).unwrap_or("");
    if is_env_file_name(&lower) {
        return FileKind::EnvFile;
    }
    // `Dockerfile.api` is a Dockerfile; `dockerfile.rs` is source about one.
    let source_ext = matches!(
        lower.rsplit_once('.').map(|(_, e)| e),
        Some(
            "rs" | "py"
                | "go"
                | "js"
                | "ts"
                | "md"
                | "txt"
                | "json"
                | "yml"
                | "yaml"
                | "toml"
                | "sh"
        )
    );
    if lower == "dockerfile"
        || (lower.starts_with("dockerfile.") && !source_ext)
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
    {
        return FileKind::Dockerfile;
    }
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if is_yaml
        && (lower.starts_with("docker-compose")
            || lower.starts_with("compose.")
            || lower.starts_with("compose-"))
    {
        return FileKind::Compose;
    }
    if (dir.ends_with(".github/workflows/") && is_yaml)
        || lower == ".gitlab-ci.yml"
        || (dir.ends_with(".circleci/") && lower == "config.yml")
        || lower == "jenkinsfile"
        || lower == "azure-pipelines.yml"
        || lower == "bitbucket-pipelines.yml"
        || lower == ".travis.yml"
        || (dir.ends_with(".buildkite/") && is_yaml)
        || (dir.ends_with(".woodpecker/") && is_yaml)
        || lower == ".drone.yml"
    {
        return FileKind::CiWorkflow;
    }
    if lower == "chart.yaml" {
        return FileKind::HelmChart;
    }
    if is_yaml {
        return FileKind::Yaml;
    }
    match lower.as_str() {
        "cargo.toml" => return FileKind::DependencyManifest(Ecosystem::Cargo),
        "cargo.lock" => return FileKind::Lockfile(Ecosystem::Cargo),
        "package.json" => return FileKind::DependencyManifest(Ecosystem::Npm),
        "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | "pnpm-lock.yaml"
        | "bun.lockb"
        | "bun.lock" => return FileKind::Lockfile(Ecosystem::Npm),
        "pyproject.toml" | "pipfile" | "setup.py" | "setup.cfg" => {
            return FileKind::DependencyManifest(Ecosystem::PythonProject);
        }
        "poetry.lock" | "uv.lock" | "pipfile.lock" | "pdm.lock" => {
            return FileKind::Lockfile(Ecosystem::PythonProject);
        }
        "go.mod" => return FileKind::DependencyManifest(Ecosystem::GoModules),
        "go.sum" => return FileKind::Lockfile(Ecosystem::GoModules),
        "gemfile" => return FileKind::DependencyManifest(Ecosystem::Ruby),
        "gemfile.lock" => return FileKind::Lockfile(Ecosystem::Ruby),
        "composer.json" => return FileKind::DependencyManifest(Ecosystem::Php),
        "composer.lock" => return FileKind::Lockfile(Ecosystem::Php),
        _ => {}
    }
    if lower.ends_with(".txt")
        && (lower.starts_with("requirements") || dir.ends_with("requirements/"))
    {
        return FileKind::DependencyManifest(Ecosystem::PythonRequirements);
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "md" | "markdown" | "mdx" => FileKind::Markdown,
        "toml" => FileKind::Toml,
        "json" => FileKind::Json,
        "py" => FileKind::Source(Language::Python),
        "js" | "mjs" | "cjs" | "jsx" => FileKind::Source(Language::JavaScript),
        "ts" | "tsx" | "mts" | "cts" => FileKind::Source(Language::TypeScript),
        "go" => FileKind::Source(Language::Go),
        "rs" => FileKind::Source(Language::Rust),
        "rb" => FileKind::Source(Language::Ruby),
        "java" => FileKind::Source(Language::Java),
        "kt" | "kts" => FileKind::Source(Language::Kotlin),
        "php" => FileKind::Source(Language::Php),
        "cs" => FileKind::Source(Language::CSharp),
        "sh" | "bash" => FileKind::Source(Language::Shell),
        _ => FileKind::Other,
    }
}

/// `.env`, `.env.*`, `*.env` (but not `.envrc` or `.environment`-style names).
pub fn is_env_file_name(lower: &str) -> bool {
    lower == ".env"
        || lower.starts_with(".env.")
        || (lower.ends_with(".env") && lower.len() > 4 && !lower.contains('/'))
}

/// The directories above a file, nearest first, ending with the root (`""`).
pub fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(rel);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.rfind('/') {
            Some(i) => {
                rest = Some(&r[..i]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some("")
            }
        }
    })
}

/// The chart directory whose `templates/` holds `rel` (at any depth), nearest first, among the
/// directories `is_chart` accepts; `""` is a chart at the repository root.
pub fn helm_template_chart(rel: &str, is_chart: impl Fn(&str) -> bool) -> Option<&str> {
    ancestors(rel).find_map(|dir| {
        let chart = if dir == "templates" {
            ""
        } else {
            dir.strip_suffix("/templates")?
        };
        is_chart(chart).then_some(chart)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        assert_eq!(classify(".env.production"), FileKind::EnvFile);
        assert_eq!(classify("deploy/prod.env"), FileKind::EnvFile);
        assert_eq!(classify(".envrc"), FileKind::Other);
        assert_eq!(classify("docker/Dockerfile.api"), FileKind::Dockerfile);
        assert_eq!(
            classify("src/dockerfile.rs"),
            FileKind::Source(Language::Rust)
        );
        assert_eq!(classify("docker-compose.prod.yml"), FileKind::Compose);
        assert_eq!(classify(".github/workflows/ci.yml"), FileKind::CiWorkflow);
        assert_eq!(classify("k8s/deploy.yaml"), FileKind::Yaml);
        assert_eq!(
            classify("requirements/base.txt"),
            FileKind::DependencyManifest(Ecosystem::PythonRequirements)
        );
        assert_eq!(classify("app/main.py"), FileKind::Source(Language::Python));
        assert!(is_test_or_example_path("tests/fixtures/.env.production"));
        assert!(!is_test_or_example_path(".env.production"));
        assert!(!is_test_or_example_path("tests"));
    }

    #[test]
    fn walk_honours_gitignore_and_sees_dotfiles() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
        std::fs::create_dir_all(root.join("build")).unwrap();
        std::fs::write(root.join("build/out.txt"), "x").unwrap();
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(root.join(".github/workflows/ci.yml"), "on: push").unwrap();
        std::fs::write(root.join("README.md"), "# x").unwrap();
        let idx = RepoIndex::build(root).unwrap();
        let rels: Vec<&str> = idx.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            vec![".github/workflows/ci.yml", ".gitignore", "README.md"]
        );
        assert!(idx.get("README.md").is_some());
    }
}
