//! The repository's Alembic migration graph: every `versions/*.py` with a `revision`, its
//! `down_revision`, `depends_on` and `branch_labels`, and the heads (revisions no other
//! revision revises).

use crate::repo_index::RepoIndex;
use golive_core::{Fact, FactError, Facts};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// One migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlembicRevision {
    pub revision: String,
    pub down_revisions: Vec<String>,
    /// The revisions (or branch labels) `depends_on` names, each with its line: Alembic
    /// applies them first, and refuses to run when one does not resolve.
    pub depends_on: Vec<(String, u32)>,
    pub branch_labels: Vec<String>,
    pub path: String,
    pub line: u32,
}

/// The migration graph of the repository (possibly empty: no Alembic here).
#[derive(Debug, Clone, Default)]
pub struct AlembicGraph {
    pub revisions: BTreeMap<String, AlembicRevision>,
    /// Files under a `versions/` directory that look like migrations but could not be parsed.
    pub unparsed: Vec<String>,
    /// Migrations whose revision id an earlier file (in path order) already has; the graph
    /// keeps the first.
    pub duplicates: Vec<AlembicRevision>,
}

static REVISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^revision(?:\s*:\s*[^=\n]+)?\s*=\s*['"]([^'"]+)['"]"#).expect("static regex")
});
static DOWN: LazyLock<Regex> = LazyLock::new(|| assignment("down_revision"));
static DEPENDS_ON: LazyLock<Regex> = LazyLock::new(|| assignment("depends_on"));
static BRANCH_LABELS: LazyLock<Regex> = LazyLock::new(|| assignment("branch_labels"));
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"['"]([^'"]+)['"]"#).expect("static regex"));

/// A module-level `name = ` or `name: Type = ` at the start of a line.
fn assignment(name: &str) -> Regex {
    Regex::new(&format!(r#"(?m)^{name}(?:\s*:\s*[^=\n]+)?\s*=\s*"#)).expect("static regex")
}

/// The quoted ids assigned by the first match of `re` (`None`, one string, or a tuple or
/// list of them, across lines), each with its line; empty when the file does not assign it.
fn assigned_ids(text: &str, re: &Regex) -> Vec<(String, u32)> {
    let Some(d) = re.find(text) else {
        return Vec::new();
    };
    let first_line = text[..d.start()].matches('\n').count() as u32 + 1;
    // Comments are cut line by line, so the joined value keeps the file's line breaks.
    let value = assigned_value(&text[d.end()..])
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    QUOTED
        .captures_iter(&value)
        .filter_map(|c| c.get(1))
        .map(|m| {
            let line = first_line + value[..m.start()].matches('\n').count() as u32;
            (m.as_str().to_string(), line)
        })
        .collect()
}

fn ids_only(ids: Vec<(String, u32)>) -> Vec<String> {
    ids.into_iter().map(|(id, _)| id).collect()
}

/// Parses one migration file's text; `None` when it has no `revision = "..."`.
pub fn parse_migration(text: &str, path: &str) -> Option<AlembicRevision> {
    let caps = REVISION.captures(text)?;
    let m = caps.get(1)?;
    let line = text[..m.start()].matches('\n').count() as u32 + 1;
    let down_revisions = ids_only(assigned_ids(text, &DOWN));
    let depends_on = assigned_ids(text, &DEPENDS_ON);
    let branch_labels = ids_only(assigned_ids(text, &BRANCH_LABELS));
    Some(AlembicRevision {
        revision: m.as_str().to_string(),
        down_revisions,
        depends_on,
        branch_labels,
        path: path.to_string(),
        line,
    })
}

/// The text of an assigned value: to the end of the line, or across lines to the bracket that
/// closes a tuple or list (`down_revision = (\n    "a",\n    "b",\n)` after a merge).
fn assigned_value(rest: &str) -> &str {
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let first = rest[..line_end].split('#').next().unwrap_or("");
    if !first.trim_start().starts_with(['(', '[']) {
        return first;
    }
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            _ if comment => comment = c != '\n',
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '#') => comment = true,
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return &rest[..=i];
                }
            }
            _ => {}
        }
    }
    first
}

impl AlembicGraph {
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut g = AlembicGraph::default();
        for (path, text) in files {
            match parse_migration(text, path) {
                Some(r) if g.revisions.contains_key(&r.revision) => g.duplicates.push(r),
                Some(r) => {
                    g.revisions.insert(r.revision.clone(), r);
                }
                None if text.contains("def upgrade") => g.unparsed.push(path.to_string()),
                None => {}
            }
        }
        g
    }

    /// Whether Alembic resolves `id` as a `depends_on` target. It looks the name up as it
    /// stands among revision ids and branch labels (`RevisionMap._add_depends_on`), so a
    /// prefix or a `label@head` does not resolve there: loading the scripts fails.
    pub fn resolves(&self, id: &str) -> bool {
        self.revisions.contains_key(id)
            || self
                .revisions
                .values()
                .any(|r| r.branch_labels.iter().any(|b| b == id))
    }

    /// Revisions that no other revision names as its down_revision.
    pub fn heads(&self) -> Vec<&AlembicRevision> {
        let referenced: BTreeSet<&str> = self
            .revisions
            .values()
            .flat_map(|r| r.down_revisions.iter().map(String::as_str))
            .collect();
        self.revisions
            .values()
            .filter(|r| !referenced.contains(r.revision.as_str()))
            .collect()
    }

    /// How many revisions lie between `from` (exclusive) and the heads: the pending ones.
    /// `None` when `from` is not in the graph.
    pub fn pending_after(&self, applied: &[String]) -> Option<usize> {
        // Everything reachable downwards from an applied revision is applied too.
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&str> = Vec::new();
        for a in applied {
            self.revisions.get(a)?;
            stack.push(a);
        }
        while let Some(r) = stack.pop() {
            if done.insert(r)
                && let Some(rev) = self.revisions.get(r)
            {
                stack.extend(rev.down_revisions.iter().map(String::as_str));
            }
        }
        Some(self.revisions.len() - done.len())
    }
}

pub fn is_migration_path(rel: &str) -> bool {
    rel.ends_with(".py")
        && !rel.ends_with("__init__.py")
        && rel
            .rsplit_once('/')
            .map(|(dir, _)| dir == "versions" || dir.ends_with("/versions"))
            .unwrap_or(false)
}

#[async_trait::async_trait]
impl Fact for AlembicGraph {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        let mut texts = Vec::new();
        // Test fixtures hold deliberately broken graphs; they are not the application's.
        for f in index
            .files
            .iter()
            .filter(|f| is_migration_path(&f.rel) && !f.is_test_or_example())
        {
            let text = index.read_text(&f.rel)?;
            texts.push((f.rel.clone(), text));
        }
        Ok(AlembicGraph::from_files(
            texts.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_old_and_typed_styles_and_finds_heads() {
        let a = "revision = 'aaa111'\ndown_revision = None\ndef upgrade(): pass\n";
        let b = "\"\"\"b\"\"\"\nrevision: str = \"bbb222\"\ndown_revision: Union[str, None] = \"aaa111\"\n";
        let c = "revision = 'ccc333'\ndown_revision = ('bbb222',)\n";
        let g = AlembicGraph::from_files([("v/a.py", a), ("v/b.py", b), ("v/c.py", c)]);
        assert_eq!(g.revisions.len(), 3);
        assert_eq!(g.revisions["bbb222"].line, 2);
        let heads: Vec<&str> = g.heads().iter().map(|r| r.revision.as_str()).collect();
        assert_eq!(heads, vec!["ccc333"]);
        assert_eq!(g.pending_after(&["aaa111".into()]), Some(2));
        assert_eq!(g.pending_after(&["ccc333".into()]), Some(0));
        assert_eq!(g.pending_after(&["zzz".into()]), None);
        assert!(is_migration_path("migrations/versions/001_init.py"));
        let merge = "revision = 'ddd444'\ndown_revision = (\n    'bbb222',  # it's the left\n    \"ccc333\",\n)\n";
        assert_eq!(
            parse_migration(merge, "m.py").unwrap().down_revisions,
            vec!["bbb222".to_string(), "ccc333".to_string()]
        );
        let dup = AlembicGraph::from_files([("v/a.py", a), ("v/a2.py", a)]);
        assert_eq!(dup.duplicates.len(), 1);
        assert_eq!(dup.duplicates[0].path, "v/a2.py");
        assert!(!is_migration_path("app/versions.py"));
    }

    #[test]
    fn depends_on_resolves_to_revision_ids_and_branch_labels_only() {
        let a = "revision = 'aaa111'\ndown_revision = None\nbranch_labels = ('core',)\n";
        let b = "revision = 'bbb222'\ndown_revision = 'aaa111'\ndepends_on = None\n";
        let c = "revision = 'ccc333'\ndown_revision = 'bbb222'\n\ndepends_on: Union[str, Sequence[str], None] = [\n    'core',  # label\n    'aaa111',\n    'bbb2',\n    'core@head',\n    'zzz999',\n]\n";
        let g = AlembicGraph::from_files([("v/a.py", a), ("v/b.py", b), ("v/c.py", c)]);
        let c = &g.revisions["ccc333"];
        let deps: Vec<(&str, u32)> = c.depends_on.iter().map(|(d, l)| (d.as_str(), *l)).collect();
        assert_eq!(
            deps,
            vec![
                ("core", 5),
                ("aaa111", 6),
                ("bbb2", 7),
                ("core@head", 8),
                ("zzz999", 9)
            ]
        );
        assert!(g.revisions["bbb222"].depends_on.is_empty());
        assert_eq!(g.revisions["aaa111"].branch_labels, vec!["core"]);
        // Alembic looks each name up as it stands: a prefix or a relative name fails there.
        let unresolved: Vec<&str> = c
            .depends_on
            .iter()
            .map(|(d, _)| d.as_str())
            .filter(|d| !g.resolves(d))
            .collect();
        assert_eq!(unresolved, vec!["bbb2", "core@head", "zzz999"]);
    }
}
