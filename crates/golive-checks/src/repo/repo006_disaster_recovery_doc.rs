use super::doc_search::{DocQuery, search};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::RepoDocs;

pub struct DisasterRecoveryDoc;

static QUERY: DocQuery = DocQuery {
    path_words: &[
        "disaster",
        "recovery",
        "backup",
        "restore",
        "business-continuity",
        "dr-plan",
        "dr.md",
    ],
    heading_words: &["disaster recovery", "backup", "restore", "recovery"],
    noun: "disaster-recovery plan",
    fix: "write docs/DISASTER_RECOVERY.md: what is backed up, how often, where, RPO/RTO, and the restore procedure with its last drill date",
};

static META: CheckMeta = CheckMeta {
    code: "REPO006",
    slug: "repo-disaster-recovery-doc",
    category: Category::Backup,
    severity: Severity::Medium,
    summary: "A disaster-recovery document states backups, RPO/RTO and the restore procedure",
    doc: CheckDoc {
        what: "Looks for a disaster-recovery or backup-and-restore document (path mentions disaster, recovery, backup, restore, business-continuity or DR plan; or a section titled Disaster recovery / Backup / Restore) with at least `min_words` words (default 80).",
        why: "Backups that nobody has restored are hopes. The seeds ask for backup schedules, restore procedures and recovery objectives; without them a lost database is a lost business.",
        fix: "write docs/DISASTER_RECOVERY.md: what is backed up, how often, where, RPO/RTO, and the restore procedure with its last drill date",
        example: "```\ndocs/DISASTER_RECOVERY.md\nRPO 15 min (WAL archiving), RTO 1 h. Restore: pgbackrest restore ...; last drill 2026-10-02.\n```",
    },
    params: &[ParamSpec {
        name: "min_words",
        kind: ParamKind::Int,
        default: "80",
        help: "fewest words of prose that make the document more than a stub",
    }],
    requires: &[],
    keywords: &[
        "disaster recovery",
        "backup",
        "restore",
        "restore procedure",
    ],
};

#[async_trait::async_trait]
impl Check for DisasterRecoveryDoc {
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
