use super::{answered, pg};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct WalArchiving;

static META: CheckMeta = CheckMeta {
    code: "PG006",
    slug: "postgres-wal-archiving",
    category: Category::Backup,
    severity: Severity::High,
    summary: "WAL archiving is on and a segment was archived successfully recently",
    doc: CheckDoc {
        what: "Reads `archive_mode`, whether `archive_command` or `archive_library` is set (its \
value is never shown: it can hold credentials), and `pg_stat_archiver`. Fails when archiving is \
off, when nothing was ever archived, when the last successful archive is older than \
`max_age_minutes`, or when the last attempt failed after the last success.",
        why: "Point-in-time recovery needs an unbroken WAL archive. A failing `archive_command` \
also makes WAL pile up in `pg_wal` until the disk is full and the server stops.",
        fix: "Set `archive_mode = on` (restart) and an `archive_command` (or pgBackRest / WAL-G), \
set `archive_timeout` so an idle server still archives, and watch the server log for archive \
failures.",
        example: "`archive_mode -> off` fails. `archive_mode -> on`, `pg_stat_archiver: archived_count=12, \
last archived 40s ago, failed_count=0` passes.",
    },
    params: &[ParamSpec {
        name: "max_age_minutes",
        kind: ParamKind::Int,
        default: "1440",
        help: "the oldest acceptable last successful archive, in minutes",
    }],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "WAL archiving",
        "archive_mode",
        "archive_command",
        "point-in-time recovery",
        "PITR",
        "pg_stat_archiver",
    ],
};

fn age(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
}

#[async_trait::async_trait]
impl Check for WalArchiving {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let a = match answered(&facts.archiver, "archive settings and pg_stat_archiver") {
            Ok(a) => a,
            Err(o) => return o,
        };
        let mut evidence = vec![
            format!("SHOW archive_mode -> {}", a.archive_mode),
            format!(
                "archive_command/archive_library -> {}",
                if a.archive_configured {
                    "set"
                } else {
                    "not set"
                }
            ),
            format!(
                "pg_stat_archiver -> archived_count={} last_archived_wal={} last_archived={} failed_count={} last_failed_wal={}",
                a.archived_count,
                a.last_archived_wal.as_deref().unwrap_or("-"),
                a.last_archived_age_secs
                    .map(|s| format!("{} ago", age(s)))
                    .unwrap_or_else(|| "never".into()),
                a.failed_count,
                a.last_failed_wal.as_deref().unwrap_or("-"),
            ),
        ];
        let fix = "set archive_mode = on and an archive_command (or pgBackRest/WAL-G), with archive_timeout so idle servers archive too";
        if a.archive_mode == "off" {
            return Outcome::fail("WAL archiving is off (archive_mode = off)")
                .with_evidence(evidence)
                .fix(fix);
        }
        if !a.archive_configured {
            return Outcome::fail(format!(
                "archive_mode is {} but neither archive_command nor archive_library is set",
                a.archive_mode
            ))
            .with_evidence(evidence)
            .fix(fix);
        }
        let Some(last_ok) = a.last_archived_age_secs else {
            return Outcome::fail("WAL archiving is on but no segment has been archived successfully yet")
                .with_evidence(evidence)
                .fix("check the archive_command in the server log; force a segment with SELECT pg_switch_wal()");
        };
        if let Some(last_fail) = a.last_failed_age_secs
            && last_fail < last_ok
        {
            return Outcome::fail(format!(
                "the last archive attempt failed ({} ago, WAL {}) after the last success {} ago",
                age(last_fail),
                a.last_failed_wal.as_deref().unwrap_or("?"),
                age(last_ok)
            ))
            .with_evidence(evidence)
            .fix("read the archive_command error in the server log and fix the archive target");
        }
        let max = cx.params.int("max_age_minutes").max(1) * 60;
        if last_ok > max {
            evidence.push(format!("max_age_minutes -> {}", max / 60));
            return Outcome::fail(format!(
                "the last successful archive was {} ago, longer than {} minutes",
                age(last_ok),
                max / 60
            ))
            .with_evidence(evidence)
            .fix("set archive_timeout (e.g. 300) and check the archiver in the server log");
        }
        Outcome::pass(format!(
            "archiving is on; last successful archive {} ago",
            age(last_ok)
        ))
        .with_evidence(evidence)
    }
}
