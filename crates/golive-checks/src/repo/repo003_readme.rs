use super::doc_search::{DocQuery, search};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::RepoDocs;

pub struct Readme;

static QUERY: DocQuery = DocQuery {
    path_words: &["readme"],
    heading_words: &["overview", "getting started"],
    noun: "README",
    fix: "write a README.md that says what the service does, how to run it and who owns it",
};

static META: CheckMeta = CheckMeta {
    code: "REPO003",
    slug: "repo-readme",
    category: Category::Documentation,
    severity: Severity::Low,
    summary: "A README says what the service is, how to run it and who owns it",
    doc: CheckDoc {
        what: "Looks for a README (any `README*` file outside test and example directories, or a document section titled Overview / Getting started) with at least `min_words` words of prose (default 30). A README that is only a title, or mostly TODO, fails.",
        why: "The README is where the on-call engineer lands at 3 a.m.: what the service does, how it is run, who owns it. An empty one means that knowledge is in someone's head.",
        fix: "write a README.md that says what the service does, how to run it and who owns it",
        example: "```\n# webshop\n\nSells things. Runs as a Flask API behind gunicorn; owned by team-shop (#shop-oncall).\n```",
    },
    params: &[ParamSpec {
        name: "min_words",
        kind: ParamKind::Int,
        default: "30",
        help: "fewest words of prose that make the document more than a stub",
    }],
    requires: &[],
    keywords: &["README", "documentation"],
};

#[async_trait::async_trait]
impl Check for Readme {
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
