//! Reads through the code's own helpers: `getEnv("PORT", "8080")`, `mustMapEnv(&addr,
//! "CART_SERVICE_ADDR")`, `env_or("DEBUG", "false")`. A function that hands one of its
//! parameters to an environment read as the variable's name is a helper, and each of its calls
//! with a literal at that position reads that variable. Without this, every variable read
//! through a helper looked unread (CONTRACT002) and the helper's `os.Getenv(key)` was only a
//! computed name.
//!
//! Helpers and calls are collected file by file ([`note_helper`], [`note_call`]) and matched
//! once every file is scanned ([`resolve`]): a helper is often defined in another file of its
//! package than the calls.

use super::{CodeDefault, CodeReads, DefaultValue, EnvRead, classify_default, line, text};
use tree_sitter::Node;

/// Grammars whose helpers and calls are matched with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Python,
    Js,
    Go,
    Rust,
}

/// A function that reads the variable named by one of its parameters.
#[derive(Debug, Clone)]
pub(super) struct Helper {
    family: Family,
    name: String,
    /// Position, among the arguments a call passes, of the variable's name.
    name_at: usize,
    /// The parameters it can return instead of the variable (a fallback), by position and name.
    fallbacks: Vec<(usize, String)>,
    /// Where it reads, to drop that computed-name read once its calls are resolved.
    file: String,
    line: u32,
}

/// A call with an upper-case string literal among its arguments: maybe a helper's.
#[derive(Debug, Clone)]
pub(super) struct Call {
    family: Family,
    callee: String,
    file: String,
    line: u32,
    /// Positional arguments: the literal when it looks like a variable name, and what the
    /// argument is as a fallback.
    args: Vec<(Option<String>, CodeDefault)>,
    /// Keyword arguments (Python), as fallbacks.
    keywords: Vec<(String, CodeDefault)>,
}

/// Names too generic to match a call to a helper by name alone (`cache.get("KEY")`).
const TOO_GENERIC: &[&str] = &[
    "get", "set", "has", "pop", "put", "read", "load", "lookup", "fetch", "value", "update",
    "delete", "remove", "find", "format", "print", "log", "debug", "info", "warn", "error",
];

fn is_var_name(s: &str) -> bool {
    s.len() >= 2
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// When `arg`, the name argument of an environment read at `read`, is a parameter of the
/// function around it, that function as a helper.
pub(super) fn note_helper(
    family: Family,
    read: Node,
    arg: Node,
    src: &[u8],
    file: &str,
    out: &mut Vec<Helper>,
) {
    let arg = match arg.kind() {
        // `&key` (Rust), `*key` (Go).
        "reference_expression" | "unary_expression" => match arg.named_child(0) {
            Some(a) => a,
            None => return,
        },
        _ => arg,
    };
    if arg.kind() != "identifier" {
        return;
    }
    let param = text(arg, src);
    let Some(func) = enclosing_function(family, read) else {
        return;
    };
    let Some(name) = function_name(func, src) else {
        return;
    };
    let params = parameter_names(family, func, src);
    let Some(name_at) = params.iter().position(|p| p == param) else {
        return;
    };
    let returned = returned_text(family, func, src);
    let fallbacks = params
        .iter()
        .enumerate()
        .filter(|(i, p)| *i != name_at && !p.is_empty() && mentions_word(&returned, p))
        .map(|(i, p)| (i, p.clone()))
        .collect();
    out.push(Helper {
        family,
        name,
        name_at,
        fallbacks,
        file: file.to_string(),
        line: line(read),
    });
}

/// Records `call` when one of its arguments is an upper-case string literal.
pub(super) fn note_call(family: Family, call: Node, src: &[u8], file: &str, out: &mut Vec<Call>) {
    let Some(func) = call.child_by_field_name("function") else {
        return;
    };
    let callee = match func.kind() {
        "identifier" => text(func, src),
        "selector_expression" => func
            .child_by_field_name("field")
            .map_or("", |f| text(f, src)),
        "attribute" => func
            .child_by_field_name("attribute")
            .map_or("", |f| text(f, src)),
        "member_expression" => func
            .child_by_field_name("property")
            .map_or("", |f| text(f, src)),
        "scoped_identifier" => func
            .child_by_field_name("name")
            .map_or("", |f| text(f, src)),
        "field_expression" => func
            .child_by_field_name("field")
            .map_or("", |f| text(f, src)),
        _ => "",
    };
    if callee.is_empty() || TOO_GENERIC.contains(&callee) {
        return;
    }
    let Some(args) = call.child_by_field_name("arguments") else {
        return;
    };
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    for a in super::non_comment_children(args) {
        if a.kind() == "keyword_argument" {
            if let (Some(k), Some(v)) = (
                a.child_by_field_name("name"),
                a.child_by_field_name("value"),
            ) {
                keywords.push((text(k, src).to_string(), classify_default(v, src)));
            }
            continue;
        }
        let literal = super::string_value(a, src).filter(|s| is_var_name(s));
        positional.push((literal, classify_default(a, src)));
    }
    if positional.iter().any(|(l, _)| l.is_some()) {
        out.push(Call {
            family,
            callee: callee.to_string(),
            file: file.to_string(),
            line: line(call),
            args: positional,
            keywords,
        });
    }
}

/// Turns the calls of helpers into reads; the helpers' own computed-name reads are then
/// accounted for and leave `dynamic`.
pub(super) fn resolve(helpers: &[Helper], calls: &[Call], out: &mut CodeReads) {
    let mut resolved: Vec<(&str, u32)> = Vec::new();
    for h in helpers {
        if TOO_GENERIC.contains(&h.name.as_str()) {
            continue;
        }
        let mut any = false;
        for c in calls
            .iter()
            .filter(|c| c.family == h.family && c.callee == h.name)
        {
            let Some((Some(name), _)) = c.args.get(h.name_at) else {
                continue;
            };
            any = true;
            let default = h.fallbacks.iter().find_map(|(i, p)| {
                c.args.get(*i).map(|(_, d)| d.clone()).or_else(|| {
                    c.keywords
                        .iter()
                        .find(|(k, _)| k == p)
                        .map(|(_, d)| d.clone())
                })
            });
            // `None` passed as the fallback is no fallback.
            let default = default.filter(|d| d.value != DefaultValue::Absent);
            out.reads.push(EnvRead {
                name: name.clone(),
                file: c.file.clone(),
                line: c.line,
                has_default: default.is_some(),
                default,
                how: "a helper that reads the environment",
                case_insensitive: false,
            });
        }
        if any {
            resolved.push((&h.file, h.line));
        }
    }
    out.dynamic
        .retain(|(f, l)| !resolved.iter().any(|(rf, rl)| rf == f && rl == l));
}

fn enclosing_function(family: Family, n: Node) -> Option<Node> {
    let kinds: &[&str] = match family {
        Family::Go => &["function_declaration", "method_declaration", "func_literal"],
        Family::Python => &["function_definition"],
        Family::Js => &[
            "function_declaration",
            "function_expression",
            "function",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
        ],
        Family::Rust => &["function_item", "closure_expression"],
    };
    let mut cur = n.parent();
    while let Some(p) = cur {
        if kinds.contains(&p.kind()) {
            return Some(p);
        }
        cur = p.parent();
    }
    None
}

/// The name a function is called by: its own, or the variable it is assigned to.
fn function_name(func: Node, src: &[u8]) -> Option<String> {
    if let Some(n) = func.child_by_field_name("name") {
        return Some(text(n, src).to_string());
    }
    // `getEnv := func(..)`, `const env = (..) => ..`, `let env = |k| ..`, `env: (..) => ..`.
    let mut p = func.parent()?;
    if p.kind() == "expression_list" {
        p = p.parent()?;
    }
    let target = match p.kind() {
        "variable_declarator" => p.child_by_field_name("name"),
        "let_declaration" => p.child_by_field_name("pattern"),
        "short_var_declaration" | "assignment_statement" | "assignment_expression" => {
            p.child_by_field_name("left")
        }
        "pair" => p.child_by_field_name("key"),
        _ => None,
    }?;
    let t = text(target, src);
    let last = t.rsplit(['.', ' ']).next().unwrap_or(t);
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| last.to_string())
}

/// The parameters' names in the order calls pass them (a method's receiver left out); an
/// unnamed or destructured parameter keeps its position with an empty name.
fn parameter_names(family: Family, func: Node, src: &[u8]) -> Vec<String> {
    let Some(params) = func
        .child_by_field_name("parameters")
        .or_else(|| func.child_by_field_name("parameter"))
    else {
        return Vec::new();
    };
    if params.kind() == "identifier" {
        // `key => process.env[key]`
        return vec![text(params, src).to_string()];
    }
    let mut names = Vec::new();
    for p in super::non_comment_children(params) {
        match (family, p.kind()) {
            (Family::Go, "parameter_declaration" | "variadic_parameter_declaration") => {
                let mut c = p.walk();
                let before = names.len();
                names.extend(
                    p.children_by_field_name("name", &mut c)
                        .map(|n| text(n, src).to_string()),
                );
                if names.len() == before {
                    names.push(String::new());
                }
            }
            (Family::Python, "identifier") => {
                let t = text(p, src);
                if !(names.is_empty() && matches!(t, "self" | "cls")) {
                    names.push(t.to_string());
                }
            }
            (Family::Python, "default_parameter" | "typed_default_parameter") => names.push(
                p.child_by_field_name("name")
                    .map_or(String::new(), |n| text(n, src).to_string()),
            ),
            (Family::Python, "typed_parameter") => {
                let t = p.named_child(0).map_or("", |n| text(n, src));
                if !(names.is_empty() && matches!(t, "self" | "cls")) {
                    names.push(t.to_string());
                }
            }
            // Positions after `*args`, `*` or `**kwargs` are keyword-only.
            (Family::Python, _) => break,
            (Family::Js, "identifier") => names.push(text(p, src).to_string()),
            (Family::Js, "assignment_pattern") => names.push(
                p.child_by_field_name("left")
                    .map_or(String::new(), |n| text(n, src).to_string()),
            ),
            (Family::Js, "required_parameter" | "optional_parameter") => names.push(
                p.child_by_field_name("pattern")
                    .filter(|n| n.kind() == "identifier")
                    .map_or(String::new(), |n| text(n, src).to_string()),
            ),
            (Family::Js, "rest_pattern") => break,
            (Family::Js, _) => names.push(String::new()),
            (Family::Rust, "self_parameter") => {}
            (Family::Rust, "parameter") => names.push(
                p.child_by_field_name("pattern")
                    .filter(|n| n.kind() == "identifier")
                    .map_or(String::new(), |n| text(n, src).to_string()),
            ),
            (Family::Rust, "identifier") => names.push(text(p, src).to_string()),
            (Family::Rust, _) => names.push(String::new()),
            _ => {}
        }
    }
    names
}

/// The text of what the function can return: its `return` statements, and the body itself
/// when that is an expression (an arrow function, a closure, a Rust block's tail).
fn returned_text(family: Family, func: Node, src: &[u8]) -> String {
    let Some(body) = func.child_by_field_name("body") else {
        return String::new();
    };
    let mut out = String::new();
    let is_block = matches!(body.kind(), "block" | "statement_block");
    if !is_block {
        out.push_str(text(body, src));
        out.push('\n');
    } else if family == Family::Rust
        && let Some(tail) = super::non_comment_children(body).last()
        && !matches!(
            tail.kind(),
            "expression_statement" | "let_declaration" | "empty_statement"
        )
    {
        out.push_str(text(*tail, src));
        out.push('\n');
    }
    let mut stack = vec![body];
    let mut seen = 0usize;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > 50_000 {
            break;
        }
        if matches!(n.kind(), "return_statement" | "return_expression") {
            out.push_str(text(n, src));
            out.push('\n');
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

fn mentions_word(haystack: &str, word: &str) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    haystack.match_indices(word).any(|(at, _)| {
        let before = haystack.as_bytes().get(at.wrapping_sub(1)).copied();
        let after = haystack.as_bytes().get(at + word.len()).copied();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}
