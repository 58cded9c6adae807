//! `golive check`: load config, plan, collect, run, report, gate.

use super::args::{CheckArgs, ReportFormat};
use super::style::Style;
use golive_core::CheckResult;
use golive_core::config::{Config, resolve_inputs};
use golive_core::engine::{self, Limits, Selection};
use golive_core::facts::{Facts, RunEnv};
use golive_core::report::RunReport;
use golive_report::TerminalOptions;
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
    // issue 6 checklist: several environments (tenants) at once.
    if a.all_envs || a.env.len() > 1 {
        return super::fleet::run(&a, style);
    }
    let prepared = match prepare(&a) {
        Ok(p) => p,
        Err(e) => return super::fail_usage(e),
    };
    // issue 6 checklist: `--checklist FILE.md`, or golive.toml's `checklist`.
    if let Some(path) = super::check_checklist::checklist_path(&a, &prepared) {
        return super::check_checklist::run(&a, prepared, style, &path);
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
    let report = runtime.block_on(execute(prepared, style));
    let text = match a.format {
        ReportFormat::Json => golive_report::json::render(&report),
        ReportFormat::Text => golive_report::terminal::render(
            &report,
            TerminalOptions {
                color: style.color && a.output.is_none(),
                verbose: style.verbose,
                quiet: style.quiet,
            },
        ),
    };
    if let Err(e) = super::emit(&text, a.output.as_deref()) {
        return super::fail_usage(e);
    }
    if report.ready() {
        super::EXIT_READY
    } else {
        super::EXIT_NOT_READY
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
    }
}
