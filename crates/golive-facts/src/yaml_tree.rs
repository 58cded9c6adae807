//! A YAML document as a tree whose every node knows its source line, built from the events of
//! granit-parser (panic-free; nesting and alias expansion are bounded here), so a finding can
//! point at the key (`image:`) or the value it is about.

use std::fmt;

mod fast;

/// One node with the 1-based line where it starts (0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: u32,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry; `line` is the key's line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: u32,
    pub node: Node,
}

static NULL: Node = Node {
    line: 0,
    value: Value::Null,
};

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }

    /// The node under `key`, or a null node (for chained look-ups).
    pub fn at(&self, key: &str) -> &Node {
        self.get(key).unwrap_or(&NULL)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar rendered as text (`3`, `true`, `nginx:1.25`); `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// True when the node is a mapping or sequence with at least one element.
    pub fn is_non_empty_collection(&self) -> bool {
        match &self.value {
            Value::Map(e) => !e.is_empty(),
            Value::Seq(s) => !s.is_empty(),
            _ => false,
        }
    }

    /// Visits this node and every node under it, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        match &self.value {
            Value::Seq(items) => items.iter().for_each(|n| n.walk(f)),
            Value::Map(entries) => entries.iter().for_each(|e| e.node.walk(f)),
            _ => {}
        }
    }
}

/// A YAML parse error with the line it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Nesting deeper than this is refused: Kubernetes manifests nest about 15 levels.
pub const MAX_DEPTH: usize = 48;

/// Nodes that aliases may add by copying anchored subtrees, per stream: an alias bomb (each
/// level referring to the one before it nine times) stops here instead of exhausting memory.
const MAX_ALIAS_NODES: usize = 200_000;

/// Parses every document of a multi-document YAML stream. Empty documents are skipped.
///
/// The tree is built straight from the parser's events (granit-parser, the event parser under
/// serde-saphyr): going through serde's `Spanned<Value>` cost twice the scan itself, and Helm
/// charts make golive parse thousands of files per run.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    if let Some(docs) = fast::parse(text) {
        return Ok(docs);
    }
    parse_with_granit(text)
}

/// The fast path alone: `None` where it leaves the text to granit-parser. For the differential
/// tests, the fuzz target and the `yaml_diff` example.
#[doc(hidden)]
pub fn parse_fast_only(text: &str) -> Option<Vec<Node>> {
    fast::parse(text)
}

/// Where the fast path gave up on `text` (1-based line; 0 before the first line), or `None`
/// when it parsed it: for tuning it on real trees (`yaml_diff` example).
#[doc(hidden)]
pub fn fast_path_stop(text: &str) -> Option<usize> {
    fast::parse_or_stop(text).err()
}

/// [`parse_documents`] without the fast path: the reference the fast path is tested against.
pub fn parse_with_granit(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut options = granit_parser::Options::default();
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH * 2;
    let mut parser = granit_parser::Parser::new_from_str_with_options(text, options);
    let mut builder = TreeBuilder::default();
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            YamlError {
                line: u32::try_from(m.line()).ok().filter(|l| *l > 0),
                message: first_line(&format!(
                    "error: line {} column {}: {}",
                    m.line(),
                    m.col() + 1,
                    e.info()
                )),
            }
        })?;
        builder.event(event, line_of(&span))?;
    }
    Ok(builder.docs)
}

fn line_of(span: &granit_parser::Span) -> u32 {
    u32::try_from(span.start.line()).unwrap_or(u32::MAX)
}

/// The first line of a parser message, bounded: the rest may quote the source, which may hold a
/// secret.
fn first_line(message: &str) -> String {
    message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid YAML")
        .trim()
        .chars()
        .take(200)
        .collect()
}

enum Open {
    Seq {
        line: u32,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        line: u32,
        anchor: usize,
        entries: Vec<Entry>,
        /// A key read, waiting for its value: text, line, whether it is the merge key `<<`.
        key: Option<(String, u32, bool)>,
        /// Mappings merged in with `<<`, in order of precedence.
        merges: Vec<Node>,
    },
}

#[derive(Default)]
struct TreeBuilder {
    docs: Vec<Node>,
    stack: Vec<Open>,
    root: Option<Node>,
    /// Anchored nodes of the current document, by the parser's anchor id, with their size.
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
}

fn err(line: u32, message: &str) -> YamlError {
    YamlError {
        line: Some(line).filter(|l| *l > 0),
        message: message.to_string(),
    }
}

impl TreeBuilder {
    fn event(&mut self, event: granit_parser::Event<'_>, line: u32) -> Result<(), YamlError> {
        use granit_parser::Event;
        match event {
            Event::DocumentStart(..) => {
                self.stack.clear();
                self.root = None;
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take()
                    && !root.is_null()
                {
                    self.docs.push(root);
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let plain = matches!(style, granit_parser::ScalarStyle::Plain);
                // A key is kept as written: `on:` in a workflow or `y:` in a ConfigMap is a
                // name, not a YAML 1.1 boolean.
                if anchor == 0
                    && let Some(Open::Map {
                        key: key @ None, ..
                    }) = self.stack.last_mut()
                {
                    let merge = plain && text == "<<";
                    *key = Some((text.into_owned(), line, merge));
                    return Ok(());
                }
                let value = resolve_scalar(text, plain, tag.as_deref(), line)?;
                let node = Node { line, value };
                self.anchor(anchor, &node);
                self.attach(node, plain)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.open(line)?;
                self.stack.push(Open::Seq {
                    line,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(_, anchor, _) => {
                self.open(line)?;
                self.stack.push(Open::Map {
                    line,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::Seq {
                        line,
                        anchor,
                        items,
                    }) => (
                        Node {
                            line,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Open::Map {
                        line,
                        anchor,
                        entries,
                        merges,
                        ..
                    }) => (
                        Node {
                            line,
                            value: Value::Map(finish_map(entries, merges)),
                        },
                        anchor,
                    ),
                    None => return Err(err(line, "unbalanced collection end")),
                };
                self.anchor(anchor, &node);
                self.attach(node, false)?;
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(err(line, "alias to an unknown or enclosing anchor"));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(*size);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(err(line, "aliases expand to too many nodes"));
                }
                let mut node = node.clone();
                node.line = line;
                self.attach(node, false)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn open(&self, line: u32) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(line, "nesting exceeds the depth limit"));
        }
        Ok(())
    }

    fn anchor(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            let mut size = 0usize;
            node.walk(&mut |_| size += 1);
            self.anchors.insert(anchor, (node.clone(), size));
        }
    }

    fn attach(&mut self, node: Node, plain_scalar: bool) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None => {
                    let line = node.line;
                    let text = key_text(node.value);
                    let merge = plain_scalar && text == "<<";
                    *key = Some((text, line, merge));
                }
                Some((_, line, true)) => match node.value {
                    Value::Map(_) => merges.push(node),
                    Value::Seq(items) => {
                        for item in items {
                            if !item.is_map() {
                                return Err(err(line, "a merge key `<<` takes mappings only"));
                            }
                            merges.push(item);
                        }
                    }
                    _ => return Err(err(line, "a merge key `<<` takes mappings only")),
                },
                Some((key, line, false)) => entries.push(Entry { key, line, node }),
            },
        }
        Ok(())
    }
}

/// Merged entries (`<<`) come after the mapping's own and never override them; among merged
/// mappings the first listed wins. Duplicate keys are all kept: a Helm template read without
/// rendering has both branches of an unresolved `if`, and each may hold a finding; look-ups
/// ([`Node::entry`]) take the last, as YAML loaders do.
fn finish_map(mut entries: Vec<Entry>, merges: Vec<Node>) -> Vec<Entry> {
    for merged in merges {
        if let Value::Map(more) = merged.value {
            for e in more {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
    entries
}

/// A mapping key of any type, as text. Complex keys are rare and never a Kubernetes field.
fn key_text(v: Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s,
        Value::Seq(_) | Value::Map(_) => "<complex key>".into(),
    }
}

/// The value of a scalar under YAML's core schema, with YAML 1.1 booleans (`yes`, `on`), as
/// serde-saphyr resolves an untyped scalar: quoted and block scalars are strings; an explicit
/// core tag (`!!str`, `!!int`) decides.
fn resolve_scalar(
    text: std::borrow::Cow<'_, str>,
    plain: bool,
    tag: Option<&granit_parser::Tag>,
    line: u32,
) -> Result<Value, YamlError> {
    if let Some(suffix) = tag.and_then(|t| t.core_suffix()) {
        let t = text.trim_matches([' ', '\t', '\r', '\n']);
        return match suffix {
            "str" | "binary" | "timestamp" => Ok(Value::Str(text.into_owned())),
            "null" => Ok(Value::Null),
            "bool" => yaml11_bool(t)
                .map(Value::Bool)
                .ok_or_else(|| err(line, "invalid value for !!bool")),
            "int" => int_value(t).ok_or_else(|| err(line, "invalid value for !!int")),
            "float" => float_value(t)
                .or_else(|| int_value(t).and_then(|v| v.as_f64()))
                .map(Value::Float)
                .ok_or_else(|| err(line, "invalid value for !!float")),
            _ => Ok(plain_value(text, plain)),
        };
    }
    if tag.is_some_and(|t| t.handle() == "!" && t.suffix().is_empty()) {
        // The non-specific tag `!` forces a string.
        return Ok(Value::Str(text.into_owned()));
    }
    Ok(plain_value(text, plain))
}

impl Value {
    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

fn plain_value(text: std::borrow::Cow<'_, str>, plain: bool) -> Value {
    if !plain {
        return Value::Str(text.into_owned());
    }
    // Most plain scalars are words: skip the typed parses for those that cannot be one.
    match text.as_bytes().first() {
        None => return Value::Null,
        Some(b) if b.is_ascii_alphabetic() && !b"yYnNtTfFoO".contains(b) => {
            return Value::Str(text.into_owned());
        }
        _ => {}
    }
    if matches!(&*text, "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = yaml11_bool(&text) {
        return Value::Bool(b);
    }
    if let Some(v) = int_value(&text) {
        return v;
    }
    if let Some(f) = float_value(&text) {
        return Value::Float(f);
    }
    Value::Str(text.into_owned())
}

fn yaml11_bool(t: &str) -> Option<bool> {
    const TRUE: [&str; 4] = ["true", "yes", "y", "on"];
    const FALSE: [&str; 4] = ["false", "no", "n", "off"];
    if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// `[-+]?` then decimal digits, or `0x`/`0o`/`0b` digits; `_` allowed between digits. A value
/// beyond i64 stays text, as the Kubernetes API server would refuse it anyway.
fn int_value(t: &str) -> Option<Value> {
    let (negative, unsigned) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(d) = unsigned.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = unsigned.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = unsigned.strip_prefix("0b") {
        (2, d)
    } else {
        (10, unsigned)
    };
    let bytes = digits.as_bytes();
    if bytes.is_empty() || bytes[0] == b'_' || bytes[bytes.len() - 1] == b'_' {
        return None;
    }
    let mut value: i128 = 0;
    let mut previous_underscore = false;
    for &b in bytes {
        if b == b'_' {
            if previous_underscore {
                return None;
            }
            previous_underscore = true;
            continue;
        }
        previous_underscore = false;
        let d = char::from(b).to_digit(radix)?;
        value = value
            .checked_mul(i128::from(radix))?
            .checked_add(i128::from(d))?;
        if value > i128::from(u64::MAX) {
            return None;
        }
    }
    let value = if negative { -value } else { value };
    Some(match i64::try_from(value) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::Str(value.to_string()),
    })
}

/// YAML 1.2 core floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `.inf`, `.nan`.
fn float_value(t: &str) -> Option<f64> {
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == t.len() => return Some(f64::NAN),
        _ => {}
    }
    let b = unsigned.as_bytes();
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
    }
    if i != b.len() {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_and_values_across_documents() {
        let text = "# c\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: nginx:1.25\n---\n---\nkind: Service\nmetadata: {name: web, port: 80}\n";
        let docs = parse_documents(text).unwrap();
        assert_eq!(docs.len(), 2);
        let pod = &docs[0];
        assert_eq!(pod.entry("kind").unwrap().line, 3);
        let c = &pod.path(&["spec", "containers"]).unwrap().as_seq()[0];
        assert_eq!(c.line, 6);
        assert_eq!(c.entry("image").unwrap().line, 7);
        assert_eq!(c.at("image").as_str(), Some("nginx:1.25"));
        assert_eq!(docs[1].entry("kind").unwrap().line, 10);
        assert_eq!(
            docs[1].path(&["metadata", "port"]).and_then(|n| n.as_i64()),
            Some(80)
        );
    }

    #[test]
    fn errors_carry_a_line() {
        let e = parse_documents("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
        let e = parse_documents("a: b\n  c: d\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
    }

    #[test]
    fn anchors_and_aliases() {
        let docs = parse_documents("base: &b {cpu: 1}\nother: *b\n").unwrap();
        assert_eq!(
            docs[0].path(&["other", "cpu"]).and_then(|n| n.as_i64()),
            Some(1)
        );
    }

    #[test]
    fn scalars_resolve_as_the_core_schema_with_yaml11_booleans() {
        let docs = parse_documents(
            "a: yes\nb: 'yes'\nc: 0x1F\nd: -12\ne: 1_000\nf: 1.5e3\ng: .inf\nh: ~\ni:\nj: !!str 12\nk: 18446744073709551615\nl: 1.2.3\nm: \"3\"\nn: Off\no: nginx\np: +7\nq: !!int \"8\"\nr: |\n  12\n",
        )
        .unwrap();
        let d = &docs[0];
        let v = |k: &str| d.at(k).value.clone();
        assert_eq!(v("a"), Value::Bool(true));
        assert_eq!(v("b"), Value::Str("yes".into()));
        assert_eq!(v("c"), Value::Int(31));
        assert_eq!(v("d"), Value::Int(-12));
        assert_eq!(v("e"), Value::Int(1000));
        assert_eq!(v("f"), Value::Float(1500.0));
        assert_eq!(v("g"), Value::Float(f64::INFINITY));
        assert_eq!(v("h"), Value::Null);
        assert_eq!(v("i"), Value::Null);
        assert_eq!(v("j"), Value::Str("12".into()));
        assert_eq!(v("k"), Value::Str("18446744073709551615".into()));
        assert_eq!(v("l"), Value::Str("1.2.3".into()));
        assert_eq!(v("m"), Value::Str("3".into()));
        assert_eq!(v("n"), Value::Bool(false));
        let keys = &parse_documents("on: push\n80: http\n").unwrap()[0];
        assert_eq!(keys.at("on").as_str(), Some("push"));
        assert_eq!(keys.at("80").as_str(), Some("http"));
        assert_eq!(v("o"), Value::Str("nginx".into()));
        assert_eq!(v("p"), Value::Int(7));
        assert_eq!(v("q"), Value::Int(8));
        assert_eq!(v("r"), Value::Str("12\n".into()));
        assert!(parse_documents("a: !!int x\n").is_err());
    }

    #[test]
    fn merge_keys_and_duplicates() {
        let text = "base: &b {cpu: 1, mem: 2}\nextra: &e {mem: 3, gpu: 4}\nsvc:\n  <<: [*b, *e]\n  cpu: 9\ndup:\n  x: 1\n  y: 2\n  x: 3\n";
        let d = &parse_documents(text).unwrap()[0];
        let svc = d.at("svc");
        assert_eq!(svc.at("cpu").as_i64(), Some(9));
        assert_eq!(svc.at("mem").as_i64(), Some(2));
        assert_eq!(svc.at("gpu").as_i64(), Some(4));
        assert_eq!(svc.entries().len(), 3);
        let dup = d.at("dup");
        assert_eq!(dup.entries().len(), 3);
        assert_eq!(dup.at("x").as_i64(), Some(3));
        assert_eq!(dup.entry("x").unwrap().line, 9);
        assert!(parse_documents("a: {<<: 3}\n").is_err());
    }

    #[test]
    fn aliases_take_the_line_where_they_are_used_and_are_bounded() {
        let d = &parse_documents("a: &x\n  k: v\nb: *x\n").unwrap()[0];
        assert_eq!(d.at("b").line, 3);
        assert_eq!(d.at("b").entry("k").unwrap().line, 2);
        assert!(parse_documents("a: *nope\n").is_err());
        let levels: String = (1..12)
            .map(|i| {
                format!(
                    "l{i}: &l{i} [{}]\n",
                    vec![format!("*l{}", i - 1); 9].join(",")
                )
            })
            .collect();
        let bomb = format!("l0: &l0 [x]\n{levels}");
        let e = parse_documents(&bomb).unwrap_err();
        assert!(e.message.contains("too many"), "{e:?}");
    }

    #[test]
    fn merge_keys_doubling_through_aliases_is_bounded() {
        // Found by fuzzing (fuzz/regressions/yaml_tree): each line merges the previous mapping
        // twice; the copies count against the alias budget instead of doubling forever.
        let mut t = String::from("x0: &x0 {k0: 1}\n");
        for i in 1..40 {
            t.push_str(&format!(
                "x{i}: &x{i} {{<<: [*x{p}, *x{p}], k{i}: 1}}\n",
                p = i - 1
            ));
        }
        match parse_documents(&t) {
            Ok(docs) => assert_eq!(docs[0].at("x39").entries().len(), 40),
            Err(e) => assert!(e.message.contains("too many"), "{e:?}"),
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep: String = (0..MAX_DEPTH + 5)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        assert!(parse_documents(&deep).is_err());
        let ok: String = (0..20).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        assert!(parse_documents(&ok).is_ok());
    }

    #[test]
    fn odd_inputs_never_panic() {
        let cases = [
            "",
            "---",
            "- - - -",
            "{",
            "}",
            "[",
            "]",
            "&a [*a]",
            "*x",
            "? [a]\n: b",
            "!!binary AAAA",
            "a: !!int x",
            "%YAML 1.2\n---\na",
            "\u{feff}a: 1",
            "a:\t1",
            "\0",
            "'",
            "\"\\x\"",
            "|\n  x",
            "a: &a\n  b: *a",
            "- &a\n  - *a",
            "<<: *nope",
            "a: 1\na: 2",
        ];
        for c in cases {
            let _ = parse_documents(c);
        }
        let deep = "[".repeat(10_000);
        let _ = parse_documents(&deep);
        let deep_block: String = (0..500).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let _ = parse_documents(&deep_block);
        let laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        let _ = parse_documents(laughs);
        // Pseudo-random byte soup from a fixed seed.
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let alphabet = b"ab:- \n\t{}[]&*!|>'\"#?,%@`0123456789.\\";
        for _ in 0..2000 {
            let len = (x % 64) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize] as char);
            }
            let _ = parse_documents(&s);
        }
    }
}
