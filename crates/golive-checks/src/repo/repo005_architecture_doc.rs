use super::doc_search::{DocQuery, search};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::RepoDocs;

pub struct ArchitectureDoc;

static QUERY: DocQuery = DocQuery {
    path_words: &["architecture", "design", "adr"],
    heading_words: &["architecture", "system design", "components"],
    noun: "architecture document",
    fix: "write docs/ARCHITECTURE.md: components, data stores, external dependencies and how requests flow",
};

static META: CheckMeta = CheckMeta {
    code: "REPO005",
    slug: "repo-architecture-doc",
    category: Category::Documentation,
    severity: Severity::Low,
    summary: "An architecture document describes the components, data stores and dependencies",
    doc: CheckDoc {
        what: "Looks for an architecture document: a file whose path mentions architecture, design or ADR, or a section titled Architecture / System design / Components, with at least `min_words` words (default 80).",
        why: "Operating a system you cannot draw is guesswork: which service talks to which store, what breaks when Redis is down, where the trust boundaries are. Reviewers of a production launch ask for it first.",
        fix: "write docs/ARCHITECTURE.md: components, data stores, external dependencies and how requests flow",
        example: "```\ndocs/ARCHITECTURE.md\n## Components\napi (Flask) -> PostgreSQL, Redis; worker (Celery) -> Redis, S3 ...\n```",
    },
    params: &[ParamSpec {
        name: "min_words",
        kind: ParamKind::Int,
        default: "80",
        help: "fewest words of prose that make the document more than a stub",
    }],
    requires: &[],
    keywords: &["architecture", "architecture documented", "design doc"],
};

#[async_trait::async_trait]
impl Check for ArchitectureDoc {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        match cx.facts.get::<RepoDocs>().await {
            Ok(docs) => search(&docs, &QUERY, cx.params.int("min_words").max(0) as usize),
            Err(e) => e.outcome(),
        }
    }
}
