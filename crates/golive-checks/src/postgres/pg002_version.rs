use super::{answered, pg};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct Version;

static META: CheckMeta = CheckMeta {
    code: "PG002",
    slug: "postgres-version",
    category: Category::Database,
    severity: Severity::High,
    summary: "PostgreSQL server version is at least the configured minimum",
    doc: CheckDoc {
        what: "Reads `server_version_num` and compares it with `min_version` (a major version \
such as `15`, or `major.minor` such as `15.4`).",
        why: "Old majors lose security fixes (each major is supported for five years) and the \
application may rely on features of a newer one (`MERGE`, `NULLS NOT DISTINCT`, logical \
replication improvements).",
        fix: "Upgrade the server with `pg_upgrade` or a dump and restore, or lower `min_version` \
if the application supports the older major.",
        example: "```toml\n[checks.PG002]\nmin_version = \"15\"\n```\n\n`SHOW server_version_num -> 140011` fails with min_version 15.",
    },
    params: &[ParamSpec {
        name: "min_version",
        kind: ParamKind::Str,
        default: "14",
        help: "the lowest acceptable server version, `major` or `major.minor`",
    }],
    requires: &[Input::DatabaseUrl],
    keywords: &[
        "postgresql version",
        "postgres 15",
        "PostgreSQL 15+",
        "server_version",
    ],
};

/// `"15"` or `"15.4"` as a `server_version_num` (150000, 150004); `None` when malformed.
pub fn min_version_num(s: &str) -> Option<i64> {
    let mut parts = s.trim().split('.');
    let major: i64 = parts.next()?.parse().ok()?;
    let minor: i64 = match parts.next() {
        Some(m) => m.parse().ok()?,
        None => 0,
    };
    if major < 10 {
        // 9.6 style: major.minor.patch is 90600 + patch.
        return Some(major * 10000 + minor * 100);
    }
    Some(major * 10000 + minor)
}

#[async_trait::async_trait]
impl Check for Version {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let facts = match pg(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let min_text = cx.params.str("min_version");
        let Some(min) = min_version_num(min_text) else {
            return Outcome::error(format!(
                "min_version {min_text:?} is not a version like 15 or 15.4"
            ));
        };
        let num = match answered(&facts.version_num, "server_version_num") {
            Ok(n) => *n,
            Err(o) => return o,
        };
        let shown = facts.version.clone().unwrap_or_else(|_| num.to_string());
        let evidence = format!("SHOW server_version_num -> {num} ({shown})");
        if num >= min {
            Outcome::pass(format!("PostgreSQL {shown} is at least {min_text}")).evidence(evidence)
        } else {
            Outcome::fail(format!(
                "PostgreSQL {shown} is older than the required {min_text}"
            ))
            .evidence(evidence)
            .fix(format!(
                "upgrade the server to PostgreSQL {min_text} or later"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions() {
        assert_eq!(super::min_version_num("15"), Some(150000));
        assert_eq!(super::min_version_num("15.4"), Some(150004));
        assert_eq!(super::min_version_num("9.6"), Some(90600));
        assert_eq!(super::min_version_num("x"), None);
    }
}
