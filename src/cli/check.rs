//! `golive check`: load config, plan, collect, run, report, gate.

use super::args::CheckArgs;
use super::style::Style;
use golive_core::CheckResult;
use golive_core::config::{Config, resolve_inputs};
use golive_core::engine::{self, Limits, Selection};
use golive_core::facts::{Facts, RunEnv};
use golive_core::report::RunReport;
use std::sync::Arc;
use std::time::Instant;

/// Everything `check` needs before it runs: resolved root, config, environment, plan.
pub struct Prepared {
    pub root: std::path::PathBuf,
    pub config: Arc<Config>,
    pub run_env: RunEnv,
    pub plan: Vec<engine::PlannedCheck>,
}

pub fn prepare(a: &CheckArgs) -> Result<Prepared, String> {
    let root = a
        .path
        .canonicalize()
        .map_err(|e| format!("{}: {e}", a.path.display()))?;
    if !root.is_dir() {
        return Err(format!("{} is not a directory", a.path.display()));
    }
    let mut config = match &a.config {
        Some(p) => Config::load(p),
        None => Config::discover(&root),
    }
    .map_err(|e| e.to_string())?;
    config.run.send_test_alert = a.send_test_alert;
    let registry = golive_checks::registry();
    let selection = Selection {
        only: a.only.clone(),
        skip: a.skip.clone(),
    };
    let plan = engine::plan(&registry, &config, &selection).map_err(|e| e.to_string())?;
    let env = config.select_environment(a.env.first().map(String::as_str))?;
    let lookup = |name: &str| std::env::var(name).ok();
    let run_env = RunEnv {
        root: root.clone(),
        environment: env.map(|e| e.name.clone()),
        inputs: env.map(|e| resolve_inputs(e, &lookup)).unwrap_or_default(),
        env_files: env.map(|e| e.env_files.clone()).unwrap_or_default(),
        compose_files: env.map(|e| e.compose_files.clone()).unwrap_or_default(),
        manifests: env.map(|e| e.manifests.clone()).unwrap_or_default(),
        ca_file: env.and_then(|e| e.ca_file.clone()),
        config: Arc::new(config.clone()),
    };
    Ok(Prepared {
        root,
        config: Arc::new(config),
        run_env,
        plan,
    })
}

pub fn run(a: CheckArgs, style: Style) -> i32 {
    // Several environments (tenants) at once.
    if a.all_envs || a.env.len() > 1 {
        return super::fleet::run(&a, style);
    }
    let mut prepared = match prepare(&a) {
        Ok(p) => p,
        Err(e) => return super::fail_usage(e),
    };
    // The history store gives stored waivers, sign-offs and attestations, and records the run.
    // It is opened outside the runtime (the PostgreSQL client runs its own).
    let config = prepared.config.clone();
    let mut history =
        super::store::open_for_check(&prepared.root, a.store.as_deref(), &config, a.no_record);
    let state = super::store::run_state(
        history.store.as_mut(),
        history.error.as_deref(),
        &config,
        &prepared.root,
        prepared.run_env.environment.as_deref(),
        jiff::Zoned::now().date(),
    );
    let mut with_waivers = (*config).clone();
    with_waivers.waivers = state.engine_waivers.clone();
    prepared.config = Arc::new(with_waivers);
    // `--checklist FILE.md`, or golive.toml's `checklist`: the checklist's bound checks, with
    // the stored waivers applied.
    if let Some(path) = super::check_checklist::checklist_path(&a, &prepared) {
        let recorded = super::check_checklist::Recorded {
            state,
            history,
            config,
        };
        return super::check_checklist::run(&a, prepared, style, &path, recorded);
    }
    if a.write {
        return super::fail_usage(
            "--write needs a checklist: pass --checklist FILE.md or set `checklist` in golive.toml",
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return super::fail_usage(format!("cannot start the runtime: {e}")),
    };
    let mut report = runtime.block_on(execute(prepared, style));
    // Without waiting for work the run gave up on: a collection still busy after its checks
    // timed out (a walk of a huge tree) would hold the exit past the run's deadline.
    runtime.shutdown_background();
    finish(&a, &mut report, state, &mut history, &config);
    if let Err(e) = super::report::emit(&report, a.format, style, a.output.as_deref()) {
        return super::fail_usage(e);
    }
    if report.ready() {
        super::EXIT_READY
    } else {
        super::EXIT_NOT_READY
    }
}

/// What every check run does after its checks: the store's sign-offs, waivers and
/// attestations applied, the run recorded, GitHub annotations.
pub fn finish(
    a: &CheckArgs,
    report: &mut RunReport,
    state: super::store::RunState,
    history: &mut super::store::History,
    config: &Config,
) {
    super::store::finish_report(report, state, config);
    if !a.no_record {
        history.record(report);
    }
    if golive_report::github::enabled() {
        // On stderr, so a machine-readable report on stdout stays intact; the runner reads both.
        eprint!("{}", golive_report::github::render(report));
    }
}

pub async fn execute(p: Prepared, style: Style) -> RunReport {
    let started_at = jiff::Timestamp::now();
    let clock = Instant::now();
    let limits = Limits::from_config(&p.config);
    let total = p.plan.len() as u64;
    let bar = if style.progress {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} checks {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(b)
    } else {
        None
    };
    let on_result = |r: &CheckResult| {
        if let Some(b) = &bar {
            b.inc(1);
            b.set_message(r.check.clone().unwrap_or_default());
        }
    };
    let environment = p.run_env.environment.clone();
    let facts = Arc::new(Facts::new(p.run_env));
    // One run per process: the collected facts (every parsed manifest, document and source
    // file) live until exit, where the OS reclaims them at once; freeing them node by node
    // cost several percent of a static run.
    std::mem::forget(facts.clone());
    let today = jiff::Zoned::now().date();
    let results = engine::run(p.plan, facts, &limits, &p.config.waivers, today, &on_result).await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    RunReport {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        environment,
        root: p.root.display().to_string(),
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        results,
        gate: p.config.gate.clone(),
        ..Default::default()
    }
}
