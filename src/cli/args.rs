//! Command-line arguments. Parsing only; each command's wiring lives in its own module.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "golive",
    version,
    about = "Verify production-readiness checklists and gate the deploy",
    long_about = "golive checks the repository, the env files, the live endpoints and the infrastructure \
against a production-readiness checklist, lists what only a person can attest, and gates the deploy.\n\n\
Exit codes: 0 ready, 1 not ready, 2 usage or input error."
)]
pub struct Cli {
    /// Print only the verdict.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also show passing and skipped checks with their reasons.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to use colour (NO_COLOR is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the checks and gate: exit 0 ready, 1 not ready, 2 input error.
    Check(CheckArgs),
    /// List every check: code, slug, category, severity, summary.
    Rules(RulesArgs),
    /// Show the full documentation of a check.
    Explain(ExplainArgs),
    /// Inspect the repository and write golive.toml and a starter PRODUCTION_CHECKLIST.md.
    Init(InitArgs),
    /// Load one URL (bounded) and print its latency histogram.
    Load(LoadArgs),
    /// Bind a markdown checklist's items to checks and show each binding and why.
    Import(ImportArgs),
    // issue 7: sign-offs, waivers, history, reports (wiring in signoff.rs, history.rs, report.rs)
    /// Sign off the current commit for a role golive.toml requires ([signoff] roles).
    Signoff(SignoffArgs),
    /// Attest a manual checklist item: it passes from the next run on, with your evidence.
    Attest(AttestArgs),
    /// Record a documented deviation: a check (code) or item (text) allowed to fail until a date.
    Waive(WaiveArgs),
    /// List the recorded runs, newest first.
    History(HistoryArgs),
    /// What regressed, what was fixed, what is new between two runs (default: the last two).
    Diff(DiffArgs),
    /// Render a recorded run (default: the latest) in any format.
    Report(ReportArgs),
}

/// Where the repository, its golive.toml and its history store are.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The repository (its golive.toml, its .golive/history.db, its git commit).
    #[arg(long, short = 'C', default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// The configuration file (default: DIR/golive.toml when it exists).
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// The history store: a SQLite path or a postgres:// URL (default: [store] url in
    /// golive.toml, else DIR/.golive/history.db).
    #[arg(long, env = "GOLIVE_STORE", value_name = "PATH|URL")]
    pub store: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignoffArgs {
    /// The role signing (one of [signoff] roles in golive.toml).
    pub role: String,
    /// Who signs.
    #[arg(long)]
    pub by: String,
    #[arg(long)]
    pub note: Option<String>,
    /// The environment signed for (default: as `check` picks it).
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct AttestArgs {
    /// The manual item's text, as the checklist has it.
    pub item: String,
    #[arg(long)]
    pub by: String,
    /// A URL or a sentence showing the item is done.
    #[arg(long)]
    pub evidence: String,
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct WaiveArgs {
    /// A check code (HTTP007) or a checklist item's text.
    pub target: String,
    /// Why the deviation is acceptable.
    #[arg(long)]
    pub reason: String,
    /// The last day the waiver applies (YYYY-MM-DD).
    #[arg(long)]
    pub until: String,
    /// Who accepted the deviation.
    #[arg(long)]
    pub by: String,
    /// Only for this environment (default: every environment).
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// At most this many runs.
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older run (default: the one before NEW).
    pub old: Option<i64>,
    /// The newer run (default: the latest).
    pub new: Option<i64>,
    /// Pick the default runs among this environment's.
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The run to render (default: the latest, of --env when given).
    #[arg(long)]
    pub run: Option<i64>,
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    // issue 7
    Junit,
    Sarif,
    #[value(alias = "markdown")]
    Md,
    Html,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The repository to check.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The configuration file (default: PATH/golive.toml when it exists).
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// The environment of golive.toml whose inputs to use; repeat it to check several
    /// environments (tenants) concurrently, with a fleet summary.
    #[arg(long, short = 'e')]
    pub env: Vec<String>,
    /// Check every environment of golive.toml concurrently, with a fleet summary.
    #[arg(long, conflicts_with = "env")]
    pub all_envs: bool,
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Run only these checks: codes (ENV003), slugs (env-debug-off) or families (ENV).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Do not run these checks (same forms as --only).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Post a test alert to Alertmanager and check it becomes active (PROM006). The only
    /// write golive ever makes to a target.
    #[arg(long)]
    pub send_test_alert: bool,
    /// Run a markdown checklist's bound checks and report by its sections (default: the
    /// `checklist` of golive.toml, when set).
    #[arg(long, value_name = "FILE.md")]
    pub checklist: Option<PathBuf>,
    /// With a checklist: tick each box that passed and append golive's result comment.
    #[arg(long)]
    pub write: bool,
    /// The history store the run is recorded in (issue 7): a SQLite path or a postgres:// URL.
    #[arg(long, env = "GOLIVE_STORE", value_name = "PATH|URL")]
    pub store: Option<String>,
    /// Do not record this run (sign-offs and stored waivers are still read when available).
    #[arg(long)]
    pub no_record: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// Write one markdown page per check into this directory (docs/checks).
    #[arg(long, value_name = "DIR")]
    pub write_docs: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A check code (REDIS002) or slug (redis-aof-enabled).
    pub code: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to inspect.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite golive.toml and PRODUCTION_CHECKLIST.md when they exist.
    #[arg(long)]
    pub force: bool,
    /// Add an environment to golive.toml whose inputs are the checklist's "Required Inputs",
    /// as blanks to fill (issue 6 checklist).
    #[arg(long, value_name = "FILE.md")]
    pub from_checklist: Option<PathBuf>,
    /// The name of the environment --from-checklist adds.
    #[arg(long, default_value = "production", requires = "from_checklist")]
    pub env_name: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The markdown checklist.
    pub file: PathBuf,
    /// Add the binder's bindings to the file as `<!-- golive: CODE -->` comments to review.
    #[arg(long)]
    pub write: bool,
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The URL to load (http:// or https://).
    pub url: String,
    /// Concurrent keep-alive connections.
    #[arg(long, short = 'c', default_value_t = 10)]
    pub connections: usize,
    /// How long to run: 5s, 500ms, 1m (at most 10m).
    #[arg(long, short = 'd', default_value = "5s")]
    pub duration: String,
    /// Stop after this many requests.
    #[arg(long, short = 'n', default_value_t = 1_000_000)]
    pub requests: u64,
    /// Fixed arrival rate in requests per second (default: closed loop).
    #[arg(long)]
    pub rate: Option<u32>,
    /// Timeout of one request, milliseconds.
    #[arg(long, default_value_t = 5_000)]
    pub timeout_ms: u64,
    /// A PEM file of extra trusted roots for https URLs.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}
