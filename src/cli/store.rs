//! Shared wiring of the history store (issue 7): where it is, the current commit, and the
//! sign-off, attestation and waiver state a run needs.

use super::args::StoreArgs;
use golive_core::config::{Config, Waiver};
use golive_core::inputs::expand_vars;
use golive_core::report::{RunReport, SignoffStatus, WaiverStatus};
use golive_core::{CheckResult, Severity};
use golive_store::{OpenMode, Store, StoreLocation, status};
use std::path::{Path, PathBuf};

/// Where the store is: `--store` (or `GOLIVE_STORE`), else `[store] url`, else the default.
pub fn location(root: &Path, flag: Option<&str>, config: &Config) -> Result<StoreLocation, String> {
    if let Some(f) = flag.filter(|f| !f.trim().is_empty()) {
        return Ok(StoreLocation::parse(f, root));
    }
    if let Some(url) = config.store.url.as_deref().filter(|u| !u.trim().is_empty()) {
        let lookup = |name: &str| std::env::var(name).ok();
        let url = expand_vars(url, &lookup)
            .map_err(|e| format!("{}: [store] url: {e}", config.file_label()))?;
        return Ok(StoreLocation::parse(&url, root));
    }
    Ok(StoreLocation::default_for(root))
}

/// The commit HEAD points at, else what CI says it checked out.
pub fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok();
    if let Some(o) = out.filter(|o| o.status.success()) {
        let c = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if !c.is_empty() {
            return Some(c);
        }
    }
    ["GITHUB_SHA", "CI_COMMIT_SHA"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
}

/// A store command's context: root, config, store location.
pub struct Context {
    pub root: PathBuf,
    pub config: Config,
    pub location: StoreLocation,
}

pub fn context(a: &StoreArgs) -> Result<Context, String> {
    let root = a
        .dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", a.dir.display()))?;
    let config = match &a.config {
        Some(p) => Config::load(p),
        None => Config::discover(&root),
    }
    .map_err(|e| e.to_string())?;
    let location = location(&root, a.store.as_deref(), &config)?;
    Ok(Context {
        root,
        config,
        location,
    })
}

impl Context {
    pub fn open(&self, mode: OpenMode) -> Result<Box<dyn Store>, String> {
        golive_store::open(&self.location, mode).map_err(|e| e.to_string())
    }

    /// The environment name as `check` would pick it.
    pub fn environment(&self, requested: Option<&str>) -> Result<Option<String>, String> {
        Ok(self
            .config
            .select_environment(requested)?
            .map(|e| e.name.clone()))
    }
}

/// A check's severity by code, from the registry.
pub fn severity_of(code: &str) -> Option<Severity> {
    golive_checks::registry()
        .iter()
        .find(|c| c.meta().code.eq_ignore_ascii_case(code))
        .map(|c| c.meta().severity)
}

/// What a run needs from the store before it starts.
pub struct RunState {
    /// Waivers the engine applies (golive.toml's and the store's, the policy's refusals out).
    pub engine_waivers: Vec<Waiver>,
    pub waiver_table: Vec<WaiverStatus>,
    pub signoffs: Vec<SignoffStatus>,
    pub attestations: Vec<golive_store::Attestation>,
    pub commit: Option<String>,
}

/// Reads the store's state for `environment`. With no store (it could not be opened) the
/// golive.toml waivers still apply and every required sign-off counts as missing.
pub fn run_state(
    store: Option<&mut Box<dyn Store>>,
    store_error: Option<&str>,
    config: &Config,
    root: &Path,
    environment: Option<&str>,
    today: jiff::civil::Date,
) -> RunState {
    let commit = git_commit(root);
    let (stored_waivers, signoffs, attestations, read_error) = match store {
        Some(s) => {
            let read = (|| -> Result<_, golive_store::StoreError> {
                Ok((
                    s.waivers()?,
                    s.signoffs(Some(environment.unwrap_or("")))?,
                    s.attestations(Some(environment.unwrap_or("")))?,
                ))
            })();
            match read {
                Ok((w, so, at)) => (w, so, at, None),
                Err(e) => {
                    eprintln!("golive: warning: {e}");
                    (Vec::new(), Vec::new(), Vec::new(), Some(e.to_string()))
                }
            }
        }
        // Already reported when the store was opened.
        None => (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            store_error.map(str::to_string),
        ),
    };
    let (engine_waivers, waiver_table) = status::waivers_for_run(
        &config.waivers,
        &stored_waivers,
        environment,
        &config.waiver_policy,
        &severity_of,
        today,
    );
    let signoffs = match &read_error {
        Some(e) if !config.signoff.roles.is_empty() => config
            .signoff
            .roles
            .iter()
            .map(|r| status::missing(r, Some(&format!("history store unavailable: {e}"))))
            .collect(),
        _ => status::signoff_table(&config.signoff.roles, &signoffs, commit.as_deref()),
    };
    RunState {
        engine_waivers,
        waiver_table,
        signoffs,
        attestations,
        commit,
    }
}

/// Completes a report with what the store said: item waivers, attestations, the tables.
pub fn finish_report(report: &mut RunReport, state: RunState, config: &Config) {
    status::note_refused_waivers(&mut report.results, &state.waiver_table);
    status::apply_item_waivers(
        &mut report.results,
        &state.waiver_table,
        &config.waiver_policy,
    );
    status::apply_attestations(&mut report.results, &state.attestations);
    report.git_commit = state.commit;
    report.signoffs = state.signoffs;
    report.waivers = state.waiver_table;
}

/// Identity of a result across runs: its check code, else its item.
pub fn result_key(r: &CheckResult) -> String {
    match (&r.check, &r.item) {
        (Some(c), Some(i)) => format!("{c} @ {}:{}", i.source, i.text),
        (Some(c), None) => c.clone(),
        (None, Some(i)) => format!("item {}:{}", i.source, i.text),
        (None, None) => format!("? {}", r.message),
    }
}

/// The store as `check` uses it: optional, because a check must run and report even where
/// the store cannot be opened (a read-only checkout, a database that is down, a newer schema).
pub struct History {
    pub store: Option<Box<dyn Store>>,
    pub error: Option<String>,
}

/// Opens the store for a check run. Failures are reported once on stderr and the run goes on;
/// with `no_record` an existing store is still read (sign-offs, waivers), none is created.
pub fn open_for_check(
    root: &Path,
    flag: Option<&str>,
    config: &Config,
    no_record: bool,
) -> History {
    let location = match location(root, flag, config) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("golive: error: {e}; this run is not recorded");
            return History {
                store: None,
                error: Some(e),
            };
        }
    };
    let mode = if no_record {
        OpenMode::ExistingOnly
    } else {
        OpenMode::Create
    };
    match golive_store::open(&location, mode) {
        Ok(s) => History {
            store: Some(s),
            error: None,
        },
        Err(e) => {
            let quiet_default = no_record && location == StoreLocation::default_for(root);
            if !quiet_default {
                eprintln!("golive: error: {e}; this run is not recorded");
            }
            History {
                store: None,
                error: Some(e.to_string()),
            }
        }
    }
}

impl History {
    /// Records the run and sets its id; a failure is reported and the run goes on.
    pub fn record(&mut self, report: &mut RunReport) {
        let Some(store) = self.store.as_mut() else {
            return;
        };
        match store.record_run(report) {
            Ok(id) => report.run_id = Some(id),
            Err(e) => eprintln!("golive: error: {e}; this run is not recorded"),
        }
    }
}
