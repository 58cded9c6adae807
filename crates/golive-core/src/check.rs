//! What a check is: an identity, a doc, parameters, the inputs it needs, and a pure function
//! from facts to an outcome.

use crate::facts::Facts;
use crate::inputs::Input;
use crate::model::{Category, Outcome, Severity};
use crate::params::{ParamSpec, Params};

/// The fixed sections of every check's documentation.
#[derive(Debug, Clone, Copy)]
pub struct CheckDoc {
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub example: &'static str,
}

/// A check's identity. `code` is stable and never reused; `slug` is its readable name.
#[derive(Debug, Clone, Copy)]
pub struct CheckMeta {
    pub code: &'static str,
    pub slug: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line, shown by `golive rules`.
    pub summary: &'static str,
    pub doc: CheckDoc,
    pub params: &'static [ParamSpec],
    /// Environment inputs without which the check cannot run; the engine skips it then.
    pub requires: &'static [Input],
    /// Words and names the check is about (settings, variables, headers, paths, commands);
    /// the checklist binder matches items against them.
    pub keywords: &'static [&'static str],
}

/// What a check sees while it runs.
pub struct CheckCx<'a> {
    pub facts: &'a Facts,
    pub params: &'a Params,
}

/// One verifiable rule. Implementations are unit structs listed in the registry.
#[async_trait::async_trait]
pub trait Check: Send + Sync {
    fn meta(&self) -> &'static CheckMeta;

    /// Decides from facts. Must return `error` or `skipped` when it cannot decide.
    async fn run(&self, cx: &CheckCx<'_>) -> Outcome;
}

/// Renders a check's full documentation as markdown (`golive explain`, docs/checks/).
pub fn render_doc(meta: &CheckMeta) -> String {
    let mut s = format!(
        "# {} {}\n\n{}\n\n- Category: {}\n- Severity: {}\n",
        meta.code, meta.slug, meta.summary, meta.category, meta.severity
    );
    if !meta.requires.is_empty() {
        let r: Vec<&str> = meta.requires.iter().map(|i| i.key()).collect();
        s.push_str(&format!("- Needs: {}\n", r.join(", ")));
    }
    if !meta.params.is_empty() {
        s.push_str("- Parameters:\n");
        for p in meta.params {
            s.push_str(&format!(
                "  - `{}` ({}, default `{}`): {}\n",
                p.name, p.kind, p.default, p.help
            ));
        }
    }
    s.push_str(&format!(
        "\n## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## How to fix\n\n{}\n\n## Example\n\n{}\n",
        meta.doc.what.trim(),
        meta.doc.why.trim(),
        meta.doc.fix.trim(),
        meta.doc.example.trim()
    ));
    s
}
