//! A Dockerfile parser of our own: parser directives (`# escape=`), line continuations with
//! the escape character, comments inside continuations, heredocs (`<<EOF`, `<<-EOF`, quoted
//! delimiters), exec and shell forms, flags, and multi-stage builds. It never fails: problems
//! are collected with their line and parsing goes on.

use crate::repo_index::{FileKind, RepoIndex};
use golive_core::{Fact, FactError, Facts};
use std::collections::BTreeMap;

/// Instructions past this many are ignored (and reported): a run stays bounded.
pub const MAX_INSTRUCTIONS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `["exe", "arg"]`
    Exec(Vec<String>),
    /// `exe arg`, run by the shell.
    Shell(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: String,
    /// 1-based line of the first body line.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased keyword (`FROM`, `COPY`, ...).
    pub keyword: String,
    /// `--name=value` flags before the arguments (`--from=build`, `--chown=app`).
    pub flags: Vec<(String, String)>,
    /// The arguments after the flags, continuation lines joined with a space.
    pub args: String,
    pub form: Form,
    pub heredocs: Vec<Heredoc>,
    /// 1-based line of the keyword.
    pub line: u32,
    /// Index of the stage the instruction belongs to; `None` before the first `FROM`.
    pub stage: Option<usize>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whitespace-separated words of a shell-form argument list, honouring simple quotes.
    pub fn words(&self) -> Vec<String> {
        match &self.form {
            Form::Exec(v) => v.clone(),
            Form::Shell(s) => split_words(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit compares it.
    pub name: Option<String>,
    /// The image reference as written (`python:${PY}-slim`).
    pub base_raw: String,
    /// The reference with build arguments declared before the first `FROM` substituted; `None`
    /// when a variable has no default.
    pub base: Option<String>,
    /// Index of an earlier stage this one builds on (`FROM builder`).
    pub parent_stage: Option<usize>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileError {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub directives: BTreeMap<String, String>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// `ARG`s declared before the first `FROM`, with their defaults.
    pub global_args: BTreeMap<String, Option<String>>,
    pub errors: Vec<DockerfileError>,
}

const KNOWN: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

impl Dockerfile {
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The instructions of a stage.
    pub fn stage_instructions(&self, stage: usize) -> impl Iterator<Item = &Instruction> {
        self.instructions
            .iter()
            .filter(move |i| i.stage == Some(stage))
    }

    /// The stage and its ancestors inside this file, nearest first.
    pub fn stage_chain(&self, stage: usize) -> Vec<usize> {
        let mut out = vec![stage];
        let mut cur = stage;
        while let Some(p) = self.stages.get(cur).and_then(|s| s.parent_stage) {
            if out.contains(&p) || out.len() > self.stages.len() {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    /// The last instruction named `keyword` that applies to `stage`, looking into the stages
    /// it builds on.
    pub fn effective(&self, stage: usize, keyword: &str) -> Option<&Instruction> {
        for s in self.stage_chain(stage) {
            if let Some(i) = self
                .stage_instructions(s)
                .filter(|i| i.keyword == keyword)
                .last()
            {
                return Some(i);
            }
        }
        None
    }

    /// The external image the final stage's chain starts from.
    pub fn root_base(&self, stage: usize) -> Option<&Stage> {
        self.stage_chain(stage)
            .last()
            .and_then(|&i| self.stages.get(i))
    }
}

/// Splits on whitespace, keeping quoted parts together (quotes removed).
pub fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut has = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                has = true;
            }
            None if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            None => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn parse_directive(line: &str) -> Option<(String, String)> {
    let body = line.trim().strip_prefix('#')?;
    let (k, v) = body.split_once('=')?;
    let k = k.trim();
    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((k.to_ascii_lowercase(), v.trim().to_string()))
}

/// Heredoc delimiters an instruction line opens: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`.
fn heredoc_openers(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let bytes = args.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) == Some(&b'<') && bytes.get(i + 1) == Some(&b'<') {
            // `<<<` is a here-string, not a heredoc.
            if bytes.get(i + 2) == Some(&b'<') {
                i += 3;
                continue;
            }
            let mut j = i + 2;
            let strip = bytes.get(j) == Some(&b'-');
            if strip {
                j += 1;
            }
            let quote = match bytes.get(j) {
                Some(b'"') => Some(b'"'),
                Some(b'\'') => Some(b'\''),
                _ => None,
            };
            if quote.is_some() {
                j += 1;
            }
            let start = j;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
            {
                j += 1;
            }
            if j > start && (bytes[start].is_ascii_alphabetic() || bytes[start] == b'_') {
                if let Some(d) = args.get(start..j) {
                    out.push((d.to_string(), strip));
                }
                if let Some(q) = quote
                    && bytes.get(j) == Some(&q)
                {
                    j += 1;
                }
            }
            i = j.max(i + 2);
            continue;
        }
        i += 1;
    }
    out
}

fn takes_heredoc(keyword: &str) -> bool {
    matches!(keyword, "RUN" | "COPY" | "ADD")
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR-default}` from `vars`; `None`
/// when a variable is unknown and has no default.
pub fn substitute(s: &str, vars: &BTreeMap<String, Option<String>>) -> Option<String> {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let close = chars[i + 2..].iter().position(|&c| c == '}')?;
            let inner: String = chars[i + 2..i + 2 + close].iter().collect();
            let (name, default) = if let Some(p) = inner.find(":-") {
                (&inner[..p], Some(&inner[p + 2..]))
            } else if let Some(p) = inner.find('-') {
                (&inner[..p], Some(&inner[p + 1..]))
            } else if let Some(p) = inner.find(":+") {
                // `${VAR:+alt}`: alt when set; we cannot know, so give up.
                let _ = p;
                return None;
            } else {
                (inner.as_str(), None)
            };
            match (vars.get(name).cloned().flatten(), default) {
                (Some(v), _) if !v.is_empty() => out.push_str(&v),
                (_, Some(d)) => out.push_str(d),
                (Some(v), None) => out.push_str(&v),
                (None, None) => return None,
            }
            i += 3 + close;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
            j += 1;
        }
        if j == start {
            out.push('$');
            i += 1;
            continue;
        }
        let name: String = chars[start..j].iter().collect();
        out.push_str(&vars.get(&name).cloned().flatten()?);
        i = j;
    }
    Some(out)
}

fn split_flags(args: &str) -> (Vec<(String, String)>, String) {
    let mut flags = Vec::new();
    let mut rest = args.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let flag = &after[..end];
        let (n, v) = flag.split_once('=').unwrap_or((flag, ""));
        flags.push((n.to_ascii_lowercase(), v.trim_matches('"').to_string()));
        rest = after[end..].trim_start();
    }
    (flags, rest.to_string())
}

fn parse_form(args: &str) -> Form {
    let t = args.trim();
    if t.starts_with('[')
        && let Ok(v) = serde_json::from_str::<Vec<String>>(t)
    {
        return Form::Exec(v);
    }
    Form::Shell(t.to_string())
}

/// Parses Dockerfile text. Never fails and never panics.
pub fn parse(text: &str) -> Dockerfile {
    let mut df = Dockerfile::default();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut i = 0usize;
    // Parser directives: only at the very top, before any blank line, comment or instruction.
    while i < lines.len() {
        let l = if i == 0 {
            lines[i].trim_start_matches('\u{feff}')
        } else {
            lines[i]
        };
        match parse_directive(l) {
            Some((k, v)) if matches!(k.as_str(), "syntax" | "escape" | "check") => {
                df.directives.insert(k, v);
                i += 1;
            }
            _ => break,
        }
    }
    let escape = match df.directives.get("escape").map(String::as_str) {
        Some("`") => '`',
        Some("\\") | None => '\\',
        Some(other) => {
            df.errors.push(DockerfileError {
                line: 1,
                message: format!("invalid escape directive {other:?}: use \\ or `"),
            });
            '\\'
        }
    };
    let mut stage: Option<usize> = None;
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    while i < lines.len() {
        let start_line = (i + 1) as u32;
        let first = if i == 0 {
            lines[i].trim_start_matches('\u{feff}')
        } else {
            lines[i]
        };
        i += 1;
        let t = first.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        // Gather continuation lines.
        let mut logical = String::new();
        let mut cur = first.to_string();
        loop {
            let trimmed = cur.trim_end();
            if let Some(body) = trimmed.strip_suffix(escape) {
                logical.push_str(body);
                logical.push(' ');
                // Next non-comment, non-empty line continues.
                let mut next = None;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let lt = l.trim();
                    if lt.starts_with('#') || lt.is_empty() {
                        continue;
                    }
                    next = Some(l.to_string());
                    break;
                }
                match next {
                    Some(n) => cur = n,
                    None => {
                        df.errors.push(DockerfileError {
                            line: start_line,
                            message: "line continuation at end of file".into(),
                        });
                        break;
                    }
                }
            } else {
                logical.push_str(trimmed);
                break;
            }
        }
        let logical = logical.trim();
        let (kw, rest) = match logical.find(char::is_whitespace) {
            Some(p) => (&logical[..p], logical[p..].trim()),
            None => (logical, ""),
        };
        let keyword = kw.to_ascii_uppercase();
        if !KNOWN.contains(&keyword.as_str()) {
            df.errors.push(DockerfileError {
                line: start_line,
                message: format!("unknown instruction {}", truncate(kw, 40)),
            });
            continue;
        }
        let mut heredocs = Vec::new();
        if takes_heredoc(&keyword) {
            for (delim, strip) in heredoc_openers(rest) {
                let body_line = (i + 1) as u32;
                let mut body = String::new();
                let mut closed = false;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let cmp = if strip { l.trim_start_matches('\t') } else { l };
                    if cmp == delim {
                        closed = true;
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                }
                if !closed {
                    df.errors.push(DockerfileError {
                        line: start_line,
                        message: format!("heredoc <<{} is never closed", truncate(&delim, 40)),
                    });
                }
                heredocs.push(Heredoc {
                    delimiter: delim,
                    body,
                    line: body_line,
                });
            }
        }
        if df.instructions.len() >= MAX_INSTRUCTIONS {
            df.errors.push(DockerfileError {
                line: start_line,
                message: format!("more than {MAX_INSTRUCTIONS} instructions; the rest is ignored"),
            });
            break;
        }
        let (flags, args) = match keyword.as_str() {
            "FROM" | "COPY" | "ADD" | "RUN" | "HEALTHCHECK" => split_flags(rest),
            _ => (Vec::new(), rest.to_string()),
        };
        if keyword == "FROM" {
            let words = split_words(&args);
            let base_raw = words.first().cloned().unwrap_or_default();
            if base_raw.is_empty() {
                df.errors.push(DockerfileError {
                    line: start_line,
                    message: "FROM without an image".into(),
                });
            }
            let name = match (words.get(1), words.get(2)) {
                (Some(a), Some(n)) if a.eq_ignore_ascii_case("as") => Some(n.to_ascii_lowercase()),
                _ => None,
            };
            let base = substitute(&base_raw, &df.global_args);
            let parent_stage = base
                .as_deref()
                .and_then(|b| names.get(&b.to_ascii_lowercase()).copied());
            let index = df.stages.len();
            if let Some(n) = &name {
                names.insert(n.clone(), index);
            }
            df.stages.push(Stage {
                index,
                name,
                base_raw,
                base,
                parent_stage,
                line: start_line,
            });
            stage = Some(index);
        } else if keyword == "ARG" && stage.is_none() {
            for w in split_words(&args) {
                let (n, v) = match w.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (w.clone(), None),
                };
                df.global_args.insert(n, v);
            }
        } else if stage.is_none() {
            df.errors.push(DockerfileError {
                line: start_line,
                message: format!("{keyword} before the first FROM"),
            });
        }
        let form = parse_form(&args);
        df.instructions.push(Instruction {
            keyword,
            flags,
            args,
            form,
            heredocs,
            line: start_line,
            stage,
        });
    }
    if df.stages.is_empty() && df.errors.is_empty() {
        df.errors.push(DockerfileError {
            line: 1,
            message: "no FROM instruction".into(),
        });
    }
    df
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n).collect();
        format!("{t}…")
    }
}

/// `KEY=value KEY2="v 2"` or the legacy `KEY value` of `ENV` and `LABEL`.
pub fn key_values(args: &str) -> Vec<(String, String)> {
    let words = split_words(args);
    if words.first().is_some_and(|w| !w.contains('=')) {
        let key = words[0].clone();
        let rest = args.trim_start()[args
            .trim_start()
            .find(char::is_whitespace)
            .unwrap_or(args.trim_start().len())..]
            .trim()
            .to_string();
        return vec![(key, rest)];
    }
    words
        .into_iter()
        .filter_map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// A parsed image reference: `registry/name:tag@digest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.is_empty() || s.contains(char::is_whitespace) {
            return None;
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        // A ':' after the last '/' is a tag; one before it is a registry port.
        let slash = rest.rfind('/').map(|p| p + 1).unwrap_or(0);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(p) => (
                rest[..slash + p].to_string(),
                Some(rest[slash + p + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        Some(Self { name, tag, digest })
    }

    /// The last path component, lower-cased (`library/postgres` → `postgres`).
    pub fn short_name(&self) -> String {
        self.name
            .rsplit('/')
            .next()
            .unwrap_or(&self.name)
            .to_ascii_lowercase()
    }

    /// Why the reference is not pinned, or `None` when it is (a digest, or a tag other than
    /// `latest`).
    pub fn unpinned_reason(&self) -> Option<&'static str> {
        if self.digest.is_some() {
            return None;
        }
        match self.tag.as_deref() {
            None => Some("has no tag (it means latest)"),
            Some(t) if t.eq_ignore_ascii_case("latest") => Some("uses the latest tag"),
            Some("") => Some("has an empty tag"),
            Some(_) => None,
        }
    }
}

/// One Dockerfile of the repository, parsed.
#[derive(Debug, Clone)]
pub struct DockerfileEntry {
    pub rel: String,
    pub parsed: Dockerfile,
    pub read_error: Option<String>,
}

impl DockerfileEntry {
    pub fn dir(&self) -> &str {
        match self.rel.rfind('/') {
            Some(i) => &self.rel[..i],
            None => "",
        }
    }
}

/// Every Dockerfile in the repository index.
#[derive(Debug, Clone, Default)]
pub struct Dockerfiles {
    pub files: Vec<DockerfileEntry>,
}

impl Dockerfiles {
    pub fn collect_from(index: &RepoIndex) -> Self {
        let files = index
            .of_kind(FileKind::Dockerfile)
            .map(|f| match index.read_text(&f.rel) {
                Ok(text) => DockerfileEntry {
                    rel: f.rel.clone(),
                    parsed: parse(&text),
                    read_error: None,
                },
                Err(e) => DockerfileEntry {
                    rel: f.rel.clone(),
                    parsed: Dockerfile::default(),
                    read_error: Some(e.message),
                },
            })
            .collect();
        Self { files }
    }
}

#[async_trait::async_trait]
impl Fact for Dockerfiles {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || Dockerfiles::collect_from(&index))
            .await
            .map_err(|e| FactError::new(format!("reading Dockerfiles failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_stage_with_continuations_and_forms() {
        let df = parse(
            "# syntax=docker/dockerfile:1\nARG PY=3.12\nFROM python:${PY}-slim AS build\nRUN pip install \\\n  # a comment inside\n  flask\nFROM build\nUSER app\nCMD [\"gunicorn\", \"app:app\"]\nENTRYPOINT ./run.sh --x\n",
        );
        assert_eq!(
            df.directives.get("syntax").map(String::as_str),
            Some("docker/dockerfile:1")
        );
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].base.as_deref(), Some("python:3.12-slim"));
        assert_eq!(df.stages[1].parent_stage, Some(0));
        let run = &df.instructions[2];
        assert_eq!(run.keyword, "RUN");
        assert_eq!(run.line, 4);
        assert!(run.args.contains("flask"));
        let cmd = df.instructions.iter().find(|i| i.keyword == "CMD").unwrap();
        assert_eq!(
            cmd.form,
            Form::Exec(vec!["gunicorn".into(), "app:app".into()])
        );
        assert_eq!(cmd.line, 9);
        let ep = df
            .instructions
            .iter()
            .find(|i| i.keyword == "ENTRYPOINT")
            .unwrap();
        assert_eq!(ep.form, Form::Shell("./run.sh --x".into()));
        assert_eq!(
            df.effective(1, "USER").map(|u| u.args.as_str()),
            Some("app")
        );
    }

    #[test]
    fn escape_directive_and_heredocs() {
        let df = parse(
            "# escape=`\nFROM alpine:3.20\nRUN echo a `\n  b\nCOPY <<EOF /etc/x.conf\nline <<NOT\nEOF\nRUN <<-'SH' bash\n\tset -e\n\techo hi\n\tSH\nUSER 1000\n",
        );
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let kws: Vec<(&str, u32)> = df
            .instructions
            .iter()
            .map(|i| (i.keyword.as_str(), i.line))
            .collect();
        assert_eq!(
            kws,
            vec![
                ("FROM", 2),
                ("RUN", 3),
                ("COPY", 5),
                ("RUN", 8),
                ("USER", 12)
            ]
        );
        assert_eq!(df.instructions[2].heredocs[0].body, "line <<NOT\n");
        assert_eq!(df.instructions[3].heredocs[0].delimiter, "SH");
        assert_eq!(df.instructions[3].heredocs[0].body, "set -e\necho hi\n");
    }

    #[test]
    fn errors_carry_lines_and_parsing_goes_on() {
        let df = parse("FROM alpine\nBOGUS thing\nRUN echo \\\n");
        assert_eq!(df.errors.len(), 2);
        assert_eq!(df.errors[0].line, 2);
        assert!(df.instructions.iter().any(|i| i.keyword == "RUN"));
        assert!(!parse("").errors.is_empty());
        let unclosed = parse("FROM a:1\nRUN <<EOF\necho\n");
        assert!(unclosed.errors[0].message.contains("never closed"));
    }

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("registry:5000/team/api").unwrap();
        assert_eq!(
            (r.name.as_str(), r.tag.as_deref()),
            ("registry:5000/team/api", None)
        );
        assert!(r.unpinned_reason().is_some());
        assert!(
            ImageRef::parse("python:latest")
                .unwrap()
                .unpinned_reason()
                .is_some()
        );
        assert!(
            ImageRef::parse("python@sha256:abc")
                .unwrap()
                .unpinned_reason()
                .is_none()
        );
        assert!(
            ImageRef::parse("python:3.12-slim")
                .unwrap()
                .unpinned_reason()
                .is_none()
        );
        assert_eq!(
            ImageRef::parse("docker.io/library/Redis:7")
                .unwrap()
                .short_name(),
            "redis"
        );
    }

    #[test]
    fn key_values_both_forms() {
        assert_eq!(
            key_values("A=1 B=\"two words\""),
            vec![("A".into(), "1".into()), ("B".into(), "two words".into())]
        );
        assert_eq!(
            key_values("SECRET some value"),
            vec![("SECRET".into(), "some value".into())]
        );
    }

    #[test]
    fn substitution() {
        let mut vars = BTreeMap::new();
        vars.insert("A".to_string(), Some("1".to_string()));
        vars.insert("B".to_string(), None);
        assert_eq!(substitute("x:$A-${B:-d}", &vars).as_deref(), Some("x:1-d"));
        assert_eq!(substitute("x:${C}", &vars), None);
        assert_eq!(substitute("${unterminated", &vars), None);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let samples = [
            "",
            "\\",
            "FROM",
            "FROM \\",
            "<<",
            "RUN <<",
            "RUN <<-",
            "RUN <<'",
            "RUN <<\"E",
            "COPY <<<x",
            "# escape=x\nFROM a",
            "FROM ${",
            "FROM $",
            "ENV",
            "ENV a",
            "FROM a AS",
            "\u{feff}FROM a",
            "FROM a\r\nRUN b\r\n",
            "RUN [\"a\"",
            "ÿ\\\n\\\n",
            "FROM é:ü@ß",
            "FROM a\nCOPY --from",
            "ARG =",
        ];
        for s in samples {
            let _ = parse(s);
            let _ = split_words(s);
            let _ = key_values(s);
            let _ = ImageRef::parse(s);
            let _ = substitute(s, &BTreeMap::new());
        }
        // Pseudo-random byte soup from Dockerfile-ish tokens.
        let tokens = [
            "FROM ",
            "RUN ",
            "COPY ",
            "<<",
            "-",
            "EOF",
            "\n",
            "\\",
            "`",
            "${",
            "}",
            "\"",
            "'",
            "[",
            "]",
            "# escape=`\n",
            " AS ",
            "x",
            "é",
            "\t",
            "=",
            ":",
            "@",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(tokens[(seed % tokens.len() as u64) as usize]);
            }
            let df = parse(&s);
            for st in &df.stages {
                let _ = df.stage_chain(st.index);
                let _ = df.effective(st.index, "USER");
            }
            let _ = substitute(&s, &BTreeMap::new());
            let _ = ImageRef::parse(&s);
        }
    }
}

/// Whether a source or script a Dockerfile names is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceStatus {
    Exists,
    Missing,
    /// Not there, but git-ignored: a build artifact made before `docker build`.
    Generated,
    /// Cannot be decided statically (variables).
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    pub line: u32,
    pub keyword: String,
    /// As written, relative to the build context.
    pub source: String,
    pub status: SourceStatus,
}

/// An env file the build would copy into the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvCopy {
    pub line: u32,
    /// The COPY/ADD source that takes it in.
    pub source: String,
    /// The env file, relative to the repository root.
    pub env_file: String,
    /// Named explicitly (`COPY .env.production .`) rather than swept in by a directory copy.
    pub explicit: bool,
}

/// What one Dockerfile's build takes from its context.
#[derive(Debug, Clone, Default)]
pub struct BuildInputs {
    pub dockerfile: String,
    /// The build context, relative to the root (`""` is the root).
    pub context: String,
    pub context_reason: String,
    pub sources: Vec<SourceRef>,
    pub env_copies: Vec<EnvCopy>,
    /// Line of a `COPY`/`ADD` of a whole directory of the context, if any.
    pub copies_directory: Option<(u32, String)>,
    /// Whether a `.dockerignore` applies and excludes `.env` files.
    pub dockerignore: Option<String>,
    pub dockerignore_excludes_env: bool,
}

fn join_rel(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn is_template_env(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    ["example", "sample", "template", "dist", "tpl", "defaults"]
        .iter()
        .any(|m| l.contains(m))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Sources of a COPY/ADD: every word but the destination, heredoc sources left out.
pub fn copy_sources(ins: &Instruction) -> Vec<String> {
    let mut words = ins.words();
    if words.len() < 2 {
        return Vec::new();
    }
    words.pop();
    words.into_iter().filter(|w| !w.starts_with("<<")).collect()
}

struct Ignore {
    rel: String,
    matcher: ignore::gitignore::Gitignore,
}

impl Ignore {
    fn load(index: &RepoIndex, rel: &str, base: &str) -> Option<Self> {
        if index.get(rel).is_none() && !index.root.join(rel).is_file() {
            return None;
        }
        let mut b = ignore::gitignore::GitignoreBuilder::new(index.root.join(base));
        let text = index.read_text(rel).ok()?;
        for line in text.lines() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            // .dockerignore patterns are anchored at the context root, like `/pattern` in git.
            let anchored = if let Some(neg) = l.strip_prefix('!') {
                format!("!/{}", neg.trim_start_matches('/'))
            } else if l.starts_with("**") {
                l.to_string()
            } else {
                format!("/{}", l.trim_start_matches('/'))
            };
            let _ = b.add_line(None, &anchored);
        }
        b.build().ok().map(|matcher| Self {
            rel: rel.to_string(),
            matcher,
        })
    }

    fn ignores(&self, root: &std::path::Path, rel: &str) -> bool {
        self.matcher
            .matched_path_or_any_parents(root.join(rel), false)
            .is_ignore()
    }
}

fn source_status(index: &RepoIndex, context: &str, src: &str) -> SourceStatus {
    if src.contains('$') {
        return SourceStatus::Unknown(format!("{src} uses a variable"));
    }
    let rel = join_rel(context, src);
    let root = &index.root;
    if has_glob(&rel) {
        let Ok(glob) = globset::GlobBuilder::new(&rel)
            .literal_separator(true)
            .build()
        else {
            return SourceStatus::Unknown(format!("{src} is not a valid pattern"));
        };
        let m = glob.compile_matcher();
        if index.files.iter().any(|f| m.is_match(&f.rel)) {
            return SourceStatus::Exists;
        }
        let parent = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        if let Ok(rd) = std::fs::read_dir(root.join(parent)) {
            for e in rd.flatten() {
                let p = join_rel(parent, &e.file_name().to_string_lossy());
                if m.is_match(&p) {
                    return SourceStatus::Exists;
                }
            }
        }
        return SourceStatus::Missing;
    }
    if root.join(&rel).exists() {
        SourceStatus::Exists
    } else if index.is_gitignored(&rel) {
        SourceStatus::Generated
    } else {
        SourceStatus::Missing
    }
}

/// Env files present in the context, relative to the root: the indexed ones and the
/// (usually git-ignored) ones in the context directory itself.
fn env_files_in(index: &RepoIndex, context: &str) -> Vec<String> {
    let prefix = if context.is_empty() {
        String::new()
    } else {
        format!("{context}/")
    };
    let mut out: Vec<String> = index
        .of_kind(FileKind::EnvFile)
        .filter(|f| f.rel.starts_with(&prefix))
        .map(|f| f.rel.clone())
        .collect();
    if let Ok(rd) = std::fs::read_dir(index.root.join(context)) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if crate::repo_index::is_env_file_name(&name.to_ascii_lowercase())
                && e.file_type().is_ok_and(|t| t.is_file())
            {
                out.push(join_rel(context, &name));
            }
        }
    }
    out.retain(|r| !is_template_env(r.rsplit('/').next().unwrap_or(r)));
    out.sort();
    out.dedup();
    out
}

impl BuildInputs {
    /// Resolves what `f` takes from its build context. `declared` are contexts other files name
    /// for this Dockerfile (compose `build.context`), with the reason.
    pub fn analyse(index: &RepoIndex, f: &DockerfileEntry, declared: &[(String, String)]) -> Self {
        let df = &f.parsed;
        let copies: Vec<&Instruction> = df
            .instructions
            .iter()
            .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none())
            .collect();
        let mut candidates: Vec<(String, String)> = declared.to_vec();
        if candidates.is_empty() {
            candidates.push((f.dir().to_string(), "the Dockerfile's directory".into()));
            if !f.dir().is_empty() {
                candidates.push((String::new(), "the repository root".into()));
            }
        }
        // The context is the candidate in which most named sources exist.
        let mut best = 0usize;
        let mut best_hits = 0usize;
        for (ci, (ctx, _)) in candidates.iter().enumerate() {
            let hits = copies
                .iter()
                .flat_map(|i| copy_sources(i))
                .filter(|s| !s.contains("://") && !s.contains('$'))
                .filter(|s| index.root.join(join_rel(ctx, s)).exists())
                .count();
            if hits > best_hits {
                best = ci;
                best_hits = hits;
            }
        }
        let (context, context_reason) =
            candidates.swap_remove(best.min(candidates.len().saturating_sub(1)));
        let root = &index.root;
        let df_ignore = format!("{}.dockerignore", f.rel);
        let ignore = Ignore::load(index, &df_ignore, &context)
            .or_else(|| Ignore::load(index, &join_rel(&context, ".dockerignore"), &context));
        let envs = env_files_in(index, &context);
        let mut out = BuildInputs {
            dockerfile: f.rel.clone(),
            context: context.clone(),
            context_reason,
            dockerignore: ignore.as_ref().map(|i| i.rel.clone()),
            dockerignore_excludes_env: ignore.as_ref().is_some_and(|i| {
                i.ignores(root, &join_rel(&context, ".env"))
                    && i.ignores(root, &join_rel(&context, ".env.production"))
            }),
            ..Default::default()
        };
        // Only the final stage and the stages it builds on end up in the image.
        let shipped: Vec<usize> = df
            .final_stage()
            .map(|st| df.stage_chain(st.index))
            .unwrap_or_default();
        for ins in &copies {
            let in_image = ins.stage.is_some_and(|s| shipped.contains(&s));
            for src in copy_sources(ins) {
                if src.contains("://") || src.starts_with("git@") {
                    continue;
                }
                let status = source_status(index, &context, &src);
                let rel = join_rel(&context, &src);
                let name = rel.rsplit('/').next().unwrap_or(&rel).to_ascii_lowercase();
                if !in_image {
                    // A build stage's files reach the image only through `COPY --from`.
                } else if crate::repo_index::is_env_file_name(&name) && !is_template_env(&name) {
                    out.env_copies.push(EnvCopy {
                        line: ins.line,
                        source: src.clone(),
                        env_file: rel.clone(),
                        explicit: true,
                    });
                } else if status == SourceStatus::Exists
                    && (root.join(&rel).is_dir() || has_glob(&src))
                {
                    let m = if has_glob(&rel) {
                        globset::GlobBuilder::new(&rel)
                            .literal_separator(true)
                            .build()
                            .ok()
                            .map(|g| g.compile_matcher())
                    } else {
                        None
                    };
                    // A directory, or a glob that could take an env file (`*`, not `requirements*.txt`).
                    let parent = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                    let could_take_env = match &m {
                        Some(m) => [".env", ".env.production", "prod.env"]
                            .iter()
                            .any(|n| m.is_match(join_rel(parent, n))),
                        None => true,
                    };
                    if out.copies_directory.is_none() && could_take_env {
                        out.copies_directory = Some((ins.line, src.clone()));
                    }
                    for e in &envs {
                        let inside = match &m {
                            Some(m) => m.is_match(e),
                            None => rel.is_empty() || e.starts_with(&format!("{rel}/")),
                        };
                        let excluded = ignore.as_ref().is_some_and(|i| i.ignores(root, e));
                        if inside && !excluded && !out.env_copies.iter().any(|c| &c.env_file == e) {
                            out.env_copies.push(EnvCopy {
                                line: ins.line,
                                source: src.clone(),
                                env_file: e.clone(),
                                explicit: false,
                            });
                        }
                    }
                }
                out.sources.push(SourceRef {
                    line: ins.line,
                    keyword: ins.keyword.clone(),
                    source: src,
                    status,
                });
            }
        }
        // Scripts the image starts with, when named relative to the working directory.
        if let Some(last) = df.final_stage() {
            for kw in ["ENTRYPOINT", "CMD"] {
                let Some(ins) = df.effective(last.index, kw) else {
                    continue;
                };
                let Some(first) = ins.words().into_iter().next() else {
                    continue;
                };
                if first.starts_with('/')
                    || first.contains('$')
                    || !(first.ends_with(".sh") || first.starts_with("./"))
                {
                    continue;
                }
                let name = first.rsplit('/').next().unwrap_or(&first).to_string();
                let prefix = if context.is_empty() {
                    String::new()
                } else {
                    format!("{context}/")
                };
                let found = index
                    .files
                    .iter()
                    .any(|x| x.rel.starts_with(&prefix) && x.name() == name);
                let status = if found {
                    SourceStatus::Exists
                } else if index.is_gitignored(&join_rel(&context, &first)) {
                    SourceStatus::Generated
                } else {
                    SourceStatus::Missing
                };
                out.sources.push(SourceRef {
                    line: ins.line,
                    keyword: ins.keyword.clone(),
                    source: first,
                    status,
                });
            }
        }
        out
    }
}

/// Every deployable Dockerfile's build inputs, and where else its image is health-checked.
#[derive(Debug, Clone, Default)]
pub struct DockerBuilds {
    pub builds: Vec<BuildInputs>,
    /// Compose services building each Dockerfile: (dockerfile, compose file, line, service, healthcheck).
    pub compose_builds: Vec<crate::compose::BuildRef>,
    /// The first Kubernetes manifest or Helm template (in path order) that declares a liveness
    /// or readiness probe; empty when there is none or no Dockerfile to ask.
    pub probe_manifests: Vec<String>,
}

impl DockerBuilds {
    pub fn build(
        index: &RepoIndex,
        dockerfiles: &Dockerfiles,
        compose: &crate::compose::ComposeFiles,
    ) -> Self {
        let compose_builds = compose.build_refs();
        let builds = dockerfiles
            .files
            .iter()
            .filter(|f| {
                !crate::repo_index::is_test_or_example_path(&f.rel) && f.read_error.is_none()
            })
            .map(|f| {
                let mut declared: Vec<(String, String)> = Vec::new();
                for b in compose_builds
                    .iter()
                    .filter(|b| b.dockerfile.as_deref() == Some(f.rel.as_str()))
                {
                    if let Some(c) = &b.context
                        && !declared.iter().any(|(d, _)| d == c)
                    {
                        declared.push((
                            c.clone(),
                            format!("build context of service {} in {}", b.service, b.file),
                        ));
                    }
                }
                BuildInputs::analyse(index, f, &declared)
            })
            .collect();
        // Only Dockerfiles without a HEALTHCHECK look for a probe, and one is enough: stop at
        // the first instead of reading every YAML file of a Kubernetes-heavy tree.
        let probe_manifests = if dockerfiles.files.is_empty() {
            Vec::new()
        } else {
            index
                .files
                .iter()
                .filter(|f| {
                    matches!(f.kind, FileKind::Yaml)
                        && !f.is_test_or_example()
                        && f.size < 1_000_000
                })
                .find(|f| {
                    index
                        .read_text(&f.rel)
                        .map(|t| t.contains("livenessProbe:") || t.contains("readinessProbe:"))
                        .unwrap_or(false)
                })
                .map(|f| vec![f.rel.clone()])
                .unwrap_or_default()
        };
        Self {
            builds,
            compose_builds,
            probe_manifests,
        }
    }

    /// Files a build copies into its image by their own name (not by a directory around them),
    /// relative to the root. A script copied so runs in the image, from its working directory
    /// and among the image's files, not the repository's.
    pub fn files_copied_by_name(&self) -> std::collections::BTreeSet<String> {
        self.builds
            .iter()
            .flat_map(|b| {
                b.sources
                    .iter()
                    .filter(|s| s.status == SourceStatus::Exists && !has_glob(&s.source))
                    .map(|s| join_rel(&b.context, &s.source))
            })
            .collect()
    }

    pub fn inputs(&self, dockerfile: &str) -> Option<&BuildInputs> {
        self.builds.iter().find(|b| b.dockerfile == dockerfile)
    }
}

#[async_trait::async_trait]
impl Fact for DockerBuilds {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        let dockerfiles = facts.get::<Dockerfiles>().await?;
        let compose = facts.get::<crate::compose::ComposeFiles>().await?;
        tokio::task::spawn_blocking(move || DockerBuilds::build(&index, &dockerfiles, &compose))
            .await
            .map_err(|e| FactError::new(format!("resolving Docker build contexts failed: {e}")))
    }
}
