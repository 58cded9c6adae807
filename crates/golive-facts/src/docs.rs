//! The repository's prose: every markdown and text document, its headings and how much it says.

use crate::repo_index::{FileKind, RepoIndex};
use golive_core::{Fact, FactError, Facts};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::sync::LazyLock;

/// Words that mark a stub, matched case-insensitively in one pass over each text run.
static PLACEHOLDER: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "todo",
            "tbd",
            "coming soon",
            "to be written",
            "lorem ipsum",
            "fill in",
            "placeholder",
        ])
        .ok()
});

/// Read at most this many documents: enough for any real docs tree, bounded on a huge one.
const MAX_DOCS: usize = 2000;

#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub level: u8,
    pub line: u32,
    /// Words of prose under this heading, before the next heading of any level.
    pub words: usize,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub rel: String,
    /// Words of prose outside headings (paragraphs, lists, tables, code excluded).
    pub words: usize,
    pub sections: Vec<Section>,
    /// Mentions TODO / TBD / "coming soon" as most of what it says.
    pub placeholder: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RepoDocs {
    pub docs: Vec<Doc>,
}

fn is_doc(rel: &str, kind: FileKind) -> bool {
    if kind == FileKind::Markdown {
        return true;
    }
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name.ends_with(".rst")
        || name.ends_with(".adoc")
        || name.ends_with(".txt") && !name.starts_with("requirements")
        || name == "readme"
}

/// Parses one markdown document.
pub fn analyse(rel: &str, text: &str) -> Doc {
    let mut words = 0usize;
    let mut sections: Vec<Section> = Vec::new();
    let mut in_heading: Option<(u8, usize, String)> = None;
    let mut in_code = false;
    let mut placeholder_words = 0usize;
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset) as u32;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let l = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                in_heading = Some((l, range.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, title)) = in_heading.take() {
                    sections.push(Section {
                        title: title.trim().to_string(),
                        level,
                        line: line_of(start),
                        words: 0,
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = in_heading.as_mut() {
                    title.push_str(&t);
                } else if !in_code {
                    let n = t.split_whitespace().count();
                    words += n;
                    if let Some(s) = sections.last_mut() {
                        s.words += n;
                    }
                    if PLACEHOLDER.as_ref().is_some_and(|p| p.is_match(t.as_ref())) {
                        placeholder_words += n;
                    }
                }
            }
            _ => {}
        }
    }
    Doc {
        rel: rel.to_string(),
        words,
        sections,
        placeholder: words > 0 && placeholder_words * 2 >= words,
    }
}

impl RepoDocs {
    pub fn build(index: &RepoIndex) -> Self {
        let selected: Vec<&str> = index
            .files
            .iter()
            .filter(|f| is_doc(&f.rel, f.kind) && !f.rel.to_ascii_lowercase().contains("changelog"))
            .take(MAX_DOCS)
            .map(|f| f.rel.as_str())
            .collect();
        let docs = crate::parallel::map(&selected, |rel| {
            index.read_text(rel).ok().map(|t| analyse(rel, &t))
        })
        .into_iter()
        .flatten()
        .collect();
        Self { docs }
    }
}

#[async_trait::async_trait]
impl Fact for RepoDocs {
    async fn collect(facts: &Facts) -> Result<Self, FactError> {
        let index = facts.get::<RepoIndex>().await?;
        tokio::task::spawn_blocking(move || RepoDocs::build(&index))
            .await
            .map_err(|e| FactError::new(format!("reading documents failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_words_per_section() {
        let d = super::analyse(
            "RUNBOOK.md",
            "# Runbook\n\nRestart the api with care.\n\n## Rollback\n\nTODO\n\n```\nkubectl rollout undo\n```\n",
        );
        assert_eq!(d.words, 6);
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[0].words, 5);
        assert_eq!(d.sections[1].title, "Rollback");
        assert_eq!(d.sections[1].line, 5);
        assert_eq!(d.sections[1].words, 1);
        assert!(!d.placeholder);
        assert!(super::analyse("x.md", "# X\n\nTODO: coming soon\n").placeholder);
    }
}
