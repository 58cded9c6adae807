//! Plans and runs checks: selection, parameters, required inputs, concurrency, per-check
//! timeouts, the whole-run deadline, and waivers.

use crate::check::{Check, CheckCx};
use crate::config::{Config, InputError, Waiver, unknown_name_message};
use crate::facts::{EngineSlot, Facts};
use crate::inputs::InputValue;
use crate::model::{CheckResult, ItemRef, Outcome, Status};
use crate::params::{ParamValue, Params};
use futures::{FutureExt, StreamExt};
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
        // A family is a code without its three digits: `ENV`, and `K8S` (which has a digit).
        || (!s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric())
            && m.code.len() == s.len() + 3
            && m.code.is_char_boundary(s.len())
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
    // The limit is a semaphore, not a bound on the futures in flight: a check that waits for a
    // fact another check is collecting hands its slot back (facts.rs), so a silent host costs
    // one slot per collection, not one per check of its family. The semaphore is fair, so
    // checks still start in plan order.
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.concurrency.max(1)));
    let mut results: Vec<(usize, CheckResult)> =
        futures::stream::iter(plan.into_iter().enumerate())
            .map(|(idx, planned)| {
                let facts = facts.clone();
                let limits = limits.clone();
                let slot = EngineSlot::new(slots.clone());
                async move {
                    let meta = planned.check.meta();
                    let item = planned.item.clone();
                    // Taken here, before the task exists, so that slots go out in plan order
                    // whatever order the workers start the tasks in.
                    slot.acquire().await;
                    let started = Instant::now();
                    // Each check is a task of its own, so that checks whose facts are ready
                    // evaluate on every worker thread instead of taking turns on this one.
                    let task = tokio::spawn(slot.clone().scope(async move {
                        let outcome = run_one(&planned, &facts, &limits, run_deadline).await;
                        slot.release();
                        outcome
                    }));
                    // `run_one` catches a check's panic: a failed task is a runtime shutting down.
                    let outcome = task.await.unwrap_or_else(|e| {
                        Outcome::error(format!("internal error: {} did not finish: {e}", meta.code))
                    });
                    let outcome = apply_waivers(meta.code, outcome, waivers, today);
                    let result = CheckResult {
                        check: Some(meta.code.to_string()),
                        slug: Some(meta.slug.to_string()),
                        category: meta.category,
                        severity: meta.severity,
                        status: outcome.status,
                        message: outcome.message,
                        item,
                        locations: outcome.locations,
                        evidence: outcome.evidence,
                        fix: outcome.fix,
                        duration_ms: started.elapsed().as_millis() as u64,
                    };
                    on_result(&result);
                    (idx, result)
                }
            })
            .buffer_unordered(usize::MAX)
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
    // A bug in one check must not take the whole run (and its other verdicts) down with it.
    let guarded = std::panic::AssertUnwindSafe(planned.check.run(&cx)).catch_unwind();
    match tokio::time::timeout_at(check_deadline, guarded).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => Outcome::error(format!(
            "internal error: {} panicked; please report it",
            meta.code
        )),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckDoc, CheckMeta};
    use crate::facts::RunEnv;
    use crate::inputs::Input;
    use crate::model::{Category, Severity};

    const DOC: CheckDoc = CheckDoc {
        what: "w",
        why: "w",
        fix: "f",
        example: "e",
    };

    struct NeedsApi;
    static NEEDS_API: CheckMeta = CheckMeta {
        code: "TST001",
        slug: "needs-api",
        category: Category::Health,
        severity: Severity::High,
        summary: "s",
        doc: DOC,
        params: &[],
        requires: &[Input::ApiUrl],
        keywords: &[],
    };
    #[async_trait::async_trait]
    impl Check for NeedsApi {
        fn meta(&self) -> &'static CheckMeta {
            &NEEDS_API
        }
        async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
            Outcome::pass(format!(
                "saw {}",
                cx.facts.env().input(Input::ApiUrl).unwrap_or("?")
            ))
        }
    }

    struct Sleeper;
    static SLEEPER: CheckMeta = CheckMeta {
        code: "TST002",
        slug: "sleeper",
        category: Category::Performance,
        severity: Severity::Critical,
        summary: "s",
        doc: DOC,
        params: &[],
        requires: &[],
        keywords: &[],
    };
    #[async_trait::async_trait]
    impl Check for Sleeper {
        fn meta(&self) -> &'static CheckMeta {
            &SLEEPER
        }
        async fn run(&self, _: &CheckCx<'_>) -> Outcome {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Outcome::pass("never")
        }
    }

    static REGISTRY: &[&dyn Check] = &[&NeedsApi, &Sleeper];

    async fn run_with(env: RunEnv, limits: Limits, waivers: &[Waiver]) -> Vec<CheckResult> {
        let plan = plan(REGISTRY, &Config::default(), &Selection::default()).unwrap();
        run(
            plan,
            Arc::new(Facts::new(env)),
            &limits,
            waivers,
            jiff::civil::date(2026, 11, 22),
            &|_| {},
        )
        .await
    }

    fn limits(timeout_ms: u64, deadline_ms: u64) -> Limits {
        Limits {
            check_timeout: Duration::from_millis(timeout_ms),
            deadline: Duration::from_millis(deadline_ms),
            concurrency: 4,
        }
    }

    #[tokio::test]
    async fn missing_inputs_skip_unresolved_inputs_error_and_slow_checks_time_out() {
        let r = run_with(RunEnv::default(), limits(50, 5000), &[]).await;
        assert_eq!(r[0].status, Status::Skipped);
        assert!(r[0].message.contains("api_url"), "{}", r[0].message);
        assert_eq!(r[1].status, Status::Error);
        assert!(r[1].message.contains("timed out"), "{}", r[1].message);

        let mut env = RunEnv::default();
        env.inputs.insert(
            Input::ApiUrl,
            InputValue::Unresolved("api_url: environment variable API is not set".into()),
        );
        let r = run_with(env, limits(50, 5000), &[]).await;
        assert_eq!(r[0].status, Status::Error);
        assert!(r[0].message.contains("API is not set"));

        let mut env = RunEnv::default();
        env.inputs
            .insert(Input::ApiUrl, InputValue::Set("http://127.0.0.1:1".into()));
        let r = run_with(env, limits(50, 5000), &[]).await;
        assert_eq!(r[0].status, Status::Pass);
    }

    #[tokio::test]
    async fn the_run_deadline_bounds_every_check() {
        let started = std::time::Instant::now();
        let r = run_with(RunEnv::default(), limits(60_000, 100), &[]).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(r[1].status, Status::Error);
        assert!(r[1].message.contains("deadline"), "{}", r[1].message);
    }

    /// A fact that takes a while, as a silent host does.
    struct SlowFact;
    #[async_trait::async_trait]
    impl crate::facts::Fact for SlowFact {
        async fn collect(_: &Facts) -> Result<Self, crate::facts::FactError> {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Err(crate::facts::FactError::new("no answer"))
        }
    }

    struct WaitsForSlow(&'static CheckMeta);
    #[async_trait::async_trait]
    impl Check for WaitsForSlow {
        fn meta(&self) -> &'static CheckMeta {
            self.0
        }
        async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
            match cx.facts.get::<SlowFact>().await {
                Ok(_) => Outcome::pass("answered"),
                Err(e) => e.outcome(),
            }
        }
    }

    struct Quick;
    #[async_trait::async_trait]
    impl Check for Quick {
        fn meta(&self) -> &'static CheckMeta {
            &QUICK
        }
        async fn run(&self, _: &CheckCx<'_>) -> Outcome {
            Outcome::pass("quick")
        }
    }

    const fn meta(code: &'static str) -> CheckMeta {
        CheckMeta {
            code,
            slug: code,
            category: Category::Database,
            severity: Severity::High,
            summary: "s",
            doc: DOC,
            params: &[],
            requires: &[],
            keywords: &[],
        }
    }
    static SLOW_A: CheckMeta = meta("TST101");
    static SLOW_B: CheckMeta = meta("TST102");
    static SLOW_C: CheckMeta = meta("TST103");
    static QUICK: CheckMeta = meta("TST104");
    static SHARING: &[&dyn Check] = &[
        &WaitsForSlow(&SLOW_A),
        &WaitsForSlow(&SLOW_B),
        &WaitsForSlow(&SLOW_C),
        &Quick,
    ];

    #[tokio::test]
    async fn checks_waiting_on_a_fact_being_collected_leave_their_slot_to_others() {
        let plan = plan(SHARING, &Config::default(), &Selection::default()).unwrap();
        let order = std::sync::Mutex::new(Vec::new());
        let limits = Limits {
            check_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(20),
            concurrency: 2,
        };
        let r = run(
            plan,
            Arc::new(Facts::new(RunEnv::default())),
            &limits,
            &[],
            jiff::civil::date(2026, 11, 22),
            &|r| {
                order
                    .lock()
                    .unwrap()
                    .push(r.check.clone().unwrap_or_default())
            },
        )
        .await;
        // With slots held while waiting, TST101 and TST102 would fill both slots until the
        // slow fact failed, and TST104 could only finish after them.
        assert_eq!(
            order.lock().unwrap()[0],
            "TST104",
            "{:?}",
            order.lock().unwrap()
        );
        for res in &r[..3] {
            assert_eq!(res.status, Status::Error);
            assert_eq!(res.message, "no answer");
        }
    }

    #[test]
    fn waivers_apply_until_they_expire() {
        let today = jiff::civil::date(2026, 11, 22);
        let w = |until| Waiver {
            check: "X001".into(),
            reason: "accepted".into(),
            until,
            by: "bob".into(),
            line: 1,
        };
        let o = apply_waivers(
            "X001",
            Outcome::fail("bad"),
            &[w(jiff::civil::date(2026, 12, 1))],
            today,
        );
        assert_eq!(o.status, Status::Waived);
        assert!(o.evidence[0].contains("was fail: bad"));
        let o = apply_waivers(
            "X001",
            Outcome::fail("bad"),
            &[w(jiff::civil::date(2026, 11, 1))],
            today,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.evidence.iter().any(|e| e.contains("expired")));
        let o = apply_waivers(
            "X001",
            Outcome::pass("ok"),
            &[w(jiff::civil::date(2026, 12, 1))],
            today,
        );
        assert_eq!(o.status, Status::Pass);
    }
}
