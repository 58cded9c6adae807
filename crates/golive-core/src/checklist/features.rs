//! What the binder reads in an item and in a check's keywords: inline code classified by
//! shape (variables, assignments, paths, headers, files, commands and settings), words,
//! and quantities with units and a direction (`< 200ms`, `min 256 bits`, `65+ requests`).

use std::sync::OnceLock;

/// The shape of an inline code span or of a keyword.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `DEBUG=false`, `max_connections=200`.
    Assign { key: String, value: String },
    /// `SECRET_KEY`, `DATABASE_URL`: an environment variable (upper case, with `_`), or an
    /// upper-case word (`DEBUG`, `CORS`) when `has_underscore` is false.
    Name { name: String, has_underscore: bool },
    /// `/health`, `/api/docs`.
    Path(String),
    /// `X-Frame-Options: DENY`, `Strict-Transport-Security`.
    Header { name: String, value: Option<String> },
    /// `.env.production`, `RUNBOOK.md`, `k8s/deploy.yaml`.
    File(String),
    /// Several tokens: a command (`alembic upgrade head`) or a setting (`appendonly yes`).
    Words(Vec<String>),
    /// One lower-case token (`appendonly`, `production`, `*`).
    Word(String),
}

fn re(cell: &'static OnceLock<regex::Regex>, pat: &str) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(pat).unwrap_or_else(|_| unreachable!()))
}

/// Classifies a code span or a keyword by its shape.
pub fn shape(s: &str) -> Shape {
    static ASSIGN: OnceLock<regex::Regex> = OnceLock::new();
    static HEADER: OnceLock<regex::Regex> = OnceLock::new();
    static NAME: OnceLock<regex::Regex> = OnceLock::new();
    let t = s.trim();
    if let Some(c) = re(&ASSIGN, r"^([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$").captures(t) {
        let value = c[2].trim().trim_matches(['"', '\'']).to_string();
        return Shape::Assign {
            key: c[1].to_string(),
            value,
        };
    }
    if t.starts_with('/') && !t.contains(char::is_whitespace) && t.len() > 1 {
        return Shape::Path(t.to_string());
    }
    if let Some(c) = re(
        &HEADER,
        r"^([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)\s*:\s*(.*)$",
    )
    .captures(t)
    {
        return Shape::Header {
            name: c[1].to_string(),
            value: Some(c[2].trim().to_string()).filter(|v| !v.is_empty()),
        };
    }
    if re(&NAME, r"^[A-Z][A-Z0-9_]*[A-Z0-9]$").is_match(t) {
        return Shape::Name {
            name: t.to_string(),
            has_underscore: t.contains('_'),
        };
    }
    if is_header_name(t) {
        return Shape::Header {
            name: t.to_string(),
            value: None,
        };
    }
    if !t.contains(char::is_whitespace)
        && (t.contains('.') || t.contains('/'))
        && t.chars().any(|c| c.is_ascii_alphabetic())
    {
        return Shape::File(t.to_string());
    }
    let toks: Vec<String> = t
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if toks.len() > 1 {
        return Shape::Words(toks);
    }
    Shape::Word(t.to_ascii_lowercase())
}

/// `X-Frame-Options`, `Content-Security-Policy`, `X-Request-ID`: capitalised, hyphenated.
pub fn is_header_name(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            let mut cs = p.chars();
            matches!(cs.next(), Some(c) if c.is_ascii_uppercase())
                && cs.all(|c| c.is_ascii_alphanumeric())
        })
}

/// `*SECRET*`, `*_PASSWORD`, `AWS_*`: a keyword naming a family of variables.
pub fn is_name_glob(k: &str) -> bool {
    k.contains('*')
        && k.chars().any(|c| c.is_ascii_uppercase())
        && k.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '*')
}

/// Matches a `*` glob against a variable name, case-insensitively.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p = pattern.to_ascii_uppercase();
    let n = name.to_ascii_uppercase();
    let parts: Vec<&str> = p.split('*').collect();
    let mut pos = 0usize;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !n.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 {
            return n.len() >= pos + part.len() && n.ends_with(part);
        } else {
            match n.get(pos..).and_then(|rest| rest.find(part)) {
                Some(idx) => pos += idx + part.len(),
                None => return false,
            }
        }
    }
    true
}

/// Light stemming so `passwords` meets `password` and `headers` meets `header`.
pub fn stem(w: &str) -> String {
    let w = w.to_ascii_lowercase();
    if w.len() > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        return w[..w.len() - 1].to_string();
    }
    w
}

/// Lower-case, stemmed word tokens. Underscores, dots and slashes stay inside a token so
/// `SECRET_KEY` and `.env` stay one word; hyphens split (`on-call` is `on`, `call`).
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '/'))
        .map(|w| w.trim_matches(['.', '/']))
        .filter(|w| !w.is_empty())
        .map(stem)
        .collect()
}

/// Whether `needle` (a word sequence) occurs in `hay` (a word sequence).
pub fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The direction a stated number bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// `< 200ms`, `max 5`, `under 1s`.
    Max,
    /// `min 256 bits`, `65+ requests`, `30 days minimum`, `TLS 1.2+`.
    Min,
    Exact,
}

/// The unit family of a quantity; values are normalised (ms for time, days, bits, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Millis,
    Days,
    Bits,
    Percent,
    Requests,
    Megabytes,
    Version,
    Count,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub unit: Unit,
    pub dir: Dir,
    /// The words just before it (`p95`, `health`, `TLS`), for choosing between parameters.
    pub context: Vec<String>,
    pub text: String,
    /// For `Unit::Count`: the counted thing, stemmed (`replica`, `character`).
    pub unit_word: Option<String>,
}

/// Quantities stated in a text.
pub fn quantities(text: &str) -> Vec<Quantity> {
    static Q: OnceLock<regex::Regex> = OnceLock::new();
    static V: OnceLock<regex::Regex> = OnceLock::new();
    let q = re(
        &Q,
        r"(?i)(?P<pre><=|>=|<|>|≤|≥|\bmin(?:imum)?\b|\bmax(?:imum)?\b|\bat least\b|\bat most\b|\bunder\b|\bbelow\b|\bless than\b|\bmore than\b|\bover\b|\babove\b|\bwithin\b)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<plus>\+)?\s*(?P<unit>ms\b|milliseconds?\b|s\b|secs?\b|seconds?\b|minutes?\b|mins?\b|h\b|hours?\b|days?\b|d\b|weeks?\b|bits?\b|%|percent\b|requests?\b|reqs?\b|rps\b|mb\b|gb\b|kb\b)(?P<post>\s+(?:minimum|min|or more|or less|maximum|max)\b)?",
    );
    let mut out = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for c in q.captures_iter(text) {
        if let Some(m) = c.get(0) {
            spans.push((m.start(), m.end()));
        }
        let Ok(mut value) = c["num"].parse::<f64>() else {
            continue;
        };
        let unit_text = c["unit"].to_ascii_lowercase();
        let unit = match unit_text.as_str() {
            "ms" | "millisecond" | "milliseconds" => Unit::Millis,
            "s" | "sec" | "secs" | "second" | "seconds" => {
                value *= 1000.0;
                Unit::Millis
            }
            "minute" | "minutes" | "min" | "mins" => {
                value *= 60_000.0;
                Unit::Millis
            }
            "h" | "hour" | "hours" => {
                value *= 3_600_000.0;
                Unit::Millis
            }
            "day" | "days" | "d" => Unit::Days,
            "week" | "weeks" => {
                value *= 7.0;
                Unit::Days
            }
            "bit" | "bits" => Unit::Bits,
            "%" | "percent" => Unit::Percent,
            "request" | "requests" | "req" | "reqs" | "rps" => Unit::Requests,
            "mb" => Unit::Megabytes,
            "gb" => {
                value *= 1024.0;
                Unit::Megabytes
            }
            "kb" => {
                value /= 1024.0;
                Unit::Megabytes
            }
            _ => continue,
        };
        let pre = c
            .name("pre")
            .map(|m| m.as_str().to_ascii_lowercase())
            .unwrap_or_default();
        let post = c
            .name("post")
            .map(|m| m.as_str().trim().to_ascii_lowercase())
            .unwrap_or_default();
        let dir =
            if c.name("plus").is_some() || matches!(post.as_str(), "minimum" | "min" | "or more") {
                Dir::Min
            } else if matches!(post.as_str(), "maximum" | "max" | "or less") {
                Dir::Max
            } else {
                match pre.as_str() {
                    "<" | "<=" | "≤" | "max" | "maximum" | "at most" | "under" | "below"
                    | "less than" | "within" => Dir::Max,
                    ">" | ">=" | "≥" | "min" | "minimum" | "at least" | "more than" | "over"
                    | "above" => Dir::Min,
                    _ => Dir::Exact,
                }
            };
        let start = c.get(0).map_or(0, |m| m.start());
        out.push(Quantity {
            value,
            unit,
            dir,
            context: context_before(text, start),
            text: c[0].trim().to_string(),
            unit_word: None,
        });
    }
    // Bounds on anything counted: `at least 64 characters`, `2 replicas minimum`, `max 5 retries`.
    static C: OnceLock<regex::Regex> = OnceLock::new();
    let counted = re(
        &C,
        r"(?i)(?:(?P<pre>\bat least\b|\bminimum(?: of)?\b|\bmin\b|\bat most\b|\bmaximum(?: of)?\b|\bmax\b|\bno more than\b|\bfewer than\b|\bmore than\b|<=|>=|<|>|≤|≥)\s*(?P<num>\d+)\+?\s*(?P<word>[a-z][a-z-]+)|(?P<num2>\d+)(?P<plus>\+)?\s*(?P<word2>[a-z][a-z-]+)(?P<post>\s+(?:minimum|or more|at least|maximum|or fewer|at most))?)",
    );
    for c in counted.captures_iter(text) {
        let (num, word, dir) = if let (Some(n), Some(w)) = (c.name("num"), c.name("word")) {
            let pre = c
                .name("pre")
                .map(|m| m.as_str().to_ascii_lowercase())
                .unwrap_or_default();
            let dir = if pre.starts_with("at most")
                || pre.starts_with("max")
                || pre.starts_with("no more")
                || pre.starts_with("fewer")
                || pre.starts_with('<')
                || pre == "≤"
            {
                Dir::Max
            } else {
                Dir::Min
            };
            (n, w, dir)
        } else if let (Some(n), Some(w)) = (c.name("num2"), c.name("word2")) {
            let post = c
                .name("post")
                .map(|m| m.as_str().trim().to_ascii_lowercase())
                .unwrap_or_default();
            let dir = if c.name("plus").is_some()
                || post == "minimum"
                || post == "or more"
                || post == "at least"
            {
                Dir::Min
            } else if post.is_empty() {
                continue;
            } else {
                Dir::Max
            };
            (n, w, dir)
        } else {
            continue;
        };
        if spans
            .iter()
            .any(|(a, b)| num.start() < *b && *a < num.end())
        {
            continue;
        }
        let Ok(value) = num.as_str().parse::<f64>() else {
            continue;
        };
        out.push(Quantity {
            value,
            unit: Unit::Count,
            dir,
            context: context_before(text, num.start()),
            text: c[0].trim().to_string(),
            unit_word: Some(stem(word.as_str())),
        });
    }
    // Versions: `PostgreSQL 15+`, `TLS 1.2+`, `Redis 7+`, `TLS 1.3`.
    for c in re(
        &V,
        r"(?P<what>[A-Za-z][A-Za-z0-9]+)\s+v?(?P<num>\d+(?:\.\d+)?)(?P<plus>\+)?",
    )
    .captures_iter(text)
    {
        let num = &c["num"];
        let what = c["what"].to_ascii_lowercase();
        let versioned = c.name("plus").is_some()
            || matches!(what.as_str(), "tls" | "ssl" | "version" | "v" | "http");
        if !versioned {
            continue;
        }
        let (ns, ne) = c.name("num").map_or((0, 0), |m| (m.start(), m.end()));
        if spans.iter().any(|(a, b)| ns < *b && *a < ne) {
            continue;
        }
        let Ok(value) = num.parse::<f64>() else {
            continue;
        };
        out.push(Quantity {
            value,
            unit: Unit::Version,
            dir: if c.name("plus").is_some() {
                Dir::Min
            } else {
                Dir::Exact
            },
            context: vec![stem(&what)],
            text: c[0].trim().to_string(),
            unit_word: None,
        });
    }
    out
}

fn context_before(text: &str, pos: usize) -> Vec<String> {
    let mut p = pos.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    let w = words(&text[..p]);
    w.iter().rev().take(4).rev().cloned().collect()
}

/// The unit and direction a parameter name implies (`max_p95_ms` is a maximum in ms).
pub fn param_unit(name: &str) -> Option<(Unit, Option<Dir>, f64)> {
    let n = name.to_ascii_lowercase();
    let dir = if n.starts_with("max_") || n.contains("_max_") || n.ends_with("_max") {
        Some(Dir::Max)
    } else if n.starts_with("min_") || n.contains("_min_") || n.ends_with("_min") {
        Some(Dir::Min)
    } else {
        None
    };
    let last = n.rsplit('_').next().unwrap_or(&n);
    // The scale converts a normalised quantity into the parameter's unit.
    let (unit, scale) = match last {
        "ms" | "millis" => (Unit::Millis, 1.0),
        "s" | "secs" | "seconds" => (Unit::Millis, 0.001),
        "days" => (Unit::Days, 1.0),
        "bits" => (Unit::Bits, 1.0),
        "percent" | "pct" => (Unit::Percent, 1.0),
        "requests" | "rps" => (Unit::Requests, 1.0),
        "mb" => (Unit::Megabytes, 1.0),
        "version" => (Unit::Version, 1.0),
        _ if n == "requests" => (Unit::Requests, 1.0),
        _ => return None,
    };
    Some((unit, dir, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            shape("DEBUG=false"),
            Shape::Assign {
                key: "DEBUG".into(),
                value: "false".into()
            }
        );
        assert_eq!(shape("/health"), Shape::Path("/health".into()));
        assert_eq!(
            shape("X-Frame-Options: DENY"),
            Shape::Header {
                name: "X-Frame-Options".into(),
                value: Some("DENY".into())
            }
        );
        assert!(matches!(
            shape("Strict-Transport-Security"),
            Shape::Header { .. }
        ));
        assert!(matches!(
            shape("SECRET_KEY"),
            Shape::Name {
                has_underscore: true,
                ..
            }
        ));
        assert!(matches!(
            shape("CORS"),
            Shape::Name {
                has_underscore: false,
                ..
            }
        ));
        assert_eq!(
            shape(".env.production"),
            Shape::File(".env.production".into())
        );
        assert_eq!(
            shape("alembic upgrade head"),
            Shape::Words(vec!["alembic".into(), "upgrade".into(), "head".into()])
        );
        assert_eq!(shape("appendonly"), Shape::Word("appendonly".into()));
    }

    #[test]
    fn numbers_and_units() {
        let q = quantities("P95 response time < 1s");
        assert_eq!(
            (q[0].value, q[0].unit, q[0].dir),
            (1000.0, Unit::Millis, Dir::Max)
        );
        let q = quantities("`JWT_SECRET` is random (min 256 bits)");
        assert_eq!(
            (q[0].value, q[0].unit, q[0].dir),
            (256.0, Unit::Bits, Dir::Min)
        );
        let q = quantities("Make 65+ requests rapidly");
        assert_eq!(
            (q[0].value, q[0].unit, q[0].dir),
            (65.0, Unit::Requests, Dir::Min)
        );
        let q = quantities("Backup retention policy set (30 days minimum)");
        assert_eq!(
            (q[0].value, q[0].unit, q[0].dir),
            (30.0, Unit::Days, Dir::Min)
        );
        let q = quantities("Minimum 80% code coverage");
        assert_eq!((q[0].value, q[0].unit), (80.0, Unit::Percent));
        let q = quantities("HTTPS enforced (TLS 1.3 preferred), PostgreSQL 15+ running");
        assert!(q.iter().any(|x| x.unit == Unit::Version && x.value == 1.3));
        assert!(
            q.iter()
                .any(|x| x.unit == Unit::Version && x.value == 15.0 && x.dir == Dir::Min)
        );
        assert_eq!(
            param_unit("max_p95_ms"),
            Some((Unit::Millis, Some(Dir::Max), 1.0))
        );
        assert_eq!(
            param_unit("min_bits"),
            Some((Unit::Bits, Some(Dir::Min), 1.0))
        );
        assert_eq!(param_unit("name"), None);
    }
}
