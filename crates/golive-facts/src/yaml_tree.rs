//! A YAML document as a tree whose every node knows its source line, parsed with serde-saphyr
//! (panic-free, budgeted against alias bombs and deep nesting).
//!
//! serde-saphyr gives locations through `Spanned<T>`: each node of the tree is deserialized as a
//! `Spanned<Value>` and each mapping key as a `Spanned<String>`, so a finding can point at the
//! key (`image:`) or the value it is about.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

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

fn line_of(loc: &serde_saphyr::Location) -> u32 {
    u32::try_from(loc.line()).unwrap_or(u32::MAX)
}

/// Nesting deeper than this is refused: Kubernetes manifests nest about 15 levels, and each
/// level costs stack in the recursive deserializer.
pub const MAX_DEPTH: usize = 48;

/// Parses every document of a multi-document YAML stream. Empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
        },
    };
    serde_saphyr::from_multiple_with_options::<Node>(text, options).map_err(|e| {
        let line = e.location().map(|l| line_of(&l)).filter(|l| *l > 0);
        // The first line of the error report is the message; the rest is a source snippet,
        // which may hold a secret, so it is dropped.
        let message = e
            .to_string()
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("invalid YAML")
            .trim()
            .chars()
            .take(200)
            .collect();
        YamlError { line, message }
    })
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            line: line_of(&s.referenced),
            value: s.value,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Str(v.to_string())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Str(v.to_string())))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Str(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            let node = map.next_value::<Node>()?;
            entries.push(Entry {
                key: key.value.0,
                line: line_of(&key.referenced),
                node,
            });
        }
        Ok(Value::Map(entries))
    }
}

/// A mapping key of any scalar type, as text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(Key(match v {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s,
            // Complex keys are rare and never a Kubernetes field.
            Value::Seq(_) | Value::Map(_) => "<complex key>".into(),
        }))
    }
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
