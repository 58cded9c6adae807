//! The application's configuration contract: which environment variables the code reads (with
//! tree-sitter grammars for Python, JavaScript, TypeScript, Go and Rust) and which ones the
//! production deployment sets (production env files, the `environment` and `env_file` of
//! production compose services that build from this repository, and the `env`/`envFrom` of the
//! application containers of the Kubernetes manifests and Helm charts, ConfigMaps and Secrets
//! resolved by name among the repository's manifests — Secret key names only, never values).

use crate::compose::{ComposeFiles, Node, with_defaults};
use crate::env_files::EnvFiles;
use crate::helm::UNRESOLVED;
use crate::manifests::{K8sObject, Manifests, Origin};
use crate::repo_index::{FileKind, Language, RepoIndex};
use crate::secrets_scan::is_test_file_name;
use golive_core::{Fact, FactError, Facts};
use std::collections::{BTreeMap, BTreeSet};
use tree_sitter::{Parser, Tree};

mod helpers;
pub mod mentions;
use helpers::Family;

/// Source files larger than this are not parsed.
pub const MAX_SOURCE_BYTES: u64 = 512 * 1024;

/// One place the code reads an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRead {
    /// As the code spells it; compare upper-cased for pydantic settings.
    pub name: String,
    pub file: String,
    pub line: u32,
    /// The code supplies a fallback (a default argument, `||`, `unwrap_or`, a field default).
    pub has_default: bool,
    /// The fallback value, when the code writes one golive can see (`has_default` is also true
    /// for `os.LookupEnv` and `.ok()`, which hand absence to the caller without a value).
    pub default: Option<CodeDefault>,
    /// How it is read (`os.getenv`, `process.env`, `BaseSettings field`).
    pub how: &'static str,
    /// Matching is case-insensitive (pydantic settings).
    pub case_insensitive: bool,
}

/// What a fallback written in the code is. A literal is kept only in redacted form: secrets
/// never leave, not even into the facts cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    /// A non-empty string or number literal, as [`golive_core::redact::redact`] shows it.
    /// `scalar`: it is a number or `true`/`false` (`30`, `"30"`, `"false"`): the setting is a
    /// quantity or switch about a secret (`ACCESS_TOKEN_EXPIRE_MINUTES`), not the secret.
    Literal { redacted: String, scalar: bool },
    /// `""`, `String::new()`, `unwrap_or_default()`.
    Empty,
    /// `None`, `null`, `undefined`.
    Absent,
    /// Anything else: another variable read, a call, a name, a boolean, an interpolation.
    Computed,
}

/// A fallback the code supplies for an unset variable, at the line of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDefault {
    pub value: DefaultValue,
    pub line: u32,
}

impl CodeDefault {
    pub fn is_literal(&self) -> bool {
        matches!(self.value, DefaultValue::Literal { .. })
    }
}

/// A pydantic settings class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsClass {
    pub file: String,
    pub line: u32,
    pub name: String,
    pub env_prefix: String,
    pub nested_delimiter: Option<String>,
}

/// What the code reads.
#[derive(Debug, Clone, Default)]
pub struct CodeReads {
    pub reads: Vec<EnvRead>,
    pub settings: Vec<SettingsClass>,
    /// Places that read a variable whose name is computed (`os.getenv(name)`): the read set is
    /// then incomplete.
    pub dynamic: Vec<(String, u32)>,
    pub files_parsed: usize,
    /// Python imports: (file, imported module or `module.name`), relative imports keep their dots.
    pub imports: Vec<(String, String)>,
    /// Files that could not be read or parsed.
    pub errors: Vec<(String, String)>,
    /// Variables that scripts, Dockerfiles and code in languages without a parser here use,
    /// found by pattern ([`mentions`]).
    pub mentions: Vec<mentions::EnvMention>,
}

fn text<'a>(n: tree_sitter::Node, src: &'a [u8]) -> &'a str {
    n.utf8_text(src).unwrap_or("")
}

fn line(n: tree_sitter::Node) -> u32 {
    u32::try_from(n.start_position().row + 1).unwrap_or(u32::MAX)
}

/// Pre-order walk over every node.
fn walk(tree: &Tree, mut f: impl FnMut(tree_sitter::Node)) {
    let mut cursor = tree.walk();
    loop {
        f(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The value of a plain string literal (no interpolation), any language.
fn string_value(n: tree_sitter::Node, src: &[u8]) -> Option<String> {
    match n.kind() {
        "string"
        | "string_literal"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "template_string" => {
            if n.kind() == "template_string" && n.named_child_count() > 0 {
                // `${...}` substitutions make it dynamic.
                let mut c = n.walk();
                if n.named_children(&mut c)
                    .any(|x| x.kind() == "template_substitution")
                {
                    return None;
                }
            }
            if n.kind() == "string" {
                let mut c = n.walk();
                if n.named_children(&mut c)
                    .any(|x| x.kind() == "interpolation")
                {
                    return None;
                }
            }
            let t = text(n, src);
            let t = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let t = t
                .trim_start_matches(['"', '\'', '`'])
                .trim_end_matches(['"', '\'', '`']);
            let t = t.trim_start_matches('#').trim_end_matches('#');
            let t = t.trim_start_matches('"').trim_end_matches('"');
            if t.is_empty()
                || !t
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
            {
                return None;
            }
            Some(t.to_string())
        }
        _ => None,
    }
}

/// The text between the quotes of a string literal of any of the grammars (`r"…"`, `b'…'`,
/// `"""…"""`, `r#"…"#`), escapes left as written: only its length and fingerprint are kept.
fn string_contents<'a>(n: tree_sitter::Node, src: &'a [u8]) -> &'a str {
    let t = text(n, src).trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let t = t.trim_start_matches('#').trim_end_matches('#');
    let Some(q) = t.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
        return t;
    };
    let width = t.chars().take(3).take_while(|&c| c == q).count();
    let width = if width == 3 && t.len() >= 6 { 3 } else { 1 };
    t.get(width..t.len().saturating_sub(width)).unwrap_or("")
}

fn non_comment_children(n: tree_sitter::Node) -> Vec<tree_sitter::Node> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|x| !matches!(x.kind(), "comment" | "line_comment" | "block_comment"))
        .collect()
}

/// What the fallback expression `n` is. Wrappers that do not change the value (`SecretStr("x")`,
/// `"x".to_string()`, `String::from("x")`, a closure returning it, parentheses, TypeScript casts)
/// are looked through.
fn classify_default(mut n: tree_sitter::Node, src: &[u8]) -> CodeDefault {
    // The line of the value, not of a parenthesis opened before it.
    for _ in 0..8 {
        match non_comment_children(n).first() {
            Some(inner) if n.kind() == "parenthesized_expression" => n = *inner,
            _ => break,
        }
    }
    let value = default_value(n, src, 0);
    CodeDefault {
        value,
        line: line(n),
    }
}

fn default_value(n: tree_sitter::Node, src: &[u8], depth: usize) -> DefaultValue {
    let literal = |s: &str| {
        if s.is_empty() {
            DefaultValue::Empty
        } else {
            DefaultValue::Literal {
                redacted: golive_core::redact::redact(s),
                scalar: s.parse::<f64>().is_ok()
                    || s.eq_ignore_ascii_case("true")
                    || s.eq_ignore_ascii_case("false"),
            }
        }
    };
    let inner = |x: Option<tree_sitter::Node>| match x {
        Some(x) if depth < 8 => default_value(x, src, depth + 1),
        _ => DefaultValue::Computed,
    };
    let children = non_comment_children(n);
    match n.kind() {
        "string"
        | "template_string"
        | "string_literal"
        | "raw_string_literal"
        | "interpreted_string_literal" => {
            if children
                .iter()
                .any(|c| matches!(c.kind(), "interpolation" | "template_substitution"))
            {
                DefaultValue::Computed
            } else {
                literal(string_contents(n, src))
            }
        }
        "concatenated_string" => {
            let mut all = String::new();
            for c in &children {
                match default_value(*c, src, depth + 1) {
                    DefaultValue::Literal { .. } | DefaultValue::Empty => {
                        all.push_str(string_contents(*c, src))
                    }
                    _ => return DefaultValue::Computed,
                }
            }
            literal(&all)
        }
        "integer" | "float" | "number" | "integer_literal" | "float_literal" | "int_literal" => {
            literal(text(n, src))
        }
        "none" | "null" | "undefined" | "nil" => DefaultValue::Absent,
        "parenthesized_expression"
        | "as_expression"
        | "non_null_expression"
        | "satisfies_expression"
        | "type_assertion" => inner(children.first().copied()),
        "closure_expression" => inner(n.child_by_field_name("body")),
        "block" if children.len() == 1 => inner(children.first().copied()),
        "call" | "call_expression" => {
            let Some(func) = n.child_by_field_name("function") else {
                return DefaultValue::Computed;
            };
            let args = n
                .child_by_field_name("arguments")
                .map(non_comment_children)
                .unwrap_or_default();
            // `"dev".to_string()`, `"dev".into()`.
            if func.kind() == "field_expression" && args.is_empty() {
                let field = func
                    .child_by_field_name("field")
                    .map(|f| text(f, src))
                    .unwrap_or("");
                if matches!(field, "into" | "to_string" | "to_owned" | "into_owned") {
                    return inner(func.child_by_field_name("value"));
                }
                return DefaultValue::Computed;
            }
            match (text(func, src), args.len()) {
                ("String::new", 0) => DefaultValue::Empty,
                (
                    "SecretStr" | "SecretBytes" | "pydantic.SecretStr" | "str" | "String"
                    | "String::from" | "OsString::from" | "Some",
                    1,
                ) => inner(args.first().copied()),
                _ => DefaultValue::Computed,
            }
        }
        _ => DefaultValue::Computed,
    }
}

/// Whether the value read at `n` is only compared with a literal (`os.Getenv("TRACING") == "1"`,
/// `process.env.X !== "false"`): the code decides what an unset variable means, so the read is
/// an optional switch, not a required setting.
fn compared_with_literal(n: tree_sitter::Node, src: &[u8]) -> bool {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if p.kind() != "parenthesized_expression" {
            break;
        }
        cur = p;
    }
    let Some(p) = cur.parent() else {
        return false;
    };
    let comparison = match p.kind() {
        "binary_expression" => p
            .child_by_field_name("operator")
            .is_some_and(|o| matches!(text(o, src), "==" | "!=" | "===" | "!==")),
        // Python: `a == b`; a chain (`a == b == c`) is left alone.
        "comparison_operator" => {
            let mut c = p.walk();
            let ops: Vec<&str> = p
                .children(&mut c)
                .filter(|x| !x.is_named())
                .map(|x| text(x, src))
                .collect();
            matches!(ops.as_slice(), ["=="] | ["!="])
        }
        _ => false,
    };
    comparison
        && non_comment_children(p).iter().any(|o| {
            *o != cur
                && (string_value(*o, src).is_some()
                    || matches!(
                        o.kind(),
                        "string"
                            | "interpreted_string_literal"
                            | "raw_string_literal"
                            | "int_literal"
                            | "integer"
                            | "number"
                    ))
        })
}

/// Whether the Python read at `n` sits in a `try` whose handler catches `KeyError` (or
/// everything): the code handles an unset variable.
fn catches_key_error(n: tree_sitter::Node, src: &[u8]) -> bool {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if matches!(
            p.kind(),
            "function_definition" | "class_definition" | "module"
        ) {
            return false;
        }
        if p.kind() == "try_statement" && p.child_by_field_name("body") == Some(cur) {
            return non_comment_children(p).iter().any(|c| {
                c.kind() == "except_clause" && {
                    let caught = non_comment_children(*c)
                        .first()
                        .filter(|x| x.kind() != "block")
                        .map(|x| text(*x, src))
                        .unwrap_or("");
                    caught.is_empty()
                        || ["KeyError", "LookupError", "Exception", "BaseException"]
                            .iter()
                            .any(|e| caught.contains(e))
                }
            });
        }
        cur = p;
    }
    false
}

fn first_arg(call: tree_sitter::Node) -> (Option<tree_sitter::Node>, usize) {
    let Some(args) = call.child_by_field_name("arguments") else {
        return (None, 0);
    };
    let mut c = args.walk();
    let items: Vec<tree_sitter::Node> = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    (items.first().copied(), items.len())
}

fn parser_for(lang: Language, path: &str) -> Option<Parser> {
    let mut p = Parser::new();
    let language: tree_sitter::Language = match lang {
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript if path.ends_with(".tsx") => {
            tree_sitter_typescript::LANGUAGE_TSX.into()
        }
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        _ => return None,
    };
    p.set_language(&language).ok()?;
    Some(p)
}

/// Python: `os.getenv`, `os.environ[...]`, `os.environ.get`, `environ.setdefault`.
fn python_calls(tree: &Tree, src: &[u8], file: &str, out: &mut CodeReads, pending: &mut Pending) {
    let environ = django_environ_instances(tree, src);
    walk(tree, |n| match n.kind() {
        "call" => {
            helpers::note_call(Family::Python, n, src, file, &mut pending.calls);
            let Some(func) = n.child_by_field_name("function") else {
                return;
            };
            let f = text(func, src);
            if let Some(read) = django_environ_read(n, f, &environ, src, file) {
                out.reads.push(read);
                return;
            }
            let (how, default_when) = match f {
                "os.getenv" | "getenv" | "os.environ.get" | "environ.get" => ("os.getenv", 2usize),
                "os.environ.setdefault" | "environ.setdefault" => ("os.environ.setdefault", 1),
                "os.environ.pop" | "environ.pop" => ("os.environ.pop", 2),
                _ => return,
            };
            let (arg, count) = first_arg(n);
            let Some(arg) = arg else { return };
            match string_value(arg, src) {
                Some(name) => {
                    let mut default = python_default_arg(n, src);
                    // `os.getenv("X") or "dev"`, also over an empty or `None` default argument.
                    if !default.as_ref().is_some_and(CodeDefault::is_literal)
                        && let Some(or) = python_or_fallback(n, src)
                    {
                        default = Some(or);
                    }
                    out.reads.push(EnvRead {
                        name,
                        file: file.to_string(),
                        line: line(n),
                        has_default: count >= default_when
                            || default.is_some()
                            || compared_with_literal(n, src),
                        default,
                        how,
                        case_insensitive: false,
                    })
                }
                None => {
                    out.dynamic.push((file.to_string(), line(n)));
                    helpers::note_helper(Family::Python, n, arg, src, file, &mut pending.helpers);
                }
            }
        }
        "subscript" => {
            let Some(v) = n.child_by_field_name("value") else {
                return;
            };
            if !matches!(text(v, src), "os.environ" | "environ") {
                return;
            }
            let Some(idx) = n.child_by_field_name("subscript") else {
                return;
            };
            // `os.environ["X"] = v` sets, it does not read.
            if n.parent().is_some_and(|p| {
                p.kind() == "assignment" && p.child_by_field_name("left") == Some(n)
            }) {
                return;
            }
            match string_value(idx, src) {
                Some(name) => out.reads.push(EnvRead {
                    name,
                    file: file.to_string(),
                    line: line(n),
                    has_default: compared_with_literal(n, src) || catches_key_error(n, src),
                    default: None,
                    how: "os.environ[]",
                    case_insensitive: false,
                }),
                None => {
                    out.dynamic.push((file.to_string(), line(n)));
                    helpers::note_helper(Family::Python, n, idx, src, file, &mut pending.helpers);
                }
            }
        }
        _ => {}
    });
}

/// django-environ's readers in a file: `env = environ.Env(DEBUG=(bool, False))` gives `env`,
/// with the names its constructor gives defaults.
struct EnvironInstance {
    name: String,
    defaults: Vec<String>,
}

fn django_environ_instances(tree: &Tree, src: &[u8]) -> Vec<EnvironInstance> {
    let mut out = Vec::new();
    walk(tree, |n| {
        if n.kind() != "assignment" {
            return;
        }
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() != "identifier"
            || right.kind() != "call"
            || !right.child_by_field_name("function").is_some_and(|f| {
                matches!(text(f, src), "environ.Env" | "Env" | "environ.FileAwareEnv")
            })
        {
            return;
        }
        // `Env(DEBUG=(bool, False))`: a scheme with a default; `Env(DEBUG=bool)` has none.
        let defaults = right
            .child_by_field_name("arguments")
            .map(non_comment_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.kind() == "keyword_argument")
            .filter(|a| {
                a.child_by_field_name("value")
                    .is_some_and(|v| v.kind() == "tuple" && non_comment_children(v).len() >= 2)
            })
            .filter_map(|a| {
                a.child_by_field_name("name")
                    .map(|k| text(k, src).to_string())
            })
            .collect();
        out.push(EnvironInstance {
            name: text(left, src).to_string(),
            defaults,
        });
    });
    out
}

/// `env("X")`, `env.bool("X", default=False)`, `env.db("DATABASE_URL")` on a django-environ
/// instance.
fn django_environ_read(
    call: tree_sitter::Node,
    func: &str,
    instances: &[EnvironInstance],
    src: &[u8],
    file: &str,
) -> Option<EnvRead> {
    let inst = instances.iter().find(|i| {
        func == i.name
            || func.strip_prefix(i.name.as_str()).is_some_and(|m| {
                matches!(
                    m,
                    ".str"
                        | ".bool"
                        | ".int"
                        | ".float"
                        | ".list"
                        | ".tuple"
                        | ".dict"
                        | ".json"
                        | ".url"
                        | ".db"
                        | ".db_url"
                        | ".cache"
                        | ".cache_url"
                        | ".email"
                        | ".email_url"
                        | ".search_url"
                        | ".path"
                        | ".bytes"
                        | ".parse_value"
                )
            })
    })?;
    let (arg, _) = first_arg(call);
    let name = string_value(arg?, src)?;
    let default = kwarg_node(call, src, "default").map(|v| classify_default(v, src));
    Some(EnvRead {
        has_default: default.is_some() || inst.defaults.contains(&name),
        name,
        file: file.to_string(),
        line: line(call),
        default,
        how: "django-environ",
        case_insensitive: false,
    })
}

/// The second argument, or `default=`, of `os.getenv`, `os.environ.get`, `setdefault`, `pop`.
fn python_default_arg(call: tree_sitter::Node, src: &[u8]) -> Option<CodeDefault> {
    let args = call
        .child_by_field_name("arguments")
        .map(non_comment_children)
        .unwrap_or_default();
    let v = kwarg_node(call, src, "default").or_else(|| {
        args.get(1)
            .copied()
            .filter(|a| a.kind() != "keyword_argument")
    })?;
    Some(classify_default(v, src))
}

/// The last operand of the `or` chain `n` starts: what applies when the variable is unset.
fn python_or_fallback(n: tree_sitter::Node, src: &[u8]) -> Option<CodeDefault> {
    let mut cur = n;
    let mut last = None;
    while let Some(p) = cur.parent() {
        match p.kind() {
            "parenthesized_expression" => {}
            "boolean_operator"
                if p.child_by_field_name("left") == Some(cur)
                    && p.child_by_field_name("operator")
                        .is_some_and(|o| text(o, src) == "or") =>
            {
                last = p.child_by_field_name("right");
            }
            _ => break,
        }
        cur = p;
    }
    last.map(|r| classify_default(r, src))
}

/// `import a.b`, `from a.b import c` (recorded as `a.b` and `a.b.c`), `from . import c` (`.c`).
fn python_imports(tree: &Tree, src: &[u8], file: &str, out: &mut CodeReads) {
    walk(tree, |n| match n.kind() {
        "import_statement" => {
            let mut c = n.walk();
            for name in n.named_children(&mut c) {
                let t = match name.kind() {
                    "aliased_import" => name
                        .child_by_field_name("name")
                        .map(|x| text(x, src))
                        .unwrap_or(""),
                    _ => text(name, src),
                };
                out.imports.push((file.to_string(), t.to_string()));
            }
        }
        "import_from_statement" => {
            let module = n
                .child_by_field_name("module_name")
                .map(|x| text(x, src))
                .unwrap_or("")
                .to_string();
            out.imports.push((file.to_string(), module.clone()));
            let mut c = n.walk();
            for name in n.children_by_field_name("name", &mut c) {
                let t = match name.kind() {
                    "aliased_import" => name
                        .child_by_field_name("name")
                        .map(|x| text(x, src))
                        .unwrap_or(""),
                    _ => text(name, src),
                };
                let sep = if module.ends_with('.') { "" } else { "." };
                out.imports
                    .push((file.to_string(), format!("{module}{sep}{t}")));
            }
        }
        _ => {}
    });
}

/// A Python class with its fields, for pydantic settings resolution.
#[derive(Debug, Clone)]
struct PyClass {
    file: String,
    line: u32,
    name: String,
    bases: Vec<String>,
    env_prefix: Option<String>,
    nested_delimiter: Option<String>,
    case_sensitive: bool,
    fields: Vec<PyField>,
}

/// A field of a Python class.
#[derive(Debug, Clone)]
struct PyField {
    name: String,
    annotation: String,
    default: Option<CodeDefault>,
    alias: Option<String>,
    line: u32,
}

fn kwarg_node<'t>(
    call: tree_sitter::Node<'t>,
    src: &[u8],
    key: &str,
) -> Option<tree_sitter::Node<'t>> {
    let args = call.child_by_field_name("arguments")?;
    let mut c = args.walk();
    let found = args
        .named_children(&mut c)
        .filter(|a| a.kind() == "keyword_argument")
        .find(|a| {
            a.child_by_field_name("name")
                .is_some_and(|n| text(n, src) == key)
        })?;
    found.child_by_field_name("value")
}

fn kwarg_string(call: tree_sitter::Node, src: &[u8], key: &str) -> Option<String> {
    let v = kwarg_node(call, src, key)?;
    string_value(v, src).or_else(|| {
        let t = text(v, src);
        (t == "\"\"" || t == "''").then(String::new)
    })
}

fn python_classes(tree: &Tree, src: &[u8], file: &str) -> Vec<PyClass> {
    let mut out = Vec::new();
    walk(tree, |n| {
        if n.kind() != "class_definition" {
            return;
        }
        let name = n
            .child_by_field_name("name")
            .map(|x| text(x, src).to_string())
            .unwrap_or_default();
        let mut bases = Vec::new();
        if let Some(sc) = n.child_by_field_name("superclasses") {
            let mut c = sc.walk();
            for b in sc.named_children(&mut c) {
                if b.kind() != "keyword_argument" {
                    bases.push(text(b, src).rsplit('.').next().unwrap_or("").to_string());
                }
            }
        }
        let mut cls = PyClass {
            file: file.to_string(),
            line: line(n),
            name,
            bases,
            env_prefix: None,
            nested_delimiter: None,
            case_sensitive: false,
            fields: Vec::new(),
        };
        let Some(body) = n.child_by_field_name("body") else {
            return;
        };
        let mut c = body.walk();
        for stmt in body.named_children(&mut c) {
            // Inner `class Config:` (pydantic v1).
            if stmt.kind() == "class_definition"
                && stmt
                    .child_by_field_name("name")
                    .is_some_and(|x| text(x, src) == "Config")
            {
                if let Some(b) = stmt.child_by_field_name("body") {
                    let mut c2 = b.walk();
                    for s in b.named_children(&mut c2) {
                        let Some(a) = s.named_child(0).filter(|a| a.kind() == "assignment") else {
                            continue;
                        };
                        let (Some(l), Some(r)) = (
                            a.child_by_field_name("left"),
                            a.child_by_field_name("right"),
                        ) else {
                            continue;
                        };
                        match text(l, src) {
                            "env_prefix" => {
                                cls.env_prefix = string_value(r, src).or(Some(String::new()))
                            }
                            "env_nested_delimiter" => cls.nested_delimiter = string_value(r, src),
                            "case_sensitive" => cls.case_sensitive = text(r, src) == "True",
                            _ => {}
                        }
                    }
                }
                continue;
            }
            if stmt.kind() != "expression_statement" {
                continue;
            }
            let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
                continue;
            };
            let Some(left) = a.child_by_field_name("left") else {
                continue;
            };
            let fname = text(left, src).to_string();
            let right = a.child_by_field_name("right");
            if fname == "model_config" {
                if let Some(r) = right.filter(|r| r.kind() == "call") {
                    if let Some(p) = kwarg_string(r, src, "env_prefix") {
                        cls.env_prefix = Some(p);
                    }
                    cls.nested_delimiter = kwarg_string(r, src, "env_nested_delimiter")
                        .or(cls.nested_delimiter.take());
                    if let Some(args) = r.child_by_field_name("arguments")
                        && text(args, src).contains("case_sensitive=True")
                    {
                        cls.case_sensitive = true;
                    }
                }
                continue;
            }
            let Some(ann) = a.child_by_field_name("type") else {
                continue;
            };
            if fname.starts_with('_') || text(ann, src).starts_with("ClassVar") {
                continue;
            }
            let mut default = right.map(|r| classify_default(r, src));
            let mut alias = None;
            if let Some(r) = right.filter(|r| r.kind() == "call") {
                let f = r
                    .child_by_field_name("function")
                    .map(|x| text(x, src))
                    .unwrap_or("");
                if f == "Field" || f.ends_with(".Field") {
                    let (first, _) = first_arg(r);
                    let positional =
                        first.filter(|x| x.kind() != "keyword_argument" && text(*x, src) != "...");
                    default = positional
                        .or_else(|| kwarg_node(r, src, "default"))
                        .map(|v| classify_default(v, src))
                        .or_else(|| {
                            kwarg_node(r, src, "default_factory").map(|v| CodeDefault {
                                value: DefaultValue::Computed,
                                line: line(v),
                            })
                        });
                    alias = kwarg_string(r, src, "validation_alias")
                        .or_else(|| kwarg_string(r, src, "alias"))
                        .or_else(|| kwarg_string(r, src, "env"));
                }
            }
            cls.fields.push(PyField {
                name: fname,
                annotation: text(ann, src).to_string(),
                default,
                alias,
                line: line(left),
            });
        }
        out.push(cls);
    });
    out
}

/// Resolves pydantic settings classes (subclasses of `BaseSettings`, directly or through other
/// classes of the repository) into the variables they read.
fn resolve_settings(classes: &[PyClass], out: &mut CodeReads) {
    let by_name: BTreeMap<&str, &PyClass> = classes.iter().map(|c| (c.name.as_str(), c)).collect();
    let is_settings = |c: &PyClass| {
        let mut stack: Vec<&str> = c.bases.iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        while let Some(b) = stack.pop() {
            if b == "BaseSettings" {
                return true;
            }
            if seen.insert(b)
                && let Some(p) = by_name.get(b)
            {
                stack.extend(p.bases.iter().map(String::as_str));
            }
        }
        false
    };
    // Inherited configuration and fields, nearest first.
    fn lineage<'a>(c: &'a PyClass, by_name: &BTreeMap<&str, &'a PyClass>) -> Vec<&'a PyClass> {
        let mut out: Vec<&PyClass> = vec![];
        let mut stack = vec![c];
        while let Some(x) = stack.pop() {
            if out.iter().any(|o| o.name == x.name) || out.len() > 32 {
                continue;
            }
            out.push(x);
            for b in &x.bases {
                if let Some(p) = by_name.get(b.as_str()) {
                    stack.push(p);
                }
            }
        }
        out
    }
    for c in classes.iter().filter(|c| is_settings(c)) {
        let lin = lineage(c, &by_name);
        let prefix = lin
            .iter()
            .find_map(|x| x.env_prefix.clone())
            .unwrap_or_default();
        let delim = lin.iter().find_map(|x| x.nested_delimiter.clone());
        out.settings.push(SettingsClass {
            file: c.file.clone(),
            line: c.line,
            name: c.name.clone(),
            env_prefix: prefix.clone(),
            nested_delimiter: delim.clone(),
        });
        // Fields with the file that declares them; a subclass's field replaces its base's.
        let mut fields: Vec<(&PyField, &str)> = Vec::new();
        for x in lin.iter().rev() {
            for f in &x.fields {
                fields.retain(|(g, _)| g.name != f.name);
                fields.push((f, x.file.as_str()));
            }
        }
        for (f, ffile) in fields {
            let (name, ann, default, alias, fline) = (
                f.name.clone(),
                f.annotation.clone(),
                f.default.clone(),
                f.alias.clone(),
                f.line,
            );
            let var = match &alias {
                Some(a) => a.clone(),
                None => format!("{prefix}{name}"),
            };
            out.reads.push(EnvRead {
                name: var.clone(),
                file: ffile.to_string(),
                line: fline,
                has_default: default.is_some(),
                default: default.clone(),
                how: "BaseSettings field",
                case_insensitive: !c.case_sensitive,
            });
            // Nested models: PREFIX + field + delimiter + subfield, recursively.
            let (Some(d), None) = (&delim, &alias) else {
                continue;
            };
            // A nested variable falls back to its own field's default, else to the parent's.
            let mut stack: Vec<(String, String, Option<CodeDefault>, usize)> =
                vec![(var, ann, default, 0)];
            while let Some((base, ann, parent_default, depth)) = stack.pop() {
                if depth > 6 {
                    continue;
                }
                let ty = ann
                    .trim_start_matches("Optional[")
                    .trim_end_matches(']')
                    .split('|')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                let Some(model) = by_name.get(ty.as_str()) else {
                    continue;
                };
                for x in lineage(model, &by_name).iter().rev() {
                    for f in &x.fields {
                        let sub = match &f.alias {
                            Some(a) => format!("{base}{d}{a}"),
                            None => format!("{base}{d}{}", f.name),
                        };
                        let default = f.default.clone().or_else(|| parent_default.clone());
                        out.reads.push(EnvRead {
                            name: sub.clone(),
                            file: x.file.clone(),
                            line: f.line,
                            has_default: default.is_some(),
                            default: default.clone(),
                            how: "BaseSettings nested field",
                            case_insensitive: !c.case_sensitive,
                        });
                        stack.push((sub, f.annotation.clone(), default, depth + 1));
                    }
                }
            }
        }
    }
}

/// The fallback of a `process.env` read: the last operand of the `||`/`??` chain it starts, the
/// other branch of a ternary it is the condition of, a destructuring default.
fn js_fallback(n: tree_sitter::Node, src: &[u8]) -> Option<CodeDefault> {
    let computed = |at: tree_sitter::Node| CodeDefault {
        value: DefaultValue::Computed,
        line: line(at),
    };
    let mut cur = n;
    let mut last = None;
    // Walk up through parentheses, casts and the chain.
    while let Some(p) = cur.parent() {
        match p.kind() {
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {}
            "binary_expression" => {
                let op = p
                    .child_by_field_name("operator")
                    .map(|o| text(o, src))
                    .unwrap_or("");
                if p.child_by_field_name("left") != Some(cur) || !matches!(op, "||" | "??") {
                    break;
                }
                last = p.child_by_field_name("right");
            }
            "ternary_expression" if last.is_none() => {
                if p.child_by_field_name("condition") == Some(cur) {
                    return p
                        .child_by_field_name("alternative")
                        .map(|a| classify_default(a, src));
                }
                return Some(computed(p));
            }
            "assignment_pattern" | "object_assignment_pattern" if last.is_none() => {
                return Some(computed(p));
            }
            _ => break,
        }
        cur = p;
    }
    last.map(|r| classify_default(r, src))
}

/// A `process.env.X` or `process.env["X"]` read at `n`.
fn js_read(name: String, file: &str, n: tree_sitter::Node, src: &[u8]) -> EnvRead {
    let default = js_fallback(n, src);
    EnvRead {
        name,
        file: file.to_string(),
        line: line(n),
        has_default: default.is_some() || compared_with_literal(n, src),
        default,
        how: "process.env",
        case_insensitive: false,
    }
}

fn js_reads(tree: &Tree, src: &[u8], file: &str, out: &mut CodeReads, pending: &mut Pending) {
    let is_env_obj = |t: &str| {
        matches!(
            t,
            "process.env" | "import.meta.env" | "Bun.env" | "Deno.env"
        )
    };
    walk(tree, |n| match n.kind() {
        "call_expression" => helpers::note_call(Family::Js, n, src, file, &mut pending.calls),
        "member_expression" => {
            let (Some(obj), Some(prop)) = (
                n.child_by_field_name("object"),
                n.child_by_field_name("property"),
            ) else {
                return;
            };
            if !is_env_obj(text(obj, src)) {
                return;
            }
            let name = text(prop, src).to_string();
            if n.parent().is_some_and(|p| {
                p.kind() == "assignment_expression" && p.child_by_field_name("left") == Some(n)
            }) {
                return;
            }
            out.reads.push(js_read(name, file, n, src));
        }
        "subscript_expression" => {
            let (Some(obj), Some(idx)) = (
                n.child_by_field_name("object"),
                n.child_by_field_name("index"),
            ) else {
                return;
            };
            if !is_env_obj(text(obj, src)) {
                return;
            }
            match string_value(idx, src) {
                Some(name) => out.reads.push(js_read(name, file, n, src)),
                None => {
                    out.dynamic.push((file.to_string(), line(n)));
                    helpers::note_helper(Family::Js, n, idx, src, file, &mut pending.helpers);
                }
            }
        }
        "variable_declarator" => {
            // const { A, B = "x", C: c } = process.env
            let (Some(name), Some(value)) = (
                n.child_by_field_name("name"),
                n.child_by_field_name("value"),
            ) else {
                return;
            };
            if name.kind() != "object_pattern" || !is_env_obj(text(value, src)) {
                return;
            }
            let mut c = name.walk();
            for p in name.named_children(&mut c) {
                let (key, dflt) = match p.kind() {
                    "shorthand_property_identifier_pattern" => (text(p, src).to_string(), None),
                    "object_assignment_pattern" => (
                        p.child_by_field_name("left")
                            .map(|l| text(l, src).to_string())
                            .unwrap_or_default(),
                        p.child_by_field_name("right")
                            .map(|r| classify_default(r, src)),
                    ),
                    "pair_pattern" => {
                        let k = p
                            .child_by_field_name("key")
                            .map(|l| text(l, src).trim_matches(['"', '\'']).to_string())
                            .unwrap_or_default();
                        let d = p
                            .child_by_field_name("value")
                            .filter(|v| v.kind() == "assignment_pattern")
                            .and_then(|v| v.child_by_field_name("right"))
                            .map(|r| classify_default(r, src));
                        (k, d)
                    }
                    "rest_pattern" => {
                        out.dynamic.push((file.to_string(), line(p)));
                        continue;
                    }
                    _ => continue,
                };
                if !key.is_empty() {
                    out.reads.push(EnvRead {
                        name: key,
                        file: file.to_string(),
                        line: line(p),
                        has_default: dflt.is_some(),
                        default: dflt,
                        how: "process.env",
                        case_insensitive: false,
                    });
                }
            }
        }
        _ => {}
    });
}

fn go_reads(tree: &Tree, src: &[u8], file: &str, out: &mut CodeReads, pending: &mut Pending) {
    walk(tree, |n| {
        if n.kind() != "call_expression" {
            return;
        }
        helpers::note_call(Family::Go, n, src, file, &mut pending.calls);
        let Some(func) = n.child_by_field_name("function") else {
            return;
        };
        let how = match text(func, src) {
            "os.Getenv" => "os.Getenv",
            "os.LookupEnv" => "os.LookupEnv",
            _ => return,
        };
        let (arg, _) = first_arg(n);
        match arg.and_then(|a| string_value(a, src)) {
            Some(name) => {
                let default = go_fallback(n, src);
                out.reads.push(EnvRead {
                    name,
                    file: file.to_string(),
                    line: line(n),
                    // LookupEnv reports absence: the caller handles it.
                    has_default: how == "os.LookupEnv"
                        || default.is_some()
                        || compared_with_literal(n, src),
                    default,
                    how,
                    case_insensitive: false,
                })
            }
            None => {
                out.dynamic.push((file.to_string(), line(n)));
                if let Some(a) = arg {
                    helpers::note_helper(Family::Go, n, a, src, file, &mut pending.helpers);
                }
            }
        }
    });
}

/// Go has no fallback syntax; the idiom is `v := os.Getenv("X")` followed by
/// `if v == "" { v = "dev" }` (or `len(v) == 0`): the value assigned there.
fn go_fallback(call: tree_sitter::Node, src: &[u8]) -> Option<CodeDefault> {
    let list = call.parent().filter(|p| p.kind() == "expression_list")?;
    let decl = list.parent().filter(|p| {
        matches!(p.kind(), "short_var_declaration" | "assignment_statement")
            && p.child_by_field_name("right") == Some(list)
    })?;
    let target = text(decl.child_by_field_name("left")?, src);
    if target.contains(',') || non_comment_children(list).len() != 1 {
        return None;
    }
    let mut next = decl.next_named_sibling();
    while let Some(c) = next.filter(|c| c.kind() == "comment") {
        next = c.next_named_sibling();
    }
    let stmt = next.filter(|s| s.kind() == "if_statement")?;
    if stmt.child_by_field_name("initializer").is_some() {
        return None;
    }
    let cond: String = text(stmt.child_by_field_name("condition")?, src)
        .split_whitespace()
        .collect();
    let empty = [
        format!("{target}==\"\""),
        format!("\"\"=={target}"),
        format!("len({target})==0"),
    ];
    if !empty.contains(&cond) {
        return None;
    }
    // The assignment in the `if` block (a statement list inside it in newer grammars).
    let mut stack = vec![(stmt.child_by_field_name("consequence")?, 0)];
    while let Some((n, depth)) = stack.pop() {
        for c in non_comment_children(n) {
            if c.kind() == "assignment_statement"
                && c.child_by_field_name("left").map(|l| text(l, src)) == Some(target)
            {
                let right = c.child_by_field_name("right")?;
                let value = non_comment_children(right);
                return match value.as_slice() {
                    [v] => Some(classify_default(*v, src)),
                    _ => None,
                };
            }
            if c.kind() == "statement_list" && depth < 2 {
                stack.push((c, depth + 1));
            }
        }
    }
    None
}

fn rust_reads(tree: &Tree, src: &[u8], file: &str, out: &mut CodeReads, pending: &mut Pending) {
    walk(tree, |n| {
        if n.kind() != "call_expression" {
            return;
        }
        if !in_rust_test(n, src) {
            helpers::note_call(Family::Rust, n, src, file, &mut pending.calls);
        }
        let Some(func) = n.child_by_field_name("function") else {
            return;
        };
        let f = text(func, src);
        if !matches!(
            f,
            "env::var" | "std::env::var" | "env::var_os" | "std::env::var_os"
        ) {
            return;
        }
        if in_rust_test(n, src) {
            return;
        }
        let (arg, _) = first_arg(n);
        // `.unwrap_or(..)`, `.unwrap_or_else`, `.unwrap_or_default`, `.ok()`, `if let Ok(..)` handle absence.
        let mut has_default = false;
        if let Some(p) = n.parent().filter(|p| p.kind() == "field_expression") {
            let field = p
                .child_by_field_name("field")
                .map(|x| text(x, src))
                .unwrap_or("");
            has_default = field.starts_with("unwrap_or")
                || field == "ok"
                || field == "is_ok"
                || field == "is_err";
        }
        if n.parent()
            .is_some_and(|p| matches!(p.kind(), "let_condition" | "match_expression"))
        {
            has_default = true;
        }
        match arg.and_then(|a| string_value(a, src)) {
            Some(name) => out.reads.push(EnvRead {
                name,
                file: file.to_string(),
                line: line(n),
                has_default,
                default: rust_fallback(n, src),
                how: "std::env::var",
                case_insensitive: false,
            }),
            None => {
                out.dynamic.push((file.to_string(), line(n)));
                if let Some(a) = arg {
                    helpers::note_helper(Family::Rust, n, a, src, file, &mut pending.helpers);
                }
            }
        }
    });
}

/// The value an `env::var(..)` call falls back to through `.ok()`/`.as_deref()` and
/// `.unwrap_or(v)`, `.unwrap_or_else(|_| v)`, `.unwrap_or_default()`.
fn rust_fallback(n: tree_sitter::Node, src: &[u8]) -> Option<CodeDefault> {
    let mut cur = n;
    for _ in 0..4 {
        let method = cur.parent().filter(|p| {
            p.kind() == "field_expression" && p.child_by_field_name("value") == Some(cur)
        })?;
        let call = method.parent().filter(|c| c.kind() == "call_expression")?;
        let args = call
            .child_by_field_name("arguments")
            .map(non_comment_children)
            .unwrap_or_default();
        match method.child_by_field_name("field").map(|f| text(f, src)) {
            Some("ok" | "as_deref" | "as_ref") => cur = call,
            Some("unwrap_or" | "unwrap_or_else") => {
                return args.first().map(|a| classify_default(*a, src));
            }
            Some("unwrap_or_default") => {
                return Some(CodeDefault {
                    value: DefaultValue::Empty,
                    line: line(call),
                });
            }
            _ => return None,
        }
    }
    None
}

/// Inside a `#[cfg(test)]` module or a `#[test]` function: Rust keeps unit tests beside the code.
fn in_rust_test(n: tree_sitter::Node, src: &[u8]) -> bool {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if matches!(p.kind(), "mod_item" | "function_item") {
            let mut prev = p.prev_named_sibling();
            while let Some(a) = prev {
                match a.kind() {
                    "attribute_item" => {
                        let t: String = text(a, src).split_whitespace().collect();
                        if t == "#[cfg(test)]" || t.ends_with("test]") {
                            return true;
                        }
                    }
                    "line_comment" | "block_comment" => {}
                    _ => break,
                }
                prev = a.prev_named_sibling();
            }
        }
        cur = p;
    }
    false
}

/// Parses one source file and records what it reads. Never panics.
pub fn scan_source(
    lang: Language,
    file: &str,
    source: &str,
    out: &mut CodeReads,
    pending: &mut Pending,
) {
    let Some(mut parser) = parser_for(lang, file) else {
        return;
    };
    let Some(tree) = parser.parse(source, None) else {
        out.errors
            .push((file.to_string(), "could not be parsed".to_string()));
        return;
    };
    out.files_parsed += 1;
    let src = source.as_bytes();
    match lang {
        Language::Python => {
            python_calls(&tree, src, file, out, pending);
            python_imports(&tree, src, file, out);
            pending.classes.extend(python_classes(&tree, src, file));
        }
        Language::JavaScript | Language::TypeScript => js_reads(&tree, src, file, out, pending),
        Language::Go => go_reads(&tree, src, file, out, pending),
        Language::Rust => rust_reads(&tree, src, file, out, pending),
        _ => {}
    }
}

/// What [`scan_source`] collects for [`finish`] to resolve across files: Python classes
/// (settings classes and their bases) and the code's own reading helpers with their calls.
#[derive(Debug, Default)]
pub struct Pending {
    classes: Vec<PyClass>,
    helpers: Vec<helpers::Helper>,
    calls: Vec<helpers::Call>,
}

/// Resolves what the files scanned by [`scan_source`] left pending.
pub fn finish(out: &mut CodeReads, pending: Pending) {
    resolve_settings(&pending.classes, out);
    helpers::resolve(&pending.helpers, &pending.calls, out);
}

impl CodeReads {
    pub fn collect_from(index: &RepoIndex) -> Self {
        let mut out = CodeReads::default();
        let mut pending = Pending::default();
        for f in &index.files {
            if mentions::wanted(f) && !f.is_test_or_example() && f.size <= MAX_SOURCE_BYTES {
                if let Ok(t) = index.read_text(&f.rel) {
                    mentions::scan(f, &t, &mut out.mentions);
                }
                continue;
            }
            let FileKind::Source(lang) = f.kind else {
                continue;
            };
            if !matches!(
                lang,
                Language::Python
                    | Language::JavaScript
                    | Language::TypeScript
                    | Language::Go
                    | Language::Rust
            ) {
                continue;
            }
            // The secrets scan's notion of tests and examples: what they read is not the contract.
            if f.is_test_or_example() || is_test_file_name(f.name()) || f.size > MAX_SOURCE_BYTES {
                continue;
            }
            match index.read_text(&f.rel) {
                Ok(t) => scan_source(lang, &f.rel, &t, &mut out, &mut pending),
                Err(e) => out.errors.push((f.rel.clone(), e.message)),
            }
        }
        finish(&mut out, pending);
        out
    }

    /// Whether another Python file imports the module `file` defines.
    pub fn module_imported(&self, file: &str) -> bool {
        let no_ext = file.trim_end_matches(".py");
        let module = no_ext.strip_suffix("/__init__").unwrap_or(no_ext);
        let stem = module.rsplit('/').next().unwrap_or(module);
        let dotted = module.replace('/', ".");
        self.imports.iter().any(|(from, m)| {
            from != file && {
                let last = m.rsplit('.').next().unwrap_or(m);
                // `app.config.pool`, `config.pool`, `.pool`, `..config.pool`: the last component is
                // the module, and any dotted form must be a suffix of its path.
                last == stem && (dotted.ends_with(m.trim_start_matches('.')) || m.starts_with('.'))
            }
        })
    }

    /// Where a script, a Dockerfile or code golive only matches by pattern uses `name`.
    pub fn mentioned(&self, name: &str) -> Option<&mentions::EnvMention> {
        self.mentions.iter().find(|m| m.name == name)
    }

    /// Whether the code reads `name` anywhere.
    pub fn reads_var(&self, name: &str) -> bool {
        self.reads
            .iter()
            .any(|r| r.name == name || (r.case_insensitive && r.name.eq_ignore_ascii_case(name)))
    }
}

#[async_trait::async_trait]
impl Fact for CodeReads {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || CodeReads::collect_from(&index))
            .await
            .map_err(|e| FactError::new(format!("scanning source files failed: {e}")))
    }
}

/// One place the production deployment sets a variable for the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSet {
    pub name: String,
    pub file: String,
    pub line: u32,
    /// `compose service api`, `env file`.
    pub source: String,
}

/// A source that may set variables golive cannot list: an env file missing from the repository,
/// an `envFrom` ConfigMap or Secret that is not among the manifests, a Helm `env` it cannot
/// resolve without rendering, a manifest that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSource {
    pub file: String,
    pub line: u32,
    pub reason: String,
    /// Only variables starting with this (an `envFrom` `prefix`) can come from it; empty: any.
    pub prefix: String,
}

impl UnknownSource {
    /// Whether `name` could come from this source.
    pub fn could_set(&self, name: &str, case_insensitive: bool) -> bool {
        if case_insensitive {
            name.to_ascii_uppercase()
                .starts_with(&self.prefix.to_ascii_uppercase())
        } else {
            name.starts_with(&self.prefix)
        }
    }
}

/// What the production deployment provides to the application.
#[derive(Debug, Clone, Default)]
pub struct DeploySets {
    pub sets: Vec<EnvSet>,
    /// Sources whose variables are unknown: a variable they could set is neither known to be
    /// set nor known to be missing.
    pub unknown: Vec<UnknownSource>,
    /// Where the production configuration was found (for evidence); empty when there is none.
    pub sources: Vec<String>,
}

/// Images of databases, caches, brokers and proxies: their containers do not run the
/// application's code, so what they are given is not part of its contract.
const THIRD_PARTY_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey",
    "memcached",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "minio",
    "nginx",
    "nginx-unprivileged",
    "traefik",
    "envoy",
    "haproxy",
    "busybox",
    "pgbouncer",
    "cloud-sql-proxy",
    "otel-collector",
    "opentelemetry-collector",
    "opentelemetry-collector-contrib",
    "prometheus",
    "grafana",
    "fluent-bit",
    "vector",
];

fn runs_third_party_image(container: &crate::yaml_tree::Node) -> bool {
    container
        .get("image")
        .and_then(|i| i.scalar_text())
        .and_then(|i| crate::dockerfile::ImageRef::parse(&i))
        .is_some_and(|r| THIRD_PARTY_IMAGES.contains(&r.short_name().as_str()))
}

/// Kubernetes turns keys that are not valid variable names into no variable at all (and an
/// event), so a `nginx.conf` key of an `envFrom` ConfigMap sets nothing.
fn is_env_name(k: &str) -> bool {
    let mut c = k.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// The keys an `envFrom` source turns into variables, with their lines, and whether the object
/// has keys golive cannot list (Helm, `dataFrom`).
fn env_source_keys(o: &K8sObject) -> (Vec<(String, u32)>, bool) {
    let mut keys = Vec::new();
    let mut opaque = false;
    let mut take = |n: Option<&crate::yaml_tree::Node>, opaque: &mut bool| {
        let Some(n) = n else { return };
        if n.as_str().is_some_and(|s| s.contains(UNRESOLVED)) {
            *opaque = true;
        }
        for e in n.entries() {
            if e.key.contains(UNRESOLVED) {
                *opaque = true;
            } else if is_env_name(&e.key) {
                keys.push((e.key.clone(), e.line));
            }
        }
    };
    match o.kind.as_str() {
        "ConfigMap" => {
            take(o.doc.get("data"), &mut opaque);
            take(o.doc.get("binaryData"), &mut opaque);
        }
        "Secret" => {
            take(o.doc.get("data"), &mut opaque);
            take(o.doc.get("stringData"), &mut opaque);
        }
        "SealedSecret" => take(o.doc.path(&["spec", "encryptedData"]), &mut opaque),
        "ExternalSecret" => {
            for d in o
                .doc
                .path(&["spec", "data"])
                .map(|d| d.as_seq())
                .unwrap_or(&[])
            {
                match d.get("secretKey").and_then(|k| k.as_str()) {
                    Some(k) if !k.contains(UNRESOLVED) => {
                        if is_env_name(k) {
                            keys.push((k.to_string(), d.line));
                        }
                    }
                    _ => opaque = true,
                }
            }
            if o.doc.path(&["spec", "dataFrom"]).is_some() {
                opaque = true;
            }
        }
        _ => {}
    }
    (keys, opaque)
}

/// The name of the Secret an object produces: a Secret's own, a SealedSecret's template or own
/// name, an ExternalSecret's target (its own name by default).
fn produced_secret_name(o: &K8sObject) -> Option<String> {
    match o.kind.as_str() {
        "Secret" => Some(o.name.clone()),
        "SealedSecret" => o
            .doc
            .path(&["spec", "template", "metadata", "name"])
            .and_then(|n| n.scalar_text())
            .or_else(|| Some(o.name.clone())),
        "ExternalSecret" => o
            .doc
            .path(&["spec", "target", "name"])
            .and_then(|n| n.scalar_text())
            .or_else(|| Some(o.name.clone())),
        _ => None,
    }
}

/// Names of environments other than production, as directory or file name parts.
const OTHER_ENVIRONMENTS: &[&str] = &[
    "dev",
    "development",
    "local",
    "staging",
    "stage",
    "qa",
    "test",
    "testing",
    "sandbox",
    "preview",
    "review",
    "demo",
];

/// A manifest path that names another environment (`k8s/overlays/staging/`, `deploy-dev.yaml`):
/// without `manifests` in golive.toml, what it sets is not what production sets.
pub fn names_other_environment(rel: &str) -> bool {
    rel.to_ascii_lowercase()
        .split(['/', '.', '-', '_'])
        .any(|p| OTHER_ENVIRONMENTS.contains(&p))
}

/// Where a Helm chart's values file writes `name: <var>`, for an env entry that a template
/// pulls in with `toYaml .Values.…`: the overlay that wins first, then `values.yaml`.
fn helm_values_line(index: &RepoIndex, chart: &str, var: &str) -> Option<(String, u32)> {
    let join = |n: &str| {
        if chart.is_empty() {
            n.to_string()
        } else {
            format!("{chart}/{n}")
        }
    };
    for name in [
        "values-production.yaml",
        "values-prod.yaml",
        "values.production.yaml",
        "values.prod.yaml",
        "values.yaml",
    ] {
        let rel = join(name);
        let Ok(text) = index.read_text(&rel) else {
            continue;
        };
        for (i, l) in text.lines().enumerate() {
            let t = l.trim_start().trim_start_matches("- ").trim();
            let Some(v) = t.strip_prefix("name:") else {
                continue;
            };
            if v.trim().trim_matches(|c| c == '"' || c == '\'') == var {
                return Some((rel, i as u32 + 1));
            }
        }
    }
    None
}

/// A template's lines, split on first use.
struct LazyLines<'a> {
    text: &'a str,
    lines: std::cell::OnceCell<Vec<&'a str>>,
}

impl<'a> LazyLines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            lines: std::cell::OnceCell::new(),
        }
    }

    /// Line `i` (0-based), as `str::lines` gives it.
    fn line(&self, i: usize) -> Option<&'a str> {
        self.lines
            .get_or_init(|| self.text.lines().collect())
            .get(i)
            .copied()
    }
}

impl DeploySets {
    pub fn build(
        index: &RepoIndex,
        env_files: &EnvFiles,
        compose: &ComposeFiles,
        manifests: &Manifests,
    ) -> Self {
        let mut out = DeploySets::default();
        for f in env_files.targets() {
            out.sources.push(format!("env file {}", f.rel));
            for e in f.parsed.effective() {
                out.sets.push(EnvSet {
                    name: e.key.clone(),
                    file: f.rel.clone(),
                    line: e.line,
                    source: format!("env file {}", f.rel),
                });
            }
        }
        out.add_compose(index, compose);
        out.add_kubernetes(index, manifests);
        out
    }

    fn add_compose(&mut self, index: &RepoIndex, compose: &ComposeFiles) {
        for p in &compose.production {
            for s in &p.services {
                // Only services built from this repository run the application's code.
                if s.node.get("build").is_none() {
                    continue;
                }
                self.sources.push(format!(
                    "compose service {} ({})",
                    s.name,
                    p.files.join(" + ")
                ));
                for (k, _, node) in s.environment() {
                    self.sets.push(EnvSet {
                        name: k,
                        file: node.file.to_string(),
                        line: node.line,
                        source: format!("compose service {}", s.name),
                    });
                }
                let Some(ef) = s.node.get("env_file") else {
                    continue;
                };
                let items: Vec<&Node> = if ef.str().is_some() {
                    vec![ef]
                } else {
                    ef.items().iter().collect()
                };
                for it in items {
                    let Some(written) = it.str().or_else(|| it.get("path").and_then(Node::str))
                    else {
                        continue;
                    };
                    let Some(rel) =
                        with_defaults(written).and_then(|w| crate::compose::repo_path(&s.dir, &w))
                    else {
                        continue;
                    };
                    if self.sets.iter().any(|x| x.file == rel) {
                        continue;
                    }
                    match index.read_text(&rel) {
                        Ok(t) => {
                            for e in crate::envfile::parse(&t).effective() {
                                self.sets.push(EnvSet {
                                    name: e.key.clone(),
                                    file: rel.clone(),
                                    line: e.line,
                                    source: format!("env_file of service {}", s.name),
                                });
                            }
                        }
                        Err(_) => self.unknown.push(UnknownSource {
                            file: it.file.to_string(),
                            line: it.line,
                            reason: format!("env file {rel} is not in the repository"),
                            prefix: String::new(),
                        }),
                    }
                }
            }
        }
    }

    fn add_kubernetes(&mut self, index: &RepoIndex, manifests: &Manifests) {
        for e in &manifests.errors {
            self.unknown.push(UnknownSource {
                file: e.file.clone(),
                line: e.line.unwrap_or(1),
                reason: format!("manifest {} could not be read ({})", e.file, e.message),
                prefix: String::new(),
            });
        }
        // Discovered (not configured) manifests may hold every environment's overlays.
        let applies = |rel: &str| manifests.configured || !names_other_environment(rel);
        for w in manifests.workloads().filter(|w| applies(&w.file)) {
            let containers: Vec<&crate::yaml_tree::Node> = w
                .init_containers()
                .iter()
                .chain(w.containers())
                .filter(|c| !runs_third_party_image(c))
                .collect();
            if containers.is_empty() {
                continue;
            }
            self.sources.push(format!(
                "Kubernetes {} ({}:{})",
                w.display(),
                w.file,
                w.line
            ));
            let template_text = match &w.origin {
                Origin::Helm { .. } => index.read_text(&w.file).ok(),
                Origin::Plain => None,
            };
            // Split into lines only when an `env` entry asks (most workloads have none).
            let template_lines: Option<LazyLines> =
                template_text.as_deref().map(|t| LazyLines::new(t));
            let chart = match &w.origin {
                Origin::Helm { chart } => Some(chart.as_str()),
                Origin::Plain => None,
            };
            for c in containers {
                let cname = c
                    .get("name")
                    .and_then(|n| n.scalar_text())
                    .unwrap_or_default();
                let source = format!("{} container {cname}", w.display());
                self.add_container_env(index, w, c, &source, chart, template_lines.as_ref());
                self.add_env_from(manifests, w, c, &source);
            }
        }
    }

    fn add_container_env(
        &mut self,
        index: &RepoIndex,
        w: &K8sObject,
        c: &crate::yaml_tree::Node,
        source: &str,
        chart: Option<&str>,
        template: Option<&LazyLines>,
    ) {
        let Some(env) = c.get("env") else {
            return;
        };
        let opaque = |line: u32| UnknownSource {
            file: w.file.clone(),
            line,
            reason: format!(
                "the env of {source} comes from a Helm expression golive cannot resolve without rendering"
            ),
            prefix: String::new(),
        };
        if env.as_str().is_some_and(|s| s.contains(UNRESOLVED))
            || env.entries().iter().any(|e| e.key.contains(UNRESOLVED))
        {
            self.unknown.push(opaque(env.line.max(1)));
            return;
        }
        for item in env.as_seq() {
            if item.entries().iter().any(|e| e.key.contains(UNRESOLVED)) {
                self.unknown.push(opaque(item.line.max(1)));
                continue;
            }
            let Some(entry) = item.entry("name") else {
                continue;
            };
            let Some(name) = entry.node.scalar_text() else {
                continue;
            };
            if name.contains(UNRESOLVED) {
                self.unknown.push(opaque(entry.line));
                continue;
            }
            let (mut file, mut line) = (w.file.clone(), entry.line);
            let mut from_values = "";
            // `toYaml .Values.env` puts the whole list on the template line: the values file
            // that writes the name is the place to fix it.
            if let (Some(chart), Some(t)) = (chart, template) {
                let written_here = t
                    .line(line.saturating_sub(1) as usize)
                    .is_some_and(|l| l.contains(name.as_str()));
                if !written_here && let Some((f, l)) = helm_values_line(index, chart, &name) {
                    (file, line) = (f, l);
                    from_values = ", from the chart's values";
                }
            }
            self.sets.push(EnvSet {
                name,
                file,
                line,
                source: format!("env of {source}{from_values}"),
            });
        }
    }

    fn add_env_from(
        &mut self,
        manifests: &Manifests,
        w: &K8sObject,
        c: &crate::yaml_tree::Node,
        source: &str,
    ) {
        for item in c.at("envFrom").as_seq() {
            let prefix = item
                .get("prefix")
                .and_then(|p| p.scalar_text())
                .unwrap_or_default();
            let (kind, name) = match (item.get("configMapRef"), item.get("secretRef")) {
                (Some(r), _) => ("ConfigMap", r.get("name").and_then(|n| n.scalar_text())),
                (None, Some(r)) => ("Secret", r.get("name").and_then(|n| n.scalar_text())),
                _ => continue,
            };
            let unknown = |reason: String| UnknownSource {
                file: w.file.clone(),
                line: item.line.max(1),
                reason,
                prefix: prefix.clone(),
            };
            let Some(name) = name.filter(|n| !n.contains(UNRESOLVED)) else {
                self.unknown.push(unknown(format!(
                    "envFrom of {source} names a {kind} golive cannot resolve without rendering"
                )));
                continue;
            };
            let same_ns = |o: &K8sObject| match (&o.namespace, &w.namespace) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            let found: Vec<&K8sObject> = manifests
                .objects
                .iter()
                .filter(|o| same_ns(o))
                .filter(|o| manifests.configured || !names_other_environment(&o.file))
                .filter(|o| match kind {
                    "ConfigMap" => o.kind == "ConfigMap" && o.name == name,
                    _ => produced_secret_name(o).as_deref() == Some(name.as_str()),
                })
                .collect();
            let generated: Vec<&crate::manifests::Generated> = manifests
                .generated
                .iter()
                .filter(|g| g.kind == kind && g.name == name)
                .filter(|g| match (&g.namespace, &w.namespace) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                })
                .filter(|g| manifests.configured || !names_other_environment(&g.file))
                .collect();
            if found.is_empty() && generated.is_empty() {
                self.unknown.push(unknown(format!(
                    "envFrom {kind} {name} of {source} is not among the repository's manifests"
                )));
                continue;
            }
            for g in generated {
                if let Some(why) = &g.opaque {
                    self.unknown.push(UnknownSource {
                        file: g.file.clone(),
                        line: g.line.max(1),
                        reason: format!("the {kind} {} a kustomization generates: {why}", g.name),
                        prefix: prefix.clone(),
                    });
                }
                for (k, file, line) in &g.keys {
                    if is_env_name(k) {
                        self.sets.push(EnvSet {
                            name: format!("{prefix}{k}"),
                            file: file.clone(),
                            line: *line,
                            source: format!(
                                "{kind} {} generated by {} via envFrom of {source}",
                                g.name, g.file
                            ),
                        });
                    }
                }
            }
            for o in found {
                let (keys, opaque) = env_source_keys(o);
                if opaque {
                    self.unknown.push(UnknownSource {
                        file: o.file.clone(),
                        line: o.line,
                        reason: format!(
                            "{} has keys golive cannot list without rendering",
                            o.display()
                        ),
                        prefix: prefix.clone(),
                    });
                }
                for (k, line) in keys {
                    self.sets.push(EnvSet {
                        name: format!("{prefix}{k}"),
                        file: o.file.clone(),
                        line,
                        source: format!("{} via envFrom of {source}", o.display()),
                    });
                }
            }
        }
    }
}

#[async_trait::async_trait]
impl Fact for DeploySets {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        let env_files = facts.get::<EnvFiles>().await?;
        let compose = facts.get::<ComposeFiles>().await?;
        let manifests = facts.get::<Manifests>().await?;
        tokio::task::spawn_blocking(move || {
            DeploySets::build(&index, &env_files, &compose, &manifests)
        })
        .await
        .map_err(|e| FactError::new(format!("reading the deployment's variables failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(files: &[(Language, &str, &str)]) -> CodeReads {
        let mut out = CodeReads::default();
        let mut pending = Pending::default();
        for (l, f, s) in files {
            scan_source(*l, f, s, &mut out, &mut pending);
        }
        finish(&mut out, pending);
        out
    }

    fn names(r: &CodeReads) -> Vec<(String, bool)> {
        let mut v: Vec<(String, bool)> = r
            .reads
            .iter()
            .map(|r| (r.name.clone(), r.has_default))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn python_calls_and_pydantic_settings() {
        let py = r#"
import os
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEBUG = os.getenv("DEBUG", "false")
KEY = os.environ["SECRET_KEY"]
HOST = os.environ.get('REDIS_HOST')
os.environ["SET_ONLY"] = "1"
name = os.getenv(dynamic)

class DatabaseSettings(BaseModel):
    host: str = "localhost"
    database: str

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__")
    database: DatabaseSettings
    token: str = Field(..., alias="API_TOKEN")
    workers: int = Field(4)
"#;
        let r = scan(&[(Language::Python, "app/settings.py", py)]);
        let n = names(&r);
        for want in [
            ("DEBUG", true),
            ("SECRET_KEY", false),
            ("REDIS_HOST", false),
            ("APP_database", false),
            ("APP_database__host", true),
            ("APP_database__database", false),
            ("API_TOKEN", false),
            ("APP_workers", true),
        ] {
            assert!(
                n.contains(&(want.0.to_string(), want.1)),
                "{want:?} not in {n:?}"
            );
        }
        assert!(!n.iter().any(|(k, _)| k == "SET_ONLY"));
        assert_eq!(r.dynamic.len(), 1);
        assert!(r.reads_var("app_database__database"));
        let r2 = scan(&[
            (
                Language::Python,
                "app/main.py",
                "from app.settings import settings\nimport app.db.pool as pool\nfrom .cache import cfg\n",
            ),
            (Language::Python, "app/settings.py", ""),
        ]);
        assert!(r2.module_imported("app/settings.py"));
        assert!(r2.module_imported("app/db/pool.py"));
        assert!(r2.module_imported("app/cache.py"));
        assert!(!r2.module_imported("app/config/worker.py"));
        assert!(!r2.module_imported("app/main.py"));
        let line = r
            .reads
            .iter()
            .find(|x| x.name == "SECRET_KEY")
            .unwrap()
            .line;
        assert_eq!(line, 7);
    }

    #[test]
    fn js_ts_go_rust() {
        let r = scan(&[
            (
                Language::JavaScript,
                "a.js",
                "const a = process.env.API_URL || 'x';\nconst b = process.env['DB_URL'];\nconst { PORT = 3000, NODE_ENV } = process.env;\nprocess.env.SET = '1';\n",
            ),
            (
                Language::TypeScript,
                "b.ts",
                "const t: string = process.env.JWT_SECRET!;\nconst u = (process.env.REDIS_URL as string) ?? 'redis://';\n",
            ),
            (
                Language::Go,
                "main.go",
                "package main\nimport \"os\"\nfunc main() { _ = os.Getenv(\"GO_DSN\"); _, _ = os.LookupEnv(\"GO_OPT\") }\n",
            ),
            (
                Language::Rust,
                "main.rs",
                "fn main() { let a = std::env::var(\"RS_URL\").unwrap(); let b = env::var(\"RS_OPT\").unwrap_or_default(); }\n",
            ),
        ]);
        let n = names(&r);
        for want in [
            ("API_URL", true),
            ("DB_URL", false),
            ("PORT", true),
            ("NODE_ENV", false),
            ("JWT_SECRET", false),
            ("REDIS_URL", true),
            ("GO_DSN", false),
            ("GO_OPT", true),
            ("RS_URL", false),
            ("RS_OPT", true),
        ] {
            assert!(
                n.contains(&(want.0.to_string(), want.1)),
                "{want:?} not in {n:?}"
            );
        }
        assert!(!n.iter().any(|(k, _)| k == "SET"));
    }

    /// (name, kind of default, line of the default) of every read.
    fn defaults(r: &CodeReads) -> Vec<(String, &'static str, u32)> {
        let mut v: Vec<(String, &'static str, u32)> = r
            .reads
            .iter()
            .map(|r| {
                let (k, l) = match &r.default {
                    None => ("none", 0),
                    Some(d) => (
                        match d.value {
                            DefaultValue::Literal { scalar: true, .. } => "scalar",
                            DefaultValue::Literal { .. } => "literal",
                            DefaultValue::Empty => "empty",
                            DefaultValue::Absent => "absent",
                            DefaultValue::Computed => "computed",
                        },
                        d.line,
                    ),
                };
                (r.name.clone(), k, l)
            })
            .collect();
        v.sort();
        v
    }

    fn has(v: &[(String, &'static str, u32)], name: &str, kind: &str, line: u32) {
        assert!(
            v.iter()
                .any(|(n, k, l)| n == name && *k == kind && *l == line),
            "{name} {kind} at {line} not in {v:?}"
        );
    }

    #[test]
    fn code_defaults_python() {
        let py = r#"import os
SECRET_KEY = os.getenv("SECRET_KEY", "dev-secret-change-me")
JWT = os.environ.get("JWT_SECRET", default='changeme')
A = os.getenv("A_TOKEN", "")
B = os.getenv("B_TOKEN", None)
C = os.getenv("C_TOKEN", os.getenv("OTHER"))
D = os.environ.get("D_TOKEN") or (
    "fallback-token")
E = os.getenv("E_TOKEN", "") or "dev"
F = os.getenv("F_TOKEN", f"{A}-x")
G = os.getenv("G_PASSWORD", 1234)
I = int(os.getenv("ACCESS_TOKEN_EXPIRE_MINUTES", "30"))
H = os.environ["H_TOKEN"]

class Db(BaseModel):
    password: str = "postgres"
    host: str

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__")
    secret_key: str = "insecure"
    api_token: SecretStr = SecretStr("tok")
    jwt_secret: str = Field(default="x", alias="JWT_KEY")
    signing_key: str = Field("positional")
    required_key: str = Field(...)
    none_key: str | None = None
    factory_key: str = Field(default_factory=make)
    db: Db
"#;
        let r = scan(&[(Language::Python, "app/settings.py", py)]);
        let d = defaults(&r);
        has(&d, "SECRET_KEY", "literal", 2);
        has(&d, "JWT_SECRET", "literal", 3);
        has(&d, "A_TOKEN", "empty", 4);
        has(&d, "B_TOKEN", "absent", 5);
        has(&d, "C_TOKEN", "computed", 6);
        has(&d, "D_TOKEN", "literal", 8);
        has(&d, "E_TOKEN", "literal", 9);
        has(&d, "F_TOKEN", "computed", 10);
        has(&d, "H_TOKEN", "none", 0);
        has(&d, "ACCESS_TOKEN_EXPIRE_MINUTES", "scalar", 12);
        has(&d, "G_PASSWORD", "scalar", 11);
        has(&d, "APP_secret_key", "literal", 21);
        has(&d, "APP_api_token", "literal", 22);
        has(&d, "JWT_KEY", "literal", 23);
        has(&d, "APP_signing_key", "literal", 24);
        has(&d, "APP_required_key", "none", 0);
        has(&d, "APP_none_key", "absent", 26);
        has(&d, "APP_factory_key", "computed", 27);
        has(&d, "APP_db__password", "literal", 16);
        has(&d, "APP_db__host", "none", 0);
        // `or` is a fallback for the required-variables check too.
        assert!(r.reads.iter().any(|x| x.name == "D_TOKEN" && x.has_default));
        // The value itself is never kept.
        let dump = format!("{:?}", r.reads);
        for v in [
            "dev-secret-change-me",
            "changeme",
            "insecure",
            "postgres",
            "positional",
        ] {
            assert!(!dump.contains(v), "{v} kept: {dump}");
        }
    }

    #[test]
    fn code_defaults_js_ts_rust() {
        let ts = r#"const a = process.env.SESSION_SECRET ?? "dev-secret";
const b = process.env.API_TOKEN || 'changeme';
const { JWT_SECRET = "x", EMPTY_TOKEN = "", OTHER_TOKEN: o = process.env.Y } = process.env;
const c = process.env.A_TOKEN || process.env.B_TOKEN || `tmpl`;
const d = (process.env["C_TOKEN"] as string) ?? undefined;
const e = process.env.D_TOKEN ? process.env.D_TOKEN : "fallback";
const f = process.env.E_TOKEN ?? `x-${a}`;
const g = process.env.F_TOKEN ?? null;
"#;
        let rs = r#"fn main() {
    let a = env::var("API_KEY").unwrap_or("dev".into());
    let b = std::env::var("B_SECRET").unwrap_or_else(|_| "dev".to_string());
    let c = env::var("C_SECRET").ok().unwrap_or_else(|| String::from("x"));
    let d = env::var("D_SECRET").unwrap_or_default();
    let e = env::var("E_SECRET").unwrap_or(other());
    let f = env::var("F_SECRET").unwrap();
}
#[cfg(test)]
mod tests {
    fn t() { let _ = std::env::var("TEST_ONLY_SECRET").unwrap_or("x".into()); }
}
#[test]
fn lone() { let _ = std::env::var("LONE_TEST_SECRET"); }
"#;
        let go = r#"package main

import "os"

func main() {
	secret := os.Getenv("GO_SECRET")
	if secret == "" {
		secret = "dev-secret"
	}
	cfg.Token = os.Getenv("GO_TOKEN")
	// fall back
	if len(cfg.Token) == 0 {
		cfg.Token = os.Getenv("OLD_TOKEN")
	}
	pw := os.Getenv("GO_PASSWORD")
	if pw == "" {
		log.Fatal("GO_PASSWORD must be set")
	}
	k := os.Getenv("GO_API_KEY")
	if k != "" {
		k = "x"
	}
}
"#;
        let r = scan(&[
            (Language::TypeScript, "src/config.ts", ts),
            (Language::Rust, "src/main.rs", rs),
            (Language::Go, "main.go", go),
        ]);
        let d = defaults(&r);
        has(&d, "SESSION_SECRET", "literal", 1);
        has(&d, "API_TOKEN", "literal", 2);
        has(&d, "JWT_SECRET", "literal", 3);
        has(&d, "EMPTY_TOKEN", "empty", 3);
        has(&d, "OTHER_TOKEN", "computed", 3);
        has(&d, "A_TOKEN", "literal", 4);
        has(&d, "C_TOKEN", "absent", 5);
        has(&d, "D_TOKEN", "literal", 6);
        has(&d, "E_TOKEN", "computed", 7);
        has(&d, "F_TOKEN", "absent", 8);
        has(&d, "API_KEY", "literal", 2);
        has(&d, "B_SECRET", "literal", 3);
        has(&d, "C_SECRET", "literal", 4);
        has(&d, "D_SECRET", "empty", 5);
        has(&d, "E_SECRET", "computed", 6);
        has(&d, "F_SECRET", "none", 0);
        has(&d, "GO_SECRET", "literal", 8);
        has(&d, "GO_TOKEN", "computed", 13);
        has(&d, "GO_PASSWORD", "none", 0);
        has(&d, "GO_API_KEY", "none", 0);
        assert!(!d.iter().any(|(n, ..)| n.contains("TEST")), "{d:?}");
    }

    fn deploy_sets(files: &[(&str, &str)]) -> DeploySets {
        let dir = tempfile::tempdir().unwrap();
        for (rel, content) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        let index = RepoIndex::build(dir.path()).unwrap();
        let env_files = EnvFiles::default();
        let compose = ComposeFiles::build(&index, &[]);
        let manifests = Manifests::discover(&index, &[]);
        DeploySets::build(&index, &env_files, &compose, &manifests)
    }

    fn set_at(d: &DeploySets, name: &str) -> Option<String> {
        d.sets
            .iter()
            .find(|s| s.name == name)
            .map(|s| format!("{}:{}", s.file, s.line))
    }

    #[test]
    fn kubernetes_env_and_env_from() {
        let d = deploy_sets(&[
            (
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2\n          env:\n            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef: {name: db, key: url}\n            - name: DEBUG\n              value: \"false\"\n          envFrom:\n            - configMapRef: {name: api-config}\n              prefix: APP_\n            - secretRef: {name: api-secrets}\n            - secretRef: {name: vault-injected}\n              prefix: VAULT_\n        - name: cache\n          image: redis:7\n          env:\n            - {name: REDIS_ONLY, value: x}\n",
            ),
            (
                "k8s/config.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\ndata:\n  LOG_LEVEL: info\n  nginx.conf: |\n    x\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-secrets\nstringData:\n  SECRET_KEY: s3cr3t-value\ndata:\n  JWT_KEY: c2VjcmV0\n",
            ),
        ]);
        assert_eq!(
            set_at(&d, "DATABASE_URL").as_deref(),
            Some("k8s/deploy.yaml:12")
        );
        assert_eq!(set_at(&d, "DEBUG").as_deref(), Some("k8s/deploy.yaml:15"));
        assert_eq!(
            set_at(&d, "APP_LOG_LEVEL").as_deref(),
            Some("k8s/config.yaml:6")
        );
        assert_eq!(
            set_at(&d, "SECRET_KEY").as_deref(),
            Some("k8s/config.yaml:15")
        );
        assert_eq!(set_at(&d, "JWT_KEY").as_deref(), Some("k8s/config.yaml:17"));
        // Keys that are no variable names, and third-party containers, set nothing.
        assert!(
            !d.sets
                .iter()
                .any(|s| s.name.contains("nginx") || s.name == "REDIS_ONLY")
        );
        // No secret value is kept anywhere.
        assert!(!format!("{d:?}").contains("s3cr3t"));
        assert_eq!(d.unknown.len(), 1, "{:?}", d.unknown);
        let u = &d.unknown[0];
        assert_eq!(
            (u.file.as_str(), u.line, u.prefix.as_str()),
            ("k8s/deploy.yaml", 21, "VAULT_")
        );
        assert!(u.reason.contains("vault-injected"));
        assert!(u.could_set("VAULT_TOKEN", false) && !u.could_set("OTHER", false));
        assert!(u.could_set("vault_token", true));
        assert!(d.sources.iter().any(|s| s.contains("Deployment/api")));
        assert!(names_other_environment("k8s/overlays/staging/deploy.yaml"));
        assert!(names_other_environment("deploy/api-dev.yaml"));
        assert!(!names_other_environment(
            "k8s/overlays/production/deploy.yaml"
        ));
        assert!(!names_other_environment("k8s/deployment.yaml"));
    }

    #[test]
    fn env_from_names_what_a_kustomization_generates() {
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2\n          envFrom:\n            - configMapRef: {name: api-config}\n            - secretRef: {name: api-secrets}\n            - secretRef: {name: ci-made}\n";
        let d = deploy_sets(&[
            ("k8s/base/deploy.yaml", deploy),
            (
                "k8s/base/kustomization.yaml",
                "resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: api-config\n  literals:\n  - LOG_LEVEL=info\n  envs:\n  - api.env\nsecretGenerator:\n- name: api-secrets\n  literals:\n  - SECRET_KEY=s3cr3t-value\n- name: ci-made\n  envs:\n  - generated-by-ci.env\n",
            ),
            ("k8s/base/api.env", "# settings\nDATABASE_HOST=db\n"),
        ]);
        assert_eq!(
            set_at(&d, "LOG_LEVEL").as_deref(),
            Some("k8s/base/kustomization.yaml:6")
        );
        assert_eq!(
            set_at(&d, "DATABASE_HOST").as_deref(),
            Some("k8s/base/api.env:2")
        );
        assert_eq!(
            set_at(&d, "SECRET_KEY").as_deref(),
            Some("k8s/base/kustomization.yaml:12")
        );
        assert!(!format!("{d:?}").contains("s3cr3t"));
        // A generator whose env file is not in the repository: its keys are unknown, said once.
        assert_eq!(d.unknown.len(), 1, "{:?}", d.unknown);
        assert_eq!(
            (d.unknown[0].file.as_str(), d.unknown[0].line),
            ("k8s/base/kustomization.yaml", 13)
        );
        assert!(d.unknown[0].reason.contains("generated-by-ci.env"));
    }

    #[test]
    fn helm_env_from_values_and_unresolvable_env() {
        let d = deploy_sets(&[
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: api\nversion: 0.1.0\n",
            ),
            (
                "chart/values.yaml",
                "env:\n  - name: API_TOKEN\n    value: x\nworkerEnv: {}\n",
            ),
            (
                "chart/values-production.yaml",
                "env:\n  - name: API_TOKEN\n    value: y\n  - name: CACHE_URLL\n    value: redis://cache\n",
            ),
            (
                "chart/templates/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: \"acme/api:{{ .Chart.AppVersion }}\"\n          env:\n            {{- toYaml .Values.env | nindent 12 }}\n        - name: sidecar\n          image: acme/api\n          env:\n            - name: FIXED\n              value: {{ .Values.fixed | quote }}\n",
            ),
            (
                "chart/templates/worker.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: acme/api\n          env:\n            {{- range $k, $v := .Values.extra }}\n            - name: {{ $k }}\n              value: {{ $v }}\n            {{- end }}\n",
            ),
        ]);
        assert_eq!(
            set_at(&d, "FIXED").as_deref(),
            Some("chart/templates/deploy.yaml:16")
        );
        assert_eq!(
            set_at(&d, "CACHE_URLL").as_deref(),
            Some("chart/values-production.yaml:4")
        );
        assert_eq!(
            set_at(&d, "API_TOKEN").as_deref(),
            Some("chart/values-production.yaml:2")
        );
        assert!(
            d.unknown
                .iter()
                .any(|u| u.file == "chart/templates/worker.yaml" && u.prefix.is_empty()),
            "{:?}",
            d.unknown
        );
    }

    #[test]
    fn odd_inputs_never_panic() {
        let tokens = [
            "os.getenv(",
            "os.environ[",
            "]",
            ")",
            "\"X\"",
            "class A(BaseSettings):\n",
            "  x: int = Field(",
            "process.env.",
            "${",
            "`",
            "'",
            "\n",
            " ",
            "é",
            "{",
            "}",
            "env::var(",
            "os.Getenv(",
            "model_config = SettingsConfigDict(env_prefix=",
            "A",
            "B: A\n",
        ];
        let mut seed: u64 = 0xdead_beef_cafe_f00d;
        for i in 0..600 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(tokens[(seed % tokens.len() as u64) as usize]);
            }
            let lang = [
                Language::Python,
                Language::JavaScript,
                Language::TypeScript,
                Language::Go,
                Language::Rust,
            ][i % 5];
            let _ = scan(&[(lang, "x.tsx", &s)]);
        }
        // Self-referencing and mutually nested models terminate.
        let _ = scan(&[(
            Language::Python,
            "s.py",
            "class A(BaseSettings):\n  model_config = SettingsConfigDict(env_nested_delimiter='__')\n  a: A\nclass B(A):\n  b: B\n",
        )]);
    }

    #[test]
    fn reads_through_the_codes_own_helpers() {
        let go = r#"
package main
import "os"
func mustMapEnv(target *string, envKey string) {
	v := os.Getenv(envKey)
	if v == "" { panic(envKey) }
	*target = v
}
func getEnv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok { return v }
	return fallback
}
func main() {
	var addr string
	mustMapEnv(&addr, "CART_SERVICE_ADDR")
	port := getEnv("PORT", "8080")
	fmt.Println("NOT_A_READ")
}
"#;
        let helpers_go = "package main\nfunc other() { _ = getEnv(\"LOG_LEVEL\", \"info\") }\n";
        let js = "const env = (name, fallback) => process.env[name] ?? fallback;\nconst url = env('API_URL');\nconst t = env('TIMEOUT', '30');\n";
        let py = "import os\ndef setting(name, default=None):\n    return os.environ.get(name, default)\nA = setting('QUEUE_URL')\nB = setting('WORKERS', default='4')\ncache.get('NOT_A_HELPER')\n";
        let rs = "fn env_or(key: &str, d: &str) -> String {\n    std::env::var(key).unwrap_or_else(|_| d.to_string())\n}\nfn main() { let _ = env_or(\"BIND\", \"0.0.0.0\"); }\n";
        let r = scan(&[
            (Language::Go, "main.go", go),
            (Language::Go, "other.go", helpers_go),
            (Language::JavaScript, "env.js", js),
            (Language::Python, "conf.py", py),
            (Language::Rust, "main.rs", rs),
        ]);
        assert_eq!(
            names(&r),
            [
                ("API_URL".into(), false),
                ("BIND".into(), true),
                // mustMapEnv has no fallback: an unset variable panics.
                ("CART_SERVICE_ADDR".into(), false),
                ("LOG_LEVEL".into(), true),
                ("PORT".into(), true),
                ("QUEUE_URL".into(), false),
                ("TIMEOUT".into(), true),
                ("WORKERS".into(), true),
            ]
        );
        let port = r.reads.iter().find(|x| x.name == "PORT").expect("PORT");
        assert_eq!((port.file.as_str(), port.line), ("main.go", 16));
        assert!(port.default.as_ref().is_some_and(CodeDefault::is_literal));
        // The helpers' own computed-name reads are accounted for.
        assert!(r.dynamic.is_empty(), "{:?}", r.dynamic);
    }

    #[test]
    fn django_environ_reads() {
        let py = "import environ\nenv = environ.Env(DEBUG=(bool, False), HOSTS=list)\nDEBUG = env('DEBUG')\nHOSTS = env.list('HOSTS')\nSECRET_KEY = env('SECRET_KEY')\nDATABASES = {'default': env.db('DATABASE_URL', default='sqlite:///db.sqlite3')}\nTIMEOUT = env.int('TIMEOUT', default=30)\nother.str('NOT_ENV')\n";
        let r = scan(&[(Language::Python, "settings.py", py)]);
        assert_eq!(
            names(&r),
            [
                ("DATABASE_URL".into(), true),
                ("DEBUG".into(), true),
                ("HOSTS".into(), false),
                ("SECRET_KEY".into(), false),
                ("TIMEOUT".into(), true),
            ]
        );
        let secret = r
            .reads
            .iter()
            .find(|x| x.name == "SECRET_KEY")
            .expect("read");
        assert_eq!((secret.line, secret.how), (5, "django-environ"));
    }

    #[test]
    fn a_read_only_compared_or_guarded_is_optional() {
        let go = "package main\nimport \"os\"\nfunc main() {\n\tif os.Getenv(\"ENABLE_TRACING\") == \"1\" {}\n\tx := os.Getenv(\"REQUIRED_ADDR\")\n\t_ = x\n}\n";
        let js = "if (process.env.DEBUG_SQL === 'true') {}\nconst u = process.env.UPSTREAM;\n";
        let py = "import os\ntry:\n    P = os.environ['GCP_PROJECT_ID']\nexcept KeyError:\n    P = None\nQ = os.environ['QUEUE']\nif os.getenv('VERBOSE') == '1':\n    pass\n";
        let r = scan(&[
            (Language::Go, "main.go", go),
            (Language::JavaScript, "a.js", js),
            (Language::Python, "a.py", py),
        ]);
        assert_eq!(
            names(&r),
            [
                ("DEBUG_SQL".into(), true),
                ("ENABLE_TRACING".into(), true),
                ("GCP_PROJECT_ID".into(), true),
                ("QUEUE".into(), false),
                ("REQUIRED_ADDR".into(), false),
                ("UPSTREAM".into(), false),
                ("VERBOSE".into(), true),
            ]
        );
    }
}
