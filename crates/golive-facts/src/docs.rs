//! The repository's prose: every markdown and text document, its headings and how much it says.

use crate::file_refs::{Lines, MarkdownRefs, RawRef};
use crate::repo_index::{FileKind, RepoIndex};
use golive_core::{Fact, FactError, Facts};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::sync::LazyLock;

/// Words that mark a stub, matched case-insensitively in one pass over each text run.
static PLACEHOLDER: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(PLACEHOLDER_WORDS)
        .ok()
});

const PLACEHOLDER_WORDS: [&str; 7] = [
    "todo",
    "tbd",
    "coming soon",
    "to be written",
    "lorem ipsum",
    "fill in",
    "placeholder",
];

/// The placeholder words in lower case, for a case-sensitive search over lowercased text, which
/// can use a SIMD prefilter that the case-insensitive automaton cannot.
static PLACEHOLDER_LOWER: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(PLACEHOLDER_WORDS)
        .ok()
});

/// Whether the document holds a placeholder word anywhere, in any case.
fn mentions_placeholder(text: &str) -> bool {
    let Some(ac) = PLACEHOLDER_LOWER.as_ref() else {
        return true;
    };
    crate::ascii_text::with_lowercase(text, |lower| ac.is_match(lower))
}

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
    /// Sorted by path: what [`crate::file_refs::FileRefs`] would extract from the documents it
    /// reads, taken from this fact's parse so that each document is parsed once.
    markdown_refs: Vec<(String, Vec<RawRef>)>,
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
    analyse_with_refs(rel, text, false).0
}

/// [`analyse`], and with `refs` the file references of the document from the same parse
/// ([`crate::file_refs::markdown_refs`]).
fn analyse_with_refs(rel: &str, text: &str, refs: bool) -> (Doc, Option<Vec<RawRef>>) {
    let mut words = 0usize;
    let mut sections: Vec<Section> = Vec::new();
    let mut in_heading: Option<(u8, usize, String)> = None;
    let mut in_code = false;
    let mut placeholder_words = 0usize;
    let lines = Lines::new(text);
    let mut file_refs = refs.then(MarkdownRefs::default);
    // A text run borrowed from the document can hold a placeholder word only if the document
    // does: most documents hold none, and one search over the document is much cheaper than
    // one per run. Runs that the parser rewrote (entities, escapes) are always searched.
    let doc_has_placeholder = mentions_placeholder(text);
    for (event, range) in Parser::new(text).into_offset_iter() {
        if let Some(r) = file_refs.as_mut() {
            r.event(&event, range.start, &lines);
        }
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
                        line: lines.line_of(start),
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
                    let n = count_words(&t);
                    words += n;
                    if let Some(s) = sections.last_mut() {
                        s.words += n;
                    }
                    let may_hold =
                        doc_has_placeholder || !matches!(t, pulldown_cmark::CowStr::Borrowed(_));
                    if may_hold && PLACEHOLDER.as_ref().is_some_and(|p| p.is_match(t.as_ref())) {
                        placeholder_words += n;
                    }
                }
            }
            _ => {}
        }
    }
    let doc = Doc {
        rel: rel.to_string(),
        words,
        sections,
        placeholder: words > 0 && placeholder_words * 2 >= words,
    };
    (doc, file_refs.map(|r| r.out))
}

/// `text.split_whitespace().count()`, a byte at a time when the text is ASCII (nearly always):
/// decoding every character was most of the time spent in this module.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut n = 0usize;
    let mut prev_space = true;
    for &b in text.as_bytes() {
        let space = crate::ascii_text::is_space(b);
        n += usize::from(prev_space & !space);
        prev_space = space;
    }
    n
}

/// A chart's `templates/NOTES.txt` is a Helm template printed after an install, not a
/// document of the repository: a heading or prose in it says nothing about runbooks.
fn is_chart_notes(index: &RepoIndex, rel: &str) -> bool {
    let Some(dir) = rel.strip_suffix("NOTES.txt") else {
        return false;
    };
    let Some(chart) = dir.strip_suffix("templates/") else {
        return false;
    };
    index.get(&format!("{chart}Chart.yaml")).is_some()
}

impl RepoDocs {
    pub fn build(index: &RepoIndex) -> Self {
        let selected: Vec<(&str, bool)> = index
            .files
            .iter()
            .filter(|f| is_doc(&f.rel, f.kind) && !f.rel.to_ascii_lowercase().contains("changelog"))
            .filter(|f| !is_chart_notes(index, &f.rel))
            .take(MAX_DOCS)
            .map(|f| (f.rel.as_str(), crate::file_refs::reads_markdown(f)))
            .collect();
        let parsed = crate::parallel::map(&selected, |(rel, refs)| {
            index
                .read_text(rel)
                .ok()
                .map(|t| analyse_with_refs(rel, &t, *refs))
        });
        let mut out = Self::default();
        for (doc, refs) in parsed.into_iter().flatten() {
            if let Some(refs) = refs {
                out.markdown_refs.push((doc.rel.clone(), refs));
            }
            out.docs.push(doc);
        }
        out
    }

    /// The file references of a markdown document the file-references fact reads, when this
    /// fact parsed it already.
    pub(crate) fn markdown_refs(&self, rel: &str) -> Option<&[RawRef]> {
        self.markdown_refs
            .binary_search_by(|(r, _)| r.as_str().cmp(rel))
            .ok()
            .map(|i| self.markdown_refs[i].1.as_slice())
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
    fn a_charts_notes_template_is_not_a_document() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runbook = "# Rollback\n\nhelm rollback the release and check the health endpoint.\n";
        for (rel, text) in [
            ("chart/Chart.yaml", "name: api\n"),
            ("chart/templates/NOTES.txt", runbook),
            ("notes/templates/NOTES.txt", runbook),
            ("docs/NOTES.txt", runbook),
        ] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
            std::fs::write(p, text).expect("write");
        }
        let index = crate::repo_index::RepoIndex::build(dir.path()).expect("index");
        let docs = super::RepoDocs::build(&index);
        let rels: Vec<&str> = docs.docs.iter().map(|d| d.rel.as_str()).collect();
        // Without a Chart.yaml beside it, a templates/ directory is not a chart's.
        assert_eq!(rels, ["docs/NOTES.txt", "notes/templates/NOTES.txt"]);
    }

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

    #[test]
    fn counts_words_as_split_whitespace() {
        for t in [
            "",
            " ",
            "one",
            " two  words ",
            "a\tb\nc\rd\x0be\x0cf",
            "x\x1cy\x1fz",
            "caf\u{e9} au\u{a0}lait\u{2003}now",
            "\u{3000}wide\u{3000}",
        ] {
            assert_eq!(super::count_words(t), t.split_whitespace().count(), "{t:?}");
        }
        // Long runs, words at every position.
        for t in [
            "word ".repeat(40),
            format!("{} b", "a".repeat(64)),
            format!("{}x y", " ".repeat(63)),
            format!("{}x\ty", "z ".repeat(32)),
            "ab".repeat(100),
        ] {
            assert_eq!(
                super::count_words(&t),
                t.split_whitespace().count(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn one_parse_gives_the_file_references() {
        let md = "# Runbook\n\nRun `./scripts/restore.sh` then [see](docs/DR.md).\n\n```bash\ncd deploy\n./up.sh\n```\n";
        let (doc, refs) = super::analyse_with_refs("RUNBOOK.md", md, true);
        assert_eq!(doc.sections.len(), 1);
        assert_eq!(refs.unwrap(), crate::file_refs::markdown_refs(md));
        assert!(super::analyse_with_refs("x.md", md, false).1.is_none());
    }
}
