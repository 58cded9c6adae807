//! `golive check --env a --env b` / `--all-envs`: every environment (tenant) runs concurrently
//! with its own facts; the report is per environment plus a fleet summary of which are not
//! ready and why, grouped by check.

use super::args::{CheckArgs, ReportFormat};
use super::check::Prepared;
use super::checklist::load;
use super::style::Style;
use golive_core::checklist::plan::plan_checklist;
use golive_core::config::{Config, resolve_inputs};
use golive_core::engine::{self, Selection};
use golive_core::facts::{Facts, RunEnv};
use golive_core::report::RunReport;
use golive_facts::{RepoEnvFiles, RepoIndex};
use golive_report::TerminalOptions;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Environments checked at once; each also bounds its own checks by `run.concurrency`.
const ENV_CONCURRENCY: usize = 64;

pub fn run(a: &CheckArgs, style: Style) -> i32 {
    if !matches!(a.format, ReportFormat::Text | ReportFormat::Json) {
        return super::fail_usage(
            "a fleet report is text or json; run one --env for junit, sarif, md or html",
        );
    }
    if a.write {
        return super::fail_usage(
            "--write ticks one checklist from one environment's results; pick one --env",
        );
    }
    let root = match a.path.canonicalize() {
        Ok(r) if r.is_dir() => r,
        Ok(_) => return super::fail_usage(format!("{} is not a directory", a.path.display())),
        Err(e) => return super::fail_usage(format!("{}: {e}", a.path.display())),
    };
    let config = match match &a.config {
        Some(p) => Config::load(p),
        None => Config::discover(&root),
    } {
        Ok(c) => Arc::new(c),
        Err(e) => return super::fail_usage(e),
    };
    let names: Vec<String> = if a.all_envs {
        config.environments.iter().map(|e| e.name.clone()).collect()
    } else {
        a.env.clone()
    };
    if names.is_empty() {
        return super::fail_usage(format!(
            "--all-envs: {} defines no environments",
            config.file_label()
        ));
    }
    let registry = golive_checks::registry();
    let selection = Selection {
        only: a.only.clone(),
        skip: a.skip.clone(),
    };
    let mut plan = match engine::plan(&registry, &config, &selection) {
        Ok(p) => p,
        Err(e) => return super::fail_usage(e),
    };
    // A checklist (flag or golive.toml) gives every environment the same bound plan.
    let checklist = a.checklist.clone().or_else(|| {
        let rel = config.checklist.as_ref()?;
        let base = config
            .path
            .as_ref()
            .and_then(|c| c.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| root.clone());
        Some(base.join(rel))
    });
    let mut pre = Vec::new();
    if let Some(path) = &checklist {
        let loaded = match load(path) {
            Ok(l) => l,
            Err(e) => return super::fail_usage(e),
        };
        let (p, r) = plan_checklist(&plan, &loaded.checklist, &loaded.bindings, &loaded.label);
        plan = p;
        pre = r;
    }
    let lookup = |name: &str| std::env::var(name).ok();
    let mut prepared = Vec::new();
    for name in &names {
        let env = match config.select_environment(Some(name)) {
            Ok(Some(e)) => e,
            Ok(None) => return super::fail_usage(format!("no environment {name}")),
            Err(e) => return super::fail_usage(e),
        };
        prepared.push(Prepared {
            root: root.clone(),
            config: config.clone(),
            run_env: RunEnv {
                root: root.clone(),
                environment: Some(env.name.clone()),
                inputs: resolve_inputs(env, &lookup),
                env_files: env.env_files.clone(),
                compose_files: env.compose_files.clone(),
                manifests: env.manifests.clone(),
                ca_file: env.ca_file.clone(),
                config: config.clone(),
            },
            plan: plan.clone(),
        });
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return super::fail_usage(format!("cannot start the runtime: {e}")),
    };
    let mut reports: Vec<RunReport> = runtime.block_on(async move {
        // The environments share one repository: walk it and parse its env files once.
        let shared = match prepared.first() {
            Some(p) => {
                let facts = Facts::new(p.run_env.clone());
                Shared {
                    index: facts.get::<RepoIndex>().await.ok(),
                    env_files: facts.get::<RepoEnvFiles>().await.ok(),
                }
            }
            None => Shared::default(),
        };
        let sem = Arc::new(tokio::sync::Semaphore::new(ENV_CONCURRENCY));
        let mut set = tokio::task::JoinSet::new();
        for (i, p) in prepared.into_iter().enumerate() {
            let sem = sem.clone();
            let shared = shared.clone();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                (i, execute_env(p, shared).await)
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(pair) = r {
                out.push(pair);
            }
        }
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, r)| r).collect()
    });
    // As in `check`: nothing the runs gave up on holds the exit.
    runtime.shutdown_background();
    if reports.len() != names.len() {
        return super::fail_usage("an environment's run did not finish");
    }
    for r in &mut reports {
        r.results.extend(pre.iter().cloned());
        r.results
            .sort_by_key(|x| x.item.as_ref().map_or(0, |i| i.line));
    }
    let text = match a.format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&fleet_json(&reports)).unwrap_or_default();
            s.push('\n');
            s
        }
        ReportFormat::Text => fleet_text(&reports, style, a.output.is_none()),
        // Refused before the run (see `run`); kept total for the compiler.
        _ => String::new(),
    };
    if let Err(e) = super::emit(&text, a.output.as_deref()) {
        return super::fail_usage(e);
    }
    if reports.iter().all(RunReport::ready) {
        super::EXIT_READY
    } else {
        super::EXIT_NOT_READY
    }
}

/// Facts of the repository, the same for every environment of the fleet.
#[derive(Clone, Default)]
struct Shared {
    index: Option<Arc<RepoIndex>>,
    env_files: Option<Arc<RepoEnvFiles>>,
}

/// One environment's run, with the repository facts shared across the fleet.
async fn execute_env(p: Prepared, shared: Shared) -> RunReport {
    let started_at = jiff::Timestamp::now();
    let clock = std::time::Instant::now();
    let limits = engine::Limits::from_config(&p.config);
    let environment = p.run_env.environment.clone();
    let facts = Facts::new(p.run_env);
    if let Some(index) = shared.index {
        facts.preset(index);
    }
    if let Some(env_files) = shared.env_files {
        facts.preset(env_files);
    }
    let today = jiff::Zoned::now().date();
    let results = engine::run(
        p.plan,
        Arc::new(facts),
        &limits,
        &p.config.waivers,
        today,
        &|_| {},
    )
    .await;
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

/// Check code -> (slug, environments where it blocks, one message).
fn by_check(reports: &[RunReport]) -> BTreeMap<String, (String, Vec<String>, String)> {
    let mut m: BTreeMap<String, (String, Vec<String>, String)> = BTreeMap::new();
    for r in reports {
        let env = r.environment.clone().unwrap_or_default();
        for b in r.blocking() {
            let code = b.check.clone().unwrap_or_else(|| "manual".into());
            let e = m.entry(code).or_insert_with(|| {
                (
                    b.slug.clone().unwrap_or_default(),
                    Vec::new(),
                    b.message.clone(),
                )
            });
            if !e.1.contains(&env) {
                e.1.push(env.clone());
            }
        }
    }
    m
}

fn fleet_json(reports: &[RunReport]) -> Value {
    let not_ready: Vec<&str> = reports
        .iter()
        .filter(|r| !r.ready())
        .filter_map(|r| r.environment.as_deref())
        .collect();
    let groups: Vec<Value> = by_check(reports)
        .into_iter()
        .map(|(code, (slug, envs, msg))| json!({"check": code, "slug": slug, "environments": envs, "example": msg}))
        .collect();
    json!({
        "schema": "golive.fleet/v1",
        "summary": {"environments": reports.len(), "ready": reports.len() - not_ready.len(), "not_ready": not_ready},
        "blocking_by_check": groups,
        "environments": reports.iter().map(golive_report::json::to_value).collect::<Vec<_>>(),
    })
}

fn fleet_text(reports: &[RunReport], style: Style, to_terminal: bool) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if style.verbose {
        for r in reports {
            s.push_str(&golive_report::terminal::render(
                r,
                TerminalOptions {
                    color: style.color && to_terminal,
                    verbose: false,
                    quiet: false,
                },
            ));
            s.push('\n');
        }
    }
    let _ = writeln!(s, "Fleet: {} environments", reports.len());
    for r in reports {
        let c = r.counts();
        let _ = writeln!(
            s,
            "  {:<24} {:<10} {} pass, {} fail, {} error, {} manual",
            r.environment.as_deref().unwrap_or("-"),
            if r.ready() { "ready" } else { "NOT READY" },
            c.pass,
            c.fail,
            c.error,
            c.manual
        );
    }
    let groups = by_check(reports);
    if !groups.is_empty() {
        let _ = writeln!(s, "\nBlocking, by check:");
        for (code, (slug, envs, msg)) in groups {
            let _ = writeln!(
                s,
                "  {code} {slug}: {} environment(s): {}",
                envs.len(),
                envs.join(", ")
            );
            let _ = writeln!(s, "      e.g. {msg}");
        }
    }
    let ready = reports.iter().filter(|r| r.ready()).count();
    let _ = writeln!(s, "\n{ready}/{} environments ready", reports.len());
    s
}
