//! Plans and runs checks: selection, parameters, required inputs, concurrency, per-check
//! timeouts, the whole-run deadline, and waivers.

use crate::check::{Check, CheckCx};
use crate::config::{Config, InputError, Waiver, unknown_name_message};
use crate::facts::Facts;
use crate::inputs::InputValue;
use crate::model::{CheckResult, ItemRef, Outcome, Status};
use crate::params::{ParamValue, Params};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One check to run, with its resolved parameters and the checklist item it answers.
#[derive(Clone)]
pub struct PlannedCheck {
    pub check: &'static dyn Check,
    pub params: Params,
    pub item: Option<ItemRef>,
}

/// `--only` / `--skip`: codes (`ENV003`), slugs (`env-debug-off`) or families (`ENV`).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub only: Vec<String>,
    pub skip: Vec<String>,
}

fn matches_selector(check: &dyn Check, selector: &str) -> bool {
    let m = check.meta();
    let s = selector.trim();
    m.code.eq_ignore_ascii_case(s)
        || m.slug.eq_ignore_ascii_case(s)
        || (s.chars().all(|c| c.is_ascii_alphabetic())
            && m.code.len() > s.len()
            && m.code[..s.len()].eq_ignore_ascii_case(s)
            && m.code[s.len()..].chars().all(|c| c.is_ascii_digit()))
}

fn validate_selector(registry: &[&'static dyn Check], selector: &str) -> Result<(), String> {
    if registry.iter().any(|c| matches_selector(*c, selector)) {
        return Ok(());
    }
    let codes: Vec<&str> = registry.iter().map(|c| c.meta().code).collect();
    Err(unknown_name_message("check", selector, &codes))
}

/// Builds the plan from the registry, golive.toml and the selection, validating every code
/// and parameter the config names.
pub fn plan(
    registry: &[&'static dyn Check],
    config: &Config,
    selection: &Selection,
) -> Result<Vec<PlannedCheck>, PlanError> {
    let file = config.file_label();
    let codes: Vec<&str> = registry.iter().map(|c| c.meta().code).collect();
    let find = |code: &str| registry.iter().find(|c| c.meta().code == code).copied();

    for d in &config.disable {
        if find(&d.code).is_none() {
            return Err(PlanError::Config(InputError {
                file: file.clone(),
                line: Some(d.line),
                message: format!(
                    "disable: {}",
                    unknown_name_message("check", &d.code, &codes)
                ),
            }));
        }
    }
    for w in &config.waivers {
        if find(&w.check).is_none() {
            return Err(PlanError::Config(InputError {
                file: file.clone(),
                line: Some(w.line),
                message: format!(
                    "waiver: {}",
                    unknown_name_message("check", &w.check, &codes)
                ),
            }));
        }
    }
    let mut overrides: BTreeMap<&str, BTreeMap<String, ParamValue>> = BTreeMap::new();
    for (code, params) in &config.check_params {
        let Some(check) = find(&code.code) else {
            return Err(PlanError::Config(InputError {
                file: file.clone(),
                line: Some(code.line),
                message: format!(
                    "[checks.{}]: {}",
                    code.code,
                    unknown_name_message("check", &code.code, &codes)
                ),
            }));
        };
        let meta = check.meta();
        let entry = overrides.entry(meta.code).or_default();
        for (name, line, value) in params {
            let spec = meta.params.iter().find(|p| p.name == name);
            let parsed = match spec {
                Some(spec) => ParamValue::from_toml(spec.kind, value),
                // Let Params::resolve produce the did-you-mean.
                None => Ok(ParamValue::Str(value.to_string())),
            };
            let parsed = parsed.map_err(|e| {
                PlanError::Config(InputError {
                    file: file.clone(),
                    line: Some(*line),
                    message: format!("[checks.{}] {name}: {e}", meta.code),
                })
            })?;
            entry.insert(name.clone(), parsed);
            Params::resolve(meta.params, entry).map_err(|e| {
                PlanError::Config(InputError {
                    file: file.clone(),
                    line: Some(*line),
                    message: format!("[checks.{}]: {e}", meta.code),
                })
            })?;
        }
    }
    for s in selection.only.iter().chain(&selection.skip) {
        validate_selector(registry, s).map_err(PlanError::Usage)?;
    }

    let empty = BTreeMap::new();
    let mut planned = Vec::new();
    for check in registry {
        let meta = check.meta();
        if config.disable.iter().any(|d| d.code == meta.code) {
            continue;
        }
        if !selection.only.is_empty() && !selection.only.iter().any(|s| matches_selector(*check, s))
        {
            continue;
        }
        if selection.skip.iter().any(|s| matches_selector(*check, s)) {
            continue;
        }
        let params = Params::resolve(meta.params, overrides.get(meta.code).unwrap_or(&empty))
            .map_err(|e| PlanError::Usage(format!("{}: {e}", meta.code)))?;
        planned.push(PlannedCheck {
            check: *check,
            params,
            item: None,
        });
    }
    Ok(planned)
}

#[derive(Debug, Clone)]
pub enum PlanError {
    /// An error in golive.toml, at a line.
    Config(InputError),
    /// A bad flag value.
    Usage(String),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(e) => e.fmt(f),
            Self::Usage(m) => f.write_str(m),
        }
    }
}

/// Bounds of a run.
#[derive(Debug, Clone)]
pub struct Limits {
    pub check_timeout: Duration,
    pub deadline: Duration,
    pub concurrency: usize,
}

impl Limits {
    pub fn from_config(c: &Config) -> Self {
        Self {
            check_timeout: Duration::from_secs(c.run.check_timeout_secs.max(1)),
            deadline: Duration::from_secs(c.run.deadline_secs.max(1)),
            concurrency: c.run.concurrency.max(1),
        }
    }
}

/// Runs the plan. Results come back in plan order; `on_result` sees each as it finishes
/// (for progress display).
pub async fn run(
    plan: Vec<PlannedCheck>,
    facts: Arc<Facts>,
    limits: &Limits,
    waivers: &[Waiver],
    today: jiff::civil::Date,
    on_result: &(dyn Fn(&CheckResult) + Send + Sync),
) -> Vec<CheckResult> {
    let run_deadline = tokio::time::Instant::now() + limits.deadline;
    let limits = limits.clone();
    let mut results: Vec<(usize, CheckResult)> =
        futures::stream::iter(plan.into_iter().enumerate())
            .map(|(idx, planned)| {
                let facts = facts.clone();
                let limits = limits.clone();
                async move {
                    let started = Instant::now();
                    let outcome = run_one(&planned, &facts, &limits, run_deadline).await;
                    let outcome = apply_waivers(planned.check.meta().code, outcome, waivers, today);
                    let meta = planned.check.meta();
                    let result = CheckResult {
                        check: Some(meta.code.to_string()),
                        slug: Some(meta.slug.to_string()),
                        category: meta.category,
                        severity: meta.severity,
                        status: outcome.status,
                        message: outcome.message,
                        item: planned.item.clone(),
                        locations: outcome.locations,
                        evidence: outcome.evidence,
                        fix: outcome.fix,
                        duration_ms: started.elapsed().as_millis() as u64,
                    };
                    on_result(&result);
                    (idx, result)
                }
            })
            .buffer_unordered(limits.concurrency)
            .collect()
            .await;
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

async fn run_one(
    planned: &PlannedCheck,
    facts: &Facts,
    limits: &Limits,
    run_deadline: tokio::time::Instant,
) -> Outcome {
    let meta = planned.check.meta();
    let env = facts.env();
    for input in meta.requires {
        match env.inputs.get(input) {
            Some(InputValue::Set(_)) => {}
            Some(InputValue::Unresolved(reason)) => {
                return Outcome::error(format!("cannot run: {reason}"));
            }
            None => {
                return Outcome::skipped(match &env.environment {
                    Some(name) => format!("needs {input}, which environment {name} does not set"),
                    None => {
                        format!("needs {input}: no environment selected (set one in golive.toml)")
                    }
                });
            }
        }
    }
    let now = tokio::time::Instant::now();
    if now >= run_deadline {
        return Outcome::error(format!(
            "not run: the whole-run deadline of {}s was reached",
            limits.deadline.as_secs()
        ));
    }
    let check_deadline = (now + limits.check_timeout).min(run_deadline);
    let cx = CheckCx {
        facts,
        params: &planned.params,
    };
    // Checks are pure but may wait on collectors that do blocking work; spawn keeps one slow
    // check from starving the others, and a panic becomes an error instead of killing the run.
    match tokio::time::timeout_at(check_deadline, planned.check.run(&cx)).await {
        Ok(outcome) => outcome,
        Err(_) if check_deadline == run_deadline && check_deadline < now + limits.check_timeout => {
            Outcome::error(format!(
                "timed out: the whole-run deadline of {}s was reached",
                limits.deadline.as_secs()
            ))
        }
        Err(_) => Outcome::error(format!(
            "timed out after {}s (the per-check timeout)",
            limits.check_timeout.as_secs()
        )),
    }
}

/// A waiver turns a fail, warn or error of its check into `waived`, keeping what was found.
/// An expired waiver applies no more and says so.
pub fn apply_waivers(
    code: &str,
    mut outcome: Outcome,
    waivers: &[Waiver],
    today: jiff::civil::Date,
) -> Outcome {
    if !matches!(outcome.status, Status::Fail | Status::Warn | Status::Error) {
        return outcome;
    }
    let mut relevant: Vec<&Waiver> = waivers.iter().filter(|w| w.check == code).collect();
    relevant.sort_by_key(|w| std::cmp::Reverse(w.until));
    let Some(w) = relevant.first() else {
        return outcome;
    };
    if w.until < today {
        outcome.evidence.push(format!(
            "waiver by {} expired on {}: {}",
            w.by, w.until, w.reason
        ));
        return outcome;
    }
    outcome
        .evidence
        .insert(0, format!("was {}: {}", outcome.status, outcome.message));
    outcome.status = Status::Waived;
    outcome.message = format!("waived by {} until {}: {}", w.by, w.until, w.reason);
    outcome
}
