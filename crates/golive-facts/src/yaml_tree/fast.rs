//! A fast path for the block YAML that manifests, Helm values and approximated templates are
//! made of: indentation-structured mappings and sequences of one-line scalars, `|`/`>` block
//! scalars and one-line flow lists. It reads a line at a time and feeds the same tree builder
//! as granit-parser's events, so the resulting tree is built by the same code.
//!
//! It never decides what is invalid: on anything outside that subset (anchors, tags, multi-line
//! plain or quoted scalars, complex keys, tabs, CRLF, directives, flow mappings, an error the
//! builder raises) it gives up and the caller parses the whole text with granit-parser, which
//! reports errors with their lines. A differential test over real charts and a fuzz target
//! (`yaml_fast_path`) hold it to giving the same tree as granit-parser whenever it answers.
//!
//! Why: granit-parser scans about 32 MB/s per core, and a run over a repository of Helm charts
//! parses ~10 MB of YAML; this path is several times faster on that input.

use super::{Node, TreeBuilder};
use granit_parser::{Event, ScalarStyle, StructureStyle};
use std::borrow::Cow;

/// Implicit keys longer than this are left to granit-parser (YAML limits them to 1024).
const MAX_KEY: usize = 1000;

/// The documents of `text`, or `None` when the fast path does not apply.
pub(super) fn parse(text: &str) -> Option<Vec<Node>> {
    parse_or_stop(text).ok()
}

/// The documents, or the 1-based line where the fast path gave up (0: before reading lines).
pub(super) fn parse_or_stop(text: &str) -> Result<Vec<Node>, usize> {
    if !plausible(text) {
        return Err(0);
    }
    let mut p = Fast {
        text,
        lines: split_lines(text),
        pos: 0,
        col: None,
        b: TreeBuilder::default(),
    };
    match p.stream() {
        Some(()) => Ok(p.b.docs),
        None => Err(p.pos + 1),
    }
}

/// Bytes the fast path leaves to granit-parser wherever they occur: carriage returns, control
/// characters, a byte-order mark, C1 controls and non-characters. Tabs are refused later,
/// outside block scalars.
fn plausible(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Branch-free per chunk so the compiler vectorises it: this runs over every byte.
    for chunk in bytes.chunks(64) {
        let mut bad = false;
        for &b in chunk {
            bad |= (b < 0x20) & (b != b'\n') & (b != b'\t') | (b == 0x7f);
        }
        if bad {
            return false;
        }
    }
    if bytes.is_ascii() {
        return true;
    }
    !text.chars().any(|c| {
        matches!(
            c,
            '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
    })
}

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Only spaces, or nothing.
    blank: bool,
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 24 + 1);
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        lines.push(Line {
            start,
            end,
            indent,
            blank: indent == line.len(),
        });
        start = end + 1;
    }
    lines
}

/// A line with content, seen from `indent` on (a compact node inside `- ` starts mid-line).
#[derive(Clone, Copy)]
struct Cur<'a> {
    idx: usize,
    indent: usize,
    text: &'a str,
}

struct Fast<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// The line being read.
    pos: usize,
    /// Where the current line's content starts when a node began mid-line (`- key: v`).
    col: Option<usize>,
    b: TreeBuilder,
}

fn is_seq_item(t: &str) -> bool {
    let b = t.as_bytes();
    b.first() == Some(&b'-') && matches!(b.get(1), None | Some(b' '))
}

fn is_marker(line: &str) -> bool {
    (line.starts_with("---") || line.starts_with("..."))
        && matches!(line.as_bytes().get(3), None | Some(b' ') | Some(b'\t'))
}

/// What is left after a node on its line may only be spaces and a comment.
fn only_comment(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < rest.len())
}

impl<'a> Fast<'a> {
    fn ev(&mut self, e: Event<'a>, idx: usize) -> Option<()> {
        let line = u32::try_from(idx + 1).ok()?;
        self.b.event(e, line).ok()
    }

    fn line_text(&self, idx: usize) -> &'a str {
        let l = self.lines[idx];
        &self.text[l.start..l.end]
    }

    /// The next line with content, or `None` at the end or at a document marker.
    fn peek(&mut self) -> Option<Cur<'a>> {
        if let Some(col) = self.col {
            let t = self.line_text(self.pos);
            return Some(Cur {
                idx: self.pos,
                indent: col,
                text: &t[col..],
            });
        }
        while self.pos < self.lines.len() {
            let l = self.lines[self.pos];
            let t = &self.text[l.start..l.end];
            if l.blank || t.as_bytes()[l.indent] == b'#' {
                self.pos += 1;
                continue;
            }
            if l.indent == 0 && is_marker(t) {
                return None;
            }
            return Some(Cur {
                idx: self.pos,
                indent: l.indent,
                text: &t[l.indent..],
            });
        }
        None
    }

    fn next_line(&mut self) {
        self.col = None;
        self.pos += 1;
    }

    fn stream(&mut self) -> Option<()> {
        let mut first = true;
        loop {
            // Blank and comment lines, then an optional `---`.
            let mut explicit = false;
            while self.pos < self.lines.len() {
                let l = self.lines[self.pos];
                let t = self.line_text(self.pos);
                if l.blank || t.as_bytes()[l.indent] == b'#' {
                    self.pos += 1;
                    continue;
                }
                if l.indent == 0 && is_marker(t) {
                    if explicit {
                        // `---` right after `---`: an empty document between them.
                        break;
                    }
                    if !t.starts_with("---") || !only_comment(&t[3..]) {
                        return None;
                    }
                    explicit = true;
                    self.pos += 1;
                    continue;
                }
                break;
            }
            if self.pos >= self.lines.len() && !first && !explicit {
                return Some(());
            }
            first = false;
            let start = self.pos.min(self.lines.len().saturating_sub(1));
            self.ev(Event::DocumentStart(explicit, None), start)?;
            if let Some(c) = self.peek() {
                if c.indent != 0 {
                    return None;
                }
                self.node_here(c)?;
                if self.peek().is_some() {
                    return None;
                }
            }
            self.ev(Event::DocumentEnd, self.pos.min(start))?;
            if self.pos >= self.lines.len() {
                return Some(());
            }
        }
    }

    /// A mapping or sequence starting at `c`; a lone scalar line is left to granit-parser.
    fn node_here(&mut self, c: Cur<'a>) -> Option<()> {
        if is_seq_item(c.text) {
            self.seq(c.indent)
        } else if split_key(c.text).is_some() {
            self.map(c.indent)
        } else {
            None
        }
    }

    fn map(&mut self, m: usize) -> Option<()> {
        let first = self.peek()?;
        self.ev(
            Event::MappingStart(StructureStyle::Block, 0, None),
            first.idx,
        )?;
        while let Some(c) = self.peek() {
            if c.indent < m {
                break;
            }
            if c.indent > m {
                return None;
            }
            let (key, style, rest) = split_key(c.text)?;
            self.ev(Event::Scalar(key, style, 0, None), c.idx)?;
            let rest = rest.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                self.next_line();
                self.nested(m, true, c.idx)?;
            } else {
                self.inline(rest, m, c.idx)?;
            }
        }
        self.ev(Event::MappingEnd, self.pos.min(self.lines.len() - 1))
    }

    fn seq(&mut self, d: usize) -> Option<()> {
        let first = self.peek()?;
        self.ev(
            Event::SequenceStart(StructureStyle::Block, 0, None),
            first.idx,
        )?;
        while let Some(c) = self.peek() {
            if c.indent < d {
                break;
            }
            if c.indent > d {
                return None;
            }
            if !is_seq_item(c.text) {
                // A key at the dash's column ends an indentless sequence; the caller decides.
                break;
            }
            let after = &c.text[1..];
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                self.next_line();
                self.nested(d, false, c.idx)?;
                continue;
            }
            let col = c.indent + 1 + (after.len() - rest.len());
            if is_seq_item(rest) || split_key(rest).is_some() {
                self.col = Some(col);
                let here = self.peek()?;
                self.node_here(here)?;
            } else {
                self.inline(rest, d, c.idx)?;
            }
        }
        self.ev(Event::SequenceEnd, self.pos.min(self.lines.len() - 1))
    }

    /// The value of a key or dash with nothing after it on its line: a block on the lines
    /// below, or null. `in_map`: a sequence may sit at the key's own indentation.
    fn nested(&mut self, parent: usize, in_map: bool, idx: usize) -> Option<()> {
        match self.peek() {
            Some(n)
                if is_seq_item(n.text) && (n.indent > parent || in_map && n.indent == parent) =>
            {
                self.seq(n.indent)
            }
            Some(n) if n.indent > parent => {
                if split_key(n.text).is_some() {
                    self.map(n.indent)
                } else {
                    // A value on the line below its key: `resources:\n  {"cpu": "1m"}`.
                    self.inline(n.text, parent, n.idx)
                }
            }
            _ => self.ev(
                Event::Scalar(Cow::Borrowed("~"), ScalarStyle::Plain, 0, None),
                idx,
            ),
        }
    }

    /// A value that starts on the key's or dash's line; `parent` is that node's indentation.
    fn inline(&mut self, rest: &'a str, parent: usize, idx: usize) -> Option<()> {
        match rest.as_bytes()[0] {
            b'|' | b'>' => return self.block_scalar(rest, parent, idx),
            q @ (b'\'' | b'"') => {
                let (v, style) = if q == b'\'' {
                    (single_quoted(rest), ScalarStyle::SingleQuoted)
                } else {
                    (double_quoted(rest), ScalarStyle::DoubleQuoted)
                };
                let v = match v {
                    Some((v, after)) => {
                        if !only_comment(after) {
                            return None;
                        }
                        v
                    }
                    None => self.multi_line_quoted(rest, q, parent)?,
                };
                self.ev(Event::Scalar(v, style, 0, None), idx)?;
            }
            b'[' | b'{' => {
                let after = self.flow_node(rest, idx)?;
                if !only_comment(after) {
                    return None;
                }
            }
            _ => {
                let v = plain_value(rest)?;
                let commented = v.len() < rest.trim_end_matches(' ').len();
                let v = if commented {
                    Cow::Borrowed(v)
                } else {
                    self.plain_continued(v, parent)?
                };
                self.ev(Event::Scalar(v, ScalarStyle::Plain, 0, None), idx)?;
            }
        }
        self.next_line();
        // A more indented line after a value would continue it (or be an error).
        match self.peek() {
            Some(n) if n.indent > parent => None,
            _ => Some(()),
        }
    }

    /// A plain scalar folded over the following more indented lines (CRD descriptions). Leaves
    /// `pos` on its last line.
    fn plain_continued(&mut self, first: &'a str, parent: usize) -> Option<Cow<'a, str>> {
        let mut segments: Vec<&'a str> = Vec::new();
        let mut i = self.pos + 1;
        let mut last = self.pos;
        while let Some(l) = self.lines.get(i).copied() {
            if l.blank {
                segments.push("");
                i += 1;
                continue;
            }
            let t = &self.text[l.start + l.indent..l.end];
            if l.indent <= parent || t.starts_with('#') {
                break;
            }
            // A continuation line may start with any character but these two.
            if t.starts_with(':') {
                return None;
            }
            let v = plain_text(t)?;
            if v.len() < t.trim_end_matches(' ').len() {
                // A comment ends the scalar; what follows is for the caller to judge.
                return None;
            }
            segments.push(v);
            last = i;
            i += 1;
        }
        while segments.last() == Some(&"") {
            segments.pop();
        }
        if segments.is_empty() {
            return Some(Cow::Borrowed(first));
        }
        self.col = None;
        self.pos = last;
        Some(Cow::Owned(fold(first, &segments)))
    }

    /// A quoted scalar whose closing quote is on a later line. Leaves `pos` on that line.
    fn multi_line_quoted(&mut self, rest: &'a str, q: u8, parent: usize) -> Option<Cow<'a, str>> {
        let first = rest[1..].trim_end_matches(' ');
        if q == b'"' && first.ends_with('\\') {
            return None;
        }
        let mut segments: Vec<&'a str> = Vec::new();
        let mut i = self.pos + 1;
        loop {
            let l = *self.lines.get(i)?;
            if l.blank {
                segments.push("");
                i += 1;
                continue;
            }
            if l.indent <= parent {
                return None;
            }
            let t = &self.text[l.start + l.indent..l.end];
            if t.contains('\t') {
                return None;
            }
            if let Some(close) = closing_quote(t, q) {
                if !only_comment(&t[close + 1..]) {
                    return None;
                }
                segments.push(&t[..close]);
                break;
            }
            let t = t.trim_end_matches(' ');
            if q == b'"' && t.ends_with('\\') {
                return None;
            }
            segments.push(t);
            i += 1;
        }
        self.col = None;
        self.pos = i;
        let quote = char::from(q);
        let whole = format!("{quote}{}{quote}", fold(first, &segments));
        let v = if q == b'"' {
            double_quoted(&whole)?.0
        } else {
            single_quoted(&whole)?.0
        };
        Some(Cow::Owned(v.into_owned()))
    }

    /// A flow collection on one line (`{"cpu": "50m"}`, `[a, "b"]`) or a scalar inside one;
    /// returns what follows it.
    fn flow_node(&mut self, t: &'a str, idx: usize) -> Option<&'a str> {
        let t = t.trim_start_matches(' ');
        match *t.as_bytes().first()? {
            open @ (b'[' | b'{') => {
                let map = open == b'{';
                let close = if map { b'}' } else { b']' };
                self.ev(
                    if map {
                        Event::MappingStart(StructureStyle::Flow, 0, None)
                    } else {
                        Event::SequenceStart(StructureStyle::Flow, 0, None)
                    },
                    idx,
                )?;
                let mut rest = t[1..].trim_start_matches(' ');
                let mut first = true;
                loop {
                    if rest.as_bytes().first() == Some(&close) {
                        rest = &rest[1..];
                        break;
                    }
                    if !first {
                        rest = rest.strip_prefix(',')?.trim_start_matches(' ');
                        // A trailing comma is valid YAML; rare enough to leave to granit.
                        if matches!(rest.as_bytes().first(), Some(b']' | b'}' | b',')) {
                            return None;
                        }
                    }
                    first = false;
                    if map {
                        let (key, style, after) = flow_scalar(rest)?;
                        self.ev(Event::Scalar(key, style, 0, None), idx)?;
                        let after = after.trim_start_matches(' ');
                        let after = after.strip_prefix(':')?;
                        if style == ScalarStyle::Plain && !after.starts_with(' ') {
                            return None;
                        }
                        let value = after.trim_start_matches(' ');
                        if matches!(value.as_bytes().first(), None | Some(b',' | b'}')) {
                            return None;
                        }
                        rest = self.flow_node(value, idx)?;
                    } else {
                        rest = self.flow_node(rest, idx)?;
                    }
                    rest = rest.trim_start_matches(' ');
                }
                self.ev(
                    if map {
                        Event::MappingEnd
                    } else {
                        Event::SequenceEnd
                    },
                    idx,
                )?;
                Some(rest)
            }
            _ => {
                let (v, style, after) = flow_scalar(t)?;
                // A key: value pair inside a sequence is a one-entry mapping: not here.
                if after.trim_start_matches(' ').starts_with(':') {
                    return None;
                }
                self.ev(Event::Scalar(v, style, 0, None), idx)?;
                Some(after)
            }
        }
    }

    /// `|`, `|-`, `|+`, `>`, `>-`, `>+` with the content indentation found from the first line.
    fn block_scalar(&mut self, header: &'a str, parent: usize, idx: usize) -> Option<()> {
        let literal = header.starts_with('|');
        let mut chomp = b' ';
        let mut rest = &header[1..];
        if let Some(&c @ (b'-' | b'+')) = rest.as_bytes().first() {
            chomp = c;
            rest = &rest[1..];
        }
        if !only_comment(rest) {
            return None;
        }
        // Leading blank lines, then the first line with content sets the indentation.
        let mut i = idx + 1;
        let mut leading_max = 0;
        let mut leading = 0;
        while i < self.lines.len() && self.lines[i].blank {
            leading_max = leading_max.max(self.lines[i].end - self.lines[i].start);
            leading += 1;
            i += 1;
        }
        let Some(first) = self.lines.get(i).copied() else {
            // An empty block scalar at the end of the text: granit-parser places it on the
            // indicator's line.
            return if leading == 0 && chomp != b'+' {
                self.empty_block(literal, idx, idx + 1)
            } else {
                None
            };
        };
        let n = first.indent;
        if n <= parent {
            // Empty: placed on the line that ends it.
            return if chomp != b'+' {
                self.empty_block(literal, i, i)
            } else {
                None
            };
        }
        if leading_max > n || (!literal && leading > 0) {
            return None;
        }
        let start_line = i;
        // Content lines: blank ones, or indented at least `n`.
        let mut parts: Vec<&'a str> = vec![""; leading];
        while i < self.lines.len() {
            let l = self.lines[i];
            if !l.blank && l.indent < n {
                break;
            }
            let t = &self.text[l.start..l.end];
            parts.push(if t.len() > n { &t[n..] } else { "" });
            i += 1;
        }
        let last = parts.iter().rposition(|p| !p.is_empty())?;
        let trailing = parts.len() - 1 - last;
        let body = &parts[..=last];
        let mut v = String::with_capacity(body.iter().map(|p| p.len() + 1).sum());
        if literal {
            for p in body {
                v.push_str(p);
                v.push('\n');
            }
            v.pop();
        } else {
            // Folding: a single line break between lines becomes a space, each blank line a
            // line break. More indented lines keep their breaks; left to granit-parser.
            let mut blanks = 0;
            for (k, p) in body.iter().enumerate() {
                if p.is_empty() {
                    blanks += 1;
                    continue;
                }
                if p.starts_with([' ', '\t']) {
                    return None;
                }
                if k > 0 {
                    if blanks == 0 {
                        v.push(' ');
                    }
                    for _ in 0..blanks {
                        v.push('\n');
                    }
                }
                blanks = 0;
                v.push_str(p);
            }
        }
        match chomp {
            b'-' => {}
            b'+' => {
                v.push('\n');
                for _ in 0..trailing {
                    v.push('\n');
                }
            }
            _ => v.push('\n'),
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.ev(Event::Scalar(Cow::Owned(v), style, 0, None), start_line)?;
        self.col = None;
        self.pos = i;
        match self.peek() {
            Some(n) if n.indent > parent => None,
            _ => Some(()),
        }
    }

    /// An empty `|`/`>` scalar: the empty string, at `line`; reading goes on at `next`.
    fn empty_block(&mut self, literal: bool, line: usize, next: usize) -> Option<()> {
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.ev(Event::Scalar(Cow::Borrowed(""), style, 0, None), line)?;
        self.col = None;
        self.pos = next;
        Some(())
    }
}

/// Lines joined as YAML folds flow scalars: one line break is a space, each blank line a
/// line break. `segments` are the lines after the first, trimmed; empty ones are blank lines.
fn fold(first: &str, segments: &[&str]) -> String {
    let mut v =
        String::with_capacity(first.len() + segments.iter().map(|s| s.len() + 1).sum::<usize>());
    v.push_str(first);
    let mut blanks = 0;
    for (k, s) in segments.iter().enumerate() {
        // The last segment is a line of content even when empty (a closing quote alone).
        if s.is_empty() && k + 1 < segments.len() {
            blanks += 1;
            continue;
        }
        if blanks == 0 {
            v.push(' ');
        }
        for _ in 0..blanks {
            v.push('\n');
        }
        blanks = 0;
        v.push_str(s);
    }
    v
}

/// Where the quote that closes a quoted scalar is on a continuation line.
fn closing_quote(t: &str, q: u8) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A scalar inside a flow collection: quoted, or plain up to a flow indicator or `: `.
fn flow_scalar(t: &str) -> Option<(Cow<'_, str>, ScalarStyle, &str)> {
    match *t.as_bytes().first()? {
        b'"' => {
            let (v, after) = double_quoted(t)?;
            Some((v, ScalarStyle::DoubleQuoted, after))
        }
        b'\'' => {
            let (v, after) = single_quoted(t)?;
            Some((v, ScalarStyle::SingleQuoted, after))
        }
        _ => {
            if starts_with_indicator(t) {
                return None;
            }
            let b = t.as_bytes();
            let mut end = b.len();
            for (i, &c) in b.iter().enumerate() {
                match c {
                    b',' | b'[' | b']' | b'{' | b'}' => {
                        end = i;
                        break;
                    }
                    b':' if matches!(b.get(i + 1), None | Some(b' ' | b',' | b']' | b'}')) => {
                        end = i;
                        break;
                    }
                    b'#' | b'\t' | b'"' | b'\'' => return None,
                    _ => {}
                }
            }
            let v = t[..end].trim_end_matches(' ');
            if v.is_empty() {
                return None;
            }
            Some((Cow::Borrowed(v), ScalarStyle::Plain, &t[end..]))
        }
    }
}

/// `-`, `?`, `:` start a plain scalar only before a non-space; the other indicators never.
fn starts_with_indicator(t: &str) -> bool {
    match t.as_bytes().first() {
        None => true,
        Some(b'-' | b'?' | b':') => matches!(t.as_bytes().get(1), None | Some(b' ')),
        Some(b) => b",[]{}#&*!|>'\"%@`".contains(b),
    }
}

/// A line `key: rest`: the key (plain or quoted, one line) and what follows the colon.
fn split_key(t: &str) -> Option<(Cow<'_, str>, ScalarStyle, &str)> {
    let (key, style, after) = match t.as_bytes().first()? {
        b'"' => {
            let (k, after) = double_quoted(t)?;
            (k, ScalarStyle::DoubleQuoted, after.trim_start_matches(' '))
        }
        b'\'' => {
            let (k, after) = single_quoted(t)?;
            (k, ScalarStyle::SingleQuoted, after.trim_start_matches(' '))
        }
        b'-' | b'?' | b':' => return None,
        _ if starts_with_indicator(t) => return None,
        _ => {
            let b = t.as_bytes();
            let mut i = memchr::memchr(b':', b)?;
            while matches!(b.get(i + 1), Some(c) if *c != b' ') {
                i += 1 + memchr::memchr(b':', &b[i + 1..])?;
            }
            let key = t[..i].trim_end_matches(' ');
            let kb = key.as_bytes();
            if memchr::memchr2_iter(b'#', b'\t', kb)
                .any(|j| kb[j] == b'\t' || j > 0 && kb[j - 1] == b' ')
            {
                return None;
            }
            (Cow::Borrowed(key), ScalarStyle::Plain, &t[i..])
        }
    };
    if key.len() > MAX_KEY {
        return None;
    }
    let rest = after.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, style, rest))
}

/// A one-line plain value, without a trailing comment; `None` where YAML would read more into
/// it (`a: b: c`) or where it starts with an indicator.
fn plain_value(rest: &str) -> Option<&str> {
    if starts_with_indicator(rest) {
        return None;
    }
    plain_text(rest)
}

/// [`plain_value`] without the rule for the first character (continuation lines).
fn plain_text(rest: &str) -> Option<&str> {
    let b = rest.as_bytes();
    let mut end = b.len();
    for i in memchr::memchr3_iter(b':', b'#', b'\t', b) {
        match b[i] {
            b'#' if i > 0 && b[i - 1] == b' ' => {
                end = i;
                break;
            }
            b'#' => {}
            // `a: b: c` or `a: b:` would be a mapping (or an error): not a plain value.
            b':' if matches!(b.get(i + 1), None | Some(b' ')) => return None,
            b':' => {}
            _ => return None,
        }
    }
    Some(rest[..end].trim_end_matches(' '))
}

/// `'...'` on one line (`''` is a quote); the value and what follows the closing quote.
fn single_quoted(t: &str) -> Option<(Cow<'_, str>, &str)> {
    let b = t.as_bytes();
    let mut i = 1;
    let mut owned: Option<String> = None;
    let mut from = 1;
    loop {
        let q = i + memchr::memchr(b'\'', b.get(i..)?)?;
        if b.get(q + 1) == Some(&b'\'') {
            owned.get_or_insert_with(String::new).push_str(&t[from..=q]);
            i = q + 2;
            from = i;
            continue;
        }
        let v = match owned {
            Some(mut s) => {
                s.push_str(&t[from..q]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&t[1..q]),
        };
        return Some((v, &t[q + 1..]));
    }
}

/// `"..."` on one line with the common escapes; anything rarer is left to granit-parser.
fn double_quoted(t: &str) -> Option<(Cow<'_, str>, &str)> {
    let b = t.as_bytes();
    let mut i = 1;
    let mut owned: Option<String> = None;
    let mut from = 1;
    loop {
        let j = i + memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[j] == b'"' {
            let v = match owned {
                Some(mut s) => {
                    s.push_str(&t[from..j]);
                    Cow::Owned(s)
                }
                None => Cow::Borrowed(&t[1..j]),
            };
            return Some((v, &t[j + 1..]));
        }
        let s = owned.get_or_insert_with(String::new);
        s.push_str(&t[from..j]);
        let (c, len) = match *b.get(j + 1)? {
            b'\\' => ('\\', 2),
            b'"' => ('"', 2),
            b'/' => ('/', 2),
            b'n' => ('\n', 2),
            b't' => ('\t', 2),
            b'r' => ('\r', 2),
            b'0' => ('\0', 2),
            b'a' => ('\u{7}', 2),
            b'b' => ('\u{8}', 2),
            b'e' => ('\u{1b}', 2),
            b'f' => ('\u{c}', 2),
            b'v' => ('\u{b}', 2),
            b' ' => (' ', 2),
            b'N' => ('\u{85}', 2),
            b'_' => ('\u{a0}', 2),
            b'L' => ('\u{2028}', 2),
            b'P' => ('\u{2029}', 2),
            x @ (b'x' | b'u' | b'U') => {
                let digits = match x {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = t.get(j + 2..j + 2 + digits)?;
                if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return None;
                }
                let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                (c, 2 + digits)
            }
            _ => return None,
        };
        s.push(c);
        i = j + len;
        from = i;
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_with_granit;

    /// The fast path answers on `text` and builds granit-parser's tree.
    #[track_caller]
    fn same(text: &str) {
        let fast = super::parse(text).unwrap_or_else(|| {
            panic!(
                "fast path gave up at line {:?} on {text:?}",
                super::parse_or_stop(text).err()
            )
        });
        // Compared as printed: `.nan` is not equal to itself.
        assert_eq!(
            format!("{fast:?}"),
            format!("{:?}", parse_with_granit(text).unwrap()),
            "{text:?}"
        );
    }

    #[test]
    fn block_structure_as_granit_reads_it() {
        same(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    app: \"web\"\n",
        );
        same("# c\n\na: 1 # note\nb:\nc:\n  # only a comment\nd: ~\n");
        same("list:\n- a\n- b: 1\n  c: 2\n-   - n1\n    - n2\n- \n-\nafter: x\n");
        same("a:\n  - x\n  - y: z\n    w:\n    - 1\n");
        same("- name: x\n  items:\n  - a\n- name: y\n");
        same("a: 1\n---\nb: 2\n---\n# empty\n---\nc: [1, two, \"3\"]\n");
        same("'quoted key': v\n\"dq\": 'it''s'\nurl: http://x:80/y\nk: a#b\n");
        same("e: {}\nf: []\ng: { }\nh: {\"cpu\": \"50m\", mem: 1Gi, n: {x: [1, 2]}}\n");
        same("a:\n  {\"requests\": {\"cpu\": \"1m\"}}\nb:\n  plain on next line\n");
        same("on: push\ny: n\nport: 0x1F\nf: 1.5e3\nneg: -1\nt: True\n");
        // Found by fuzzing (fuzz/regressions/yaml_fast_path): a value on the next line.
        same("s/:\n   .NAN\n");
        same("esc: \"tab\\tnl\\n\\u00e9\\x41\\\\ \\\"q\\\"\"\n");
    }

    #[test]
    fn block_and_multi_line_scalars_as_granit_reads_them() {
        same("s: |\n  echo hi\n\n  echo there\nt: |-\n  z\nu: |+\n  keep\n\n\nv: 1\n");
        same("e: |\n\n  x\n  y\n\n\nf: >-\n  a\n  b\n\n  c\ng: >\n  folded\n");
        same("a: |\nb: |-\n\nc: 1\nd: >\n");
        same("x:\n  a: |-\n\n  ## comment\n  b: 1\n");
        same("- |\n  in a sequence\n-   |\n      deeper\n");
        same("s: |\n    spaces  \n      more indented\n   \nt: 1\n");
        same("d: this wraps\n  over {lines} and \"quotes\"\n\n  and a blank\ne: 1\n");
        same("m: 'single\n\n  quoted'\nn: \"double\n  quoted \\u00e9\"\no: 'closing\n\n  '\n");
        same("deep:\n  - a: this is\n      continued\n");
    }

    #[test]
    fn leaves_to_granit_what_it_does_not_know() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a:\r\n  b: 1\r\n",
            "\tkey: 1\n",
            "a:\t1\n",
            "%YAML 1.2\n---\na: 1\n",
            "? complex\n: key\n",
            "a: b: c\n",
            "plain root scalar\n",
            "a: 1\n  b: 2\n",
            "a: |2\n   x\n",
            "a: [1, 2,]\n",
            "a: \"unterminated\n",
            "a: 'x' trailing\n",
            "- a\nb: 1\n",
            "a: >\n  x\n    more indented\n",
            "\u{feff}a: 1\n",
        ] {
            assert!(super::parse(text).is_none(), "{text:?}");
            // The answer (or the error) then comes from granit-parser.
            assert_eq!(
                super::super::parse_documents(text),
                parse_with_granit(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn builder_limits_hold_on_the_fast_path() {
        let mut deep = String::new();
        for i in 0..100 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("k:\n");
        }
        // Too deep for the builder: the fast path gives up and granit-parser reports it.
        assert!(super::parse(&deep).is_none());
        assert!(super::super::parse_documents(&deep).is_err());
        let long_key = format!("{}: 1\n", "k".repeat(2000));
        assert!(super::parse(&long_key).is_none());
    }
}
