//! A `.env` parser that keeps line numbers and reports malformed lines instead of giving up.
//!
//! Accepts what docker compose and python-dotenv accept: `KEY=value`, `export KEY=value`,
//! `KEY: value` is *not* accepted; single quotes are literal, double quotes take escapes and
//! may span lines, unquoted values end at ` #`.

/// One assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub key: String,
    pub value: String,
    /// 1-based line of the key.
    pub line: u32,
    /// Whether the value was written in quotes.
    pub quoted: bool,
}

/// A line that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSyntaxError {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedEnv {
    pub entries: Vec<EnvEntry>,
    pub errors: Vec<EnvSyntaxError>,
}

impl ParsedEnv {
    /// The effective value of `key`: the last assignment wins, as in docker compose.
    pub fn get(&self, key: &str) -> Option<&EnvEntry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// Effective entries, one per key, in order of first appearance of the winning line.
    pub fn effective(&self) -> Vec<&EnvEntry> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<&EnvEntry> = self
            .entries
            .iter()
            .rev()
            .filter(|e| seen.insert(e.key.as_str()))
            .collect();
        out.reverse();
        out
    }

    /// Keys assigned more than once, with the lines of every assignment.
    pub fn duplicates(&self) -> Vec<(&str, Vec<u32>)> {
        let mut map: std::collections::BTreeMap<&str, Vec<u32>> = Default::default();
        for e in &self.entries {
            map.entry(e.key.as_str()).or_default().push(e.line);
        }
        map.into_iter().filter(|(_, l)| l.len() > 1).collect()
    }
}

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

/// Parses env-file text. Never fails: problems are collected per line.
pub fn parse(text: &str) -> ParsedEnv {
    let mut out = ParsedEnv::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0usize;
    while i < lines.len() {
        let line_no = (i + 1) as u32;
        let raw = lines[i].strip_suffix('\r').unwrap_or(lines[i]);
        let raw = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        i += 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let body = trimmed
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(trimmed);
        let Some(eq) = body.find('=') else {
            out.errors.push(EnvSyntaxError {
                line: line_no,
                message: "expected KEY=value".into(),
            });
            continue;
        };
        let key = body[..eq].trim_end();
        if !valid_key(key) {
            out.errors.push(EnvSyntaxError {
                line: line_no,
                message: if key.is_empty() {
                    "missing variable name before '='".into()
                } else if key.contains(char::is_whitespace) {
                    "variable name contains whitespace".into()
                } else {
                    "invalid variable name: use letters, digits and '_'".into()
                },
            });
            continue;
        }
        let rest = body[eq + 1..].trim_start();
        match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // Quoted value, possibly over several lines.
                let mut value = String::new();
                let mut buf: String = rest[1..].to_string();
                let mut closed = false;
                loop {
                    let mut chars = buf.char_indices().peekable();
                    let mut end = None;
                    while let Some((idx, c)) = chars.next() {
                        if q == '"' && c == '\\' {
                            match chars.next() {
                                Some((_, 'n')) => value.push('\n'),
                                Some((_, 't')) => value.push('\t'),
                                Some((_, 'r')) => value.push('\r'),
                                Some((_, other)) => value.push(other),
                                None => value.push('\\'),
                            }
                            continue;
                        }
                        if c == q {
                            end = Some(idx);
                            break;
                        }
                        value.push(c);
                    }
                    if let Some(end) = end {
                        let after = buf[end + 1..].trim();
                        if !after.is_empty() && !after.starts_with('#') {
                            out.errors.push(EnvSyntaxError {
                                line: line_no,
                                message: "unexpected text after the closing quote".into(),
                            });
                        }
                        closed = true;
                        break;
                    }
                    if i >= lines.len() || i - (line_no as usize) > 1000 {
                        break;
                    }
                    value.push('\n');
                    buf = lines[i].strip_suffix('\r').unwrap_or(lines[i]).to_string();
                    i += 1;
                }
                if !closed {
                    out.errors.push(EnvSyntaxError {
                        line: line_no,
                        message: format!("unterminated {q}-quoted value"),
                    });
                    // Resume after the opening line so one bad quote hides nothing else.
                    i = line_no as usize;
                    continue;
                }
                out.entries.push(EnvEntry {
                    key: key.to_string(),
                    value,
                    line: line_no,
                    quoted: true,
                });
            }
            _ => {
                let value = match rest.find(" #").or_else(|| rest.find("\t#")) {
                    Some(idx) => &rest[..idx],
                    None => rest,
                };
                out.entries.push(EnvEntry {
                    key: key.to_string(),
                    value: value.trim_end().to_string(),
                    line: line_no,
                    quoted: false,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let p = parse(
            "# c\nA=1\nexport B = two \nC='lit $X # no'\nD=\"x\\ny\" # c\nE=v # comment\nF=\n",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let get = |k: &str| p.get(k).map(|e| (e.value.as_str(), e.line));
        assert_eq!(get("A"), Some(("1", 2)));
        assert_eq!(get("B"), Some(("two", 3)));
        assert_eq!(get("C"), Some(("lit $X # no", 4)));
        assert_eq!(get("D"), Some(("x\ny", 5)));
        assert_eq!(get("E"), Some(("v", 6)));
        assert_eq!(get("F"), Some(("", 7)));
    }

    #[test]
    fn multiline_values_keep_following_line_numbers() {
        let p = parse("KEY=\"-----BEGIN\nabc\n-----END\"\nNEXT=1\n");
        assert_eq!(p.get("KEY").unwrap().value, "-----BEGIN\nabc\n-----END");
        assert_eq!(p.get("NEXT").unwrap().line, 4);
    }

    #[test]
    fn reports_malformed_lines_and_goes_on() {
        let p = parse("GOOD=1\nnot a var\n=x\nBAD KEY=1\nQ=\"open\nAFTER=2\n1X=3\n");
        let lines: Vec<u32> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 7]);
        assert_eq!(p.get("AFTER").unwrap().line, 6);
        assert_eq!(p.get("GOOD").unwrap().value, "1");
    }

    #[test]
    fn last_assignment_wins_and_duplicates_are_listed() {
        let p = parse("A=1\nB=2\nA=3\n");
        assert_eq!(p.get("A").unwrap().value, "3");
        assert_eq!(p.duplicates(), vec![("A", vec![1, 3])]);
        let eff: Vec<&str> = p.effective().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(eff, vec!["B", "A"]);
    }

    #[test]
    fn crlf_and_bom() {
        let p = parse("\u{feff}A=1\r\nB=2\r\n");
        assert_eq!(p.get("A").unwrap().value, "1");
        assert_eq!(p.get("B").unwrap().value, "2");
    }
}
