//! Typed check parameters: declared by each check with a default, overridden by golive.toml
//! (`[checks.CODE]`) or a checklist binding (`<!-- golive: CODE key=value -->`).

use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Int,
    Float,
    Bool,
    Str,
    /// A list of strings; from a binding comment it is written comma-separated.
    List,
}

impl fmt::Display for ParamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Int => "integer",
            Self::Float => "number",
            Self::Bool => "boolean",
            Self::Str => "string",
            Self::List => "list of strings",
        })
    }
}

/// A parameter a check accepts. `default` is written as it would be in a binding comment.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: &'static str,
    pub help: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    List(Vec<String>),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "{v}"),
            Self::Float(v) => write!(f, "{v}"),
            Self::Bool(v) => write!(f, "{v}"),
            Self::Str(v) => f.write_str(v),
            Self::List(v) => f.write_str(&v.join(",")),
        }
    }
}

impl ParamValue {
    /// Parses the textual form used in defaults and binding comments.
    pub fn parse(kind: ParamKind, text: &str) -> Result<Self, String> {
        let t = text.trim();
        match kind {
            ParamKind::Int => t
                .replace('_', "")
                .parse()
                .map(Self::Int)
                .map_err(|_| format!("expected an integer, got {t:?}")),
            ParamKind::Float => t
                .parse()
                .map(Self::Float)
                .map_err(|_| format!("expected a number, got {t:?}")),
            ParamKind::Bool => match t.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Ok(Self::Bool(true)),
                "false" | "no" | "off" | "0" => Ok(Self::Bool(false)),
                _ => Err(format!("expected true or false, got {t:?}")),
            },
            ParamKind::Str => Ok(Self::Str(t.to_string())),
            ParamKind::List => Ok(Self::List(
                t.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )),
        }
    }

    /// Converts a golive.toml value, checking it against the declared kind.
    pub fn from_toml(kind: ParamKind, v: &toml::Value) -> Result<Self, String> {
        match (kind, v) {
            (ParamKind::Int, toml::Value::Integer(i)) => Ok(Self::Int(*i)),
            (ParamKind::Float, toml::Value::Float(x)) => Ok(Self::Float(*x)),
            (ParamKind::Float, toml::Value::Integer(i)) => Ok(Self::Float(*i as f64)),
            (ParamKind::Bool, toml::Value::Boolean(b)) => Ok(Self::Bool(*b)),
            (ParamKind::Str, toml::Value::String(s)) => Ok(Self::Str(s.clone())),
            (ParamKind::List, toml::Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    toml::Value::String(s) => Ok(s.clone()),
                    other => Err(format!("expected strings in the list, got {other}")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Self::List),
            (ParamKind::List, toml::Value::String(s)) => Self::parse(ParamKind::List, s),
            (kind, other) => Err(format!("expected a {kind}, got {other}")),
        }
    }
}

/// The parameters of one check invocation, defaults already applied.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<&'static str, ParamValue>,
}

impl Params {
    /// Defaults of `specs`, then `overrides` on top. Unknown names and ill-typed values are
    /// errors that name the parameter.
    pub fn resolve(
        specs: &'static [ParamSpec],
        overrides: &BTreeMap<String, ParamValue>,
    ) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        for spec in specs {
            let v = ParamValue::parse(spec.kind, spec.default)
                .map_err(|e| format!("default of {}: {e}", spec.name))?;
            values.insert(spec.name, v);
        }
        for (name, value) in overrides {
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                return Err(match crate::suggest::did_you_mean(name, &known) {
                    Some(s) => format!("unknown parameter `{name}` (did you mean `{s}`?)"),
                    None if known.is_empty() => {
                        format!("unknown parameter `{name}`: this check takes none")
                    }
                    None => format!(
                        "unknown parameter `{name}`; expected one of {}",
                        known.join(", ")
                    ),
                });
            };
            let ok = matches!(
                (spec.kind, value),
                (ParamKind::Int, ParamValue::Int(_))
                    | (ParamKind::Float, ParamValue::Float(_))
                    | (ParamKind::Bool, ParamValue::Bool(_))
                    | (ParamKind::Str, ParamValue::Str(_))
                    | (ParamKind::List, ParamValue::List(_))
            );
            let value = if ok {
                value.clone()
            } else {
                ParamValue::parse(spec.kind, &value.to_string())
                    .map_err(|e| format!("parameter `{name}`: {e}"))?
            };
            values.insert(spec.name, value);
        }
        Ok(Self { values })
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    pub fn int(&self, name: &str) -> i64 {
        match self.values.get(name) {
            Some(ParamValue::Int(v)) => *v,
            Some(ParamValue::Float(v)) => *v as i64,
            _ => 0,
        }
    }

    pub fn float(&self, name: &str) -> f64 {
        match self.values.get(name) {
            Some(ParamValue::Float(v)) => *v,
            Some(ParamValue::Int(v)) => *v as f64,
            _ => 0.0,
        }
    }

    pub fn bool(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(ParamValue::Bool(true)))
    }

    pub fn str(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(ParamValue::Str(v)) => v,
            _ => "",
        }
    }

    pub fn list(&self, name: &str) -> &[String] {
        match self.values.get(name) {
            Some(ParamValue::List(v)) => v,
            _ => &[],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }
}
