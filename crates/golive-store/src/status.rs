//! Pure functions that turn what the store holds into what a run shows: the sign-off table
//! for the current environment and commit, the waivers that apply today, attested items.

use crate::{Attestation, Signoff, StoredWaiver};
use golive_core::config::{Waiver, WaiverPolicy};
use golive_core::model::{CheckResult, Severity, Status};
use golive_core::report::{SignoffState, SignoffStatus, WaiverState, WaiverStatus};

fn same_commit(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(str::trim) == b.map(str::trim)
}

/// The sign-off table: every required role (signed for this commit, stale, or missing), then
/// any other role that signed for this commit. `signoffs` are those of the environment.
pub fn signoff_table(
    required: &[String],
    signoffs: &[Signoff],
    commit: Option<&str>,
) -> Vec<SignoffStatus> {
    let row = |s: &Signoff, required: bool, state: SignoffState| SignoffStatus {
        role: s.role.clone(),
        required,
        state,
        by: Some(s.by.clone()),
        note: s.note.clone(),
        at: Some(s.signed_at.clone()),
        commit: s.git_commit.clone(),
    };
    let mut table = Vec::new();
    for role in required {
        let of_role: Vec<&Signoff> = signoffs
            .iter()
            .filter(|s| s.role.eq_ignore_ascii_case(role))
            .collect();
        let current = of_role
            .iter()
            .rev()
            .find(|s| same_commit(s.git_commit.as_deref(), commit));
        table.push(match (current, of_role.last()) {
            (Some(s), _) => row(s, true, SignoffState::Signed),
            (None, Some(s)) => row(s, true, SignoffState::Stale),
            (None, None) => missing(role, None),
        });
    }
    let mut extra: Vec<&Signoff> = signoffs
        .iter()
        .rev()
        .filter(|s| same_commit(s.git_commit.as_deref(), commit))
        .filter(|s| !required.iter().any(|r| r.eq_ignore_ascii_case(&s.role)))
        .collect();
    extra.dedup_by(|a, b| a.role.eq_ignore_ascii_case(&b.role));
    let mut seen: Vec<String> = Vec::new();
    for s in extra {
        if seen.iter().any(|r| r.eq_ignore_ascii_case(&s.role)) {
            continue;
        }
        seen.push(s.role.clone());
        table.push(row(s, false, SignoffState::Signed));
    }
    table
}

/// A required role whose sign-off could not be read counts as missing: never a false pass.
pub fn missing(role: &str, why: Option<&str>) -> SignoffStatus {
    SignoffStatus {
        role: role.to_string(),
        required: true,
        state: SignoffState::Missing,
        by: None,
        note: why.map(str::to_string),
        at: None,
        commit: None,
    }
}

/// The waivers of a run: those golive.toml lists and those recorded with `golive waive` for
/// this environment (or every environment). Returns what the engine applies to checks (code
/// waivers the policy allows), and the table every report shows. `severity_of` gives a
/// check's severity by code, `None` when the target is not a check (an item's text).
pub fn waivers_for_run(
    config: &[Waiver],
    stored: &[StoredWaiver],
    environment: Option<&str>,
    policy: &WaiverPolicy,
    severity_of: &dyn Fn(&str) -> Option<Severity>,
    today: jiff::civil::Date,
) -> (Vec<Waiver>, Vec<WaiverStatus>) {
    let mut all: Vec<(Waiver, String)> = config
        .iter()
        .map(|w| (w.clone(), format!("golive.toml:{}", w.line)))
        .collect();
    for w in stored {
        if w.environment.is_some() && w.environment.as_deref() != environment {
            continue;
        }
        let Ok(until) = w.until.parse::<jiff::civil::Date>() else {
            continue;
        };
        all.push((
            Waiver {
                check: w.target.clone(),
                reason: w.reason.clone(),
                until,
                by: w.by.clone(),
                line: 0,
            },
            format!("store #{}", w.id),
        ));
    }
    let mut applied = Vec::new();
    let mut table = Vec::new();
    for (w, source) in all {
        let is_check = severity_of(&w.check.to_ascii_uppercase());
        let state = if is_check.is_some_and(|s| !policy.allows(s)) {
            WaiverState::Forbidden
        } else if w.until < today {
            WaiverState::Expired
        } else {
            WaiverState::Active
        };
        table.push(WaiverStatus {
            target: w.check.clone(),
            reason: w.reason.clone(),
            until: w.until.to_string(),
            by: w.by.clone(),
            source,
            state,
        });
        // Expired code waivers still go to the engine: it reports them on the result.
        if is_check.is_some() && state != WaiverState::Forbidden {
            applied.push(Waiver {
                check: w.check.to_ascii_uppercase(),
                ..w
            });
        }
    }
    (applied, table)
}

fn same_item(r: &CheckResult, target: &str) -> bool {
    r.item
        .as_ref()
        .is_some_and(|i| i.text.trim().eq_ignore_ascii_case(target.trim()))
}

/// Applies waivers whose target is a checklist item's text to the results of that item
/// (manual or checked), as the engine does for codes: the finding is kept as evidence.
pub fn apply_item_waivers(
    results: &mut [CheckResult],
    table: &[WaiverStatus],
    policy: &WaiverPolicy,
) {
    for r in results.iter_mut() {
        if !matches!(
            r.status,
            Status::Fail | Status::Warn | Status::Error | Status::Manual
        ) {
            continue;
        }
        let Some(w) = table
            .iter()
            .filter(|w| w.state == WaiverState::Active && same_item(r, &w.target))
            .max_by(|a, b| a.until.cmp(&b.until))
        else {
            continue;
        };
        if !policy.allows(r.severity) {
            r.evidence.push(format!(
                "waiver by {} refused: golive.toml forbids waivers at {} severity",
                w.by, r.severity
            ));
            continue;
        }
        r.evidence
            .insert(0, format!("was {}: {}", r.status, r.message));
        r.status = Status::Waived;
        r.message = format!("waived by {} until {}: {}", w.by, w.until, w.reason);
    }
}

/// Notes on each result of a check whose waiver the policy refused, so the refusal is visible
/// where the failure is.
pub fn note_refused_waivers(results: &mut [CheckResult], table: &[WaiverStatus]) {
    for w in table.iter().filter(|w| w.state == WaiverState::Forbidden) {
        for r in results.iter_mut().filter(|r| {
            r.check
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(&w.target))
        }) {
            r.evidence.push(format!(
                "waiver by {} ({}) refused: golive.toml forbids waivers at {} severity",
                w.by, w.source, r.severity
            ));
        }
    }
}

/// A manual item attested by a person passes, with the attestation as its evidence.
/// `attestations` are those of the run's environment.
pub fn apply_attestations(results: &mut [CheckResult], attestations: &[Attestation]) {
    for r in results.iter_mut().filter(|r| r.status == Status::Manual) {
        let Some(a) = attestations.iter().rev().find(|a| same_item(r, &a.item)) else {
            continue;
        };
        r.status = Status::Pass;
        r.message = format!("attested by {} on {}", a.by, a.attested_at);
        r.evidence.push(format!("attestation: {}", a.evidence));
        if let Some(c) = &a.git_commit {
            r.evidence.push(format!("attested at commit {c}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn so(id: i64, role: &str, commit: &str) -> Signoff {
        Signoff {
            id,
            role: role.into(),
            by: format!("p{id}"),
            note: None,
            environment: Some("prod".into()),
            git_commit: Some(commit.into()),
            signed_at: "2026-11-22T00:00:00Z".into(),
        }
    }

    #[test]
    fn signoffs_go_stale_when_the_commit_changes() {
        let roles = vec!["security".to_string(), "ops".to_string()];
        let given = vec![
            so(1, "security", "aaa"),
            so(2, "Security", "bbb"),
            so(3, "qa", "bbb"),
        ];
        let t = signoff_table(&roles, &given, Some("bbb"));
        assert_eq!(t[0].state, SignoffState::Signed);
        assert_eq!(t[0].by.as_deref(), Some("p2"));
        assert_eq!(t[1].state, SignoffState::Missing);
        assert_eq!(t[2].role, "qa");
        assert!(!t[2].required);
        let t = signoff_table(&roles, &given, Some("ccc"));
        assert_eq!(t[0].state, SignoffState::Stale);
        assert_eq!(t.len(), 2);
    }

    fn manual(text: &str, severity: Severity) -> CheckResult {
        CheckResult {
            check: None,
            slug: None,
            category: golive_core::Category::Documentation,
            severity,
            status: Status::Manual,
            message: "awaits sign-off".into(),
            item: Some(golive_core::model::ItemRef {
                text: text.into(),
                source: "CHECKLIST.md".into(),
                line: 3,
            }),
            locations: vec![],
            evidence: vec![],
            fix: None,
            duration_ms: 0,
        }
    }

    #[test]
    fn attestations_pass_manual_items_and_item_waivers_apply() {
        let mut results = vec![
            manual("On-call rotation established", Severity::Medium),
            manual("Rollback plan documented", Severity::High),
            manual("Pen test done", Severity::Critical),
            manual("Untouched", Severity::Low),
        ];
        let at = Attestation {
            id: 1,
            item: "on-call rotation ESTABLISHED ".into(),
            by: "carol".into(),
            evidence: "https://wiki/oncall".into(),
            environment: None,
            git_commit: Some("abc".into()),
            attested_at: "2026-11-22T00:00:00Z".into(),
        };
        apply_attestations(&mut results, &[at]);
        assert_eq!(results[0].status, Status::Pass);
        assert!(results[0].evidence[0].contains("https://wiki/oncall"));
        let table = ["Rollback plan documented", "Pen test done"]
            .iter()
            .map(|t| WaiverStatus {
                target: t.to_string(),
                reason: "later".into(),
                until: "2099-01-01".into(),
                by: "bob".into(),
                source: "store #1".into(),
                state: WaiverState::Active,
            })
            .collect::<Vec<_>>();
        let policy = WaiverPolicy {
            forbid_at: Some(Severity::Critical),
        };
        apply_item_waivers(&mut results, &table, &policy);
        assert_eq!(results[1].status, Status::Waived);
        assert_eq!(results[1].evidence[0], "was manual: awaits sign-off");
        assert_eq!(results[2].status, Status::Manual, "critical: refused");
        assert!(results[2].evidence[0].contains("refused"));
        assert_eq!(results[3].status, Status::Manual);
    }

    #[test]
    fn waivers_expire_and_obey_the_policy() {
        let today: jiff::civil::Date = "2026-11-22".parse().unwrap();
        let stored = |id, target: &str, until: &str, env: Option<&str>| StoredWaiver {
            id,
            target: target.into(),
            reason: "r".into(),
            until: until.into(),
            by: "bob".into(),
            environment: env.map(Into::into),
            created_at: "x".into(),
        };
        let ws = vec![
            stored(1, "http007", "2026-12-01", None),
            stored(2, "ENV003", "2026-11-01", Some("prod")),
            stored(3, "SEC001", "2027-01-01", None),
            stored(4, "ENV004", "2027-01-01", Some("staging")),
            stored(5, "On-call rotation", "2027-01-01", None),
        ];
        let policy = WaiverPolicy {
            forbid_at: Some(Severity::Critical),
        };
        let sev = |c: &str| match c {
            "HTTP007" | "ENV003" | "ENV004" => Some(Severity::High),
            "SEC001" => Some(Severity::Critical),
            _ => None,
        };
        let (applied, table) = waivers_for_run(&[], &ws, Some("prod"), &policy, &sev, today);
        let states: Vec<_> = table.iter().map(|w| (w.target.as_str(), w.state)).collect();
        assert_eq!(
            states,
            [
                ("http007", WaiverState::Active),
                ("ENV003", WaiverState::Expired),
                ("SEC001", WaiverState::Forbidden),
                ("On-call rotation", WaiverState::Active),
            ]
        );
        let codes: Vec<_> = applied.iter().map(|w| w.check.as_str()).collect();
        assert_eq!(codes, ["HTTP007", "ENV003"]);
    }
}
