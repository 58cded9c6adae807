//! One parallel walk of the repository, honouring .gitignore, with every file classified once.

use golive_core::{Fact, FactError, Facts};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Stop indexing past this many files: a run stays bounded on a monorepo or a mistaken root.
pub const MAX_FILES: usize = 200_000;
/// Files larger than this are indexed but never read by static checks.
pub const MAX_READ_BYTES: u64 = 2 * 1024 * 1024;
/// The walk keeps the text of the files it reads up to this many bytes in all; past it, files
/// are read from disk when asked for, so a huge monorepo costs time, not unbounded memory.
pub const MAX_CACHED_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file's text is not available to static checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Over [`MAX_READ_BYTES`]; the size it had.
    TooLarge(u64),
    /// The operating system's reason.
    Io(String),
}

impl ReadError {
    /// The error as every collector reports it, naming the file.
    pub fn to_fact_error(&self, label: &str) -> FactError {
        FactError::new(match self {
            Self::Binary => format!("{label}: binary file"),
            Self::TooLarge(len) => format!(
                "{label}: {len} bytes is over the {MAX_READ_BYTES} byte limit for static checks"
            ),
            Self::Io(e) => format!("{label}: {e}"),
        })
    }
}

/// A file's text as the index hands it out: shared, and kept in the buffer it was read into
/// (an `Arc<str>` would copy every file once more).
pub type FileText = Arc<String>;

/// What the walk kept of a file.
#[derive(Clone)]
enum Content {
    Text(FileText),
    Failed(ReadError),
    /// Not read during the walk (a binary-looking name, or the byte budget was spent).
    OnDisk,
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(t) => write!(f, "Text({} bytes)", t.len()),
            Self::Failed(e) => write!(f, "Failed({e:?})"),
            Self::OnDisk => f.write_str("OnDisk"),
        }
    }
}

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
    // Every fact asks this of every file (90,000 calls on helm/charts): no allocation, and
    // bytes split at `/` rather than a `char` searcher, whose set-up per component was most of
    // the cost.
    let dirs = rel.rsplit_once('/').map_or("", |(d, _)| d);
    !dirs.is_empty()
        && dirs
            .as_bytes()
            .split(|&b| b == b'/')
            .any(|p| MARKS.iter().any(|m| p.eq_ignore_ascii_case(m.as_bytes())))
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
    /// Parallel to `files`: each file is read once, during the walk, and every collector
    /// shares that text instead of opening the file again.
    contents: Vec<Content>,
    ignore_rules: crate::gitignored::IgnoreRules,
}

impl RepoIndex {
    /// Walks `root` in parallel, honouring .gitignore, .ignore and global git excludes, and
    /// reads the text files on the way (see [`MAX_CACHED_BYTES`]).
    pub fn build(root: &Path) -> Result<Self, FactError> {
        Self::build_with_cache_limit(root, MAX_CACHED_BYTES)
    }

    /// [`RepoIndex::build`] keeping at most `cache_limit` bytes of file text.
    pub fn build_with_cache_limit(root: &Path, cache_limit: u64) -> Result<Self, FactError> {
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
        let cached = AtomicU64::new(0);
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
                let rel = rel_path(rel);
                let kind = classify(&rel);
                let read = worth_reading(&rel, kind)
                    .then(|| read_during_walk(entry.path(), &cached, cache_limit))
                    .flatten();
                let (size, content) = match read {
                    Some((size, content)) => (size, content),
                    None => (
                        entry.metadata().map(|m| m.len()).unwrap_or(0),
                        Content::OnDisk,
                    ),
                };
                if let Ok(mut f) = files.lock() {
                    f.push((IndexedFile { rel, kind, size }, content));
                }
                WalkState::Continue
            })
        });
        let mut files = files.into_inner().unwrap_or_else(|p| p.into_inner());
        // Paths are unique: an unstable sort gives the same order, with fewer moves.
        files.sort_unstable_by(|a, b| a.0.rel.cmp(&b.0.rel));
        let (files, contents) = files.into_iter().unzip();
        Ok(Self {
            root: root.to_path_buf(),
            files,
            truncated: truncated.into_inner(),
            walk_errors: errors.into_inner().unwrap_or_else(|p| p.into_inner()),
            contents,
            ignore_rules: Default::default(),
        })
    }

    pub fn of_kind(&self, kind: FileKind) -> impl Iterator<Item = &IndexedFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    pub fn get(&self, rel: &str) -> Option<&IndexedFile> {
        self.position(rel).map(|i| &self.files[i])
    }

    fn position(&self, rel: &str) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
    }

    pub fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The text of `rel` (relative to the root), refusing large and binary files: the copy
    /// the walk kept when there is one, else read from disk (also for paths the index does
    /// not hold, such as git-ignored files).
    pub fn content(&self, rel: &str) -> Result<FileText, ReadError> {
        match self.position(rel).and_then(|i| self.contents.get(i)) {
            Some(Content::Text(t)) => Ok(Arc::clone(t)),
            Some(Content::Failed(e)) => Err(e.clone()),
            Some(Content::OnDisk) | None => {
                let mut file = std::fs::File::open(self.root.join(rel))
                    .map_err(|e| ReadError::Io(e.to_string()))?;
                read_open_file(&mut file, None).map(Arc::new)
            }
        }
    }

    /// Whether `rel`, which the index need not hold, is git-ignored (a generated or local
    /// file): see [`crate::gitignored`].
    pub fn is_gitignored(&self, rel: &str) -> bool {
        self.ignore_rules.is_ignored(&self.root, rel)
    }

    /// [`RepoIndex::content`] with the error every collector reports.
    pub fn read_text(&self, rel: &str) -> Result<FileText, FactError> {
        self.content(rel).map_err(|e| e.to_fact_error(rel))
    }

    /// Whether the walk kept the text of `rel` (for tests and measurements).
    pub fn is_cached(&self, rel: &str) -> bool {
        matches!(
            self.position(rel).and_then(|i| self.contents.get(i)),
            Some(Content::Text(_))
        )
    }

    /// Bytes of file text the index holds.
    pub fn cached_bytes(&self) -> u64 {
        self.contents
            .iter()
            .map(|c| match c {
                Content::Text(t) => t.len() as u64,
                _ => 0,
            })
            .sum()
    }
}

/// A path below the root as the index names it: `/`-separated, UTF-8 (lossy).
fn rel_path(rel: &Path) -> String {
    // A walked path is already clean and, on Unix, `/`-separated: copied as it is (the walk
    // names thousands of files) unless it is not UTF-8.
    if cfg!(unix)
        && let Some(s) = rel.to_str()
    {
        return s.to_string();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the walk reads a file: names that say binary (images, archives, fonts, compiled
/// code) and lockfiles are read only if a collector asks. This is the secret scanner's choice,
/// the collector that reads the most files.
fn worth_reading(rel: &str, kind: FileKind) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    crate::secrets_scan::scannable_name(name, kind)
}

/// Reads a file for the index: its size and what to keep; `None` when the byte budget is spent
/// (the caller takes the size from the walk and leaves the file on disk).
fn read_during_walk(path: &Path, cached: &AtomicU64, limit: u64) -> Option<(u64, Content)> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        // The size comes from the walk's own metadata, as for unread files.
        Err(_) => return None,
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return Some((0, Content::Failed(io(e)))),
    };
    if len > MAX_READ_BYTES {
        return Some((len, Content::Failed(ReadError::TooLarge(len))));
    }
    if cached.fetch_add(len, Ordering::Relaxed).saturating_add(len) > limit {
        cached.fetch_sub(len, Ordering::Relaxed);
        return None;
    }
    let content = match read_open_file(&mut file, Some(len)) {
        Ok(text) => {
            let kept = text.len() as u64;
            if kept >= len {
                cached.fetch_add(kept - len, Ordering::Relaxed);
            } else {
                cached.fetch_sub(len - kept, Ordering::Relaxed);
            }
            Content::Text(Arc::new(text))
        }
        Err(e) => {
            cached.fetch_sub(len, Ordering::Relaxed);
            Content::Failed(e)
        }
    };
    Some((len, content))
}

/// Reads an open file as UTF-8 (lossy) text, up to [`MAX_READ_BYTES`]; binary is an error.
/// `len` is the size when the caller already has it.
fn read_open_file(file: &mut std::fs::File, len: Option<u64>) -> Result<String, ReadError> {
    use std::io::Read;
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let len = match len {
        Some(l) => l,
        None => file.metadata().map_err(io)?.len(),
    };
    if len > MAX_READ_BYTES {
        return Err(ReadError::TooLarge(len));
    }
    let want = usize::try_from(len).unwrap_or(0);
    let mut bytes = vec![0u8; want.saturating_add(1)];
    // One read asking for a byte more than the size: a regular file that returns exactly its
    // size has ended, so the read that would return 0 is saved (one system call per file,
    // thousands per run). Anything else (a short read, a file that grew) reads on to the end.
    let first = loop {
        match file.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    };
    bytes.truncate(first);
    if first != want || want == 0 {
        // Through `take`: `File::read_to_end` would ask the size again (an fstat and an lseek
        // per file), and the bound also holds for a file that grew since its size was taken.
        file.take((MAX_READ_BYTES + 1).saturating_sub(first as u64))
            .read_to_end(&mut bytes)
            .map_err(io)?;
    }
    if bytes.len() as u64 > MAX_READ_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    // memchr's vector search: the slice method reads a byte at a time.
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err(ReadError::Binary);
    }
    // Valid UTF-8 (nearly every file) becomes the String without a copy.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Reads `path` as UTF-8 (lossy) text, up to [`MAX_READ_BYTES`]; binary files are an error.
/// For files outside the index; [`RepoIndex::read_text`] serves the index's from memory.
pub fn read_text_capped(path: &Path, label: &str) -> Result<String, FactError> {
    // One open and an fstat instead of two path look-ups.
    let mut file =
        std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()).to_fact_error(label))?;
    read_open_file(&mut file, None).map_err(|e| e.to_fact_error(label))
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
    fn rel_paths_are_slash_separated_and_lossy() {
        assert_eq!(
            rel_path(Path::new("charts/api/values.yaml")),
            "charts/api/values.yaml"
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = std::ffi::OsStr::from_bytes(b"docs/caf\xe9/notes.md");
            assert_eq!(rel_path(Path::new(odd)), "docs/caf\u{fffd}/notes.md");
        }
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

    #[test]
    fn text_is_read_once_during_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.yaml"), "kind: A\n").unwrap();
        std::fs::write(root.join("latin1.txt"), b"caf\xe9\n").unwrap();
        std::fs::write(root.join("empty.txt"), "").unwrap();
        let idx = RepoIndex::build(root).unwrap();
        // Changed on disk after the walk: every collector still sees the walk's copy.
        std::fs::write(root.join("a.yaml"), "kind: B\n").unwrap();
        assert!(idx.is_cached("a.yaml"));
        assert_eq!(&*idx.read_text("a.yaml").unwrap(), "kind: A\n");
        assert_eq!(&*idx.read_text("latin1.txt").unwrap(), "caf\u{fffd}\n");
        assert_eq!(&*idx.read_text("empty.txt").unwrap(), "");
        assert_eq!(idx.get("a.yaml").unwrap().size, 8);
        // The replacement character is three bytes where the file had one.
        assert_eq!(idx.cached_bytes(), 8 + 7);
        // Handles share one allocation.
        let (x, y) = (
            idx.read_text("a.yaml").unwrap(),
            idx.read_text("a.yaml").unwrap(),
        );
        assert!(Arc::ptr_eq(&x, &y));
        // A path the index does not hold (git-ignored, say) is read from disk.
        std::fs::write(root.join(".gitignore"), "").unwrap();
        std::fs::write(root.join("later.env"), "A=1\n").unwrap();
        assert_eq!(&*idx.read_text("later.env").unwrap(), "A=1\n");
        assert_eq!(
            idx.read_text("gone.yaml").unwrap_err().message,
            read_text_capped(&root.join("gone.yaml"), "gone.yaml")
                .unwrap_err()
                .message
        );
    }

    #[test]
    fn byte_budget_leaves_the_rest_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for n in ["a", "b", "c"] {
            std::fs::write(root.join(format!("{n}.yaml")), "0123456789").unwrap();
        }
        let idx = RepoIndex::build_with_cache_limit(root, 25).unwrap();
        let cached: Vec<&str> = ["a.yaml", "b.yaml", "c.yaml"]
            .into_iter()
            .filter(|r| idx.is_cached(r))
            .collect();
        assert_eq!(cached.len(), 2, "{cached:?}");
        assert_eq!(idx.cached_bytes(), 20);
        for f in &idx.files {
            assert_eq!(f.size, 10);
        }
        // The one left out comes from disk, the others from memory.
        for n in ["a", "b", "c"] {
            std::fs::write(root.join(format!("{n}.yaml")), "changed").unwrap();
        }
        for r in ["a.yaml", "b.yaml", "c.yaml"] {
            let want = if cached.contains(&r) {
                "0123456789"
            } else {
                "changed"
            };
            assert_eq!(&*idx.read_text(r).unwrap(), want);
        }
        let none = RepoIndex::build_with_cache_limit(root, 0).unwrap();
        assert_eq!(none.cached_bytes(), 0);
        assert_eq!(&*none.read_text("a.yaml").unwrap(), "changed");
    }

    #[test]
    fn binary_and_oversized_files_fail_as_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut bin = b"header".to_vec();
        bin.push(0);
        // Read during the walk (`.dat`) and not (`.png`): the same errors either way.
        std::fs::write(root.join("blob.dat"), &bin).unwrap();
        std::fs::write(root.join("logo.png"), &bin).unwrap();
        let big = vec![b'x'; MAX_READ_BYTES as usize + 1];
        std::fs::write(root.join("big.yaml"), &big).unwrap();
        std::fs::write(root.join("big.png"), &big).unwrap();
        let idx = RepoIndex::build(root).unwrap();
        for rel in ["blob.dat", "logo.png"] {
            assert_eq!(idx.content(rel), Err(ReadError::Binary));
            assert_eq!(
                idx.read_text(rel).unwrap_err().message,
                format!("{rel}: binary file")
            );
            assert!(!idx.is_cached(rel));
        }
        for rel in ["big.yaml", "big.png"] {
            assert_eq!(idx.get(rel).unwrap().size, MAX_READ_BYTES + 1);
            assert_eq!(
                idx.content(rel),
                Err(ReadError::TooLarge(MAX_READ_BYTES + 1))
            );
            assert_eq!(
                idx.read_text(rel).unwrap_err().message,
                read_text_capped(&root.join(rel), rel).unwrap_err().message
            );
        }
        assert_eq!(idx.cached_bytes(), 0);
    }
}
