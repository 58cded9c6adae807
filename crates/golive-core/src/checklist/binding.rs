//! Explicit bindings: `<!-- golive: REDIS002 -->`, `<!-- golive: HTTP010 max_p95_ms=500 -->`,
//! several codes in one comment, or `<!-- golive: manual -->`. Validated against the registry:
//! an unknown code or parameter is an error at the item's file and line.

use crate::check::Check;
use crate::config::{InputError, unknown_name_message};
use crate::params::{ParamValue, Params};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The prefix of golive's own result comment, written by `golive check --checklist --write`.
pub const RESULT_TAG: &str = "golive-result:";

/// A binding comment as written, not yet validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Explicit {
    pub line: u32,
    /// `manual` was written: the item is a human's to tick.
    pub manual: bool,
    /// Codes with their `key=value` parameters, in order.
    pub entries: Vec<(String, Vec<(String, String)>)>,
    /// A syntax problem, reported when the checklist is validated.
    pub error: Option<String>,
}

/// One check bound to an item, with the parameters the item states.
#[derive(Clone)]
pub struct Bound {
    pub check: &'static dyn Check,
    pub params: BTreeMap<String, ParamValue>,
    /// Why the binder chose it ("explicit binding" for comments).
    pub why: String,
}

impl std::fmt::Debug for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound")
            .field("code", &self.check.meta().code)
            .field("params", &self.params)
            .field("why", &self.why)
            .finish()
    }
}

impl Bound {
    /// `CODE k=v k2=v2`, as written in a binding comment.
    pub fn comment_form(&self) -> String {
        let mut s = self.check.meta().code.to_string();
        for (k, v) in &self.params {
            let v = v.to_string();
            s.push(' ');
            s.push_str(k);
            s.push('=');
            if v.is_empty() || v.contains(char::is_whitespace) || v.contains('"') {
                s.push('"');
                s.push_str(&v.replace('"', "'"));
                s.push('"');
            } else {
                s.push_str(&v);
            }
        }
        s
    }
}

fn comment_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"<!--\s*golive(-result)?:(.*?)-->").unwrap_or_else(|_| unreachable!())
    })
}

/// Removes golive's binding and result comments from a line of markdown.
pub fn strip_golive_comments(s: &str) -> String {
    comment_re().replace_all(s, "").into_owned()
}

/// The binding comment on an item's line, if any (the first one wins).
pub fn find_explicit(line_text: &str, line: u32) -> Option<Explicit> {
    let caps = comment_re()
        .captures_iter(line_text)
        .find(|c| c.get(1).is_none())?;
    let body = caps.get(2).map_or("", |m| m.as_str());
    Some(parse_body(body, line))
}

fn tokens(body: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = false;
    let mut any = false;
    for c in body.chars() {
        match c {
            '"' => {
                quote = !quote;
                any = true;
            }
            c if c.is_whitespace() && !quote => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quote {
        return Err("unclosed quote".into());
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

/// A check code: a family that starts with a letter and may hold digits (`K8S`, `S3`), then
/// three digits.
fn is_code(t: &str) -> bool {
    t.len() > 3
        && t.is_char_boundary(t.len() - 3)
        && t[t.len() - 3..].chars().all(|c| c.is_ascii_digit())
        && t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t[..t.len() - 3].chars().all(|c| c.is_ascii_alphanumeric())
}

fn parse_body(body: &str, line: u32) -> Explicit {
    let mut e = Explicit {
        line,
        manual: false,
        entries: Vec::new(),
        error: None,
    };
    let toks = match tokens(body) {
        Ok(t) => t,
        Err(m) => {
            e.error = Some(m);
            return e;
        }
    };
    for t in toks {
        if t.eq_ignore_ascii_case("manual") {
            e.manual = true;
        } else if let Some((k, v)) = t.split_once('=') {
            match e.entries.last_mut() {
                Some((_, params)) => params.push((k.trim().to_string(), v.trim().to_string())),
                None => {
                    e.error = Some(format!("parameter `{k}` before any check code"));
                    return e;
                }
            }
        } else if is_code(&t) {
            e.entries.push((t.to_ascii_uppercase(), Vec::new()));
        } else {
            e.error = Some(format!(
                "`{t}` is neither a check code (REDIS002), a parameter (key=value) nor `manual`"
            ));
            return e;
        }
    }
    if e.manual && !e.entries.is_empty() {
        e.error = Some("`manual` and check codes in the same binding".into());
    } else if !e.manual && e.entries.is_empty() {
        e.error = Some("empty binding: name a check code (REDIS002) or `manual`".into());
    }
    e
}

/// Validates an explicit binding against the registry: every code known, every parameter
/// declared by its check and of the right type.
pub fn validate(
    e: &Explicit,
    registry: &[&'static dyn Check],
    file: &str,
) -> Result<Vec<Bound>, InputError> {
    let err = |message: String| InputError {
        file: file.to_string(),
        line: Some(e.line),
        message,
    };
    if let Some(m) = &e.error {
        return Err(err(format!("golive binding: {m}")));
    }
    let codes: Vec<&str> = registry.iter().map(|c| c.meta().code).collect();
    let mut out = Vec::new();
    for (code, params) in &e.entries {
        let Some(check) = registry
            .iter()
            .find(|c| c.meta().code.eq_ignore_ascii_case(code))
            .copied()
        else {
            return Err(err(format!(
                "golive binding: {}",
                unknown_name_message("check", code, &codes)
            )));
        };
        let meta = check.meta();
        let mut map = BTreeMap::new();
        for (k, v) in params {
            let value = match meta.params.iter().find(|p| p.name == k) {
                Some(spec) => ParamValue::parse(spec.kind, v).map_err(|m| {
                    err(format!(
                        "golive binding {}: parameter `{k}`: {m}",
                        meta.code
                    ))
                })?,
                None => ParamValue::Str(v.clone()),
            };
            map.insert(k.clone(), value);
        }
        Params::resolve(meta.params, &map)
            .map_err(|m| err(format!("golive binding {}: {m}", meta.code)))?;
        out.push(Bound {
            check,
            params: map,
            why: "explicit binding comment".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_params() {
        let e = find_explicit(
            "AOF on <!-- golive: REDIS002 --> <!-- golive-result: pass -->",
            3,
        )
        .unwrap();
        assert_eq!(e.entries, vec![("REDIS002".to_string(), vec![])]);
        assert!(e.error.is_none());
        let e = find_explicit(
            "x <!--golive: HTTP010 max_p95_ms=500 ENV004 min_level=\"warning\"-->",
            1,
        )
        .unwrap();
        assert_eq!(e.entries.len(), 2);
        assert_eq!(
            e.entries[0].1,
            vec![("max_p95_ms".to_string(), "500".to_string())]
        );
        assert_eq!(
            e.entries[1].1,
            vec![("min_level".to_string(), "warning".to_string())]
        );
        assert!(
            find_explicit("x <!-- golive: manual -->", 1)
                .unwrap()
                .manual
        );
        assert!(
            find_explicit("x <!-- golive: -->", 1)
                .unwrap()
                .error
                .is_some()
        );
        assert!(
            find_explicit("x <!-- golive: a=b -->", 1)
                .unwrap()
                .error
                .is_some()
        );
        assert!(find_explicit("x <!-- golive-result: pass -->", 1).is_none());
        assert_eq!(strip_golive_comments("a <!-- golive: X001 --> b"), "a  b");
    }
}
