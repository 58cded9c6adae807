//! Writing back into the checklist: only the checkbox and golive's own comments of an item's
//! first line change; every other byte stays. Writing the same results twice is a no-op.

use super::binder::{Decision, ItemBinding};
use super::binding::RESULT_TAG;
use super::{Checklist, ItemKind};
use std::sync::OnceLock;

fn result_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"<!--\s*golive-result:.*?-->").unwrap_or_else(|_| unreachable!())
    })
}

/// What to write for one item: the box state (`None` leaves it as it is) and golive's
/// result comment (`None` removes a stale one).
#[derive(Debug, Clone, Default)]
pub struct ItemWrite {
    pub checked: Option<bool>,
    pub comment: Option<String>,
}

/// Makes a text safe inside an HTML comment on one line, and short.
pub fn comment_safe(s: &str, max_chars: usize) -> String {
    let mut t: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace("--", "-")
        .replace('>', "›");
    t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > max_chars {
        t = t
            .chars()
            .take(max_chars.saturating_sub(1))
            .collect::<String>();
        t.push('…');
    }
    t
}

/// Removes golive's result comments: a trailing one with the blanks before it (golive wrote
/// both), one in the middle of the line alone, so the item's text keeps its shape.
fn strip_results(line: &str) -> String {
    let mut out = line.to_string();
    while let Some(m) = result_re().find(&out) {
        let (start, end) = (m.start(), m.end());
        let trailing = out[end..].trim_matches([' ', '\t']).is_empty();
        let start = if trailing {
            out[..start].trim_end_matches([' ', '\t']).len()
        } else {
            start
        };
        out.replace_range(start..end, "");
    }
    out
}

fn split_trailing_ws(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches([' ', '\t']);
    (body, &line[body.len()..])
}

/// Applies `writes` (one per item, by index) to `text`. Groups are ticked when every child
/// ends up ticked, unticked otherwise.
///
/// The result is verified: it must parse to the same items on the same lines, and writing the
/// same results again must change nothing. Markdown where a trailing comment would change the
/// structure (a task line that is also a table header) gets its boxes only, and when even that
/// does not hold, the text is returned unchanged.
pub fn apply(text: &str, cl: &Checklist, writes: &[ItemWrite]) -> String {
    let full = apply_raw(text, cl, writes);
    if stable(&full, cl, writes) {
        return full;
    }
    let boxes: Vec<ItemWrite> = writes
        .iter()
        .map(|w| ItemWrite {
            checked: w.checked,
            comment: None,
        })
        .collect();
    let boxes_only = apply_raw(text, cl, &boxes);
    if stable(&boxes_only, cl, &boxes) {
        return boxes_only;
    }
    text.to_string()
}

fn same_items(a: &Checklist, b: &Checklist) -> bool {
    a.items.len() == b.items.len()
        && a.items
            .iter()
            .zip(&b.items)
            .all(|(x, y)| x.line == y.line && x.kind == y.kind)
}

fn stable(out: &str, before: &Checklist, writes: &[ItemWrite]) -> bool {
    let after = super::parse(out);
    same_items(before, &after) && apply_raw(out, &after, writes) == out
}

fn apply_raw(text: &str, cl: &Checklist, writes: &[ItemWrite]) -> String {
    let n = cl.items.len();
    let mut final_checked: Vec<bool> = cl.items.iter().map(|i| i.checked).collect();
    for idx in (0..n).rev() {
        let item = &cl.items[idx];
        if item.kind == ItemKind::Group {
            final_checked[idx] = item.children.iter().all(|c| final_checked[*c]);
        } else if let Some(Some(c)) = writes.get(idx).map(|w| w.checked) {
            final_checked[idx] = c;
        }
    }
    let mut out = String::with_capacity(text.len() + n * 64);
    let mut pos = 0usize;
    for (idx, item) in cl.items.iter().enumerate() {
        let (Some(line), true) = (
            text.get(item.line_start..item.line_end),
            item.line_start >= pos,
        ) else {
            continue;
        };
        let mut new_line = line.to_string();
        let box_at = item.marker + 1 - item.line_start;
        if final_checked[idx] != item.checked
            && new_line.is_char_boundary(box_at)
            && new_line.is_char_boundary(box_at + 1)
        {
            new_line.replace_range(
                box_at..box_at + 1,
                if final_checked[idx] { "x" } else { " " },
            );
        }
        if (item.kind != ItemKind::Group || writes.get(idx).is_some_and(|w| w.comment.is_some()))
            && let Some(w) = writes.get(idx)
        {
            let stripped = strip_results(&new_line);
            let (body, ws) = split_trailing_ws(&stripped);
            new_line = match &w.comment {
                Some(c) => format!("{body} <!-- {RESULT_TAG} {} -->{ws}", comment_safe(c, 200)),
                None => format!("{body}{ws}"),
            };
        }
        out.push_str(&text[pos..item.line_start]);
        out.push_str(&new_line);
        pos = item.line_end;
    }
    out.push_str(&text[pos..]);
    out
}

/// `golive import --write`: adds `<!-- golive: CODE k=v -->` to every item the binder bound,
/// so a team can review and correct the bindings. Items with a comment already keep theirs.
pub fn add_binding_comments(text: &str, cl: &Checklist, bindings: &[ItemBinding]) -> String {
    let mut out = String::with_capacity(text.len() + cl.items.len() * 32);
    let mut pos = 0usize;
    for (item, b) in cl.items.iter().zip(bindings) {
        let Decision::Bound(bound) = &b.decision else {
            continue;
        };
        if b.explicit || item.explicit.is_some() || bound.is_empty() || item.line_start < pos {
            continue;
        }
        let Some(line) = text.get(item.line_start..item.line_end) else {
            continue;
        };
        let forms: Vec<String> = bound.iter().map(|b| b.comment_form()).collect();
        let comment = format!("<!-- golive: {} -->", comment_safe(&forms.join(" "), 400));
        // Before golive's result comment, which stays last.
        let new_line = match result_re().find(line) {
            Some(m) => format!(
                "{} {comment} {}",
                line[..m.start()].trim_end_matches([' ', '\t']),
                &line[m.start()..]
            ),
            None => {
                let (body, ws) = split_trailing_ws(line);
                format!("{body} {comment}{ws}")
            }
        };
        out.push_str(&text[pos..item.line_start]);
        out.push_str(&new_line);
        pos = item.line_end;
    }
    out.push_str(&text[pos..]);
    // Never a structural change: the comments must leave the items as they were.
    if same_items(cl, &super::parse(&out)) {
        out
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::parse;

    fn w(checked: bool, c: &str) -> ItemWrite {
        ItemWrite {
            checked: Some(checked),
            comment: Some(c.to_string()),
        }
    }

    #[test]
    fn only_boxes_and_trailing_comments_change() {
        let text = "# T\r\n\r\n- [ ] **G**\r\n  - [x] a `DEBUG=false` <!-- golive: ENV003 -->  \r\n  - [ ] b\r\n- [X] c <!-- golive-result: fail X · old --> \r\ntail\r\n";
        let cl = parse(text);
        assert_eq!(cl.items.len(), 4);
        let writes = vec![
            ItemWrite::default(),
            w(true, "pass ENV003 · ok"),
            w(true, "pass ENV004 · ok"),
            w(false, "fail ENV005 · no"),
        ];
        let out = apply(text, &cl, &writes);
        assert_eq!(
            out,
            "# T\r\n\r\n- [x] **G**\r\n  - [x] a `DEBUG=false` <!-- golive: ENV003 --> <!-- golive-result: pass ENV003 · ok -->  \r\n  - [x] b <!-- golive-result: pass ENV004 · ok -->\r\n- [ ] c <!-- golive-result: fail ENV005 · no --> \r\ntail\r\n"
        );
        let again = apply(&out, &parse(&out), &writes);
        assert_eq!(again, out);
        // A stale result comment goes when the item is no longer bound.
        let none = vec![
            ItemWrite::default(),
            ItemWrite {
                checked: None,
                comment: None,
            },
            ItemWrite::default(),
            ItemWrite::default(),
        ];
        let cleared = apply(&out, &parse(&out), &none);
        assert!(
            cleared.contains("  - [x] a `DEBUG=false` <!-- golive: ENV003 -->  \r\n"),
            "{cleared}"
        );
    }

    #[test]
    fn comments_are_made_safe() {
        assert_eq!(comment_safe("a --> b\nc", 100), "a -› b c");
        assert_eq!(comment_safe("abcdef", 4), "abc…");
    }
}
