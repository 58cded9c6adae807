//! Files that the repository's own documents and scripts name, and whether they exist.
//!
//! Where references come from, conservatively (a wrong "missing" is a false alarm):
//! - operational markdown (READMEs, runbooks, checklists, deploy/release/backup/restore/
//!   disaster-recovery/incident documents by file or directory name; not changelogs, release
//!   notes or other prose, which name example paths): relative links and images, inline
//!   code that is one path-like token (`scripts/backup_database.sh`, `./deploy.sh`) or a command
//!   (`bash scripts/x.sh --full`), and the commands of fenced blocks marked as shell (`bash`,
//!   `sh`, `shell`, `zsh`, `console` prompts) or unmarked. Other fenced blocks (yaml, output,
//!   text) are examples, not references.
//! - shell scripts: the command position only (`./scripts/x.sh`, `bash scripts/x.sh`,
//!   `source lib.sh`, `. lib.sh`); heredoc bodies are data; a path the script tests with
//!   `[ -f … ]` is optional.
//! - Makefile recipes and package.json `scripts`: the same command-position rule.
//! - CI pipelines (GitHub Actions `run:` steps and local `uses: ./…` actions, GitLab CI
//!   scripts): the shell-script rule on each step, relative to the root or the step's
//!   `working-directory` ([`ci`]).
//!
//! A reference is kept only when it is a repository-relative path that looks like a file: a
//! `/` with a known file extension or name on the last part (in scripts also `./x`, and a bare
//! `x.sh` run by an interpreter). URLs, globs, `$VAR`/`${VAR}` paths, `~`, absolute paths
//! (`/etc/...`), env files and build outputs (dist/, node_modules/, venv/...) are never
//! references. After a literal `cd`, paths are relative to that directory, and nothing is
//! checked when it is outside the repository; otherwise a path may be relative to the root,
//! the referring file's directory or any directory between them.

use crate::docs::RepoDocs;
use crate::repo_index::{FileKind, RepoIndex, is_env_file_name, is_test_or_example_path};
use golive_core::{Fact, FactError, Facts};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

mod ci;
pub use ci::{PIPELINE_PATHS, ci_refs};

/// Read at most this many files, and keep at most this many references: bounded on a monorepo.
const MAX_FILES: usize = 5000;
const MAX_REFS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefSource {
    Markdown,
    Shell,
    Makefile,
    PackageJson,
    Ci,
}

impl RefSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Markdown => "document",
            Self::Shell => "script",
            Self::Makefile => "Makefile recipe",
            Self::PackageJson => "package.json script",
            Self::Ci => "CI pipeline",
        }
    }
}

/// How a reference was written, which decides what it is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefHow {
    /// A markdown link or image: relative to the document.
    Link,
    /// Inline code naming a path: the repository root, or the document's directory.
    Mention,
    /// A command that runs or sources the file: the root (where commands are usually run) or
    /// the file's directory.
    Command,
}

/// One reference as extracted from a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRef {
    pub line: u32,
    pub written: String,
    pub how: RefHow,
    /// The directory of the last literal `cd` before the command (as written), when there was
    /// one: the path is relative to it, and an absolute or unknown directory means the command
    /// runs outside the repository.
    pub cwd: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefState {
    Exists,
    Missing,
    /// Absent but git-ignored: something (a build, the deploy) is expected to create it.
    MissingIgnored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub file: String,
    pub line: u32,
    pub written: String,
    /// The path it resolves to, relative to the root (the first place looked).
    pub resolved: String,
    pub source: RefSource,
    pub state: RefState,
    /// A file of the repository with a similar path, for "did you mean".
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FileRefs {
    pub refs: Vec<FileRef>,
    /// Documents, scripts, Makefiles and package.json files read.
    pub scanned: usize,
    /// Files that could not be read or parsed, with the reason (package.json that is not JSON).
    pub problems: Vec<(String, u32, String)>,
    pub truncated: bool,
}

const FILE_EXTENSIONS: &[&str] = &[
    "sh", "bash", "zsh", "py", "rb", "pl", "js", "mjs", "cjs", "ts", "go", "rs", "java", "php",
    "sql", "md", "markdown", "rst", "txt", "yml", "yaml", "toml", "json", "ini", "conf", "cfg",
    "tf", "hcl", "j2", "tpl", "xml", "csv", "html", "css", "service", "timer", "rules", "lua",
    "ps1", "mk", "proto", "graphql", "pem", "crt",
];
const SCRIPT_EXTENSIONS: &[&str] = &["sh", "bash", "zsh", "py", "rb", "pl", "ps1"];
const EXTENSIONLESS: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    "Makefile",
    "Procfile",
    "Jenkinsfile",
    "Gemfile",
    "Vagrantfile",
];
/// Directories whose content is built or installed, never committed.
const GENERATED_DIRS: &[&str] = &[
    "node_modules",
    "dist",
    "build",
    "out",
    "target",
    "venv",
    ".venv",
    "env",
    "__pycache__",
    ".next",
    "coverage",
    "vendor",
];

fn extension(name: &str) -> Option<&str> {
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => Some(&name[i + 1..]),
        _ => None,
    }
}

/// Characters that a path golive resolves never holds (shell syntax, globs, URLs), as a table:
/// this test runs on every code span of every document.
const NOT_IN_PATHS: [bool; 256] = {
    let mut t = [false; 256];
    let chars = b"$*?[]{}`%<>:=|\"' \\!&;(),";
    let mut i = 0;
    while i < chars.len() {
        t[chars[i] as usize] = true;
        i += 1;
    }
    t
};

/// Whether `token` is a repository-relative path that looks like a file (see the module doc).
/// `strict` (inline code in prose) wants a known extension or name; commands accept any
/// relative path with a `/`.
pub fn looks_like_repo_file(token: &str, strict: bool) -> bool {
    let t = token.trim_end_matches([',', ';', ')', '.']);
    // Every test below only refuses, and a bare name in prose is refused at the end: the
    // cheapest refusal first (most inline code in a README is a value or a key, not a path).
    if strict && memchr::memchr(b'/', t.as_bytes()).is_none() {
        return false;
    }
    if t.is_empty()
        || t.len() > 300
        || t.starts_with(['/', '-', '~', '#', '@'])
        || t.bytes().any(|b| NOT_IN_PATHS[usize::from(b)])
        || t.contains("...")
        || t.ends_with('/')
    {
        return false;
    }
    let parts: Vec<&str> = t.split('/').collect();
    let name = parts.last().copied().unwrap_or("");
    if name.is_empty() || name == "." || name == ".." {
        return false;
    }
    if is_env_file_name(&name.to_ascii_lowercase()) {
        return false;
    }
    if looks_like_host(t) {
        return false;
    }
    if parts
        .iter()
        .any(|p| GENERATED_DIRS.contains(&p.to_ascii_lowercase().as_str()))
    {
        return false;
    }
    let ext = extension(name).map(str::to_ascii_lowercase);
    let known_ext = ext.as_deref().is_some_and(|e| FILE_EXTENSIONS.contains(&e));
    let known_name = EXTENSIONLESS.contains(&name);
    let dotted = t.starts_with("./") || t.starts_with("../");
    if parts.len() == 1 {
        // A bare name: only scripts a command runs; in prose a bare `entrypoint.sh` or
        // `settings.py` usually names a file somewhere else (the image, a download).
        return !strict
            && ext
                .as_deref()
                .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e));
    }
    if strict {
        known_ext || known_name || (dotted && ext.is_some())
    } else {
        known_ext || known_name || dotted || ext.is_none()
    }
}

/// `docs.example.com/x.md` starts with a host; `.github/...` and `./x` with a directory.
fn looks_like_host(path: &str) -> bool {
    let mut parts = path.split('/');
    let first = parts.next().unwrap_or("");
    parts.next().is_some() && first.contains('.') && !first.starts_with('.')
}

/// Splits a shell line into words and control operators, honouring quotes; stops at a
/// comment. Quotes are kept on the words, so a quoted path with a variable is still refused.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            } else if c == '\\'
                && q == '"'
                && let Some(n) = chars.next()
            {
                cur.push(n);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                cur.push(c);
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '#' if cur.is_empty() => break,
            // `${VAR}` is part of its word (`./${PHASE}install/x`), not a `{ ...; }` group.
            '$' if chars.peek() == Some(&'{') => {
                cur.push(c);
                let mut depth = 0u32;
                for n in chars.by_ref() {
                    cur.push(n);
                    match n {
                        '{' => depth += 1,
                        '}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            ' ' | '\t' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            ';' | '&' | '|' | '(' | ')' | '{' | '}' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                let mut op = c.to_string();
                if matches!(c, '&' | '|') && chars.peek() == Some(&c) {
                    chars.next();
                    op.push(c);
                }
                out.push(op);
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_operator(w: &str) -> bool {
    matches!(w, ";" | "&" | "&&" | "|" | "||" | "(" | ")" | "{" | "}")
}

const PREFIXES: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "time", "exec", "sudo", "nohup",
    "command", "builtin",
];
const INTERPRETERS: &[&str] = &[
    "bash", "sh", "zsh", "dash", "ksh", "source", ".", "python", "python3", "ruby", "perl", "node",
    "ts-node", "tsx",
];

/// The files a shell command line runs or sources: the command itself when it is a relative
/// path, or the first operand of an interpreter (`bash x.sh`, `source x`, `. x`).
pub fn command_refs(line: &str) -> Vec<String> {
    command_refs_of_words(&shell_words(line))
}

/// [`command_refs`] of a line already split by [`shell_words`].
fn command_refs_of_words(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // Start of a simple command.
        while i < words.len()
            && (is_operator(&words[i])
                || PREFIXES.contains(&words[i].as_str())
                || is_assignment(&words[i]))
        {
            i += 1;
        }
        let Some(cmd) = words.get(i) else { break };
        let mut j = i + 1;
        if INTERPRETERS.contains(&cmd.as_str()) {
            let mut inline_code = false;
            while let Some(w) = words.get(j) {
                if w == "-c" || w == "-m" {
                    inline_code = true;
                }
                if !w.starts_with('-') || is_operator(w) {
                    break;
                }
                j += 1;
            }
            if let Some(arg) = words.get(j)
                && !inline_code
                && !is_operator(arg)
                && looks_like_repo_file(arg, false)
                && extension(arg.rsplit('/').next().unwrap_or(arg)).is_some()
            {
                out.push(arg.clone());
            }
        } else if cmd.contains('/') && looks_like_repo_file(cmd, false) && clearly_a_file(cmd) {
            out.push(cmd.clone());
        }
        while j < words.len() && !is_operator(&words[j]) {
            j += 1;
        }
        i = j;
    }
    out
}

/// A command path that is a file of the repository rather than something built or installed:
/// `./x`, or a known extension or name (`scripts/x.sh`), not `bin/rails` or `charts/my_app`.
fn clearly_a_file(cmd: &str) -> bool {
    let name = cmd.rsplit('/').next().unwrap_or(cmd);
    cmd.starts_with("./")
        || cmd.starts_with("../")
        || EXTENSIONLESS.contains(&name)
        || extension(name)
            .is_some_and(|e| FILE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn is_assignment(w: &str) -> bool {
    match w.find('=') {
        Some(i) if i > 0 => w[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'),
        _ => false,
    }
}

/// Paths the script tests for (`[ -f x ]`, `test -x x`): running them is optional. And paths
/// it writes itself before running them, as CI steps do with installers (`curl -o install.sh`,
/// `wget -O x`, `> x`, `tee x`, `chmod +x x`, the target of `cp`/`mv`): not the repository's.
pub(crate) fn tested_paths(text: &str) -> Vec<String> {
    let unquote = |w: &str| w.trim_matches('"').trim_matches('\'').to_string();
    let mut out = Vec::new();
    for line in text.lines() {
        let words = shell_words(line);
        for w in words.windows(2) {
            if matches!(
                w[0].as_str(),
                "-f" | "-e" | "-x" | "-r" | "-s" | "-d" | "-o" | "-O" | "--output" | "tee" | "+x"
            ) || w[0].ends_with('>')
            {
                out.push(unquote(&w[1]));
            }
            if let Some(target) = w[1].strip_prefix("--output=") {
                out.push(unquote(target));
            }
            if let Some(target) = w[0]
                .strip_prefix('>')
                .filter(|t| !t.is_empty() && *t != ">")
            {
                out.push(unquote(target.trim_start_matches('>')));
            }
        }
        // `cp a b`, `mv a b`, `install a b`: the last operand of the command is written.
        for (i, w) in words.iter().enumerate() {
            if matches!(w.as_str(), "cp" | "mv" | "install" | "ln") {
                let operands = words[i + 1..]
                    .iter()
                    .take_while(|x| !is_operator(x))
                    .filter(|x| !x.starts_with('-'));
                if let Some(last) = operands.last() {
                    out.push(unquote(last));
                }
            }
        }
    }
    out
}

/// The directories `git clone` fills in this text: the explicit target, else the name the URL
/// ends in. What a script runs from there comes from another repository.
pub(crate) fn cloned_dirs(text: &str) -> Vec<String> {
    // Options of `git clone` that take a value as the next word.
    const WITH_VALUE: &[&str] = &[
        "-b",
        "--branch",
        "--depth",
        "-o",
        "--origin",
        "-c",
        "--config",
        "--reference",
        "-j",
        "--jobs",
        "--separate-git-dir",
        "--template",
        "-u",
        "--upload-pack",
        "--filter",
        "--shallow-since",
        "--shallow-exclude",
    ];
    let mut out = Vec::new();
    for line in text.lines() {
        let words = shell_words(line);
        for (i, pair) in words.windows(2).enumerate() {
            if pair[0] != "git" || pair[1] != "clone" {
                continue;
            }
            let mut operands = Vec::new();
            let mut rest = words[i + 2..].iter().take_while(|w| !is_operator(w));
            while let Some(w) = rest.next() {
                if WITH_VALUE.contains(&w.as_str()) {
                    rest.next();
                } else if !w.starts_with('-') {
                    operands.push(w.trim_matches(['"', '\'']).to_string());
                }
            }
            let dir = match operands.as_slice() {
                [_, dir, ..] => dir
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_string(),
                [url] => url
                    .trim_end_matches('/')
                    .rsplit(['/', ':'])
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(".git")
                    .to_string(),
                [] => String::new(),
            };
            if !dir.is_empty() && dir != "." && !dir.contains('$') {
                out.push(dir);
            }
        }
    }
    out
}

/// Whether `path` (repository-relative, `./` allowed) lies under one of `dirs`.
pub(crate) fn under_any(path: &str, dirs: &[String]) -> bool {
    let p = path.trim_start_matches("./");
    dirs.iter().any(|d| {
        p.strip_prefix(d.as_str())
            .is_some_and(|r| r.starts_with('/'))
    })
}

/// The references of a shell script, with the script's own optional paths left out, and what
/// it runs from repositories it clones.
pub fn shell_refs(text: &str) -> Vec<RawRef> {
    // `./x` and `x` name the same file.
    let plain = |p: &str| p.trim_start_matches("./").to_string();
    let optional: Vec<String> = tested_paths(text).iter().map(|p| plain(p)).collect();
    let cloned = cloned_dirs(text);
    let mut out = Vec::new();
    let mut heredoc: Option<String> = None;
    let mut pending = String::new();
    let mut pending_line = 0u32;
    // `Some(None)`: where the script started (unknown); `Some(Some(dir))`: after a `cd` to
    // `dir`; `None`: lost.
    let mut cwd: Option<Option<String>> = Some(None);
    let mut script_dirs: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let lineno = n as u32 + 1;
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        if pending.is_empty() {
            pending_line = lineno;
        }
        if let Some(stripped) = line.strip_suffix('\\') {
            pending.push_str(stripped);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let full = std::mem::take(&mut pending);
        heredoc = heredoc_end(&full);
        if let Some(var) = script_dir_assignment(&full) {
            script_dirs.push(var);
        }
        // A `cd` in a subshell (`(cd build && make)`) holds for that line only.
        let line_cwd = match cd_target(&full) {
            None => cwd.clone(),
            Some(CdTarget::Literal(t)) if t.starts_with(['/', '~']) => Some(Some(t)),
            Some(CdTarget::Literal(t)) => cwd.clone().map(|c| match c {
                Some(c) => Some(format!("{c}/{t}")),
                None => Some(t),
            }),
            Some(CdTarget::Dynamic(t)) => script_dir_of(&t, &script_dirs).map(Some),
            Some(CdTarget::Popd) => None,
        };
        if !full.trim_start().starts_with('(') {
            cwd = line_cwd.clone();
        }
        // After a `cd` golive cannot follow (`cd "$BUILD_DIR"`, `popd`) the script runs
        // somewhere unknown: what it names from there is not read.
        let Some(cwd) = line_cwd else {
            continue;
        };
        for r in command_refs(&full) {
            let from_a_clone = match &cwd {
                Some(c) => under_any(&format!("{c}/{}", plain(&r)), &cloned),
                None => under_any(&r, &cloned),
            };
            if !optional.contains(&plain(&r)) && !from_a_clone {
                out.push(RawRef {
                    line: pending_line,
                    written: r,
                    how: RefHow::Command,
                    cwd: cwd.clone(),
                });
            }
        }
    }
    out
}

/// Where a line's `cd` goes.
#[derive(Debug, PartialEq, Eq)]
enum CdTarget {
    Literal(String),
    /// Computed (`"$DIR"`, `"$(dirname "$0")/.."`, `-`, home): maybe known, see
    /// [`script_dir_of`].
    Dynamic(String),
    Popd,
}

/// The `cd`, `pushd` or `popd` of a line, the last when there are several.
fn cd_target(line: &str) -> Option<CdTarget> {
    let words = shell_words(line);
    let mut at_start = true;
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        if at_start && w == "popd" {
            found = Some(CdTarget::Popd);
        }
        if at_start && (w == "cd" || w == "pushd") {
            let target = words.get(i + 1).filter(|t| !is_operator(t));
            found = Some(match target {
                Some(t) if t.contains('$') || t.contains('`') || t == "-" => {
                    CdTarget::Dynamic(t.clone())
                }
                Some(t) => CdTarget::Literal(t.trim_matches(['"', '\'']).to_string()),
                None => CdTarget::Literal("~".to_string()),
            });
        }
        at_start = is_operator(w) || (at_start && PREFIXES.contains(&w.as_str()));
    }
    found
}

/// The script's own directory as a shell computes it: `$(dirname "$0")`,
/// `$(dirname "${BASH_SOURCE[0]}")`, `${0%/*}`.
const SCRIPT_DIR: &str = r#"(?:\$\(\s*dirname\s+\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)\s*\)|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\})"#;

/// A `cd` target golive can follow although it is computed, as a directory relative to the
/// script's (`..` for `"$(dirname "$0")/.."`): the script's directory, or a variable set from
/// it or from `git rev-parse --show-toplevel` before.
fn script_dir_of(target: &str, vars: &[(String, String)]) -> Option<String> {
    static DIRECT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^{SCRIPT_DIR}(?P<rest>(?:/[\w.-]+)*)/?$"))
            .expect("script directory pattern")
    });
    static VAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\$\{?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}?(?P<rest>(?:/[\w.-]+)*)/?$")
            .expect("variable pattern")
    });
    let t = target.replace(['"', '\''], "");
    let (base, rest) = if let Some(c) = DIRECT.captures(&t) {
        (".".to_string(), c["rest"].to_string())
    } else {
        let c = VAR.captures(&t)?;
        let (_, dir) = vars.iter().rev().find(|(n, _)| *n == c["name"])?;
        (dir.clone(), c["rest"].to_string())
    };
    Some(format!("{base}{rest}"))
}

/// `DIR="$(cd "$(dirname "$0")/.." && pwd)"`, `ROOT=$(git rev-parse --show-toplevel)` and the
/// like: the variable and the directory (relative to the script's) it holds.
fn script_dir_assignment(line: &str) -> Option<(String, String)> {
    static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^\s*(?:(?:export|readonly|local|declare)\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?:\$\(\s*cd\s+)?(?:(?P<script>{SCRIPT_DIR})(?P<rest>(?:/[\w.-]+)*)/?|(?P<top>\$\(\s*git\s+rev-parse\s+--show-toplevel\s*\)))(?:\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\))?\s*(?:;.*|#.*)?$"
        ))
        .expect("assignment pattern")
    });
    if !line.contains('=') {
        return None;
    }
    let t = line.replace(['"', '\''], "");
    let c = ASSIGN.captures(&t)?;
    let dir = if c.name("top").is_some() {
        // The root: from the script's directory, a path found at the root is found too
        // (the resolver tries the root with every `cd`).
        ".".to_string()
    } else {
        format!(".{}", c.name("rest").map_or("", |m| m.as_str()))
    };
    Some((c["name"].to_string(), dir))
}

/// The effect of a `cd` on this line: `Some(None)` when it goes somewhere golive cannot know
/// statically (a variable, `cd -`, home), `Some(Some(dir))` for a literal directory, `None`
/// when the line does not change directory.
fn cd_of(line: &str) -> Option<Option<String>> {
    cd_of_words(&shell_words(line))
}

/// [`cd_of`] of a line already split by [`shell_words`].
fn cd_of_words(words: &[String]) -> Option<Option<String>> {
    let mut at_start = true;
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        // `popd` returns to a directory golive does not track.
        if at_start && w == "popd" {
            found = Some(None);
        }
        if at_start && (w == "cd" || w == "pushd") {
            let target = words.get(i + 1).filter(|t| !is_operator(t));
            found = Some(match target {
                Some(t) if t.contains('$') || t.contains('`') || t == "-" => None,
                Some(t) => Some(t.trim_matches(['"', '\'']).to_string()),
                None => Some("~".to_string()),
            });
        }
        at_start = is_operator(w) || (at_start && PREFIXES.contains(&w.as_str()));
    }
    found
}

/// The terminator of a heredoc that `line` opens (`<<EOF`, `<<-'END'`).
fn heredoc_end(line: &str) -> Option<String> {
    let i = line.find("<<")?;
    let rest = line[i + 2..].trim_start_matches('-').trim_start();
    if rest.starts_with('<') {
        return None; // here-string `<<<`
    }
    let word: String = rest
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

/// The references of a Makefile's recipes (tab-indented lines).
pub fn makefile_refs(text: &str) -> Vec<RawRef> {
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut pending_line = 0u32;
    let mut in_recipe_continuation = false;
    for (n, line) in text.lines().enumerate() {
        let lineno = n as u32 + 1;
        let is_recipe = line.starts_with('\t') || in_recipe_continuation;
        if !is_recipe {
            continue;
        }
        if pending.is_empty() {
            pending_line = lineno;
        }
        let body = line
            .trim_start_matches('\t')
            .trim_start_matches(['@', '-', '+']);
        if let Some(stripped) = body.strip_suffix('\\') {
            pending.push_str(stripped);
            pending.push(' ');
            in_recipe_continuation = true;
            continue;
        }
        in_recipe_continuation = false;
        pending.push_str(body);
        let full = std::mem::take(&mut pending);
        // Each recipe line runs in its own shell: a `cd` holds for that line only.
        let cwd = cd_of(&full).flatten();
        for r in command_refs(&full) {
            out.push(RawRef {
                line: pending_line,
                written: r,
                how: RefHow::Command,
                cwd: cwd.clone(),
            });
        }
    }
    out
}

/// The references of package.json's `scripts`; `Err` when the file is not JSON.
pub fn package_json_refs(text: &str) -> Result<Vec<RawRef>, (u32, String)> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| (u32::try_from(e.line()).unwrap_or(1).max(1), e.to_string()))?;
    let Some(scripts) = v.get("scripts").and_then(|s| s.as_object()) else {
        return Ok(Vec::new());
    };
    let scripts_at = text.find("\"scripts\"").unwrap_or(0);
    let mut out = Vec::new();
    for (name, cmd) in scripts {
        let Some(cmd) = cmd.as_str() else { continue };
        let key = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
        let at = text[scripts_at..]
            .find(&key)
            .map(|i| scripts_at + i)
            .unwrap_or(scripts_at);
        let line = text[..at].matches('\n').count() as u32 + 1;
        for r in command_refs(cmd) {
            out.push(RawRef {
                line,
                written: r,
                how: RefHow::Command,
                cwd: None,
            });
        }
    }
    Ok(out)
}

fn is_shell_lang(info: &str) -> Option<bool> {
    let lang = info
        .split([' ', ',', '{'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match lang.as_str() {
        "" | "bash" | "sh" | "shell" | "zsh" => Some(false),
        "console" | "shell-session" | "shellsession" => Some(true),
        _ => None,
    }
}

/// The start offset of every line, to turn byte offsets into 1-based line numbers.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        Self(
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect(),
        )
    }

    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

/// The references of a markdown document.
pub fn markdown_refs(text: &str) -> Vec<RawRef> {
    let lines = Lines::new(text);
    let mut refs = MarkdownRefs::default();
    for (event, range) in Parser::new(text).into_offset_iter() {
        refs.event(&event, range.start, &lines);
    }
    refs.out
}

/// [`markdown_refs`] fed one parser event at a time, so that one parse of a document serves
/// this and the docs fact.
#[derive(Default)]
pub(crate) struct MarkdownRefs {
    /// Some(prompted) inside a shell block; None outside blocks or in other blocks.
    block: Option<Option<bool>>,
    cwd: Option<String>,
    pub(crate) out: Vec<RawRef>,
}

impl MarkdownRefs {
    pub(crate) fn event(&mut self, event: &Event, start: usize, lines: &Lines) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                self.cwd = None;
                self.block = Some(match kind {
                    CodeBlockKind::Fenced(info) => is_shell_lang(info),
                    CodeBlockKind::Indented => None,
                });
            }
            Event::End(TagEnd::CodeBlock) => self.block = None,
            Event::Text(t) if self.block.is_some() => {
                let Some(Some(prompted)) = self.block else {
                    return;
                };
                let first = lines.line_of(start);
                for (k, l) in t.lines().enumerate() {
                    let cmd = if prompted {
                        match l.trim_start().strip_prefix("$ ") {
                            Some(c) => c,
                            None => continue,
                        }
                    } else {
                        l.trim_start().strip_prefix("$ ").unwrap_or(l)
                    };
                    // Both need the line's words; neither can find anything without a `cd`,
                    // and a command is kept only with a `/` in it (`prose_command`).
                    // (`c\d` is `cd` to the shell.)
                    let has_cd = memchr::memmem::find(cmd.as_bytes(), b"cd").is_some()
                        || memchr::memchr(b'\\', cmd.as_bytes()).is_some();
                    let has_slash = memchr::memchr(b'/', cmd.as_bytes()).is_some();
                    if !has_cd && !has_slash {
                        continue;
                    }
                    let words = shell_words(cmd);
                    if has_cd && let Some(c) = cd_of_words(&words) {
                        self.cwd = c;
                    }
                    if !has_slash {
                        continue;
                    }
                    for r in command_refs_of_words(&words)
                        .into_iter()
                        .filter(|r| prose_command(r))
                    {
                        self.out.push(RawRef {
                            line: first + k as u32,
                            written: r,
                            how: RefHow::Command,
                            cwd: self.cwd.clone(),
                        });
                    }
                }
            }
            Event::Code(c) => {
                let line = lines.line_of(start);
                let c = c.trim();
                if !c.contains(char::is_whitespace) {
                    if looks_like_repo_file(c, true) {
                        self.out.push(RawRef {
                            line,
                            written: c.trim_end_matches([',', ';', '.']).to_string(),
                            how: RefHow::Mention,
                            cwd: None,
                        });
                    }
                } else if memchr::memchr(b'/', c.as_bytes()).is_some() {
                    // A command's references are its own words, and `prose_command` keeps
                    // only those with a `/`: inline code without one (`helm install x`) has none.
                    for r in command_refs(c).into_iter().filter(|r| prose_command(r)) {
                        self.out.push(RawRef {
                            line,
                            written: r,
                            how: RefHow::Command,
                            cwd: None,
                        });
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let dest = dest_url.split(['#', '?']).next().unwrap_or("");
                if dest.is_empty()
                    || dest.contains("://")
                    || dest.starts_with("mailto:")
                    || dest.starts_with('/')
                    || dest.contains(['$', '{', '%', '<', '*', '@'])
                    || dest.contains(':')
                    || looks_like_host(dest)
                {
                    return;
                }
                self.out.push(RawRef {
                    line: lines.line_of(start),
                    written: dest.to_string(),
                    how: RefHow::Link,
                    cwd: None,
                });
            }
            _ => {}
        }
    }
}

/// `rel` joined onto `dir`, normalised; `None` when it leaves the repository.
pub fn resolve(dir: &str, rel: &str) -> Option<String> {
    resolve_dir(dir, rel).filter(|p| !p.is_empty())
}

/// [`resolve`] for a directory, which may be the root (`""`); `None` above the root.
fn resolve_dir(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Words in a document's name or directory that make it operational: what people follow
/// during a deploy or an incident. Other prose (design notes, reference pages, tutorials)
/// names example paths too often to be read as a promise that they exist.
const OPS_DOC_WORDS: &[&str] = &[
    "readme",
    "runbook",
    "checklist",
    "deploy",
    "operations",
    "ops",
    "disaster",
    "recovery",
    "rollback",
    "incident",
    "release",
    "production",
    "oncall",
    "on-call",
    "playbook",
    "backup",
    "restore",
    "maintenance",
    "launch",
    "readiness",
    "golive",
    "go-live",
];

fn is_markdown_source(rel: &str) -> bool {
    let l = rel.to_ascii_lowercase();
    let mut parts: Vec<&str> = l.split('/').collect();
    let name = parts.pop().unwrap_or("");
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    // Release notes and changelogs name files as they were then.
    if ["changelog", "changes", "history", "notes", "news"]
        .iter()
        .any(|w| stem.contains(w))
        || l.contains("third_party/")
    {
        return false;
    }
    let words = |t: &str| -> bool {
        t.split(['_', '-', '.', ' '])
            .any(|w| OPS_DOC_WORDS.contains(&w))
            || OPS_DOC_WORDS.iter().any(|w| w.len() > 4 && t.contains(w))
    };
    words(stem) || parts.iter().any(|d| words(d))
}

/// In prose, a command-position path is kept when it is clearly a file of the repository: a
/// `/` and a known extension or name (`./scripts/x.sh`), not `sys/mounts/secret` in an
/// unmarked block, a built `./server` binary or a bare `entrypoint.sh` of some image.
fn prose_command(written: &str) -> bool {
    let name = written.rsplit('/').next().unwrap_or(written);
    written.contains('/')
        && (EXTENSIONLESS.contains(&name)
            || extension(name)
                .is_some_and(|e| FILE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())))
}

fn is_makefile(name: &str) -> bool {
    matches!(name, "Makefile" | "makefile" | "GNUmakefile") || name.ends_with(".mk")
}

/// Whether this fact reads `f` as a markdown document (the docs fact extracts its references
/// from its own parse).
pub(crate) fn reads_markdown(f: &crate::repo_index::IndexedFile) -> bool {
    source_of(f) == Some(RefSource::Markdown)
}

/// Which extractor reads this file, if any.
fn source_of(f: &crate::repo_index::IndexedFile) -> Option<RefSource> {
    if is_test_or_example_path(&f.rel) {
        return None;
    }
    match f.kind {
        FileKind::Markdown if is_markdown_source(&f.rel) => Some(RefSource::Markdown),
        FileKind::Source(crate::repo_index::Language::Shell) => Some(RefSource::Shell),
        FileKind::DependencyManifest(crate::repo_index::Ecosystem::Npm)
            if f.name() == "package.json" =>
        {
            Some(RefSource::PackageJson)
        }
        _ if ci::reads_ci(&f.rel) => Some(RefSource::Ci),
        _ if is_makefile(f.name()) => Some(RefSource::Makefile),
        _ => None,
    }
}

/// `a/b/c`, `a/b`, `a` (not the root).
fn ancestors(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = dir;
    while !d.is_empty() {
        out.push(d.to_string());
        d = d.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    }
    out
}

fn exists(index: &RepoIndex, rel: &str) -> bool {
    index.get(rel).is_some() || index.root.join(rel).exists()
}

/// The repository's files by name and by directory (tests and examples left out), built once
/// per run for the did-you-mean of missing references: a scan of the whole index per missing
/// reference made a runbook-heavy repository quadratic.
struct Names<'a> {
    by_name: HashMap<&'a str, Vec<&'a str>>,
    by_dir: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Names<'a> {
    fn new(index: &'a RepoIndex) -> Self {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut by_dir: HashMap<&str, Vec<&str>> = HashMap::new();
        for f in index.files.iter().filter(|f| !f.is_test_or_example()) {
            by_name.entry(f.name()).or_default().push(f.rel.as_str());
            let here = by_dir.entry(f.dir()).or_default();
            if here.len() < 10_000 {
                here.push(f.name());
            }
        }
        Names { by_name, by_dir }
    }

    /// A file the reference probably meant: the only file of that name in the repository, or
    /// a similarly named file in a directory the reference could point into.
    fn suggest(&self, places: &[String]) -> Option<String> {
        let first = places.first()?;
        let name = first.rsplit('/').next().unwrap_or(first);
        if let Some([only]) = self.by_name.get(name).map(Vec::as_slice) {
            return Some(only.to_string());
        }
        // Names, not paths: a shared `scripts/` prefix would make any two scripts look alike.
        for place in places {
            let dir = place.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let Some(here) = self.by_dir.get(dir) else {
                continue;
            };
            if let Some(best) = golive_core::suggest::did_you_mean(name, here) {
                return Some(if dir.is_empty() {
                    best.to_string()
                } else {
                    format!("{dir}/{best}")
                });
            }
        }
        None
    }
}

impl FileRefs {
    /// Drops the references of scripts an image build copies by name: such a script runs in
    /// the container, where `./manage.py` is the image's working directory, not the repository.
    pub fn leave_out_scripts_run_in_images(&mut self, copied: &std::collections::BTreeSet<String>) {
        self.refs
            .retain(|r| r.source != RefSource::Shell || !copied.contains(&r.file));
    }

    /// `docs`, when given, holds the references of the markdown documents it parsed.
    pub fn build(index: &RepoIndex, docs: Option<&RepoDocs>) -> Self {
        let sources: Vec<(&str, &str, RefSource)> = index
            .files
            .iter()
            .filter_map(|f| source_of(f).map(|s| (f.rel.as_str(), f.dir(), s)))
            .collect();
        let truncated = sources.len() > MAX_FILES;
        let sources = &sources[..sources.len().min(MAX_FILES)];
        let extracted = crate::parallel::map(sources, |(rel, _, source)| {
            if *source == RefSource::Markdown
                && let Some(refs) = docs.and_then(|d| d.markdown_refs(rel))
            {
                return Ok(refs.to_vec());
            }
            let text = index.read_text(rel).map_err(|e| (1, e.message))?;
            match source {
                RefSource::Markdown => Ok(markdown_refs(&text)),
                RefSource::Shell => Ok(shell_refs(&text)),
                RefSource::Makefile => Ok(makefile_refs(&text)),
                RefSource::PackageJson => package_json_refs(&text),
                RefSource::Ci => ci_refs(rel, &text),
            }
        });
        let mut names: Option<Names> = None;
        let mut out = FileRefs {
            scanned: sources.len(),
            truncated,
            ..Default::default()
        };
        for ((rel, dir, source), r) in sources.iter().zip(extracted) {
            let raws = match r {
                Ok(r) => r,
                Err((line, msg)) => {
                    out.problems.push((rel.to_string(), line, msg));
                    continue;
                }
            };
            for raw in raws {
                if out.refs.len() >= MAX_REFS {
                    out.truncated = true;
                    break;
                }
                let bases: Vec<String> = match (&raw.cwd, raw.how, source) {
                    (_, RefHow::Link, _) => vec![dir.to_string()],
                    // A CI job starts in the repository root, or its working directory.
                    (None, _, RefSource::Ci) => vec![String::new()],
                    (Some(cd), _, RefSource::Ci) => resolve_dir("", cd)
                        .filter(|_| !cd.starts_with(['/', '~']))
                        .filter(|d| index.root.join(d).is_dir())
                        .into_iter()
                        .collect(),
                    // After a literal `cd`, only that directory; outside the repository (an
                    // absolute path, a directory the repository does not have), nothing.
                    (Some(cd), _, _) => [*dir, ""]
                        .iter()
                        .filter(|_| !cd.starts_with(['/', '~']))
                        .filter_map(|b| resolve_dir(b, cd))
                        .filter(|d| index.root.join(d).is_dir())
                        .fold(Vec::new(), |mut v, d| {
                            if !v.contains(&d) {
                                v.push(d);
                            }
                            v
                        }),
                    // The working directory of a script or a documented command is unknown:
                    // the file's directory, one of its parents, or the root.
                    (None, _, _) => {
                        let mut b = ancestors(dir);
                        b.push(String::new());
                        b
                    }
                };
                if bases.is_empty() {
                    continue;
                }
                let places: Vec<String> = bases
                    .iter()
                    .filter_map(|b| resolve(b, &raw.written))
                    .collect();
                let Some(primary) = places.first().cloned() else {
                    continue; // leaves the repository
                };
                let state = if places.iter().any(|p| exists(index, p)) {
                    RefState::Exists
                } else if places.iter().any(|p| index.is_gitignored(p)) {
                    RefState::MissingIgnored
                } else {
                    RefState::Missing
                };
                let suggestion = (state == RefState::Missing)
                    .then(|| {
                        names
                            .get_or_insert_with(|| Names::new(index))
                            .suggest(&places)
                    })
                    .flatten();
                out.refs.push(FileRef {
                    file: rel.to_string(),
                    line: raw.line,
                    written: raw.written,
                    resolved: primary,
                    source: *source,
                    state,
                    suggestion,
                });
            }
        }
        out
    }
}

#[async_trait::async_trait]
impl Fact for FileRefs {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        // The docs fact parses the markdown once for both; without it, parse here.
        let docs = facts.get::<RepoDocs>().await.ok();
        let mut refs =
            tokio::task::spawn_blocking(move || FileRefs::build(&index, docs.as_deref()))
                .await
                .map_err(|e| FactError::new(format!("reading file references failed: {e}")))?;
        // Asked after the references are read, so that reading does not wait for the builds.
        if let Ok(builds) = facts.get::<crate::dockerfile::DockerBuilds>().await {
            refs.leave_out_scripts_run_in_images(&builds.files_copied_by_name());
        }
        Ok(refs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(refs: &[RawRef]) -> Vec<(u32, &str)> {
        refs.iter().map(|r| (r.line, r.written.as_str())).collect()
    }

    #[test]
    fn what_a_script_runs_from_a_clone_is_another_repository() {
        assert_eq!(
            cloned_dirs(
                "git clone -b main https://x/org/suite.git\ngit clone git@h:o/r.git dest/\ngit clone --depth=1 $URL\n"
            ),
            vec!["suite".to_string(), "dest".to_string()]
        );
        let script =
            "git clone https://x/org/suite\n./suite/run.sh\n./mine.sh\ncd suite && ./inner.sh\n";
        let got: Vec<String> = shell_refs(script).into_iter().map(|r| r.written).collect();
        assert_eq!(got, vec!["./mine.sh".to_string()]);
    }

    #[test]
    fn pushd_moves_and_popd_loses_the_directory() {
        assert_eq!(cd_of("pushd tools"), Some(Some("tools".into())));
        assert_eq!(cd_of("popd"), Some(None));
    }

    #[test]
    fn a_braced_variable_is_part_of_its_word() {
        let line = "docker build -t ${IMAGE_TAG} -f ./${PHASE}install/Dockerfile .";
        assert!(shell_words(line).contains(&"./${PHASE}install/Dockerfile".to_string()));
        assert!(shell_refs(line).is_empty());
        let doc = "```shell\n$> docker build -f ./${PHASE}install/Dockerfile .\n```\n";
        assert!(markdown_refs(doc).is_empty());
        // A `{ ...; }` group still starts a command.
        let got: Vec<String> = shell_refs("{ ./a.sh; } && ${RUN:-x} ./b.sh\n")
            .into_iter()
            .map(|r| r.written)
            .collect();
        assert_eq!(got, ["./a.sh"]);
    }

    #[test]
    fn after_a_cd_golive_cannot_follow_a_script_is_not_read() {
        let script = "./first.sh\ncd \"$BUILD_DIR\"\n./lost.sh\ncd sub\n./still-lost.sh\n";
        let got: Vec<String> = shell_refs(script).into_iter().map(|r| r.written).collect();
        assert_eq!(got, ["./first.sh"]);
        let script = "pushd tools\n./a.sh\npopd\n./b.sh\n";
        let got: Vec<(String, Option<String>)> = shell_refs(script)
            .into_iter()
            .map(|r| (r.written, r.cwd))
            .collect();
        assert_eq!(got, [("./a.sh".to_string(), Some("tools".to_string()))]);
    }

    #[test]
    fn a_subshell_cd_holds_for_its_line() {
        let script = "(cd \"$X\" && ./there.sh)\n(cd web && ./build.sh)\n./here.sh\n";
        let got: Vec<(String, Option<String>)> = shell_refs(script)
            .into_iter()
            .map(|r| (r.written, r.cwd))
            .collect();
        assert_eq!(
            got,
            [
                ("./build.sh".to_string(), Some("web".to_string())),
                ("./here.sh".to_string(), None)
            ]
        );
    }

    #[test]
    fn the_scripts_own_directory_is_followed() {
        let cwd_of = |script: &str| -> Vec<Option<String>> {
            shell_refs(script).into_iter().map(|r| r.cwd).collect()
        };
        let dot = |d: &str| vec![Some(d.to_string())];
        assert_eq!(cwd_of("cd \"$(dirname \"$0\")\"\n./x.sh\n"), dot("."));
        assert_eq!(cwd_of("cd \"$(dirname \"$0\")/..\"\n./x.sh\n"), dot("./.."));
        assert_eq!(cwd_of("cd \"${0%/*}\"/../app\n./x.sh\n"), dot("./../app"));
        assert_eq!(
            cwd_of(
                "DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")/..\" && pwd)\"\ncd \"$DIR\"\n./x.sh\n"
            ),
            dot("./..")
        );
        assert_eq!(
            cwd_of("ROOT=$(git rev-parse --show-toplevel)\ncd \"${ROOT}/deploy\"\n./x.sh\n"),
            dot("./deploy")
        );
        // A variable set from something else is not followed.
        assert!(cwd_of("DIR=$(mktemp -d)\ncd \"$DIR\"\n./x.sh\n").is_empty());
        // A literal `cd` after another goes on from it.
        assert_eq!(cwd_of("cd deploy\ncd k8s\n./x.sh\n"), dot("deploy/k8s"));
    }

    #[test]
    fn directories_resolve_to_the_root_but_not_above() {
        assert_eq!(resolve_dir("scripts", ".."), Some(String::new()));
        assert_eq!(resolve_dir("", "."), Some(String::new()));
        assert_eq!(resolve_dir("a/b", "./../c"), Some("a/c".to_string()));
        assert_eq!(resolve_dir("", ".."), None);
        assert_eq!(resolve("scripts", ".."), None);
    }

    #[test]
    fn files_a_script_writes_before_running_are_not_references() {
        let text = "curl -sSL https://example.com/get.sh -o get.sh\nbash get.sh\nwget -O tools/x.sh https://e/x\n./tools/x.sh\ncurl https://e/y > ./y.sh && chmod +x ./y.sh && ./y.sh\ncp templates/run.sh ./run.sh\n./run.sh\n./scripts/real.sh\n";
        let written: Vec<String> = shell_refs(text).into_iter().map(|r| r.written).collect();
        assert_eq!(written, ["./scripts/real.sh"]);
    }

    #[test]
    fn path_shapes() {
        for ok in [
            "scripts/backup.sh",
            "./deploy.sh",
            "docs/RUNBOOK.md",
            "k8s/Dockerfile",
        ] {
            assert!(looks_like_repo_file(ok, true), "{ok}");
        }
        for no in [
            "/etc/nginx/nginx.conf",
            "https://x.io/a.sh",
            "${DIR}/x.sh",
            "scripts/*.sh",
            "~/x.sh",
            "api/v1/users",
            "application/json",
            ".env.production",
            "dist/index.js",
            "node_modules/.bin/x.js",
            "docs.example.com/x.md",
            "settings.py",
            "deploy.sh",
            "--file=x.sh",
            "x.sh:12",
        ] {
            assert!(!looks_like_repo_file(no, true), "{no}");
        }
    }

    #[test]
    fn commands() {
        assert_eq!(
            command_refs("./scripts/migrate.sh --mode full && echo ok"),
            vec!["./scripts/migrate.sh"]
        );
        assert_eq!(
            command_refs("FOO=1 bash -e scripts/x.sh; sh y.sh"),
            vec!["scripts/x.sh", "y.sh"]
        );
        assert_eq!(command_refs("source lib/common.sh"), vec!["lib/common.sh"]);
        assert_eq!(command_refs(". ./lib.sh"), vec!["./lib.sh"]);
        assert!(command_refs("bash -c './x.sh'").is_empty());
        assert!(command_refs("echo ./x.sh").is_empty());
        assert!(command_refs("source ~/.bashrc").is_empty());
        assert!(command_refs("source .env").is_empty());
        assert!(command_refs("\"$DIR/x.sh\"").is_empty());
        assert!(command_refs("/usr/local/bin/x.sh").is_empty());
        assert!(command_refs("# ./commented.sh").is_empty());
        assert_eq!(
            command_refs("if ./check.sh; then ./go.sh; fi"),
            vec!["./check.sh", "./go.sh"]
        );
        assert!(command_refs("python -m alembic upgrade head").is_empty());
        assert_eq!(
            command_refs("python3 scripts/seed.py"),
            vec!["scripts/seed.py"]
        );
    }

    #[test]
    fn shell_scripts_skip_heredocs_and_tested_paths() {
        let s = "#!/bin/sh\nset -e\n./scripts/a.sh\ncat <<EOF\n./scripts/not-a-command.sh\nEOF\n[ -f ./local.sh ] && . ./local.sh\nbash \\\n  scripts/b.sh\n";
        assert_eq!(
            written(&shell_refs(s)),
            vec![(3, "./scripts/a.sh"), (8, "scripts/b.sh")]
        );
    }

    #[test]
    fn makefiles_and_package_json() {
        let m = "deploy: build\n\t@./scripts/deploy.sh $(ENV)\n\t-bash scripts/notify.sh\nVAR = ./not-a-recipe.sh\n";
        assert_eq!(
            written(&makefile_refs(m)),
            vec![(2, "./scripts/deploy.sh"), (3, "scripts/notify.sh")]
        );
        let p = "{\n  \"name\": \"x\",\n  \"scripts\": {\n    \"start\": \"node dist/index.js\",\n    \"migrate\": \"./scripts/migrate.sh\"\n  }\n}\n";
        assert_eq!(
            written(&package_json_refs(p).unwrap()),
            vec![(5, "./scripts/migrate.sh")]
        );
        assert!(package_json_refs("{").is_err());
    }

    #[test]
    fn markdown_links_code_and_shell_blocks() {
        let md = "# Runbook\n\n- [ ] Backups (see `scripts/backup_database.sh`)\n- See [the DR plan](docs/DR.md#restore) and [site](https://x.io/a.md)\n\n```bash\n./scripts/smoke.sh --env prod\n```\n\n```yaml\nrun: ./scripts/not-shell.sh\n```\n\n```console\n$ ./scripts/prompted.sh\n./scripts/output-line.sh\n```\n\nRun `bash scripts/restore.sh --latest` or `echo hi`.\n";
        assert_eq!(
            written(&markdown_refs(md)),
            vec![
                (3, "scripts/backup_database.sh"),
                (4, "docs/DR.md"),
                (7, "./scripts/smoke.sh"),
                (15, "./scripts/prompted.sh"),
                (19, "scripts/restore.sh"),
            ]
        );
    }

    #[test]
    fn operational_documents_only() {
        for yes in [
            "README.md",
            "docs/RUNBOOK.md",
            "PRODUCTION_CHECKLIST.md",
            "docs/DISASTER_RECOVERY.md",
            "docs/runbooks/database.md",
            "ops/restart.md",
            "DEPLOYMENT.md",
        ] {
            assert!(is_markdown_source(yes), "{yes}");
        }
        for no in [
            "CHANGELOG.md",
            "release-notes.md",
            "docs/checks/DOCKER006.md",
            "docs/ARCHITECTURE.md",
            "docs/comparison.md",
        ] {
            assert!(!is_markdown_source(no), "{no}");
        }
        // In prose, a command-position path must be clearly a file.
        assert!(markdown_refs("```\nsys/mounts/secret -> kv\n```\n").is_empty());
        assert_eq!(markdown_refs("`scripts/go.sh now`\n").len(), 1);
    }

    #[test]
    fn resolution_stays_inside() {
        assert_eq!(
            resolve("docs", "../scripts/x.sh").as_deref(),
            Some("scripts/x.sh")
        );
        assert_eq!(resolve("", "../x.sh"), None);
        assert_eq!(resolve("", "./x.sh").as_deref(), Some("x.sh"));
    }

    #[test]
    fn odd_inputs_never_panic() {
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let alphabet = b"ab./-_ \n\t`[]()#$<>{}\"'\\;&|:*=~mdsh@!\xc3\xa9";
        for i in 0..3000 {
            let mut bytes = Vec::new();
            for _ in 0..(i % 120) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let s = String::from_utf8_lossy(&bytes);
            let lines = s.lines().count() as u32 + 1;
            for r in markdown_refs(&s)
                .into_iter()
                .chain(shell_refs(&s))
                .chain(makefile_refs(&s))
                .chain(package_json_refs(&s).unwrap_or_default())
            {
                assert!(r.line >= 1 && r.line <= lines, "{s:?} {r:?}");
            }
        }
    }
}
