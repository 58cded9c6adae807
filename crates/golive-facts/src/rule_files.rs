//! Prometheus rule files of the repository: plain rule files (top-level `groups:` whose entries
//! have `rules:`) and Kubernetes `PrometheusRule` objects (`spec.groups`), read with line
//! numbers and checked for the shape `promtool check rules` accepts.
//!
//! Which files: YAML (and `*.rules`) outside test and example directories whose text has a
//! top-level `groups:` and a `rules:` key, or `kind: PrometheusRule`. Grafana's alerting
//! provisioning files (top-level `apiVersion` with `groups`) are not Prometheus rule files.
//! Helm chart templates are left to the chart (they are not YAML before rendering).
//!
//! What "valid" means here is the structure promtool's rule-file loader enforces (strict keys,
//! one of `record`/`alert`, `expr` set, durations, names, group names unique per file), plus a
//! lexical look at each expression (balanced brackets and quotes, no dangling operator). A full
//! PromQL parse is promtool's job; PROM002 sees the rules Prometheus actually loaded.

use crate::repo_index::{FileKind, RepoIndex, is_test_or_example_path};
use crate::yaml_tree::{Node, Value, parse_documents};
use golive_core::{Fact, FactError, Facts};

/// Reads at most this many candidate files: bounded on a monorepo.
const MAX_FILES: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Alert,
    Record,
}

/// One rule of a group, with what golive needs to judge it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    /// The alert or record name.
    pub name: String,
    pub group: String,
    /// Line of the rule's `- alert:`/`- record:` entry.
    pub line: u32,
    pub expr: Option<String>,
    /// `for:` as written (`10m`); `None` when absent.
    pub for_: Option<String>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

impl Rule {
    pub fn label(&self, k: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(lk, _)| lk == k)
            .map(|(_, v)| v.as_str())
    }

    pub fn annotation(&self, k: &str) -> Option<&str> {
        self.annotations
            .iter()
            .find(|(ak, _)| ak == k)
            .map(|(_, v)| v.as_str())
    }
}

/// Something that makes the file invalid for Prometheus, at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleFile {
    pub rel: String,
    /// A Kubernetes `PrometheusRule` object rather than a plain rule file.
    pub crd: bool,
    pub rules: Vec<Rule>,
    pub problems: Vec<RuleProblem>,
}

#[derive(Debug, Clone, Default)]
pub struct RuleFiles {
    pub files: Vec<RuleFile>,
    /// Candidates that could not be read (too large, binary), with the reason.
    pub unreadable: Vec<(String, String)>,
}

impl RuleFiles {
    pub fn alerts(&self) -> impl Iterator<Item = (&RuleFile, &Rule)> {
        self.files.iter().flat_map(|f| {
            f.rules
                .iter()
                .filter(|r| r.kind == RuleKind::Alert)
                .map(move |r| (f, r))
        })
    }
}

/// Quick content test before a parse.
pub fn looks_like_rule_file(text: &str) -> bool {
    // Nearly every YAML file has neither word: skip the line walk with one search each.
    static RULES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"rules:"));
    static KIND: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"PrometheusRule"));
    static GROUPS_LINE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\ngroups:"));
    let bytes = text.as_bytes();
    let has_kind = KIND.find(bytes).is_some();
    // Without `kind: PrometheusRule`, a rule file needs a line that starts with `groups:`:
    // Kubernetes RBAC roles (every chart has some) hold `rules:` but no such line.
    let has_groups_line = text.starts_with("groups:") || GROUPS_LINE.find(bytes).is_some();
    if !(has_kind || has_groups_line && RULES.find(bytes).is_some()) {
        return false;
    }
    let mut groups = false;
    let mut rules = false;
    for line in text.lines() {
        if line.starts_with("groups:") {
            groups = true;
        } else if line
            .trim_start()
            .trim_start_matches("- ")
            .starts_with("rules:")
        {
            rules = true;
        } else if line.trim() == "kind: PrometheusRule" {
            return true;
        }
    }
    groups && rules
}

fn is_candidate_name(rel: &str, kind: FileKind) -> bool {
    kind == FileKind::Yaml || rel.to_ascii_lowercase().ends_with(".rules")
}

const GROUP_KEYS: &[&str] = &[
    "name",
    "interval",
    "limit",
    "rules",
    "query_offset",
    "labels",
];
const RULE_KEYS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

/// Parses one candidate file. `None` when it turns out not to be a Prometheus rule file.
pub fn read_rule_file(rel: &str, text: &str) -> Option<RuleFile> {
    let mut f = RuleFile {
        rel: rel.to_string(),
        crd: false,
        rules: Vec::new(),
        problems: Vec::new(),
    };
    // Other tools nest `rules:` under `groups:` too (firewall roles, access groups): a file is
    // Prometheus's when a rule says `alert`, `record` or `expr`, or it is a PrometheusRule.
    let prometheus_words = ["alert:", "record:", "expr:", "kind: PrometheusRule"]
        .iter()
        .any(|w| text.contains(w));
    let docs = match parse_documents(text) {
        Ok(d) => d,
        Err(_) if !prometheus_words => return None,
        Err(e) => {
            f.problems.push(RuleProblem {
                line: e.line.unwrap_or(1),
                message: format!("not valid YAML: {}", e.message),
            });
            return Some(f);
        }
    };
    let mut any = false;
    for doc in &docs {
        let kind = doc.get("kind").and_then(Node::scalar_text);
        if kind.as_deref() == Some("PrometheusRule") {
            any = true;
            f.crd = true;
            match doc.path(&["spec", "groups"]) {
                Some(g) => read_groups(g, &mut f),
                None => f.problems.push(RuleProblem {
                    line: doc.entry("kind").map(|e| e.line).unwrap_or(1),
                    message: "PrometheusRule without spec.groups".into(),
                }),
            }
            continue;
        }
        let Some(groups) = doc.entry("groups") else {
            continue;
        };
        // Grafana's alerting provisioning has `apiVersion` and `groups` at the top.
        if doc.get("apiVersion").is_some() || kind.is_some() {
            continue;
        }
        any = true;
        for e in doc.entries() {
            if e.key != "groups" {
                f.problems.push(RuleProblem {
                    line: e.line,
                    message: format!(
                        "unknown top-level key `{}` (a rule file has only `groups`)",
                        e.key
                    ),
                });
            }
        }
        if groups.node.is_null() {
            continue; // `groups:` with nothing under it loads as no groups
        }
        if !matches!(groups.node.value, Value::Seq(_)) {
            f.problems.push(RuleProblem {
                line: groups.line,
                message: "`groups` must be a list of groups".into(),
            });
            continue;
        }
        read_groups(&groups.node, &mut f);
    }
    if !any {
        return None;
    }
    let ours = f.crd
        || docs.iter().any(|d| {
            d.at("groups").as_seq().iter().any(|g| {
                g.at("rules").as_seq().iter().any(|r| {
                    ["alert", "record", "expr"]
                        .iter()
                        .any(|k| r.get(k).is_some())
                })
            })
        });
    let no_rules = docs.iter().all(|d| {
        d.at("groups")
            .as_seq()
            .iter()
            .all(|g| g.at("rules").as_seq().is_empty())
    });
    if !ours && !no_rules {
        return None;
    }
    f.problems.sort_by_key(|p| p.line);
    Some(f)
}

fn problem(f: &mut RuleFile, line: u32, message: String) {
    f.problems.push(RuleProblem { line, message });
}

fn read_groups(groups: &Node, f: &mut RuleFile) {
    let mut names: Vec<String> = Vec::new();
    for g in groups.as_seq() {
        if !g.is_map() {
            problem(
                f,
                g.line,
                "a group must be a mapping with `name` and `rules`".into(),
            );
            continue;
        }
        for e in g.entries() {
            if !GROUP_KEYS.contains(&e.key.as_str()) {
                problem(f, e.line, format!("unknown group key `{}`", e.key));
            }
        }
        let name = g
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        if name.trim().is_empty() {
            problem(f, g.line, "group name must not be empty".into());
        } else if names.contains(&name) {
            let line = g.entry("name").map(|e| e.line).unwrap_or(g.line);
            problem(
                f,
                line,
                format!("group name {name:?} is repeated in the same file"),
            );
        } else {
            names.push(name.clone());
        }
        if let Some(i) = g.entry("interval") {
            check_duration(f, i.line, "interval", &i.node);
        }
        match g.entry("rules") {
            None => {}
            Some(r) if r.node.is_null() => {}
            Some(r) if !matches!(r.node.value, Value::Seq(_)) => {
                problem(f, r.line, format!("group {name:?}: `rules` must be a list"));
            }
            Some(r) => {
                for rule in r.node.as_seq() {
                    read_rule(rule, &name, f);
                }
            }
        }
    }
}

fn check_duration(f: &mut RuleFile, line: u32, key: &str, n: &Node) {
    match n.scalar_text() {
        Some(t) if is_duration(&t) => {}
        Some(t) => problem(
            f,
            line,
            format!("`{key}: {t}` is not a valid duration (e.g. 5m, 1h30m)"),
        ),
        None => problem(f, line, format!("`{key}` must be a duration")),
    }
}

/// Prometheus durations: `0`, or number-unit pairs in decreasing units (`1h30m`, `90s`).
pub fn is_duration(s: &str) -> bool {
    let s = s.trim();
    if s == "0" {
        return true;
    }
    const UNITS: [&str; 8] = ["y", "w", "d", "h", "m", "s", "ms", "__"];
    let b = s.as_bytes();
    let mut i = 0;
    let mut last_unit = 0usize;
    let mut any = false;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
        let ustart = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = &s[ustart..i];
        let Some(pos) = UNITS[..7].iter().position(|u| *u == unit) else {
            return false;
        };
        let rank = pos + 1;
        if rank <= last_unit {
            return false;
        }
        last_unit = rank;
        any = true;
    }
    any
}

/// Prometheus durations as seconds (`1h30m` → 5400); `None` when not a duration.
pub fn duration_secs(s: &str) -> Option<u64> {
    if !is_duration(s) {
        return None;
    }
    let mut total: u64 = 0;
    let mut num: u64 = 0;
    let mut unit = String::new();
    let flush = |num: u64, unit: &str| -> u64 {
        let mul = match unit {
            "y" => 365 * 86_400,
            "w" => 7 * 86_400,
            "d" => 86_400,
            "h" => 3600,
            "m" => 60,
            "s" => 1,
            _ => 0, // ms rounds down
        };
        num.saturating_mul(mul)
    };
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            if !unit.is_empty() {
                total = total.saturating_add(flush(num, &unit));
                unit.clear();
                num = 0;
            }
            num = num
                .saturating_mul(10)
                .saturating_add(u64::from(c as u8 - b'0'));
        } else {
            unit.push(c);
        }
    }
    Some(total.saturating_add(flush(num, &unit)))
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn string_map(n: &Node) -> Option<Vec<(String, String)>> {
    if n.is_null() {
        return Some(Vec::new());
    }
    if !n.is_map() {
        return None;
    }
    Some(
        n.entries()
            .iter()
            .map(|e| (e.key.clone(), e.node.scalar_text().unwrap_or_default()))
            .collect(),
    )
}

fn read_rule(r: &Node, group: &str, f: &mut RuleFile) {
    if !r.is_map() {
        problem(
            f,
            r.line,
            format!("group {group:?}: a rule must be a mapping"),
        );
        return;
    }
    for e in r.entries() {
        if !RULE_KEYS.contains(&e.key.as_str()) {
            problem(
                f,
                e.line,
                format!("group {group:?}: unknown rule key `{}`", e.key),
            );
        }
    }
    let alert = r.entry("alert");
    let record = r.entry("record");
    let (kind, name_entry) = match (alert, record) {
        (Some(_), Some(_)) => {
            problem(
                f,
                r.line,
                format!("group {group:?}: a rule sets both `alert` and `record`"),
            );
            return;
        }
        (None, None) => {
            problem(
                f,
                r.line,
                format!("group {group:?}: a rule needs `alert` or `record`"),
            );
            return;
        }
        (Some(a), None) => (RuleKind::Alert, a),
        (None, Some(rec)) => (RuleKind::Record, rec),
    };
    let line = name_entry.line;
    let name = name_entry.node.scalar_text().unwrap_or_default();
    let what = match kind {
        RuleKind::Alert => "alert",
        RuleKind::Record => "record",
    };
    if name.trim().is_empty() {
        problem(
            f,
            line,
            format!("group {group:?}: `{what}` name must not be empty"),
        );
    } else if kind == RuleKind::Record && !is_metric_name(&name) {
        problem(
            f,
            line,
            format!("group {group:?}: record name {name:?} is not a valid metric name"),
        );
    }
    let expr = r.get("expr").and_then(Node::scalar_text);
    match &expr {
        None => problem(f, line, format!("{what} {name:?}: `expr` must be set")),
        Some(e) if e.trim().is_empty() => problem(
            f,
            line,
            format!("{what} {name:?}: `expr` must not be empty"),
        ),
        Some(e) => {
            if let Some(why) = expr_problem(e) {
                let l = r.entry("expr").map(|x| x.line).unwrap_or(line);
                problem(f, l, format!("{what} {name:?}: expression {why}"));
            }
        }
    }
    let for_ = r.entry("for").map(|e| {
        check_duration(f, e.line, "for", &e.node);
        e.node.scalar_text().unwrap_or_default()
    });
    if let Some(e) = r.entry("keep_firing_for") {
        check_duration(f, e.line, "keep_firing_for", &e.node);
    }
    if kind == RuleKind::Record {
        for k in ["for", "keep_firing_for", "annotations"] {
            if let Some(e) = r.entry(k) {
                problem(
                    f,
                    e.line,
                    format!("record {name:?}: `{k}` is not allowed in a recording rule"),
                );
            }
        }
    }
    let mut maps = Vec::new();
    for k in ["labels", "annotations"] {
        let m = match r.entry(k) {
            None => Vec::new(),
            Some(e) => match string_map(&e.node) {
                Some(m) => {
                    if k == "labels" {
                        for (lk, _) in &m {
                            if !is_label_name(lk) {
                                problem(
                                    f,
                                    e.line,
                                    format!("{what} {name:?}: {lk:?} is not a valid label name"),
                                );
                            }
                        }
                    }
                    m
                }
                None => {
                    problem(
                        f,
                        e.line,
                        format!("{what} {name:?}: `{k}` must be a mapping"),
                    );
                    Vec::new()
                }
            },
        };
        maps.push(m);
    }
    let annotations = maps.pop().unwrap_or_default();
    let labels = maps.pop().unwrap_or_default();
    f.rules.push(Rule {
        kind,
        name,
        group: group.to_string(),
        line,
        expr,
        for_,
        labels,
        annotations,
    });
}

/// A lexical look at a PromQL expression: what is certainly wrong, or `None`.
pub fn expr_problem(e: &str) -> Option<String> {
    let mut stack: Vec<char> = Vec::new();
    let mut chars = e.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                let quote = c;
                let mut closed = false;
                while let Some(d) = chars.next() {
                    if d == '\\' && quote != '`' {
                        chars.next();
                    } else if d == quote {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Some(format!("has an unterminated {quote}string{quote}"));
                }
            }
            '#' => {
                // A comment runs to the end of the line.
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(want) {
                    return Some(format!("has an unmatched `{c}`"));
                }
            }
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Some(format!("has an unclosed `{open}`"));
    }
    let code: String = e
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let t = code.trim_end();
    let last_word = t
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let dangling_op = ["+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", "=", ","]
        .iter()
        .any(|op| t.ends_with(op));
    let dangling_kw = t.len() > last_word.len()
        && [
            "and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset",
        ]
        .contains(&last_word.to_ascii_lowercase().as_str());
    if dangling_op || dangling_kw {
        return Some("ends with an operator (unexpected end of input)".into());
    }
    None
}

impl RuleFiles {
    pub fn build(index: &RepoIndex) -> Self {
        let charts: std::collections::HashSet<&str> = index
            .of_kind(FileKind::HelmChart)
            .map(|f| f.dir())
            .collect();
        let in_chart_templates = |rel: &str| {
            crate::repo_index::helm_template_chart(rel, |c| charts.contains(c)).is_some()
        };
        let candidates: Vec<&str> = index
            .files
            .iter()
            .filter(|f| {
                is_candidate_name(&f.rel, f.kind)
                    && !is_test_or_example_path(&f.rel)
                    && !in_chart_templates(&f.rel)
            })
            .map(|f| f.rel.as_str())
            .take(MAX_FILES)
            .collect();
        let read = crate::parallel::map(&candidates, |rel| match index.read_text(rel) {
            Ok(t) if looks_like_rule_file(&t) => Ok(read_rule_file(rel, &t)),
            Ok(_) => Ok(None),
            Err(e) => Err(e.message),
        });
        let mut out = RuleFiles::default();
        for (rel, r) in candidates.iter().zip(read) {
            match r {
                Ok(Some(f)) => out.files.push(f),
                Ok(None) => {}
                Err(e) => out.unreadable.push((rel.to_string(), e)),
            }
        }
        out
    }
}

#[async_trait::async_trait]
impl Fact for RuleFiles {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || RuleFiles::build(&index))
            .await
            .map_err(|e| FactError::new(format!("reading Prometheus rule files failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_file_has_groups_at_the_start_of_a_line_or_the_operator_kind() {
        assert!(looks_like_rule_file(GOOD));
        assert!(looks_like_rule_file(&format!("# alerts\n{GOOD}")));
        assert!(looks_like_rule_file(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec: {}\n"
        ));
        // An RBAC role holds `rules:` and no `groups:` line.
        assert!(!looks_like_rule_file(
            "kind: Role\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n"
        ));
        assert!(!looks_like_rule_file("spec:\n  groups:\n  rules:\n"));
        assert!(!looks_like_rule_file("groups:\n- name: x\n"));
    }

    const GOOD: &str = "groups:\n  - name: api\n    rules:\n      - alert: HighErrorRate\n        expr: sum(rate(http_requests_total{status=~\"5..\"}[5m])) > 0.05\n        for: 10m\n        labels:\n          severity: page\n        annotations:\n          runbook_url: https://runbooks.example.com/high-error-rate\n      - record: job:http_requests:rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n";

    #[test]
    fn reads_rules_with_lines() {
        let f = read_rule_file("rules.yml", GOOD).unwrap();
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.rules.len(), 2);
        let a = &f.rules[0];
        assert_eq!(
            (a.kind, a.line, a.name.as_str()),
            (RuleKind::Alert, 4, "HighErrorRate")
        );
        assert_eq!(a.for_.as_deref(), Some("10m"));
        assert_eq!(a.label("severity"), Some("page"));
        assert!(a.annotation("runbook_url").is_some());
        assert_eq!(f.rules[1].kind, RuleKind::Record);
    }

    #[test]
    fn finds_what_promtool_refuses() {
        let bad = "groups:\n  - name: api\n    rules:\n      - alert: NoExpr\n        for: 5m\n      - record: bad name\n        expr: up\n      - alert: Unbalanced\n        expr: sum(rate(x[5m])\n        for: 5 minutes\n        foo: bar\n  - name: api\n    rules: []\n";
        let f = read_rule_file("r.yml", bad).unwrap();
        let lines: Vec<u32> = f.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![4, 6, 9, 10, 11, 12], "{:?}", f.problems);
        let shape = read_rule_file("r.yml", "groups:\n  name: x\n").unwrap();
        assert_eq!(shape.problems.len(), 1);
        let broken = read_rule_file(
            "r.yml",
            "groups:\n- name: x\n  rules:\n  - alert: A\n    expr: up\n   for: 1m\n",
        )
        .unwrap();
        assert!(broken.problems[0].message.starts_with("not valid YAML"));
        // Neither is an inventory of firewall rules.
        assert!(
            read_rule_file(
                "fw.yml",
                "groups:\n  - name: web\n    rules:\n      - port: 443\n"
            )
            .is_none()
        );
        // Grafana provisioning is not a Prometheus rule file.
        assert!(
            read_rule_file(
                "g.yml",
                "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: x\n    rules: []\n"
            )
            .is_none()
        );
    }

    #[test]
    fn reads_prometheus_rule_objects() {
        let crd = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: api\nspec:\n  groups:\n    - name: api\n      rules:\n        - alert: Down\n          expr: up == 0\n";
        assert!(looks_like_rule_file(crd));
        let f = read_rule_file("k8s/rules.yaml", crd).unwrap();
        assert!(f.crd);
        assert_eq!(f.rules[0].line, 9);
        assert!(f.rules[0].for_.is_none());
    }

    #[test]
    fn durations_and_expressions() {
        for d in ["0", "5m", "1h30m", "90s", "1d", "100ms"] {
            assert!(is_duration(d), "{d}");
        }
        for d in ["", "5", "5 minutes", "m", "30m1h", "1.5h", "-1m"] {
            assert!(!is_duration(d), "{d}");
        }
        assert_eq!(duration_secs("1h30m"), Some(5400));
        assert_eq!(duration_secs("0"), Some(0));
        assert!(expr_problem("sum by (job) (rate(x{a=\"(\"}[5m])) > 0").is_none());
        assert!(expr_problem("up == 0 # comment (").is_none());
        assert!(expr_problem("rate(x[5m]) > 0 and").is_some());
        assert!(expr_problem("rate(x[5m]").is_some());
        assert!(expr_problem("x{a=\"b}").is_some());
        assert!(expr_problem("x)").is_some());
    }

    #[test]
    fn odd_inputs_never_panic() {
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let alphabet = b"groups:rule alert expr for - \n  {}[]()\"'#&*|>0123456789msh";
        for i in 0..3000 {
            let mut bytes = b"groups:\n- name: g\n  rules:\n".to_vec();
            for _ in 0..(i % 150) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let s = String::from_utf8_lossy(&bytes);
            let _ = looks_like_rule_file(&s);
            if let Some(f) = read_rule_file("r.yml", &s) {
                for r in &f.rules {
                    if let Some(e) = &r.expr {
                        let _ = expr_problem(e);
                    }
                }
            }
            let _ = duration_secs(&s);
        }
    }
}
