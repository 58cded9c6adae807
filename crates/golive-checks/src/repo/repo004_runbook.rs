use super::doc_search::{DocQuery, search};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::RepoDocs;

pub struct Runbook;

static QUERY: DocQuery = DocQuery {
    path_words: &["runbook", "playbook", "on-call", "oncall", "incident"],
    heading_words: &[
        "runbook",
        "rollback",
        "incident response",
        "on-call",
        "troubleshooting",
    ],
    noun: "runbook",
    fix: "write docs/RUNBOOK.md: how to deploy, roll back, restart, and what to do for each alert",
};

static META: CheckMeta = CheckMeta {
    code: "REPO004",
    slug: "repo-runbook",
    category: Category::Documentation,
    severity: Severity::Medium,
    summary: "A runbook exists and says how to deploy, roll back and respond to incidents",
    doc: CheckDoc {
        what: "Looks for a runbook: a document whose path mentions runbook, playbook, on-call or incident, or a section titled Runbook, Rollback, Incident response, On-call or Troubleshooting, with at least `min_words` words of prose (default 80). Stubs fail and are located.",
        why: "Every seed checklist asks for it: 'Runbook documented for rollback and incident response'. During an incident nobody reconstructs the rollback command from memory; a stub runbook is discovered to be one exactly then.",
        fix: "write docs/RUNBOOK.md: how to deploy, roll back, restart, and what to do for each alert",
        example: "```\ndocs/RUNBOOK.md\n## Rollback\nkubectl rollout undo deploy/api; check /health; ...\n```",
    },
    params: &[ParamSpec {
        name: "min_words",
        kind: ParamKind::Int,
        default: "80",
        help: "fewest words of prose that make the document more than a stub",
    }],
    requires: &[],
    keywords: &[
        "runbook",
        "rollback",
        "incident response",
        "on-call",
        "runbooks present",
    ],
};

#[async_trait::async_trait]
impl Check for Runbook {
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
