//! Finding a document by what it is about: a file whose name says so, or a heading inside a
//! document. The four documentation checks differ only in the words they look for.

use golive_core::{Location, Outcome};
use golive_facts::RepoDocs;
use golive_facts::repo_index::is_test_or_example_path;

pub struct DocQuery {
    /// Lower-case fragments of a file path that mark the document (`runbook`).
    pub path_words: &'static [&'static str],
    /// Lower-case fragments of a heading that mark a section (`rollback`).
    pub heading_words: &'static [&'static str],
    /// What the document is called in messages.
    pub noun: &'static str,
    pub fix: &'static str,
}

/// Pass when a matching document or section has at least `min_words` of prose; fail when
/// only stubs exist (pointing at the best one) or nothing matches.
pub fn search(docs: &RepoDocs, q: &DocQuery, min_words: usize) -> Outcome {
    let mut best: Option<(Location, usize, bool)> = None;
    let mut consider = |loc: Location, words: usize, placeholder: bool| {
        let better = match &best {
            None => true,
            Some((_, w, p)) => {
                (placeholder, std::cmp::Reverse(words)) < (*p, std::cmp::Reverse(*w))
            }
        };
        if better {
            best = Some((loc, words, placeholder));
        }
    };
    for d in docs
        .docs
        .iter()
        .filter(|d| !is_test_or_example_path(&d.rel))
    {
        if q.path_words.iter().any(|w| contains_lowercase(&d.rel, w)) {
            consider(Location::file(d.rel.clone()), d.words, d.placeholder);
        }
        for s in &d.sections {
            if q.heading_words
                .iter()
                .any(|w| contains_lowercase(&s.title, w))
            {
                // A section counts with what follows it up to the next heading of its level.
                let words = section_words(d, s);
                consider(
                    Location::line(d.rel.clone(), s.line),
                    words,
                    d.placeholder && words < min_words,
                );
            }
        }
    }
    match best {
        Some((loc, words, placeholder)) if words >= min_words && !placeholder => {
            Outcome::pass(format!("{} found: {loc} ({words} words)", q.noun)).at(loc)
        }
        Some((loc, words, _)) => Outcome::fail(format!(
            "the {} at {loc} is a stub ({words} words; at least {min_words} expected)",
            q.noun
        ))
        .at(loc)
        .fix(q.fix),
        None => Outcome::fail(format!("no {} found", q.noun))
            .evidence(format!(
                "looked for files named *{}* and headings mentioning {}",
                q.path_words.join("*, *"),
                q.heading_words.join(", ")
            ))
            .fix(q.fix),
    }
}

/// Whether `text` with ASCII letters lowercased holds `word` (lower-case ASCII), without
/// lowercasing a copy: the four documentation checks ask it of every heading of every
/// document, and a substring searcher's set-up cost more than these short comparisons.
fn contains_lowercase(text: &str, word: &str) -> bool {
    let w = word.as_bytes();
    w.is_empty()
        || text
            .as_bytes()
            .windows(w.len())
            .any(|t| t.eq_ignore_ascii_case(w))
}

fn section_words(d: &golive_facts::docs::Doc, s: &golive_facts::docs::Section) -> usize {
    let mut words = 0;
    let mut inside = false;
    for other in &d.sections {
        if std::ptr::eq(other, s) {
            inside = true;
            words += other.words;
            continue;
        }
        if inside {
            if other.level <= s.level {
                break;
            }
            words += other.words;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    #[test]
    fn contains_lowercase_is_contains_on_the_lowercased_text() {
        for (text, word) in [
            ("docs/RUNBOOK.md", "runbook"),
            ("Disaster Recovery", "disaster recovery"),
            ("On-Call", "on-call"),
            ("Overview", "overview "),
            ("Rückblick BACKUP", "backup"),
            ("ab", "abc"),
            ("", "adr"),
            ("x", ""),
            ("Café ADR", "adr"),
        ] {
            assert_eq!(
                super::contains_lowercase(text, word),
                text.to_ascii_lowercase().contains(word),
                "{text:?} {word:?}"
            );
        }
    }
}
