//! Markdown checklists: parsing (`parse`), explicit bindings in HTML comments (`binding`), the
//! automatic binder driven by check metadata (`binder`), planning a run from a checklist
//! (`plan`) and writing results back into the file byte-for-byte (`write`).

pub mod binder;
pub mod binding;
pub mod features;
mod parse;
pub mod plan;
pub mod write;

pub use parse::parse;

use serde::Serialize;

/// A parsed checklist. Every byte offset refers to the original text.
#[derive(Debug, Clone, Default)]
pub struct Checklist {
    pub items: Vec<Item>,
    /// The "Required Inputs (fill in)" list: what an environment of this checklist must set.
    pub required_inputs: Vec<RequiredInput>,
    /// Rows of a sign-off table (`| Role | Name | Date | Signature |`).
    pub signoffs: Vec<SignoffRole>,
    /// The first-column names of a "Quick Status" table, in order, when the file has one.
    pub status_sections: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// A box that stands for one verifiable statement.
    Item,
    /// A box whose children are the real items (`- [ ] **Redis**` over its sub-items).
    Group,
}

/// One `- [ ]` / `- [x]` line.
#[derive(Debug, Clone)]
pub struct Item {
    pub index: usize,
    /// 1-based line of the list marker.
    pub line: u32,
    /// Byte range of the item's first line, without the line break.
    pub line_start: usize,
    pub line_end: usize,
    /// Byte offset of the `[` of the checkbox.
    pub marker: usize,
    pub checked: bool,
    /// The markdown of the first line after the checkbox, golive's comments removed, trimmed.
    pub text: String,
    /// The item's own text as rendered (code spans without backticks).
    pub plain: String,
    /// Text of plain (non-task) sub-bullets, which detail the item.
    pub details: Vec<String>,
    /// The first bold span, when the item has one (`**Auth provider configured**`).
    pub title: Option<String>,
    /// Inline code spans of the item and of its plain sub-bullets.
    pub code: Vec<String>,
    /// Heading path (and a bold pseudo-heading like `**Backend**:`), outermost first.
    pub section: Vec<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub kind: ItemKind,
    /// The explicit binding comment on the item's first line, when there is one.
    pub explicit: Option<binding::Explicit>,
}

impl Item {
    /// Own text and details, for matching.
    pub fn full_plain(&self) -> String {
        let mut s = self.plain.clone();
        for d in &self.details {
            s.push_str(" ; ");
            s.push_str(d);
        }
        s
    }
}

/// One line of a "Required Inputs" list: `- API domain (e.g., api.example.com): <value>`.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredInput {
    pub label: String,
    /// What follows the colon, when something was filled in.
    pub value: Option<String>,
    pub line: u32,
    /// The golive.toml environment keys this label maps to (`api_url`), possibly none.
    pub keys: Vec<&'static str>,
}

/// A role of a sign-off table.
#[derive(Debug, Clone, Serialize)]
pub struct SignoffRole {
    pub role: String,
    pub name: Option<String>,
    pub line: u32,
}

/// Maps a required-input label to golive.toml environment keys by its words: an input key
/// (`redis_url`) matches when its subject word (`redis`) is in the label and the label speaks
/// of an address (url, domain, host, endpoint, dsn, ...). Unknown labels map to nothing.
pub fn input_keys_for_label(label: &str) -> Vec<&'static str> {
    let words: Vec<String> = features::words(label);
    let has = |w: &str| words.iter().any(|x| x == w);
    let addressy = [
        "url",
        "urls",
        "domain",
        "domains",
        "host",
        "endpoint",
        "endpoints",
        "dsn",
        "address",
        "uri",
    ]
    .iter()
    .any(|w| has(w));
    let mut keys = Vec::new();
    for input in crate::inputs::Input::ALL {
        let key = input.key();
        let (subject, kind) = key.rsplit_once('_').unwrap_or((key, ""));
        let subject_words: Vec<&str> = subject.split('_').collect();
        let subject_hit = subject_words.iter().all(|s| {
            has(s)
                || match *s {
                    "s3" => has("storage") || has("minio") || has("object"),
                    "database" => has("db") || has("postgres") || has("postgresql") || has("mysql"),
                    "vault" => has("openbao") || has("bao"),
                    "otel" => has("opentelemetry") || has("otlp"),
                    "api" => has("backend"),
                    _ => false,
                }
        });
        if !subject_hit {
            continue;
        }
        let kind_hit = match kind {
            "bucket" => has("bucket") || has("buckets"),
            _ => addressy || (kind == "url" && (has("db") || has("database"))) || has(kind),
        };
        // "Database host/port/name/user" names a database; "Redis host/port/db" a Redis.
        if kind_hit || (subject == "database" && has("host")) {
            keys.push(key);
        }
    }
    // "Redis host/port/db" mentions db but is Redis; keep the more specific subject.
    if keys.contains(&"redis_url") {
        keys.retain(|k| *k != "database_url");
    }
    keys
}

fn norm_title(s: &str) -> String {
    features::words(s).join(" ")
}

impl Checklist {
    /// The section an item is reported under: the row of the file's Quick Status table that
    /// its heading path names, else its outermost heading, else "Checklist".
    pub fn report_section(&self, item: &Item) -> String {
        for name in &self.status_sections {
            let n = norm_title(name);
            if n.is_empty() {
                continue;
            }
            if item.section.iter().any(|s| {
                let t = norm_title(s);
                t == n || t.starts_with(&format!("{n} ")) || t.ends_with(&format!(" {n}"))
            }) {
                return name.clone();
            }
        }
        item.section
            .first()
            .cloned()
            .unwrap_or_else(|| "Checklist".to_string())
    }

    /// Report sections in the order the file gives them (Quick Status rows first).
    pub fn report_sections(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let used: Vec<String> = self.items.iter().map(|i| self.report_section(i)).collect();
        for s in self.status_sections.iter().chain(used.iter()) {
            if used.contains(s) && !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }
}
