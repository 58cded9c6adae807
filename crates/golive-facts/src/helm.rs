//! Helm charts read without rendering: a line-preserving approximation of `helm template`.
//!
//! What is resolved: `.Values.a.b` (from `values.yaml`, overlaid by a production values file),
//! `.Chart.Name`/`.Chart.AppVersion`/`.Chart.Version`, `.Release.Name`/`.Release.Namespace`,
//! string and number literals, the pipeline functions `default`, `quote`, `squote`, `toString`,
//! `int`, `toYaml`, `nindent`, `indent`, and the blocks `if`/`else`/`with`/`range`/`end` whose
//! condition is one of those terms (`not`, `and`, `or` too). Everything else (`include`,
//! `tpl`, `lookup`, helpers) is unknown: an inline unknown becomes [`UNRESOLVED`], a block with an
//! unknown condition is kept, and the document records that it was only partly resolved.
//! Every output line stands for the template line with the same number, so findings point at
//! the template.

use crate::yaml_tree::{Node, Value};

/// What an unresolved template expression becomes in the approximated output.
pub const UNRESOLVED: &str = "__golive_helm_unresolved__";

#[derive(Debug, Clone, Default)]
pub struct HelmContext {
    pub values: Option<Node>,
    pub chart_name: String,
    pub chart_version: String,
    pub app_version: String,
}

/// The approximated rendering of one template file.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub text: String,
    /// Expressions that could not be resolved (count).
    pub unresolved: usize,
}

/// A value borrows from the chart's values: `with`/`range` blocks and `toYaml` of large values
/// would otherwise copy subtrees on every line.
#[derive(Debug, Clone, PartialEq)]
enum Term<'a> {
    Unknown,
    Null,
    Text(String),
    Node(&'a Node),
}

impl Term<'_> {
    fn truthy(&self) -> Option<bool> {
        match self {
            Term::Unknown => None,
            Term::Null => Some(false),
            Term::Text(s) => Some(!s.is_empty() && s != "false" && s != "0"),
            Term::Node(n) => Some(match &n.value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Int(i) => *i != 0,
                Value::Float(f) => *f != 0.0,
                Value::Str(s) => !s.is_empty(),
                Value::Seq(s) => !s.is_empty(),
                Value::Map(m) => !m.is_empty(),
            }),
        }
    }

    fn to_inline(&self) -> Option<String> {
        match self {
            Term::Unknown => None,
            Term::Null => Some(String::new()),
            Term::Text(s) => Some(s.clone()),
            // A multi-line value would shift every later line: keep it on one.
            Term::Node(n) => match n.scalar_text() {
                Some(s) => Some(s.replace(['\n', '\r'], " ")),
                None if n.is_null() => Some(String::new()),
                None => Some(to_flow(n)),
            },
        }
    }
}

/// A node as a YAML flow collection on one line (JSON-like, valid YAML).
pub fn to_flow(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(to_flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!(
                    "{}: {}",
                    serde_json::to_string(&e.key).unwrap_or_else(|_| "\"\"".into()),
                    to_flow(&e.node)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

struct Frame<'a> {
    /// Whether the lines of this block render (None: unknown, kept).
    active: Option<bool>,
    /// `with`/`range` rebinds `.`.
    dot: Option<Term<'a>>,
    is_if: bool,
}

/// The open blocks, with the count of inactive ones kept as they open and close: asking
/// "does this line render?" must not walk every open block on every line, or a template of
/// thousands of nested `if`s takes quadratic time.
#[derive(Default)]
struct Blocks<'a> {
    frames: Vec<Frame<'a>>,
    inactive: usize,
}

/// How far up the blocks `.` is looked for: real templates nest a handful of `with`/`range`s.
const DOT_SEARCH_DEPTH: usize = 64;

impl<'a> Blocks<'a> {
    fn push(&mut self, f: Frame<'a>) {
        if f.active == Some(false) {
            self.inactive += 1;
        }
        self.frames.push(f);
    }

    fn take_top(&mut self) -> Option<Frame<'a>> {
        let f = self.frames.pop()?;
        if f.active == Some(false) {
            self.inactive -= 1;
        }
        Some(f)
    }

    fn pop(&mut self) {
        let _ = self.take_top();
    }

    fn active(&self) -> bool {
        self.inactive == 0
    }

    /// Whether the blocks around the innermost one render.
    fn parent_active(&self) -> bool {
        let top_inactive = self.frames.last().is_some_and(|f| f.active == Some(false));
        self.inactive == usize::from(top_inactive)
    }

    /// `.` as the nearest `with`/`range` rebinds it; unknown beyond the search depth.
    fn dot(&self) -> Option<Term<'a>> {
        self.frames
            .iter()
            .rev()
            .take(DOT_SEARCH_DEPTH)
            .find_map(|f| f.dot.clone())
    }
}

/// Approximates the rendering of a template; never fails, never panics.
pub fn render(template: &str, cx: &HelmContext) -> Rendered {
    let mut text = String::with_capacity(template.len());
    let mut unresolved = 0usize;
    let mut stack = Blocks::default();
    let mut in_comment = false;
    let bytes = template.as_bytes();
    // CRLF lines lose their `\r` one by one; runs are copied only from LF text.
    let lf_only = memchr::memchr(b'\r', bytes).is_none();
    let mut pos = 0usize;
    let mut i = 0usize;
    // One buffer for the rendering of every line with actions: a new string per line grew
    // from nothing each time (a hundred thousand allocations on helm/charts).
    let mut rendered = String::new();
    loop {
        // Most lines hold no action: the lines before the next `{{` are copied in one step
        // (or dropped, keeping their line breaks, in an inactive block).
        if !in_comment && lf_only {
            let next = ACTION.find(&bytes[pos..]).map(|k| pos + k);
            let run_end = match next {
                None => Some(bytes.len()),
                Some(at) => memchr::memrchr(b'\n', &bytes[pos..at]).map(|k| pos + k),
            };
            if let Some(run_end) = run_end {
                let run = &template[pos..run_end];
                if i > 0 {
                    text.push('\n');
                }
                let breaks = memchr::memchr_iter(b'\n', run.as_bytes()).count();
                if stack.active() {
                    text.push_str(run);
                } else {
                    text.extend(std::iter::repeat_n('\n', breaks));
                }
                i += breaks + 1;
                if run_end == bytes.len() {
                    break;
                }
                pos = run_end + 1;
            }
        }
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |k| pos + k);
        let line = &template[pos..end];
        if i > 0 {
            text.push('\n');
        }
        i += 1;
        let last = end == bytes.len();
        pos = end + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        'line: {
            if !in_comment && find_pair(line, b"{{").is_none() {
                if stack.active() {
                    text.push_str(line);
                }
                break 'line;
            }
            let dot = stack.dot();
            rendered.clear();
            let mut rest = line;
            let mut only_actions = true;
            let mut block_value: Option<(Term, usize)> = None;
            loop {
                if in_comment {
                    match find_pair(rest, b"*/") {
                        Some(i) => {
                            in_comment = false;
                            rest = &rest[i + 2..];
                            if let Some(j) = find_pair(rest, b"}}") {
                                rest = &rest[j + 2..];
                            }
                            continue;
                        }
                        None => break,
                    }
                }
                let Some(start) = find_pair(rest, b"{{") else {
                    if !trim_ws(rest).is_empty() {
                        only_actions = false;
                    }
                    rendered.push_str(rest);
                    break;
                };
                if !trim_ws(&rest[..start]).is_empty() {
                    only_actions = false;
                }
                rendered.push_str(&rest[..start]);
                let after = &rest[start + 2..];
                let opening = after.trim_start_matches('-').trim_start();
                if opening.starts_with("/*") {
                    in_comment = true;
                    rest = opening;
                    continue;
                }
                let Some(end) = find_pair(after, b"}}") else {
                    // An action spanning lines: give up on this line.
                    unresolved += 1;
                    rendered.push_str(UNRESOLVED);
                    only_actions = false;
                    break;
                };
                let action = trim_ws(after[..end].trim_start_matches('-').trim_end_matches('-'));
                rest = &after[end + 2..];
                let word = action.split_whitespace().next().unwrap_or("");
                let arg = trim_ws(&action[word.len()..]);
                match word {
                    "if" | "with" | "range" => {
                        let parent_active = stack.active();
                        let cond = eval(arg, cx, dot.as_ref());
                        let mut active = cond.truthy();
                        if !parent_active {
                            active = Some(false);
                        }
                        let new_dot = match word {
                            "with" => Some(cond.clone()),
                            "range" => Some(Term::Unknown),
                            _ => None,
                        };
                        if active.is_none() {
                            unresolved += 1;
                        }
                        stack.push(Frame {
                            active,
                            dot: new_dot,
                            is_if: word == "if",
                        });
                    }
                    "else" => {
                        let parent_active = stack.parent_active();
                        if let Some(mut top) = stack.take_top() {
                            let elif = arg.strip_prefix("if").map(str::trim);
                            top.active = match (top.active, elif) {
                                (Some(true), _) => Some(false),
                                (Some(false), None) => Some(true),
                                (Some(false), Some(c)) => eval(c, cx, dot.as_ref()).truthy(),
                                (None, _) => None,
                            };
                            if !parent_active {
                                top.active = Some(false);
                            }
                            if !top.is_if {
                                top.dot = None;
                            }
                            stack.push(top);
                        }
                    }
                    "end" => {
                        stack.pop();
                    }
                    "define" | "block" => {
                        // Named templates render only where included: drop their bodies.
                        stack.push(Frame {
                            active: Some(false),
                            dot: None,
                            is_if: false,
                        });
                    }
                    _ => {
                        let (term, indent) = eval_pipeline(action, cx, dot.as_ref());
                        if let Some(n) = indent {
                            block_value = Some((term.clone(), n));
                        }
                        match term.to_inline() {
                            Some(s) => rendered.push_str(&s),
                            None => {
                                unresolved += 1;
                                rendered.push_str(UNRESOLVED);
                            }
                        }
                    }
                }
            }
            let active = stack.active();
            if !active {
                break 'line;
            }
            let out = &mut text;
            if only_actions {
                // A line that is only actions: a block value (`toYaml .Values.x | nindent 8`)
                // becomes one flow line at that indentation; control lines become empty.
                match block_value {
                    Some((term, indent)) => match term {
                        Term::Node(n) if n.is_non_empty_collection() => {
                            out.push_str(&" ".repeat(indent.min(200)));
                            match &n.value {
                                // One entry is written as the entry, as Helm writes it: also
                                // right where the entries merge into the mapping around them
                                // (`{{ toYaml .Values.podDisruptionBudget | indent 2 }}` under
                                // `spec:`), where a flow mapping among block keys is not YAML.
                                Value::Map(entries) if entries.len() == 1 => {
                                    let e = &entries[0];
                                    out.push_str(
                                        &serde_json::to_string(&e.key)
                                            .unwrap_or_else(|_| "\"\"".into()),
                                    );
                                    out.push_str(": ");
                                    out.push_str(&to_flow(&e.node));
                                }
                                _ => out.push_str(&to_flow(n)),
                            }
                        }
                        Term::Unknown => {
                            out.push_str(&" ".repeat(indent.min(200)));
                            out.push_str(UNRESOLVED);
                            out.push_str(": true");
                        }
                        _ => {}
                    },
                    None => {
                        if trim_ws(&rendered) == UNRESOLVED {
                            let ind = line.len() - line.trim_start().len();
                            out.push_str(&" ".repeat(ind));
                            out.push_str(UNRESOLVED);
                            out.push_str(": true");
                        } else if !trim_ws(&rendered).is_empty() {
                            out.push_str(&rendered);
                        }
                    }
                }
            } else {
                out.push_str(&rendered);
            }
        }
        if last {
            break;
        }
    }
    Rendered { text, unresolved }
}

/// The start of a template action, searched across many lines at once.
static ACTION: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"{{"));

/// Evaluates `a | f x | g`; returns the term and, when the last function was `nindent N` or
/// `indent N`, the indentation.
fn eval_pipeline<'a>(
    expr: &str,
    cx: &'a HelmContext,
    dot: Option<&Term<'a>>,
) -> (Term<'a>, Option<usize>) {
    // Most actions are one stage (`.Values.image.tag`).
    if memchr::memchr(b'|', expr.as_bytes()).is_none() {
        return (eval(expr, cx, dot), None);
    }
    let mut stages = split_pipeline(expr).into_iter();
    let first = stages.next().unwrap_or_default();
    let mut term = eval(first, cx, dot);
    let mut indent = None;
    for stage in stages {
        let mut words = tokenize(stage).into_iter();
        let f = words.next().unwrap_or_default();
        let args: Vec<&str> = words.collect();
        indent = None;
        term = match f {
            "quote" | "squote" | "toString" | "trim" | "toYaml" | "int" | "int64" | "lower"
            | "upper" => term,
            "nindent" | "indent" => {
                indent = args.first().and_then(|a| a.parse().ok());
                term
            }
            "default" => {
                let d = args
                    .first()
                    .map(|a| eval(a, cx, dot))
                    .unwrap_or(Term::Unknown);
                match term.truthy() {
                    Some(true) => term,
                    Some(false) => d,
                    None => Term::Unknown,
                }
            }
            _ => Term::Unknown,
        };
    }
    (term, indent)
}

/// The stages of `a | f x | g`, trimmed; a `|` inside a string literal does not split.
fn split_pipeline(expr: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quote = false;
    for (i, b) in expr.bytes().enumerate() {
        match b {
            b'"' => quote = !quote,
            b'|' if !quote => {
                parts.push(trim_ws(&expr[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(trim_ws(&expr[start..]));
    parts
}

/// The words of a term, split at whitespace outside string literals (which keep their quotes).
fn tokenize(s: &str) -> Vec<&str> {
    // Nearly every action is ASCII: read it a byte at a time, without decoding characters.
    if s.is_ascii() {
        let ws = crate::ascii_text::is_space;
        split_words(s, s.bytes().enumerate().map(|(i, b)| (i, b == b'"', ws(b))))
    } else {
        tokenize_chars(s)
    }
}

/// [`tokenize`] for text with characters past ASCII, which may be white space.
fn tokenize_chars(s: &str) -> Vec<&str> {
    split_words(
        s,
        s.char_indices()
            .map(|(i, c)| (i, c == '"', c.is_whitespace())),
    )
}

/// Splits `s` at white space outside quotes, given each character's offset and whether it is
/// a quote or white space.
fn split_words(s: &str, chars: impl Iterator<Item = (usize, bool, bool)>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote = false;
    for (i, is_quote, is_space) in chars {
        if is_quote {
            quote = !quote;
        }
        if is_space && !quote {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// `str::trim`, without decoding characters when both ends are ASCII (nearly always): the
/// approximation trims every action and line it reads.
fn trim_ws(s: &str) -> &str {
    let ws = |b: &u8| crate::ascii_text::is_space(*b);
    let b = s.as_bytes();
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    // Other white space is not ASCII: let `str::trim` decide at a non-ASCII end.
    if b.get(start).is_some_and(|&c| c >= 0x80) || end > 0 && b[end - 1] >= 0x80 {
        return s[start..end].trim();
    }
    &s[start..end]
}

/// Where `{{`, `}}` or `*/` starts: a two-byte search without the set-up cost of a general
/// substring searcher, which dominated on templates with many short actions.
fn find_pair(s: &str, pair: &[u8; 2]) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(pair[0], bytes.get(from..)?) {
        let at = from + i;
        if bytes.get(at + 1) == Some(&pair[1]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Functions whose one argument is the term's value, as far as the checks care.
const PASS_THROUGH: [&str; 9] = [
    "toYaml", "quote", "squote", "toString", "int", "int64", "trim", "lower", "upper",
];

/// The logic functions [`eval`] reads the arguments of.
const LOGIC: [&str; 3] = ["not", "and", "or"];

/// Whether [`eval`] reads a call that starts with `word`.
fn reads_first_word(word: &str) -> bool {
    PASS_THROUGH.contains(&word) || LOGIC.contains(&word)
}

/// Whether `expr` has a `|` outside string literals: [`split_pipeline`] would give more than
/// one stage.
fn pipe_outside_quotes(expr: &str) -> bool {
    let mut quote = false;
    for b in expr.bytes() {
        match b {
            b'"' => quote = !quote,
            b'|' if !quote => return true,
            _ => {}
        }
    }
    false
}

/// Evaluates one term or a simple function call (`not x`, `and x y`, `or x y`, `eq x y`).
fn eval<'a>(expr: &str, cx: &'a HelmContext, dot: Option<&Term<'a>>) -> Term<'a> {
    let expr = trim_ws(expr);
    // Each recursion strips a parenthesis or splits the expression, so nesting bounds the
    // depth: refuse deep nesting and huge actions instead of risking the stack.
    if expr.len() > 4096 || memchr::memchr_iter(b'(', expr.as_bytes()).count() > 32 {
        return Term::Unknown;
    }
    let expr = expr
        .strip_prefix('(')
        .and_then(|e| e.strip_suffix(')'))
        .unwrap_or(expr);
    let expr = trim_ws(expr);
    if memchr::memchr(b'|', expr.as_bytes()).is_some() && pipe_outside_quotes(expr) {
        return eval_pipeline(expr, cx, dot).0;
    }
    // The first word decides most actions with arguments (`include "x.fullname" .`,
    // `template`, `printf`): one that no rule below reads makes the term unknown without
    // splitting the rest. A first word with a quote or a byte past ASCII is left to
    // `tokenize`, which splits those differently.
    if let Some(end) = expr.bytes().position(crate::ascii_text::is_space) {
        let first = &expr[..end];
        if !first.bytes().any(|b| b == b'"' || b >= 0x80) && !reads_first_word(first) {
            return Term::Unknown;
        }
    }
    // Most terms are one word (`.Values.image.tag`): no need to split them. Any byte past
    // ASCII may be Unicode white space, which splits words too.
    let words = if expr
        .bytes()
        .any(|b| crate::ascii_text::is_space(b) || b == b'"' || b >= 0x80)
    {
        tokenize(expr)
    } else {
        Vec::new()
    };
    if words.len() == 2 && PASS_THROUGH.contains(&words[0]) {
        return eval(words[1], cx, dot);
    }
    if words.len() > 1 {
        // Only `not`/`and`/`or` look at their arguments; `include "x" .` and the like are
        // unknown whatever they are given.
        if !LOGIC.contains(&words[0]) {
            return Term::Unknown;
        }
        let args: Vec<Term> = words[1..].iter().map(|w| eval(w, cx, dot)).collect();
        return match words[0] {
            "not" if args.len() == 1 => match args[0].truthy() {
                Some(b) => Term::Text(if b { "" } else { "true" }.into()),
                None => Term::Unknown,
            },
            "and" => {
                let vals: Vec<Option<bool>> = args.iter().map(Term::truthy).collect();
                if vals.contains(&Some(false)) {
                    Term::Null
                } else if vals.iter().all(|v| *v == Some(true)) {
                    Term::Text("true".into())
                } else {
                    Term::Unknown
                }
            }
            "or" => {
                let vals: Vec<Option<bool>> = args.iter().map(Term::truthy).collect();
                if vals.contains(&Some(true)) {
                    Term::Text("true".into())
                } else if vals.iter().all(|v| *v == Some(false)) {
                    Term::Null
                } else {
                    Term::Unknown
                }
            }
            _ => Term::Unknown,
        };
    }
    if let Some(lit) = expr.strip_prefix('"').and_then(|e| e.strip_suffix('"')) {
        return Term::Text(lit.to_string());
    }
    // What `f64::from_str` accepts starts with a sign, a digit, a dot, `inf` or `nan`.
    let numeric_start = expr
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b"+-.iInN".contains(&b));
    if expr == "true" || expr == "false" || numeric_start && expr.parse::<f64>().is_ok() {
        return Term::Text(if expr == "false" {
            String::new()
        } else {
            expr.to_string()
        });
    }
    if let Some(path) = expr.strip_prefix(".Values") {
        let Some(values) = &cx.values else {
            return Term::Unknown;
        };
        return lookup(values, path);
    }
    if let Some(path) = expr.strip_prefix("$.Values") {
        let Some(values) = &cx.values else {
            return Term::Unknown;
        };
        return lookup(values, path);
    }
    match expr {
        ".Chart.Name" => Term::Text(cx.chart_name.clone()),
        ".Chart.Version" => Term::Text(cx.chart_version.clone()),
        ".Chart.AppVersion" => Term::Text(cx.app_version.clone()),
        ".Release.Name" => Term::Text("release-name".into()),
        ".Release.Namespace" => Term::Text("default".into()),
        "." => dot.cloned().unwrap_or(Term::Unknown),
        _ => {
            if let (Some(rest), Some(Term::Node(n))) = (expr.strip_prefix('.'), dot)
                && !rest.is_empty()
                && !rest.contains(' ')
                && rest.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            {
                return lookup(n, &format!(".{rest}"));
            }
            Term::Unknown
        }
    }
}

fn lookup<'a>(root: &'a Node, path: &str) -> Term<'a> {
    let mut n = root;
    for key in path.split('.').filter(|k| !k.is_empty()) {
        match n.get(key) {
            Some(next) => n = next,
            None => return Term::Null,
        }
    }
    if n.is_null() {
        Term::Null
    } else {
        Term::Node(n)
    }
}

/// Overlays `over` on `base`, mapping by mapping, as Helm merges values files.
pub fn merge_values(base: &mut Node, over: &Node) {
    match (&mut base.value, &over.value) {
        (Value::Map(b), Value::Map(o)) => {
            for e in o {
                match b.iter_mut().find(|x| x.key == e.key) {
                    Some(x) => merge_values(&mut x.node, &e.node),
                    None => b.push(e.clone()),
                }
            }
        }
        _ => *base = over.clone(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokenize_splits_as_before() {
        for t in [
            "",
            "a",
            " include \"x y\" . ",
            "default \"a\\tb\" .Values.x",
            "a\x0bb\u{a0}c é",
        ] {
            assert_eq!(super::tokenize(t), super::tokenize_chars(t), "{t:?}");
        }
    }

    #[test]
    fn trim_ws_is_str_trim() {
        for t in [
            "",
            " ",
            "a",
            " a b ",
            "\t\x0b\x0c\r\n x \n",
            "\u{a0}x\u{2003}",
            " \u{85}",
            "é ",
            " é",
            "\u{3000}",
            "x\u{a0} ",
            "- .Values.x -",
        ] {
            assert_eq!(super::trim_ws(t), t.trim(), "{t:?}");
        }
    }

    #[test]
    fn deep_nesting_renders_in_linear_time_and_keeps_its_meaning() {
        // Found by fuzzing: every line walked every open block (fuzz/regressions/helm_render).
        let depth = 20_000;
        let mut t = String::new();
        for _ in 0..depth {
            t.push_str("{{ if true }}\n");
        }
        t.push_str("kind: Deep\n");
        for _ in 0..depth {
            t.push_str("{{ end }}\n");
        }
        t.push_str("{{ if false }}\nkind: Hidden\n{{ else }}\nkind: Shown\n{{ end }}\n");
        let r = super::render(&t, &super::HelmContext::default());
        assert!(r.text.contains("kind: Deep"));
        assert!(r.text.contains("kind: Shown"));
        assert!(!r.text.contains("kind: Hidden"));
        assert_eq!(r.text.lines().count(), t.lines().count());
    }

    #[test]
    fn pipelines_and_words_split_outside_string_literals() {
        assert_eq!(
            super::split_pipeline(r#" .Values.a | default "x|y" | quote "#),
            vec![".Values.a", r#"default "x|y""#, "quote"]
        );
        assert_eq!(
            super::tokenize(r#"  default  "a b"  .Values.c "#),
            vec!["default", r#""a b""#, ".Values.c"]
        );
        assert_eq!(super::find_pair("a { {{ b }}", b"{{"), Some(4));
        assert_eq!(super::find_pair("a } }", b"}}"), None);
        assert_eq!(super::find_pair("é{{", b"{{"), Some(2));
    }

    use super::*;
    use crate::yaml_tree::parse_documents;

    fn cx(values: &str) -> HelmContext {
        HelmContext {
            values: parse_documents(values).unwrap().into_iter().next(),
            chart_name: "web".into(),
            chart_version: "0.1.0".into(),
            app_version: "1.4.2".into(),
        }
    }

    #[test]
    fn resolves_values_blocks_and_conditions_keeping_lines() {
        let values = "replicaCount: 3\nimage:\n  repository: ghcr.io/acme/web\n  tag: \"\"\nresources:\n  limits:\n    cpu: 500m\nautoscaling:\n  enabled: false\nnodeSelector: {}\n";
        let t = "{{- if .Values.autoscaling.enabled }}\nx: 1\n{{- end }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n  resources:\n    {{- toYaml .Values.resources | nindent 4 }}\n  {{- with .Values.nodeSelector }}\n  nodeSelector:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\n";
        let r = render(t, &cx(values));
        assert_eq!(r.text.lines().count(), t.lines().count(), "{}", r.text);
        let doc = &parse_documents(&r.text).unwrap()[0];
        assert!(doc.get("x").is_none(), "{}", r.text);
        let spec = doc.at("spec");
        assert_eq!(spec.at("replicas").as_i64(), Some(3));
        assert_eq!(spec.at("image").as_str(), Some("ghcr.io/acme/web:1.4.2"));
        assert_eq!(
            spec.path(&["resources", "limits", "cpu"])
                .and_then(|n| n.as_str()),
            Some("500m")
        );
        assert_eq!(spec.entry("replicas").map(|e| e.line), Some(5));
        assert!(spec.get("nodeSelector").is_none(), "{}", r.text);
        assert!(spec.at("labels").get(UNRESOLVED).is_some(), "{}", r.text);
        assert_eq!(r.unresolved, 1);
    }

    #[test]
    fn the_first_word_decides_calls_with_arguments() {
        let c = cx("name: api\non: true\n");
        let t = |e: &str| eval(e, &c, None);
        assert_eq!(t("include \"x.fullname\" ."), Term::Unknown);
        assert_eq!(t("printf \"%s-%s\" .Values.name"), Term::Unknown);
        assert_eq!(t("eq .Values.name \"api\""), Term::Unknown);
        assert_eq!(t("quote .Values.name").to_inline().as_deref(), Some("api"));
        assert_eq!(
            t("toYaml\t.Values.name").to_inline().as_deref(),
            Some("api")
        );
        assert_eq!(t("not .Values.on").truthy(), Some(false));
        assert_eq!(t("and .Values.on .Values.name").truthy(), Some(true));
        assert_eq!(t("\"a b\"").to_inline().as_deref(), Some("a b"));
        // A quote in the first word: split as before, a literal of two words is no call.
        assert_eq!(t("\"a b\" x"), Term::Unknown);
        assert_eq!(t("\"a | b\"").to_inline().as_deref(), Some("a | b"));
        assert_eq!(
            t(".Values.name | quote").to_inline().as_deref(),
            Some("api")
        );
    }

    #[test]
    fn a_one_entry_map_merges_into_the_mapping_around_it() {
        let values = "pdb:\n  maxUnavailable: 1\nlabels:\n  app.kubernetes.io/component: init\n  tier: web\n";
        let t = "kind: PodDisruptionBudget\nspec:\n  selector: {}\n{{ toYaml .Values.pdb | indent 2 }}\n";
        let r = render(t, &cx(values));
        let doc = &parse_documents(&r.text).unwrap()[0];
        assert_eq!(
            doc.at("spec").at("maxUnavailable").as_i64(),
            Some(1),
            "{}",
            r.text
        );
        assert_eq!(
            doc.at("spec").entry("maxUnavailable").map(|e| e.line),
            Some(4)
        );
        // Under its own key the entry means the same as the flow mapping did.
        let t = "spec:\n  strategy:\n    {{- toYaml .Values.pdb | nindent 4 }}\n";
        let doc = &parse_documents(&render(t, &cx(values)).text).unwrap()[0];
        assert_eq!(
            doc.at("spec").at("strategy").at("maxUnavailable").as_i64(),
            Some(1)
        );
        // Two entries stay one flow mapping: the value of the key above.
        let t = "metadata:\n  labels:\n    {{- toYaml .Values.labels | nindent 4 }}\n";
        let doc = &parse_documents(&render(t, &cx(values)).text).unwrap()[0];
        let labels = doc.at("metadata").at("labels");
        assert_eq!(labels.at("tier").as_str(), Some("web"));
        assert_eq!(
            labels.at("app.kubernetes.io/component").as_str(),
            Some("init")
        );
    }

    #[test]
    fn else_branches_and_comments() {
        let r = render(
            "{{/* a\ncomment */}}\n{{- if not .Values.enabled }}\na: 1\n{{- else }}\nb: 2\n{{- end }}\n",
            &cx("enabled: true\n"),
        );
        let doc = &parse_documents(&r.text).unwrap()[0];
        assert!(
            doc.get("a").is_none() && doc.get("b").is_some(),
            "{:?}",
            r.text
        );
    }

    #[test]
    fn never_panics_on_odd_templates() {
        for t in [
            "{{",
            "}}",
            "{{ }}",
            "{{- end }}\n{{- end }}",
            "{{ else }}",
            "{{/*",
            "a: {{ .Values..x }}",
            "{{ (( }}",
            "{{ \"unterminated }}",
            "{{ default }}",
            "{{ | | }}",
            "{{ toYaml . | nindent 99999999999 }}",
            "a: {{ .Values.m }}\nb: 1",
            "{{ if  (.Files.Glob \"files/*[sh|js|json]\") }}\na: 1\n{{ end }}",
            "{{ ((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))) }}",
            "{{ toYaml .Values | nindent 2 }}\nc: {{ .Values.a | quote }}",
        ] {
            let r = render(t, &cx("a: 1\nm: \"x\\ny\"\n"));
            assert_eq!(r.text.split('\n').count(), t.split('\n').count(), "{t:?}");
            let _ = parse_documents(&r.text);
        }
    }
}
