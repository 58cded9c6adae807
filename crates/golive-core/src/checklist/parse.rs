//! The markdown parser: pulldown-cmark events with byte offsets, folded into items.

use super::binding;
use super::{Checklist, Item, ItemKind, RequiredInput, SignoffRole, input_keys_for_label};
use crate::config::line_of;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

struct Frame {
    /// Index into `items` when this list item has a checkbox.
    task: Option<usize>,
    start: usize,
    plain: String,
    code: Vec<String>,
    title: Option<String>,
    details: Vec<String>,
    /// Nesting of `Strong` inside this frame, and the text collected in the first one.
    strong: Option<String>,
    strong_done: bool,
}

impl Frame {
    fn new(start: usize) -> Self {
        Self {
            task: None,
            start,
            plain: String::new(),
            code: Vec::new(),
            title: None,
            details: Vec::new(),
            strong: None,
            strong_done: false,
        }
    }
}

#[derive(Default)]
struct Table {
    head: Vec<String>,
    rows: Vec<(Vec<String>, usize)>,
    cell: Option<String>,
    row: Vec<String>,
    row_start: usize,
    in_head: bool,
}

/// Parses `text`. Never fails: anything that is not a task item is context or ignored.
pub fn parse(text: &str) -> Checklist {
    let opts = Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Checklist::default();
    // Heading stack (level, text) and the heading being read.
    let mut headings: Vec<(u8, String)> = Vec::new();
    let mut heading: Option<(u8, String)> = None;
    let mut label: Option<String> = None;
    let mut frames: Vec<Frame> = Vec::new();
    let mut paragraph: Option<(String, String, bool)> = None; // (text, strong text, strong first)
    let mut strong_depth = 0usize;
    let mut table: Option<Table> = None;
    let mut in_code_block = false;
    let mut raw_sections: Vec<Vec<(u8, String)>> = Vec::new();
    let mut labels: Vec<Option<String>> = Vec::new();

    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, t)) = heading.take() {
                    headings.retain(|(l, _)| *l < level);
                    headings.push((level, t.trim().to_string()));
                    label = None;
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Table(_)) => table = Some(Table::default()),
            Event::Start(Tag::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.in_head = true;
                    t.row_start = range.start;
                }
            }
            Event::Start(Tag::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.row_start = range.start;
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Some(t) = table.as_mut() {
                    t.cell = Some(String::new());
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(t) = table.as_mut() {
                    let c = t.cell.take().unwrap_or_default();
                    t.row.push(c.trim().to_string());
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.head = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push((row, t.row_start));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    understand_table(text, &t, &headings, &mut out);
                }
            }
            Event::Start(Tag::Paragraph) if frames.is_empty() => {
                paragraph = Some((String::new(), String::new(), false));
            }
            Event::End(TagEnd::Paragraph) if frames.is_empty() => {
                if let Some((p, strong, strong_first)) = paragraph.take() {
                    // `**Backend**:` or `**Infrastructure** (k8s):` alone is a pseudo-heading.
                    let p = p.trim();
                    let s = strong.trim();
                    if strong_first && !s.is_empty() && p.starts_with(s) {
                        let rest = p[s.len()..].trim();
                        if rest.is_empty()
                            || (rest.ends_with(':') && rest.len() < 60)
                            || rest == ":"
                        {
                            label = Some(s.trim_end_matches(':').trim().to_string());
                        }
                    }
                }
            }
            Event::Start(Tag::Item) => frames.push(Frame::new(range.start)),
            Event::TaskListMarker(checked) => {
                if let Some(f) = frames.last_mut()
                    && f.task.is_none()
                    && text.get(range.clone()).is_some()
                {
                    let idx = out.items.len();
                    let line_start = f.start;
                    let line_end = text[line_start..]
                        .find('\n')
                        .map_or(text.len(), |i| line_start + i);
                    let line_end = if text[..line_end].ends_with('\r') {
                        line_end - 1
                    } else {
                        line_end
                    };
                    let after = range.end.min(line_end);
                    let raw = text.get(after..line_end).unwrap_or("");
                    let explicit = binding::find_explicit(raw, line_of(text, line_start));
                    let parent = frames[..frames.len() - 1]
                        .iter()
                        .rev()
                        .find_map(|fr| fr.task);
                    out.items.push(Item {
                        index: idx,
                        line: line_of(text, line_start),
                        line_start,
                        line_end,
                        marker: range.start,
                        checked,
                        text: binding::strip_golive_comments(raw).trim().to_string(),
                        plain: String::new(),
                        details: Vec::new(),
                        title: None,
                        code: Vec::new(),
                        section: Vec::new(),
                        parent,
                        children: Vec::new(),
                        kind: ItemKind::Item,
                        explicit,
                    });
                    if let Some(p) = parent {
                        out.items[p].children.push(idx);
                    }
                    raw_sections.push(headings.clone());
                    labels.push(label.clone());
                    if let Some(f) = frames.last_mut() {
                        f.task = Some(idx);
                    }
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some(f) = frames.pop() {
                    match f.task {
                        Some(idx) => {
                            let item = &mut out.items[idx];
                            item.plain = collapse(&f.plain);
                            item.code = f.code;
                            item.title = f.title.map(|t| collapse(&t));
                            item.details = f.details;
                        }
                        None => {
                            let own = collapse(&f.plain);
                            let in_inputs = headings.last().is_some_and(|(_, h)| {
                                let h = h.to_ascii_lowercase();
                                h.contains("input") || h.contains("fill in")
                            });
                            if frames.is_empty() && in_inputs && !own.is_empty() {
                                let (lab, value) = match own.split_once(':') {
                                    Some((l, v)) => (
                                        l.trim().to_string(),
                                        Some(v.trim().to_string()).filter(|v| !v.is_empty()),
                                    ),
                                    None => (own.clone(), None),
                                };
                                out.required_inputs.push(RequiredInput {
                                    keys: input_keys_for_label(&lab),
                                    label: lab,
                                    value,
                                    line: line_of(text, f.start),
                                });
                            }
                            // A plain sub-bullet details the nearest enclosing task item.
                            if let Some(parent) =
                                frames.iter_mut().rev().find(|fr| fr.task.is_some())
                            {
                                if !own.is_empty() {
                                    parent.details.push(own);
                                }
                                parent.details.extend(f.details);
                                parent.code.extend(f.code);
                            }
                        }
                    }
                }
            }
            Event::Start(Tag::Strong) => {
                strong_depth += 1;
                if let Some(f) = frames.last_mut() {
                    // A title is bold at the start of the item, not a bold word inside it.
                    if f.title.is_none()
                        && !f.strong_done
                        && f.strong.is_none()
                        && f.plain.trim().is_empty()
                    {
                        f.strong = Some(String::new());
                    }
                } else if let Some((p, s, first)) = paragraph.as_mut()
                    && p.trim().is_empty()
                    && s.is_empty()
                {
                    *first = true;
                }
            }
            Event::End(TagEnd::Strong) => {
                strong_depth = strong_depth.saturating_sub(1);
                if let Some(f) = frames.last_mut()
                    && let Some(s) = f.strong.take()
                {
                    f.strong_done = true;
                    if f.task.is_some() && !s.trim().is_empty() {
                        f.title = Some(s.trim().trim_end_matches(':').trim().to_string());
                    }
                }
            }
            Event::Text(t) | Event::Code(t) if in_code_block => {
                let _ = t;
            }
            Event::Text(t) => push_text(
                &t,
                &mut heading,
                &mut table,
                &mut frames,
                &mut paragraph,
                strong_depth,
                false,
            ),
            Event::Code(t) => push_text(
                &t,
                &mut heading,
                &mut table,
                &mut frames,
                &mut paragraph,
                strong_depth,
                true,
            ),
            Event::SoftBreak | Event::HardBreak => push_text(
                " ",
                &mut heading,
                &mut table,
                &mut frames,
                &mut paragraph,
                strong_depth,
                false,
            ),
            _ => {}
        }
    }

    // Sections: drop the document title when there is a single level-1 heading.
    let h1_count = count_h1(text, opts);
    for (i, item) in out.items.iter_mut().enumerate() {
        let mut sec: Vec<String> = raw_sections[i]
            .iter()
            .filter(|(l, _)| !(*l == 1 && h1_count <= 1))
            .map(|(_, t)| t.clone())
            .collect();
        if let Some(l) = &labels[i] {
            sec.push(l.clone());
        }
        item.section = sec;
    }
    for i in 0..out.items.len() {
        if !out.items[i].children.is_empty() {
            out.items[i].kind = ItemKind::Group;
        }
    }
    out
}

fn count_h1(text: &str, opts: Options) -> usize {
    Parser::new_ext(text, opts)
        .filter(|e| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: pulldown_cmark::HeadingLevel::H1,
                    ..
                })
            )
        })
        .count()
}

fn push_text(
    t: &str,
    heading: &mut Option<(u8, String)>,
    table: &mut Option<Table>,
    frames: &mut [Frame],
    paragraph: &mut Option<(String, String, bool)>,
    strong_depth: usize,
    code: bool,
) {
    if let Some((_, h)) = heading.as_mut() {
        h.push_str(t);
        return;
    }
    if let Some(tb) = table.as_mut() {
        if let Some(c) = tb.cell.as_mut() {
            c.push_str(t);
        }
        return;
    }
    if let Some(f) = frames.last_mut() {
        f.plain.push_str(t);
        if code {
            f.code.push(t.to_string());
        }
        if let Some(s) = f.strong.as_mut() {
            s.push_str(t);
        }
        return;
    }
    if let Some((p, s, _)) = paragraph.as_mut() {
        p.push_str(t);
        if strong_depth > 0 {
            s.push_str(t);
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn understand_table(text: &str, t: &Table, headings: &[(u8, String)], out: &mut Checklist) {
    let head: Vec<String> = t.head.iter().map(|h| h.to_ascii_lowercase()).collect();
    let has = |w: &str| head.iter().any(|h| h.contains(w));
    let under_status = headings
        .last()
        .is_some_and(|(_, h)| h.to_ascii_lowercase().contains("status"));
    let first = head.first().map(String::as_str).unwrap_or("");
    if has("role") && (has("signature") || has("sign") || has("date") || has("approv")) {
        let role_col = head.iter().position(|h| h.contains("role")).unwrap_or(0);
        let name_col = head.iter().position(|h| h == "name");
        for (row, start) in &t.rows {
            let Some(role) = row.get(role_col).filter(|r| !r.is_empty()) else {
                continue;
            };
            out.signoffs.push(SignoffRole {
                role: role.clone(),
                name: name_col
                    .and_then(|c| row.get(c))
                    .filter(|n| !n.is_empty())
                    .cloned(),
                line: line_of(text, *start),
            });
        }
    } else if out.status_sections.is_empty()
        && has("status")
        && (under_status || matches!(first, "category" | "section" | "area" | "component"))
    {
        for (row, _) in &t.rows {
            if let Some(name) = row.first().filter(|n| !n.is_empty()) {
                out.status_sections.push(name.clone());
            }
        }
    }
}
