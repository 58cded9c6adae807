//! Compose files: parsed with line numbers (serde-saphyr `Spanned`), services resolved through
//! `extends`, and overlays merged as `docker compose -f base -f prod` would. Every value keeps
//! the file and line it came from, so a finding points at the overlay line that set it.
//! Top-level `include:` is followed (relative to the including file, never outside the
//! repository, bounded in depth and count), and included services keep their own file and line.

use crate::repo_index::{FileKind, RepoIndex, is_test_or_example_path};
use golive_core::{Fact, FactError, Facts};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Spanned, Tagged};
use std::fmt;
use std::sync::Arc;

/// A YAML value with the file and line it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub file: Arc<str>,
    /// Written with compose's `!reset` or `!override` tag: replaces, never merges.
    pub replace: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Every scalar as its text (`true`, `5432`, `redis:7`).
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// What serde-saphyr gives us before the file name is attached.
#[derive(Debug, Clone)]
enum Raw {
    Null,
    Scalar(String),
    Seq(Vec<Spanned<Tagged<Raw>>>),
    Map(Vec<(Spanned<Raw>, Spanned<Tagged<Raw>>)>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Scalar(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Scalar(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<Spanned<Tagged<Raw>>>()? {
            out.push(v);
        }
        Ok(Raw::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<Spanned<Raw>>()? {
            let v = map.next_value::<Spanned<Tagged<Raw>>>()?;
            out.push((k, v));
        }
        Ok(Raw::Map(out))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

fn tagged_node(raw: Spanned<Tagged<Raw>>, file: &Arc<str>) -> Node {
    let Tagged(value, tag) = raw.value;
    let replace = tag
        .as_deref()
        .is_some_and(|t| matches!(t.trim_start_matches('!'), "reset" | "override"));
    let mut n = to_node(
        Spanned {
            value,
            referenced: raw.referenced,
            defined: raw.defined,
        },
        file,
    );
    n.replace = replace;
    n
}

fn to_node(raw: Spanned<Raw>, file: &Arc<str>) -> Node {
    let line = u32::try_from(raw.referenced.line())
        .unwrap_or(u32::MAX)
        .max(1);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Scalar(s) => Value::Scalar(s),
        Raw::Seq(v) => Value::Seq(v.into_iter().map(|n| tagged_node(n, file)).collect()),
        Raw::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| (to_node(k, file), tagged_node(v, file)))
                .collect(),
        ),
    };
    Node {
        value,
        line,
        file: file.clone(),
        replace: false,
    }
}

/// A parse error with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub message: String,
}

/// Parses one YAML document with lines. Never panics; errors carry the line.
pub fn parse_yaml(text: &str, file: &str) -> Result<Node, YamlError> {
    let file: Arc<str> = Arc::from(file);
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            line: 1,
            file,
            replace: false,
        });
    }
    // Compose files are small: a tighter budget than the library's keeps alias bombs cheap.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 50_000;
    budget.max_aliases = 5_000;
    budget.max_total_scalar_bytes = 4 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(raw) => Ok(to_node(raw, &file)),
        Err(e) => {
            let line = e.location().map(|l| l.line()).unwrap_or(1);
            let msg = e.to_string();
            let first = msg.lines().next().unwrap_or("invalid YAML");
            let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
            Err(YamlError {
                line: u32::try_from(line).unwrap_or(1).max(1),
                message: first,
            })
        }
    }
}

impl Node {
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entry for `key`: key node and value node.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Every scalar under this node, with its node.
    pub fn scalars(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Scalar(_) => out.push(n),
                Value::Seq(v) => stack.extend(v.iter().rev()),
                Value::Map(m) => {
                    for (k, v) in m.iter().rev() {
                        stack.push(v);
                        stack.push(k);
                    }
                }
                Value::Null => {}
            }
        }
        out
    }
}

/// One variable reference in a compose value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// `${VAR:-default}` / `${VAR-default}`.
    pub default: Option<String>,
    /// `${VAR:?err}` / `${VAR?err}`: compose refuses to start without it.
    pub required: bool,
}

/// How deep `${A:-${B:-...}}` defaults are followed. Each level rescans the rest of the value for
/// its closing brace, so an unbounded depth made a 500 KB value of nested defaults quadratic (and
/// as deep in recursion as it was long); real files nest one or two levels.
pub const MAX_INTERPOLATION_DEPTH: usize = 8;

/// The `${VAR}`, `${VAR:-default}`, `${VAR:?err}`, `$VAR` references of a value (`$$` is a
/// literal dollar). References in defaults nested deeper than [`MAX_INTERPOLATION_DEPTH`] are
/// not listed.
pub fn var_refs(s: &str) -> Vec<VarRef> {
    var_refs_at(s, 0)
}

fn var_refs_at(s: &str, nesting: usize) -> Vec<VarRef> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                // Find the matching brace (defaults may nest `${A:-${B}}`).
                let mut depth = 0usize;
                let mut j = i + 1;
                let mut end = None;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let Some(end) = end else { break };
                let inner = &s[i + 2..end];
                let name_end = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let name = &inner[..name_end];
                let op = &inner[name_end..];
                let (default, required) =
                    if let Some(d) = op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
                        if nesting < MAX_INTERPOLATION_DEPTH {
                            out.extend(var_refs_at(d, nesting + 1));
                        }
                        (Some(d.to_string()), false)
                    } else if op.starts_with(":?") || op.starts_with('?') {
                        (None, true)
                    } else {
                        (None, false)
                    };
                if !name.is_empty() {
                    out.push(VarRef {
                        name: name.to_string(),
                        default,
                        required,
                    });
                }
                i = end + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                out.push(VarRef {
                    name: s[i + 1..j].to_string(),
                    default: None,
                    required: false,
                });
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// Interpolates with defaults only: `None` when a variable without a default is referenced, or
/// when defaults nest deeper than [`MAX_INTERPOLATION_DEPTH`] (undecided, not guessed).
pub fn with_defaults(s: &str) -> Option<String> {
    with_defaults_at(s, 0)
}

fn with_defaults_at(s: &str, nesting: usize) -> Option<String> {
    if nesting > MAX_INTERPOLATION_DEPTH {
        return None;
    }
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        out.push_str(&s[last..i]);
        match b.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(b'{') => {
                let mut depth = 0usize;
                let mut j = i + 1;
                let mut end = None;
                while j < b.len() {
                    if b[j] == b'{' {
                        depth += 1;
                    } else if b[j] == b'}' {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                    j += 1;
                }
                let j = end?;
                // Only the outer reference is used: its nested defaults are interpolated below.
                let refs = var_refs_at(&s[i..=j], MAX_INTERPOLATION_DEPTH);
                let r = refs.last()?;
                out.push_str(&with_defaults_at(r.default.as_deref()?, nesting + 1)?);
                i = j + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => return None,
            _ => {
                out.push('$');
                i += 1;
            }
        }
        last = i;
    }
    if last < s.len() {
        out.push_str(&s[last..]);
    }
    Some(out)
}

/// One compose file, parsed.
#[derive(Debug, Clone)]
pub struct ComposeFile {
    pub rel: String,
    pub root: Option<Node>,
    pub error: Option<YamlError>,
    /// The `project_directory` an `include:` gave this file: its relative paths resolve there.
    pub project_dir: Option<String>,
}

impl ComposeFile {
    pub fn new(rel: &str, text: &str) -> Self {
        match parse_yaml(text, rel) {
            Ok(root) => ComposeFile {
                rel: rel.to_string(),
                root: Some(root),
                error: None,
                project_dir: None,
            },
            Err(e) => ComposeFile {
                rel: rel.to_string(),
                root: None,
                error: Some(e),
                project_dir: None,
            },
        }
    }

    /// The directory relative paths of this file resolve against.
    pub fn dir(&self) -> &str {
        match &self.project_dir {
            Some(d) => d,
            None => self.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
        }
    }

    /// The `include:` entries of this file.
    pub fn includes(&self) -> Vec<Include> {
        let Some(inc) = self.root.as_ref().and_then(|r| r.get("include")) else {
            return Vec::new();
        };
        let own_dir = self.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let strings = |n: Option<&Node>| -> Vec<(String, u32)> {
            match n {
                None => Vec::new(),
                Some(n) => match n.str() {
                    Some(s) => vec![(s.to_string(), n.line)],
                    None => n
                        .items()
                        .iter()
                        .filter_map(|i| Some((i.str()?.to_string(), i.line)))
                        .collect(),
                },
            }
        };
        let items: Vec<&Node> = match inc.str() {
            Some(_) => vec![inc],
            None => inc.items().iter().collect(),
        };
        items
            .into_iter()
            .map(|it| {
                let (paths, project_dir, env_files) = if it.str().is_some() {
                    (strings(Some(it)), None, Vec::new())
                } else {
                    (
                        strings(it.get("path")),
                        it.get("project_directory").and_then(Node::str),
                        strings(it.get("env_file")),
                    )
                };
                // Paths resolve against the including file's own directory (compose spec).
                let resolve = |w: &str| contained_path(own_dir, w).ok_or_else(|| w.to_string());
                Include {
                    file: self.rel.clone(),
                    line: it.line,
                    paths: paths.iter().map(|(w, _)| resolve(w)).collect(),
                    project_dir: project_dir.map(resolve),
                    env_files: env_files
                        .iter()
                        .map(|(w, l)| (resolve(w), w.clone(), *l))
                        .collect(),
                }
            })
            .collect()
    }
}

/// How deep `include:` may nest, how many files includes may add to the repository's, and how
/// many included files one project may expand (a file included from many places counts each
/// time, so a dense include graph cannot make the expansion exponential).
pub const MAX_INCLUDE_DEPTH: usize = 8;
pub const MAX_INCLUDED_FILES: usize = 64;
pub const MAX_INCLUDE_EXPANSIONS: usize = 256;

/// One entry of a top-level `include:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The including file and the entry's line.
    pub file: String,
    pub line: u32,
    /// Root-relative paths (several are merged as `-f` overlays), or the path as written when
    /// it is absolute, remote, built from variables or escapes the repository.
    pub paths: Vec<Result<String, String>>,
    pub project_dir: Option<Result<String, String>>,
    /// Env files for the included file's interpolation: (resolved, written, line).
    pub env_files: Vec<(Result<String, String>, String, u32)>,
}

/// `written` resolved against `dir`, or `None` when absolute, remote, made of variables without
/// defaults, or climbing out of the repository.
pub fn contained_path(dir: &str, written: &str) -> Option<String> {
    let p = with_defaults(written)?;
    let p = p.trim();
    if p.is_empty()
        || p.starts_with('/')
        || p.starts_with('~')
        || p.starts_with('\\')
        || p.contains("://")
        || p.contains(':')
    {
        return None;
    }
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for c in p.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A service after `extends` and overlays.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// Where the service is first declared.
    pub line: u32,
    pub file: String,
    /// Where its relative paths resolve (the file's directory, or an include's
    /// `project_directory`).
    pub dir: String,
    pub node: Node,
}

impl Service {
    pub fn image(&self) -> Option<&Node> {
        self.node.get("image")
    }

    /// The environment as (key node, value) pairs, list and map forms alike; `None` values
    /// are keys passed through from the shell.
    pub fn environment(&self) -> Vec<(String, Option<String>, &Node)> {
        environment_of(&self.node)
    }
}

fn environment_of(node: &Node) -> Vec<(String, Option<String>, &Node)> {
    let Some(env) = node.get("environment") else {
        return Vec::new();
    };
    match &env.value {
        Value::Map(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.str()?.to_string(), v.str().map(str::to_string), k)))
            .collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|n| {
                let s = n.str()?;
                Some(match s.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string()), n),
                    None => (s.to_string(), None, n),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The files `docker compose -f a -f b` would combine, and the services they define.
#[derive(Debug, Clone, Default)]
pub struct ComposeProject {
    /// In `-f` order.
    pub files: Vec<String>,
    /// Why these files make up production.
    pub reason: String,
    pub services: Vec<Service>,
    /// Problems resolving the project (missing files, broken `extends`), with a place.
    pub problems: Vec<(String, u32, String)>,
}

/// Every compose file of the repository and the production project, if one can be told.
#[derive(Debug, Clone, Default)]
pub struct ComposeFiles {
    pub files: Vec<ComposeFile>,
    /// The files that make up production: golive.toml `compose_files`, else each file whose
    /// name says prod/production with the base file beside it.
    pub production: Vec<ComposeProject>,
    /// Every path the compose files name, and whether it is there.
    pub paths: Vec<(PathRef, PathState)>,
    /// Text of small `.conf` files mounted into services (redis.conf), by root-relative path.
    pub mounted_configs: std::collections::BTreeMap<String, String>,
}

const MAP_LIKE: &[&str] = &[
    "environment",
    "labels",
    "args",
    "extra_hosts",
    "annotations",
    "sysctls",
    "ulimits",
];
const REPLACED: &[&str] = &["command", "entrypoint", "test"];

/// `KEY=value` list items and maps both become a map keyed by name.
fn as_map(n: &Node) -> Node {
    match &n.value {
        Value::Seq(items) => {
            let mut m = Vec::new();
            for it in items {
                if let Some(s) = it.str() {
                    let (k, v) = match s.split_once('=').or_else(|| s.split_once(':')) {
                        Some((k, v)) => (k.trim().to_string(), Value::Scalar(v.trim().to_string())),
                        None => (s.to_string(), Value::Null),
                    };
                    m.push((
                        Node {
                            value: Value::Scalar(k),
                            line: it.line,
                            file: it.file.clone(),
                            replace: false,
                        },
                        Node {
                            value: v,
                            line: it.line,
                            file: it.file.clone(),
                            replace: false,
                        },
                    ));
                }
            }
            Node {
                value: Value::Map(m),
                line: n.line,
                file: n.file.clone(),
                replace: false,
            }
        }
        _ => n.clone(),
    }
}

fn volume_target(n: &Node) -> Option<String> {
    if let Some(s) = n.str() {
        let parts: Vec<&str> = s.split(':').collect();
        return Some(if parts.len() >= 2 { parts[1] } else { parts[0] }.to_string());
    }
    n.get("target").and_then(Node::str).map(str::to_string)
}

/// Merges `over` onto `base` following the compose specification's merge rules.
pub fn merge(base: &Node, over: &Node, key: &str, depth: usize) -> Node {
    if depth > 64 {
        return over.clone();
    }
    if REPLACED.contains(&key) || over.replace {
        let mut n = over.clone();
        n.replace = false;
        return n;
    }
    if MAP_LIKE.contains(&key) {
        return merge_maps(&as_map(base), &as_map(over), depth);
    }
    match (&base.value, &over.value) {
        (Value::Map(_), Value::Map(_)) => merge_maps(base, over, depth),
        (Value::Seq(a), Value::Seq(b)) => {
            let mut out = a.clone();
            if key == "volumes" || key == "devices" {
                for n in b {
                    let t = volume_target(n);
                    if let Some(pos) = out
                        .iter()
                        .position(|x| t.is_some() && volume_target(x) == t)
                    {
                        out[pos] = n.clone();
                    } else {
                        out.push(n.clone());
                    }
                }
            } else {
                for n in b {
                    if !(n.str().is_some() && out.iter().any(|x| x.str() == n.str())) {
                        out.push(n.clone());
                    }
                }
            }
            Node {
                value: Value::Seq(out),
                line: over.line,
                file: over.file.clone(),
                replace: false,
            }
        }
        _ => over.clone(),
    }
}

fn merge_maps(base: &Node, over: &Node, depth: usize) -> Node {
    let mut out: Vec<(Node, Node)> = base.entries().to_vec();
    for (k, v) in over.entries() {
        let name = k.str().unwrap_or("");
        match out
            .iter()
            .position(|(bk, _)| bk.str().is_some() && bk.str() == k.str())
        {
            Some(pos) => {
                let merged = merge(&out[pos].1, v, name, depth + 1);
                out[pos] = (k.clone(), merged);
            }
            None => out.push((k.clone(), v.clone())),
        }
    }
    Node {
        value: Value::Map(out),
        line: base.line,
        file: base.file.clone(),
        replace: false,
    }
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

/// A path written in a compose file, relative to the repository root; `None` when absolute,
/// named (a volume), or built from variables without defaults.
pub fn repo_path(compose_dir: &str, written: &str) -> Option<String> {
    let p = with_defaults(written)?;
    let p = p.trim();
    if p.is_empty() || p.starts_with('/') || p.starts_with('~') || p.contains("://") {
        return None;
    }
    Some(join_rel(compose_dir, p))
}

impl ComposeFiles {
    pub fn file(&self, rel: &str) -> Option<&ComposeFile> {
        self.files.iter().find(|f| f.rel == rel)
    }

    /// Services of one file, `extends` resolved.
    fn file_services(&self, rel: &str, problems: &mut Vec<(String, u32, String)>) -> Vec<Service> {
        let Some(f) = self.file(rel) else {
            return Vec::new();
        };
        let Some(services) = f.root.as_ref().and_then(|r| r.get("services")) else {
            return Vec::new();
        };
        services
            .entries()
            .iter()
            .filter_map(|(k, v)| {
                let name = k.str()?.to_string();
                let node = self.resolve_extends(f, &name, v, problems, 0);
                Some(Service {
                    name,
                    line: k.line,
                    file: rel.to_string(),
                    dir: f.dir().to_string(),
                    node,
                })
            })
            .collect()
    }

    fn resolve_extends(
        &self,
        f: &ComposeFile,
        name: &str,
        node: &Node,
        problems: &mut Vec<(String, u32, String)>,
        depth: usize,
    ) -> Node {
        let Some(ext) = node.get("extends") else {
            return node.clone();
        };
        if depth > 16 {
            problems.push((
                f.rel.clone(),
                ext.line,
                format!("service {name}: extends nests too deep (a cycle?)"),
            ));
            return node.clone();
        }
        let (target, file) = match (ext.str(), ext.get("service").and_then(Node::str)) {
            (Some(s), _) => (s.to_string(), None),
            (None, Some(s)) => (
                s.to_string(),
                ext.get("file").and_then(Node::str).map(str::to_string),
            ),
            _ => {
                problems.push((
                    f.rel.clone(),
                    ext.line,
                    format!("service {name}: extends names no service"),
                ));
                return node.clone();
            }
        };
        let base_file = match &file {
            Some(p) => match repo_path(f.dir(), p).and_then(|r| self.file(&r)) {
                Some(bf) => bf,
                None => {
                    problems.push((
                        f.rel.clone(),
                        ext.line,
                        format!("service {name}: extends file {p} is not a readable compose file"),
                    ));
                    return node.clone();
                }
            },
            None => f,
        };
        let Some(base) = base_file
            .root
            .as_ref()
            .and_then(|r| r.get("services"))
            .and_then(|s| s.get(&target))
        else {
            problems.push((
                f.rel.clone(),
                ext.line,
                format!(
                    "service {name}: extends service {target}, which {} does not define",
                    base_file.rel
                ),
            ));
            return node.clone();
        };
        let base = self.resolve_extends(base_file, &target, base, problems, depth + 1);
        let mut own = node.clone();
        if let Value::Map(m) = &mut own.value {
            m.retain(|(k, _)| k.str() != Some("extends"));
        }
        merge(&base, &own, "", 0)
    }

    /// Services of one file with those its `include:` brings in. An included service whose
    /// name the file (or an earlier include) already uses is a conflict docker compose refuses.
    fn services_with_includes(
        &self,
        rel: &str,
        problems: &mut Vec<(String, u32, String)>,
        stack: &mut Vec<String>,
        budget: &mut usize,
    ) -> Vec<Service> {
        let mut own = self.file_services(rel, problems);
        let Some(f) = self.file(rel) else {
            return own;
        };
        for inc in f.includes() {
            if stack.len() > MAX_INCLUDE_DEPTH {
                problems.push((
                    f.rel.clone(),
                    inc.line,
                    format!("include nests deeper than {MAX_INCLUDE_DEPTH} files; not followed"),
                ));
                break;
            }
            let mut included: Vec<Service> = Vec::new();
            for p in &inc.paths {
                let p = match p {
                    Ok(p) => p,
                    Err(w) => {
                        problems.push((
                            f.rel.clone(),
                            inc.line,
                            format!(
                                "include {w} is outside the repository, remote or made of variables; its services are unknown"
                            ),
                        ));
                        continue;
                    }
                };
                if stack.iter().any(|x| x == p) {
                    problems.push((
                        f.rel.clone(),
                        inc.line,
                        format!("include cycle: {} -> {p}", stack.join(" -> ")),
                    ));
                    continue;
                }
                match self.file(p) {
                    None => {
                        problems.push((
                            f.rel.clone(),
                            inc.line,
                            format!("included file {p} does not exist or could not be read"),
                        ));
                        continue;
                    }
                    Some(inf) => {
                        if let Some(e) = &inf.error {
                            problems.push((
                                p.clone(),
                                e.line,
                                format!("cannot parse: {}", e.message),
                            ));
                        }
                    }
                }
                if *budget == 0 {
                    problems.push((
                        f.rel.clone(),
                        inc.line,
                        format!(
                            "includes expand more than {MAX_INCLUDE_EXPANSIONS} files; {p} not followed"
                        ),
                    ));
                    continue;
                }
                *budget -= 1;
                stack.push(p.clone());
                // Several paths in one entry combine as `-f` overlays of each other.
                for s in self.services_with_includes(p, problems, stack, budget) {
                    match included.iter_mut().find(|x| x.name == s.name) {
                        Some(existing) => existing.node = merge(&existing.node, &s.node, "", 0),
                        None => included.push(s),
                    }
                }
                stack.pop();
            }
            for s in included {
                if let Some(mine) = own.iter().find(|x| x.name == s.name) {
                    problems.push((
                        mine.file.clone(),
                        mine.line,
                        format!(
                            "service {} conflicts with the service of the same name that {}:{} includes from {}:{}; docker compose refuses to load the project",
                            s.name, f.rel, inc.line, s.file, s.line
                        ),
                    ));
                    continue;
                }
                own.push(s);
            }
        }
        own
    }

    /// The directory a compose file's relative paths resolve against.
    pub fn dir_of(&self, rel: &str) -> String {
        match self.file(rel) {
            Some(f) => f.dir().to_string(),
            None => rel
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or("")
                .to_string(),
        }
    }

    /// Reads the files `include:` names, breadth first, bounded in count; paths that climb out of
    /// the repository (also through a symlink) are never read.
    fn load_includes(&mut self, index: &RepoIndex) {
        let root = &index.root;
        let canonical_root = root.canonicalize().ok();
        let mut added = 0usize;
        let mut i = 0;
        while i < self.files.len() {
            let incs = self.files[i].includes();
            i += 1;
            for inc in incs {
                let project_dir = inc.project_dir.as_ref().and_then(|d| d.as_ref().ok());
                for p in inc.paths.iter().filter_map(|p| p.as_ref().ok()) {
                    if let Some(existing) = self.files.iter_mut().find(|f| &f.rel == p) {
                        if existing.project_dir.is_none() {
                            existing.project_dir = project_dir.cloned();
                        }
                        continue;
                    }
                    if added >= MAX_INCLUDED_FILES {
                        continue;
                    }
                    let abs = root.join(p);
                    let inside = match (&canonical_root, abs.canonicalize()) {
                        (Some(r), Ok(a)) => a.starts_with(r),
                        _ => false,
                    };
                    if !inside || !abs.is_file() {
                        continue;
                    }
                    added += 1;
                    let mut cf = match index.read_text(p) {
                        Ok(text) => ComposeFile::new(p, &text),
                        Err(e) => ComposeFile {
                            rel: p.clone(),
                            root: None,
                            error: Some(YamlError {
                                line: 1,
                                message: e.message,
                            }),
                            project_dir: None,
                        },
                    };
                    cf.project_dir = project_dir.cloned();
                    self.files.push(cf);
                }
            }
        }
    }

    /// Combines `files` in `-f` order.
    pub fn project(&self, files: &[String], reason: &str) -> ComposeProject {
        let mut problems = Vec::new();
        let mut services: Vec<Service> = Vec::new();
        let mut budget = MAX_INCLUDE_EXPANSIONS;
        for rel in files {
            match self.file(rel) {
                None => problems.push((rel.clone(), 1, "compose file does not exist".to_string())),
                Some(f) if f.error.is_some() => {
                    if let Some(e) = &f.error {
                        problems.push((
                            rel.clone(),
                            e.line,
                            format!("cannot parse: {}", e.message),
                        ));
                    }
                }
                Some(_) => {}
            }
            let mut stack = vec![rel.clone()];
            for s in self.services_with_includes(rel, &mut problems, &mut stack, &mut budget) {
                match services.iter_mut().find(|x| x.name == s.name) {
                    Some(existing) => existing.node = merge(&existing.node, &s.node, "", 0),
                    None => services.push(s),
                }
            }
        }
        ComposeProject {
            files: files.to_vec(),
            reason: reason.to_string(),
            services,
            problems,
        }
    }

    pub fn build(index: &RepoIndex, configured: &[String]) -> Self {
        let mut rels: Vec<String> = index
            .of_kind(FileKind::Compose)
            .filter(|f| !is_test_or_example_path(&f.rel))
            .map(|f| f.rel.clone())
            .collect();
        let configured: Vec<String> = configured
            .iter()
            .map(|c| c.trim_start_matches("./").replace('\\', "/"))
            .collect();
        for c in &configured {
            if !rels.contains(c) && index.root.join(c).is_file() {
                rels.push(c.clone());
            }
        }
        let files = rels
            .iter()
            .map(|rel| match index.read_text(rel) {
                Ok(text) => ComposeFile::new(rel, &text),
                Err(e) => ComposeFile {
                    rel: rel.clone(),
                    root: None,
                    error: Some(YamlError {
                        line: 1,
                        message: e.message,
                    }),
                    project_dir: None,
                },
            })
            .collect();
        let mut out = ComposeFiles {
            files,
            ..Default::default()
        };
        out.load_includes(index);
        for r in out.path_refs() {
            let p = index.root.join(&r.rel);
            let state = if p.is_dir() {
                PathState::Dir
            } else if p.is_file() {
                if r.rel.ends_with(".conf")
                    && r.kind == PathKind::BindSource
                    && let Ok(t) = index.read_text(&r.rel)
                {
                    out.mounted_configs.insert(r.rel.clone(), t.to_string());
                }
                PathState::File
            } else if index.is_gitignored(&r.rel) {
                PathState::MissingIgnored
            } else {
                PathState::Missing
            };
            out.paths.push((r, state));
        }
        if !configured.is_empty() {
            out.production
                .push(out.project(&configured, "compose_files in golive.toml"));
            return out;
        }
        let any_prod = rels.iter().any(|r| {
            is_production_compose_name(&r.rsplit('/').next().unwrap_or(r).to_ascii_lowercase())
        });
        if !any_prod {
            // By docker's convention, a base file with an `override` beside it is the deployable
            // configuration and the override is the development layer `docker compose up` adds.
            for rel in &rels {
                let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
                let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                let stem = name.trim_end_matches(".yml").trim_end_matches(".yaml");
                if !matches!(stem, "compose" | "docker-compose") {
                    continue;
                }
                let has_override = ["yml", "yaml"]
                    .iter()
                    .any(|ext| rels.contains(&join_rel(dir, &format!("{stem}.override.{ext}"))));
                if has_override {
                    let reason =
                        format!("{rel}: the base file, its override being the development layer");
                    out.production
                        .push(out.project(std::slice::from_ref(rel), &reason));
                }
            }
        }
        for rel in &rels {
            let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
            if !is_production_compose_name(&name) {
                continue;
            }
            let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let base = [
                "compose.yaml",
                "compose.yml",
                "docker-compose.yaml",
                "docker-compose.yml",
            ]
            .iter()
            .map(|b| join_rel(dir, b))
            .find(|b| rels.contains(b));
            let (files, reason) = match base {
                Some(b) => (
                    vec![b.clone(), rel.clone()],
                    format!("{rel} by its name, over its base {b}"),
                ),
                None => (vec![rel.clone()], format!("{rel} by its name")),
            };
            out.production.push(out.project(&files, &reason));
        }
        out
    }
}

/// `docker-compose.prod.yml`, `compose.production.yaml`, `docker-compose-prod.yml`.
pub fn is_production_compose_name(lower: &str) -> bool {
    let stem = lower.trim_end_matches(".yml").trim_end_matches(".yaml");
    stem.split(['.', '-', '_'])
        .any(|p| p == "prod" || p == "production")
}

#[async_trait::async_trait]
impl Fact for ComposeFiles {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        let configured = facts.env().compose_files.clone();
        tokio::task::spawn_blocking(move || ComposeFiles::build(&index, &configured))
            .await
            .map_err(|e| FactError::new(format!("reading compose files failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> ComposeFiles {
        ComposeFiles {
            files: list
                .iter()
                .map(|(rel, text)| ComposeFile::new(rel, text))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_with_lines_anchors_and_merge_keys() {
        let n = parse_yaml("x-common: &c\n  restart: always\nservices:\n  api:\n    <<: *c\n    image: app:1\n    ports:\n      - \"8000:8000\"\n", "c.yml").unwrap();
        let api = n.get("services").unwrap().get("api").unwrap();
        assert_eq!(api.get("image").unwrap().line, 6);
        assert_eq!(api.get("restart").unwrap().str(), Some("always"));
        assert_eq!(api.get("ports").unwrap().items()[0].line, 8);
        let e = parse_yaml("services:\n  a: [\n", "bad.yml").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
    }

    #[test]
    fn overlays_and_extends() {
        let cf = files(&[
            (
                "docker-compose.yml",
                "services:\n  api:\n    build: .\n    environment:\n      - DEBUG=true\n      - A=1\n    ports: [\"8000:8000\"]\n    volumes: [\".:/app\"]\n  worker:\n    extends: api\n    command: worker\n",
            ),
            (
                "docker-compose.prod.yml",
                "services:\n  api:\n    environment:\n      DEBUG: \"false\"\n    ports: [\"9000:9000\"]\n    volumes: [\"./static:/app\"]\n",
            ),
        ]);
        let p = cf.project(
            &[
                "docker-compose.yml".into(),
                "docker-compose.prod.yml".into(),
            ],
            "t",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let api = p.services.iter().find(|s| s.name == "api").unwrap();
        let env = api.environment();
        let debug = env.iter().find(|(k, _, _)| k == "DEBUG").unwrap();
        assert_eq!(debug.1.as_deref(), Some("false"));
        assert_eq!(
            (&*debug.2.file, debug.2.line),
            ("docker-compose.prod.yml", 4)
        );
        assert_eq!(api.node.get("ports").unwrap().items().len(), 2);
        let vols = api.node.get("volumes").unwrap().items();
        assert_eq!(vols.len(), 1);
        assert_eq!(vols[0].str(), Some("./static:/app"));
        let worker = p.services.iter().find(|s| s.name == "worker").unwrap();
        assert_eq!(worker.node.get("build").and_then(Node::str), Some("."));
        assert_eq!(
            worker.node.get("command").and_then(Node::str),
            Some("worker")
        );
    }

    #[test]
    fn reset_and_override_tags_replace() {
        let cf = files(&[
            (
                "c.yml",
                "services:\n  a:\n    ports: [\"80:80\"]\n    volumes: [\".:/app\"]\n    environment: {A: \"1\", B: \"2\"}\n",
            ),
            (
                "p.yml",
                "services:\n  a:\n    ports: !reset []\n    volumes: !override\n      - data:/data\n    environment: !override\n      C: \"3\"\n",
            ),
        ]);
        let p = cf.project(&["c.yml".into(), "p.yml".into()], "t");
        let a = &p.services[0];
        assert!(a.node.get("ports").unwrap().items().is_empty());
        let vols = a.node.get("volumes").unwrap().items();
        assert_eq!(vols.len(), 1);
        assert_eq!(vols[0].str(), Some("data:/data"));
        let env: Vec<String> = a.environment().into_iter().map(|(k, _, _)| k).collect();
        assert_eq!(env, vec!["C".to_string()]);
    }

    #[test]
    fn production_sets_by_name_and_by_override_convention() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("a/compose.yml"), "services: {x: {image: a:1}}\n").unwrap();
        std::fs::write(
            root.join("a/compose.override.yml"),
            "services: {x: {ports: ['1:1']}}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("b/docker-compose.yml"),
            "services: {y: {image: b:1}}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("b/docker-compose.prod.yml"),
            "services: {y: {restart: always}}\n",
        )
        .unwrap();
        let index = RepoIndex::build(root).unwrap();
        let cf = ComposeFiles::build(&index, &[]);
        let sets: Vec<Vec<String>> = cf.production.iter().map(|p| p.files.clone()).collect();
        // Prod-named files win; the override convention applies only without them.
        assert_eq!(
            sets,
            vec![vec![
                "b/docker-compose.yml".to_string(),
                "b/docker-compose.prod.yml".to_string()
            ]]
        );
        std::fs::remove_file(root.join("b/docker-compose.prod.yml")).unwrap();
        let index = RepoIndex::build(root).unwrap();
        let cf = ComposeFiles::build(&index, &[]);
        let sets: Vec<Vec<String>> = cf.production.iter().map(|p| p.files.clone()).collect();
        assert_eq!(sets, vec![vec!["a/compose.yml".to_string()]]);
    }

    #[test]
    fn include_merges_services_with_provenance_conflicts_and_cycles() {
        let cf = files(&[
            (
                "docker-compose.yml",
                "include:\n  - infra/db.yml\n  - path: [infra/cache.yml, infra/cache.prod.yml]\n    project_directory: infra\nservices:\n  api:\n    build: .\n  db:\n    image: mine\n",
            ),
            (
                "infra/db.yml",
                "include: [../docker-compose.yml]\nservices:\n  db:\n    image: postgres:16\n  migrate:\n    image: app\n    environment:\n      DATABASE_URL: postgres://db\n",
            ),
            (
                "infra/cache.yml",
                "services:\n  cache:\n    image: redis:7\n",
            ),
            (
                "infra/cache.prod.yml",
                "services:\n  cache:\n    environment: [REDIS_ARGS=--appendonly yes]\n",
            ),
            (
                "a.yml",
                "include: [a.yml, ../../etc/passwd, /etc/hosts, missing.yml]\n",
            ),
        ]);
        let p = cf.project(&["docker-compose.yml".into()], "t");
        let names: Vec<&str> = p.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["api", "db", "migrate", "cache"]);
        // The including file's db wins and the conflict is reported at its line.
        let db = &p.services[1];
        assert_eq!(db.image().and_then(Node::str), Some("mine"));
        assert!(
            p.problems.iter().any(|(f, l, m)| f == "docker-compose.yml"
                && *l == 8
                && m.contains("infra/db.yml:3")),
            "{:?}",
            p.problems
        );
        assert!(
            p.problems
                .iter()
                .any(|(f, l, m)| f == "infra/db.yml" && *l == 1 && m.contains("include cycle")),
            "{:?}",
            p.problems
        );
        let migrate = &p.services[2];
        let env = migrate.environment();
        assert_eq!((&*env[0].2.file, env[0].2.line), ("infra/db.yml", 8));
        assert_eq!(migrate.dir, "infra");
        let cache = &p.services[3];
        assert_eq!(cache.environment()[0].0, "REDIS_ARGS");
        assert_eq!(&*cache.environment()[0].2.file, "infra/cache.prod.yml");
        let p = cf.project(&["a.yml".into()], "t");
        let msgs: Vec<&str> = p.problems.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs[0].contains("include cycle"));
        assert!(msgs[1].contains("outside the repository"));
        assert!(msgs[2].contains("outside the repository"));
        assert!(msgs[3].contains("missing.yml does not exist"));
        // Every file including every later one, twice: the expansion stays bounded.
        let dense: Vec<(String, String)> = (0..12)
            .map(|i| {
                let incs: Vec<String> = (i + 1..12).map(|j| format!("f{j}.yml")).collect();
                let incs = [incs.clone(), incs].concat().join(", ");
                (
                    format!("f{i}.yml"),
                    format!("include: [{incs}]\nservices: {{s{i}: {{image: x}}}}\n"),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = dense
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let p = files(&refs).project(&["f0.yml".into()], "t");
        assert!(
            p.problems
                .iter()
                .any(|(_, _, m)| m.contains("expand more than"))
        );
        assert_eq!(
            contained_path("a/b", "../../c.yml").as_deref(),
            Some("c.yml")
        );
        assert_eq!(contained_path("a", "../../c.yml"), None);
        assert_eq!(contained_path("", "C:/x.yml"), None);
        assert_eq!(contained_path("", "${DIR}/x.yml"), None);
    }

    #[test]
    fn include_loads_from_disk_inside_the_repository_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("infra")).unwrap();
        std::fs::write(
            dir.path().join("outside.yml"),
            "services: {evil: {image: x}}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("docker-compose.prod.yml"),
            "include:\n  - infra/db.yml\n  - ../outside.yml\n  - infra/link.yml\nservices:\n  api: {build: .}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("infra/db.yml"),
            "services:\n  db:\n    env_file: db.env\n",
        )
        .unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("outside.yml"), root.join("infra/link.yml"))
            .unwrap();
        let index = RepoIndex::build(&root).unwrap();
        let cf = ComposeFiles::build(&index, &[]);
        let rels: Vec<&str> = cf.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec!["docker-compose.prod.yml", "infra/db.yml"]);
        let p = &cf.production[0];
        let names: Vec<&str> = p.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["api", "db"]);
        // The included file's env_file resolves beside it, and is located there.
        assert!(cf.paths.iter().any(|(r, st)| r.file == "infra/db.yml"
            && r.line == 3
            && r.rel == "infra/db.env"
            && *st == PathState::Missing));
    }

    #[test]
    fn interpolation() {
        let r = var_refs("${SECRET_KEY:-change-me} $HOME $$LIT ${REQ:?set it} ${A-${B}}");
        let names: Vec<(&str, Option<&str>, bool)> = r
            .iter()
            .map(|v| (v.name.as_str(), v.default.as_deref(), v.required))
            .collect();
        assert_eq!(
            names,
            vec![
                ("SECRET_KEY", Some("change-me"), false),
                ("HOME", None, false),
                ("REQ", None, true),
                ("B", None, false),
                ("A", Some("${B}"), false)
            ]
        );
        assert_eq!(
            with_defaults("app:${TAG:-latest}").as_deref(),
            Some("app:latest")
        );
        assert_eq!(with_defaults("app:${TAG}"), None);
        assert_eq!(with_defaults("a$$b").as_deref(), Some("a$b"));
        assert!(is_production_compose_name("docker-compose.prod.yml"));
        assert!(is_production_compose_name("compose.production.yaml"));
        assert!(!is_production_compose_name("docker-compose.products.yml"));
    }

    /// Found by feeding the compose fuzz target a 500 KB value (docs/fuzzing.md): nested defaults
    /// were followed to any depth, each level rescanning the rest of the value, which ran for
    /// minutes and recursed once per level.
    #[test]
    fn deeply_nested_defaults_stay_bounded() {
        let n = 100_000;
        let value = format!("{}x{}", "${A:-".repeat(n), "}".repeat(n));
        let refs = var_refs(&value);
        assert_eq!(refs.len(), MAX_INTERPOLATION_DEPTH + 1);
        assert_eq!(with_defaults(&value), None);
        // Shallow nesting is still interpolated and listed in full.
        assert_eq!(with_defaults("${A:-${B:-${C:-x}}}").as_deref(), Some("x"));
        let names: Vec<String> = var_refs("${A:-${B:-${C:-x}}}")
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["C", "B", "A"]);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let samples = [
            "",
            ":",
            "- - -",
            "{",
            "[",
            "&a [*a]",
            "a: *b",
            "services: 3",
            "services:\n  x: 3",
            "services:\n  x:\n    extends: x",
            "services:\n  x:\n    extends: {service: y, file: ../../../etc/passwd}",
            "\t",
            "a: !!binary aGk=",
            "? [a]\n: b",
            "--- a\n--- b",
            "x: &a\n  <<: *a",
            "services:\n  a:\n    environment: 5\n    volumes: [1, {target: 2}]",
        ];
        let tokens = [
            "a", ":", " ", "\n", "  ", "-", "[", "]", "{", "}", "&x", "*x", "<<", "${", "}", "$$",
            "\"", "'", "|", ">", "#", ",", "services", "extends", "é", "include", "a.yml", "b.yml",
            "path", "../",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut inputs: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
        for _ in 0..1500 {
            let mut s = String::new();
            for _ in 0..(seed % 30) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(tokens[(seed % tokens.len() as u64) as usize]);
            }
            inputs.push(s);
        }
        for s in &inputs {
            let _ = var_refs(s);
            let _ = with_defaults(s);
            let cf = files(&[("a.yml", s), ("b.yml", s)]);
            let p = cf.project(&["a.yml".into(), "b.yml".into()], "t");
            for svc in &p.services {
                let _ = svc.environment();
                let _ = svc.node.scalars();
            }
        }
    }
}

/// A service that builds an image from this repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRef {
    pub file: String,
    pub line: u32,
    pub service: String,
    /// The build context, relative to the root.
    pub context: Option<String>,
    /// The Dockerfile, relative to the root.
    pub dockerfile: Option<String>,
    /// The service declares a healthcheck that is not disabled.
    pub healthcheck: bool,
}

/// Whether a service node declares a working healthcheck.
pub fn has_healthcheck(service: &Node) -> bool {
    match service.get("healthcheck") {
        None => false,
        Some(h) => {
            let disabled = h.get("disable").and_then(Node::str) == Some("true");
            let none = h
                .get("test")
                .map(|t| {
                    t.str()
                        .map(|s| s.eq_ignore_ascii_case("NONE"))
                        .unwrap_or(false)
                        || t.items().first().and_then(Node::str) == Some("NONE")
                })
                .unwrap_or(false);
            !disabled && !none
        }
    }
}

impl ComposeFiles {
    /// Every service, in every compose file, that builds from the repository.
    pub fn build_refs(&self) -> Vec<BuildRef> {
        let mut out: Vec<BuildRef> = Vec::new();
        // Merged production services first (an overlay may add the healthcheck), then each file.
        let mut all: Vec<(String, Service)> = Vec::new();
        for p in &self.production {
            for s in &p.services {
                all.push((s.file.clone(), s.clone()));
            }
        }
        for f in &self.files {
            let mut problems = Vec::new();
            for s in self.file_services(&f.rel, &mut problems) {
                all.push((f.rel.clone(), s));
            }
        }
        for (rel, s) in all {
            let Some(f) = self.file(&rel) else { continue };
            {
                let Some(b) = s.node.get("build") else {
                    continue;
                };
                let (ctx, df) = match b.str() {
                    Some(c) => (Some(c.to_string()), None),
                    None => (
                        b.get("context").and_then(Node::str).map(str::to_string),
                        b.get("dockerfile").and_then(Node::str).map(str::to_string),
                    ),
                };
                let context = repo_path(f.dir(), ctx.as_deref().unwrap_or("."));
                let dockerfile = match (&context, df) {
                    (Some(c), Some(d)) => repo_path(c, &d),
                    (Some(c), None) => Some(join_rel(c, "Dockerfile")),
                    (None, _) => None,
                };
                out.push(BuildRef {
                    file: f.rel.clone(),
                    line: b.line,
                    service: s.name.clone(),
                    context,
                    dockerfile,
                    healthcheck: has_healthcheck(&s.node),
                });
            }
        }
        out
    }
}

/// What a compose file points at on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    EnvFile,
    BindSource,
    BuildContext,
    Dockerfile,
    ConfigFile,
    SecretFile,
    /// A compose file named by `include:`.
    Included,
}

impl PathKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnvFile => "env_file",
            Self::BindSource => "bind mount source",
            Self::BuildContext => "build context",
            Self::Dockerfile => "Dockerfile",
            Self::ConfigFile => "config file",
            Self::SecretFile => "secret file",
            Self::Included => "included compose file",
        }
    }
}

/// One path a compose file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    pub file: String,
    pub line: u32,
    pub service: Option<String>,
    pub kind: PathKind,
    pub written: String,
    /// Relative to the repository root.
    pub rel: String,
    /// Container path of a bind mount.
    pub target: Option<String>,
    pub read_only: bool,
    /// `env_file` with `required: false`.
    pub optional: bool,
}

/// Whether a path named by a compose file is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathState {
    File,
    Dir,
    Missing,
    /// Missing and git-ignored: made at deploy time (an env file written by the pipeline).
    MissingIgnored,
}

/// A bind mount of a service: source relative to the root, target, and the node.
pub fn bind_mounts<'a>(
    compose_dir: &str,
    service: &'a Node,
) -> Vec<(String, String, bool, &'a Node)> {
    let mut out = Vec::new();
    for v in service.get("volumes").map(Node::items).unwrap_or(&[]) {
        let (source, target, ro) = match v.str() {
            Some(s) => {
                let parts: Vec<&str> = s.split(':').collect();
                if parts.len() < 2 {
                    continue;
                }
                (
                    parts[0].to_string(),
                    parts[1].to_string(),
                    parts
                        .get(2)
                        .is_some_and(|m| m.split(',').any(|x| x == "ro")),
                )
            }
            None => {
                if v.get("type").and_then(Node::str) != Some("bind") {
                    continue;
                }
                let (Some(s), Some(t)) = (
                    v.get("source").and_then(Node::str),
                    v.get("target").and_then(Node::str),
                ) else {
                    continue;
                };
                (
                    s.to_string(),
                    t.to_string(),
                    v.get("read_only").and_then(Node::str) == Some("true"),
                )
            }
        };
        let looks_like_path = source.starts_with('.')
            || source.starts_with('/')
            || source.starts_with('~')
            || source.contains('/');
        if !looks_like_path {
            continue; // a named volume
        }
        if let Some(rel) = repo_path(compose_dir, &source) {
            out.push((rel, target, ro, v));
        }
    }
    out
}

impl ComposeFiles {
    /// Every path any compose file names, `extends` resolved per file.
    pub fn path_refs(&self) -> Vec<PathRef> {
        let mut out = Vec::new();
        for f in &self.files {
            let dir = f.dir();
            let mut problems = Vec::new();
            let mk = |line, service: Option<&str>, kind, written: &str, rel: String| PathRef {
                file: f.rel.clone(),
                line,
                service: service.map(str::to_string),
                kind,
                written: written.to_string(),
                rel,
                target: None,
                read_only: false,
                optional: false,
            };
            for s in self.file_services(&f.rel, &mut problems) {
                let name = Some(s.name.as_str());
                if let Some(ef) = s.node.get("env_file") {
                    let items: Vec<&Node> = if ef.str().is_some() {
                        vec![ef]
                    } else {
                        ef.items().iter().collect()
                    };
                    for it in items {
                        let (written, optional) = match it.str() {
                            Some(p) => (p, false),
                            None => match it.get("path").and_then(Node::str) {
                                Some(p) => {
                                    (p, it.get("required").and_then(Node::str) == Some("false"))
                                }
                                None => continue,
                            },
                        };
                        if let Some(rel) = repo_path(dir, written) {
                            let mut r = mk(it.line, name, PathKind::EnvFile, written, rel);
                            r.optional = optional;
                            out.push(r);
                        }
                    }
                }
                for (rel, target, ro, node) in bind_mounts(dir, &s.node) {
                    let written = node
                        .str()
                        .map(|s| s.split(':').next().unwrap_or(s))
                        .unwrap_or_else(|| node.get("source").and_then(Node::str).unwrap_or(""));
                    let mut r = mk(node.line, name, PathKind::BindSource, written, rel);
                    r.target = Some(target);
                    r.read_only = ro;
                    out.push(r);
                }
                if let Some(b) = s.node.get("build") {
                    let ctx_written = b
                        .str()
                        .or_else(|| b.get("context").and_then(Node::str))
                        .unwrap_or(".");
                    if !ctx_written.contains("://")
                        && !ctx_written.starts_with("git@")
                        && let Some(ctx) = repo_path(dir, ctx_written)
                    {
                        let ctx_line = b.get("context").map(|n| n.line).unwrap_or(b.line);
                        out.push(mk(
                            ctx_line,
                            name,
                            PathKind::BuildContext,
                            ctx_written,
                            ctx.clone(),
                        ));
                        if b.get("dockerfile_inline").is_none() {
                            let df_node = b.get("dockerfile");
                            let df_written = df_node.and_then(Node::str).unwrap_or("Dockerfile");
                            if let Some(rel) = repo_path(&ctx, df_written) {
                                out.push(mk(
                                    df_node.map(|n| n.line).unwrap_or(b.line),
                                    name,
                                    PathKind::Dockerfile,
                                    df_written,
                                    rel,
                                ));
                            }
                        }
                    }
                }
            }
            for inc in f.includes() {
                for p in inc.paths.iter().filter_map(|p| p.as_ref().ok()) {
                    out.push(mk(inc.line, None, PathKind::Included, p, p.clone()));
                }
                for (p, written, line) in &inc.env_files {
                    if let Ok(rel) = p {
                        out.push(mk(*line, None, PathKind::EnvFile, written, rel.clone()));
                    }
                }
            }
            if let Some(root) = &f.root {
                for (section, kind) in [
                    ("configs", PathKind::ConfigFile),
                    ("secrets", PathKind::SecretFile),
                ] {
                    for (_, v) in root.get(section).map(Node::entries).unwrap_or(&[]) {
                        if let Some(fnode) = v.get("file")
                            && let Some(rel) = fnode.str().and_then(|p| repo_path(dir, p))
                        {
                            out.push(mk(fnode.line, None, kind, fnode.str().unwrap_or(""), rel));
                        }
                    }
                }
            }
        }
        out
    }
}
