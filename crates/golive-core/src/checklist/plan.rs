//! A run from a checklist: the bound checks with the items' parameters, manual items as
//! `manual` results, and the per-item aggregation `--write` needs.

use super::binder::{Decision, ItemBinding};
use super::write::ItemWrite;
use super::{Checklist, Item};
use crate::engine::PlannedCheck;
use crate::model::{Category, CheckResult, ItemRef, Severity, Status};
use crate::params::{ParamValue, Params};
use crate::report::{SignoffState, SignoffStatus};
use std::collections::BTreeMap;

pub fn item_ref(item: &Item, source: &str) -> ItemRef {
    ItemRef {
        text: item.text.clone(),
        source: source.to_string(),
        line: item.line,
    }
}

/// The category a manual item is reported under, from its section's words.
pub fn category_for(item: &Item) -> Category {
    let words: Vec<String> = item
        .section
        .iter()
        .rev()
        .flat_map(|s| super::features::words(s))
        .collect();
    for w in &words {
        if let Some(c) = Category::parse(w) {
            return c;
        }
        let c = match w.as_str() {
            "monitoring" | "alerting" | "logging" | "tracing" | "metric" | "observability"
            | "log" => Category::Observability,
            "ssl" | "tls" | "network" | "dns" | "domain" | "firewall" => Category::Network,
            "recovery" | "disaster" | "rollback" => Category::Backup,
            "test" | "testing" | "smoke" | "qa" => Category::Testing,
            "runbook" | "doc" | "docs" => Category::Documentation,
            "load" | "latency" | "benchmark" | "resource" | "caching" => Category::Performance,
            "redis" => Category::Cache,
            "migration" | "postgresql" | "postgres" | "mysql" => Category::Database,
            "vault" | "openbao" | "credential" => Category::Secrets,
            "s3" | "minio" | "object" | "upload" => Category::Storage,
            "auth" | "authentication" | "authorization" | "vulnerability" | "penetration" => {
                Category::Security
            }
            "config" | "environment" | "variable" | "setting" => Category::Configuration,
            _ => continue,
        };
        return c;
    }
    Category::Deployment
}

/// Expands the base plan (golive.toml parameters, disabled checks, selection already applied)
/// into one planned check per (item, bound check), with the item's parameters on top.
/// Bound checks missing from the base plan, and manual items, come back as results.
pub fn plan_checklist(
    base: &[PlannedCheck],
    cl: &Checklist,
    bindings: &[ItemBinding],
    source: &str,
) -> (Vec<PlannedCheck>, Vec<CheckResult>) {
    let mut planned = Vec::new();
    let mut results = Vec::new();
    for (item, b) in cl.items.iter().zip(bindings) {
        let iref = item_ref(item, source);
        match &b.decision {
            Decision::Group => {}
            Decision::Manual(reason) => results.push(CheckResult {
                check: None,
                slug: None,
                category: category_for(item),
                severity: Severity::Medium,
                status: Status::Manual,
                message: if item.checked {
                    format!("ticked by hand in the checklist; {reason}")
                } else {
                    format!("awaits a person: {reason}")
                },
                item: Some(iref),
                locations: Vec::new(),
                evidence: Vec::new(),
                fix: None,
                duration_ms: 0,
            }),
            Decision::Bound(bound) => {
                for bd in bound {
                    let meta = bd.check.meta();
                    let Some(basep) = base.iter().find(|p| p.check.meta().code == meta.code) else {
                        results.push(CheckResult {
                            check: Some(meta.code.to_string()),
                            slug: Some(meta.slug.to_string()),
                            category: meta.category,
                            severity: meta.severity,
                            status: Status::Skipped,
                            message: "not run: disabled in golive.toml or not selected".into(),
                            item: Some(iref.clone()),
                            locations: Vec::new(),
                            evidence: Vec::new(),
                            fix: None,
                            duration_ms: 0,
                        });
                        continue;
                    };
                    let mut merged: BTreeMap<String, ParamValue> = basep
                        .params
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect();
                    merged.extend(bd.params.clone());
                    let params = Params::resolve(meta.params, &merged)
                        .unwrap_or_else(|_| basep.params.clone());
                    planned.push(PlannedCheck {
                        check: bd.check,
                        params,
                        item: Some(iref.clone()),
                    });
                }
            }
        }
    }
    // A sign-off table's roles await their sign-off like manual items.
    for role in &cl.signoffs {
        results.push(CheckResult {
            check: None,
            slug: None,
            category: Category::Deployment,
            severity: Severity::Medium,
            status: Status::Manual,
            message: match &role.name {
                Some(n) => format!("sign-off by {} ({n}) awaits", role.role),
                None => format!("sign-off by {} awaits", role.role),
            },
            item: Some(ItemRef {
                text: format!("{SIGNOFF_PREFIX}{}", role.role),
                source: source.to_string(),
                line: role.line,
            }),
            locations: Vec::new(),
            evidence: Vec::new(),
            fix: None,
            duration_ms: 0,
        });
    }
    (planned, results)
}

/// How a sign-off table row is named among the results (its role follows).
const SIGNOFF_PREFIX: &str = "Sign-off: ";

/// The checklist's sign-off rows with what the history store holds: a role signed for this
/// environment and commit passes; a sign-off for another commit stays manual and says it is
/// stale, because the code changed since the person looked.
pub fn apply_signoffs(results: &mut [CheckResult], signoffs: &[SignoffStatus]) {
    for r in results
        .iter_mut()
        .filter(|r| r.check.is_none() && r.status == Status::Manual)
    {
        let Some(role) = r
            .item
            .as_ref()
            .and_then(|i| i.text.strip_prefix(SIGNOFF_PREFIX))
        else {
            continue;
        };
        let Some(s) = signoffs
            .iter()
            .find(|s| s.role.eq_ignore_ascii_case(role.trim()))
        else {
            continue;
        };
        let by = s.by.as_deref().unwrap_or("?");
        let at = s.at.as_deref().unwrap_or("?");
        match s.state {
            SignoffState::Signed => {
                r.status = Status::Pass;
                r.message = format!("signed off by {by} on {at}");
            }
            SignoffState::Stale => {
                r.message = format!(
                    "sign-off by {by} on {at} is stale: given for commit {}, the code changed since",
                    s.commit.as_deref().unwrap_or("?")
                );
            }
            SignoffState::Missing => continue,
        }
        if let Some(c) = &s.commit {
            r.evidence.push(format!("signed at commit {c}"));
        }
        if let Some(n) = &s.note {
            r.evidence.push(format!("note: {n}"));
        }
    }
}

/// Per item: the box and comment `--write` sets, from the run's results. `[x]` only when every
/// bound check passed; manual items keep their box (a person ticks them) and get no comment.
pub fn item_writes(
    cl: &Checklist,
    bindings: &[ItemBinding],
    results: &[CheckResult],
) -> Vec<ItemWrite> {
    cl.items
        .iter()
        .zip(bindings)
        .map(|(item, b)| {
            if !matches!(b.decision, Decision::Bound(_)) {
                return ItemWrite::default();
            }
            let mine: Vec<&CheckResult> = results
                .iter()
                .filter(|r| r.item.as_ref().is_some_and(|i| i.line == item.line))
                .collect();
            if mine.is_empty() {
                return ItemWrite::default();
            }
            let all_pass = mine.iter().all(|r| r.status == Status::Pass);
            let worst = mine.iter().map(|r| r.status).min().unwrap_or(Status::Error);
            let codes: Vec<&str> = mine.iter().filter_map(|r| r.check.as_deref()).collect();
            let shown = mine.iter().find(|r| r.status == worst).copied();
            let mut msg = shown.map(|r| r.message.clone()).unwrap_or_default();
            if let Some(loc) = shown.and_then(|r| r.locations.first()) {
                msg.push_str(&format!(" ({loc})"));
            }
            ItemWrite {
                checked: Some(all_pass),
                comment: Some(format!("{worst} {} · {msg}", codes.join(","))),
            }
        })
        .collect()
}
