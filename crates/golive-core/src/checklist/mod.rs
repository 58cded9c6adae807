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
    let words: Vec<String> = features::words(&label.replace('/', " "));
    let has = |w: &str| {
        let w = features::stem(w);
        words.contains(&w)
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Title\n\nIntro.\n\n## Required Inputs (fill in)\n- API domain (e.g., api.example.com):\n- Redis host/port/db: redis://r:6379\n- Object storage endpoint/bucket:\n- Tenant name:\n\n## Security\n\n**Secrets**:\n- [ ] **Secrets set**: `SECRET_KEY` not default\n- [x] `DEBUG=false` <!-- golive: ENV003 -->\n\n### Redis\n\n- [ ] **Redis**\n  - [ ] AOF on (`appendonly yes`)\n  - [X] Password set\n    - detail `REDIS_PASSWORD`\n1. [ ] numbered\n\n```\n- [ ] not an item\n```\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Developer | | | |\n| Security | Bob | | |\n";

    #[test]
    fn items_sections_groups_and_details() {
        let cl = parse(DOC);
        let texts: Vec<&str> = cl.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "**Secrets set**: `SECRET_KEY` not default",
                "`DEBUG=false`",
                "**Redis**",
                "AOF on (`appendonly yes`)",
                "Password set",
                "numbered"
            ]
        );
        let i0 = &cl.items[0];
        assert_eq!(i0.section, vec!["Security", "Secrets"]);
        assert_eq!(i0.title.as_deref(), Some("Secrets set"));
        assert_eq!(i0.code, vec!["SECRET_KEY"]);
        assert_eq!(i0.line, 14);
        assert_eq!(&DOC[i0.marker..i0.marker + 3], "[ ]");
        let i1 = &cl.items[1];
        assert!(i1.checked);
        assert!(
            i1.explicit
                .as_ref()
                .is_some_and(|e| e.entries[0].0 == "ENV003")
        );
        let group = &cl.items[2];
        assert_eq!(group.kind, ItemKind::Group);
        assert_eq!(group.children, vec![3, 4]);
        assert_eq!(group.section, vec!["Security", "Redis"]);
        assert_eq!(cl.items[3].parent, Some(2));
        assert!(cl.items[4].checked);
        assert_eq!(cl.items[4].details, vec!["detail REDIS_PASSWORD"]);
        assert!(cl.items[4].code.contains(&"REDIS_PASSWORD".to_string()));
        let roles: Vec<&str> = cl.signoffs.iter().map(|s| s.role.as_str()).collect();
        assert_eq!(roles, vec!["Developer", "Security"]);
        assert_eq!(cl.signoffs[1].name.as_deref(), Some("Bob"));
        assert_eq!(cl.required_inputs.len(), 4);
        assert_eq!(cl.required_inputs[0].keys, vec!["api_url"]);
        assert_eq!(cl.required_inputs[1].keys, vec!["redis_url"]);
        assert_eq!(
            cl.required_inputs[1].value.as_deref(),
            Some("redis://r:6379")
        );
        assert_eq!(cl.required_inputs[2].keys, vec!["s3_endpoint", "s3_bucket"]);
        assert!(cl.required_inputs[3].keys.is_empty());
    }

    #[test]
    fn quick_status_sections() {
        let doc = "# X\n\n## Quick Status\n\n| Category | Status |\n|---|---|\n| Security | ⬜ |\n| Monitoring | ⬜ |\n\n## Security\n\n- [ ] a\n\n## Monitoring & Alerting\n\n### Metrics\n\n- [ ] b\n\n## Other\n\n- [ ] c\n";
        let cl = parse(doc);
        assert_eq!(cl.status_sections, vec!["Security", "Monitoring"]);
        let secs: Vec<String> = cl.items.iter().map(|i| cl.report_section(i)).collect();
        assert_eq!(secs, vec!["Security", "Monitoring", "Other"]);
        assert_eq!(
            cl.report_sections(),
            vec!["Security", "Monitoring", "Other"]
        );
    }

    #[test]
    fn crlf_and_odd_input() {
        let cl = parse("## A\r\n- [ ] one `X=1`\r\n- [x] two\r\n");
        assert_eq!(cl.items.len(), 2);
        assert_eq!(cl.items[0].text, "one `X=1`");
        assert!(!cl.items[0].text.ends_with('\r'));
        for t in [
            "",
            "- [",
            "- [ ]",
            "* [x]\n  * [ ]",
            "> - [ ] quoted",
            "- [ ] <!-- golive: -->",
            "|a|\n|-|\n|- [ ]|",
        ] {
            let _ = parse(t);
        }
    }
}
