//! A finished run, and the figures every report format shows: summary, categories, the gate.

use crate::config::GateConfig;
use crate::model::{Category, CheckResult, Severity, Status};
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "golive.report/v1";

/// Build one with a struct literal ending in `..Default::default()`: fields added later (the
/// sign-off and waiver fields of issue 7) then keep their empty defaults.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub tool_version: String,
    pub environment: Option<String>,
    pub root: String,
    pub started_at: jiff::Timestamp,
    pub duration_ms: u64,
    pub results: Vec<CheckResult>,
    pub gate: GateConfig,
    /// The id of this run in the history store, once recorded.
    pub run_id: Option<i64>,
    /// The commit the run checked (`git rev-parse HEAD`), when known.
    pub git_commit: Option<String>,
    /// The sign-off table: each role golive.toml requires, and any other role that signed.
    /// A required role that is not [`SignoffState::Signed`] holds the gate closed.
    pub signoffs: Vec<SignoffStatus>,
    /// Every waiver known to this run (golive.toml and the store), active, expired or refused.
    pub waivers: Vec<WaiverStatus>,
}

/// Where a role's sign-off stands for the run's environment and commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignoffState {
    /// Signed for this environment and this commit.
    Signed,
    /// Signed, but for another commit: the code changed since.
    Stale,
    /// Never signed for this environment (or the store could not be read).
    Missing,
}

impl SignoffState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signed => "signed",
            Self::Stale => "stale",
            Self::Missing => "missing",
        }
    }
}

/// One row of the sign-off table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffStatus {
    pub role: String,
    pub required: bool,
    pub state: SignoffState,
    pub by: Option<String>,
    pub note: Option<String>,
    /// When it was given, RFC 3339.
    pub at: Option<String>,
    /// The commit it was given for.
    pub commit: Option<String>,
}

/// Where a waiver stands on the run's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    Active,
    /// Past its `until` date: it applies no more.
    Expired,
    /// golive.toml forbids waivers at this severity: it does not apply.
    Forbidden,
}

impl WaiverState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Forbidden => "forbidden",
        }
    }
}

/// A documented deviation as the reports list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverStatus {
    /// A check code (`HTTP007`) or a checklist item's text.
    pub target: String,
    pub reason: String,
    /// The last day it applies, `YYYY-MM-DD`.
    pub until: String,
    pub by: String,
    /// Where it was recorded: `golive.toml:20` or `store #3`.
    pub source: String,
    pub state: WaiverState,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub error: usize,
    pub skipped: usize,
    pub manual: usize,
    pub waived: usize,
}

impl Counts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Warn => self.warn += 1,
            Status::Error => self.error += 1,
            Status::Skipped => self.skipped += 1,
            Status::Manual => self.manual += 1,
            Status::Waived => self.waived += 1,
        }
    }

    pub fn get(&self, s: Status) -> usize {
        match s {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Warn => self.warn,
            Status::Error => self.error,
            Status::Skipped => self.skipped,
            Status::Manual => self.manual,
            Status::Waived => self.waived,
        }
    }

    pub fn total(&self) -> usize {
        Status::ALL.iter().map(|s| self.get(*s)).sum()
    }

    /// One word for a category's state, worst first.
    pub fn status_word(&self) -> &'static str {
        if self.fail > 0 {
            "failing"
        } else if self.error > 0 {
            "error"
        } else if self.warn > 0 {
            "warning"
        } else if self.manual > 0 {
            "pending"
        } else if self.pass > 0 || self.waived > 0 {
            "passing"
        } else {
            "skipped"
        }
    }
}

impl RunReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            c.add(r.status);
        }
        c
    }

    /// Per category, in the catalog's category order, only categories with results.
    pub fn categories(&self) -> Vec<(Category, Counts)> {
        Category::ALL
            .into_iter()
            .filter_map(|cat| {
                let mut c = Counts::default();
                for r in self.results.iter().filter(|r| r.category == cat) {
                    c.add(r.status);
                }
                (c.total() > 0).then_some((cat, c))
            })
            .collect()
    }

    /// The results that hold the gate closed.
    pub fn blocking(&self) -> Vec<&CheckResult> {
        self.results
            .iter()
            .filter(|r| is_blocking(r, &self.gate))
            .collect()
    }

    /// Required sign-offs not given for this run's environment and commit.
    pub fn missing_signoffs(&self) -> Vec<&SignoffStatus> {
        self.signoffs
            .iter()
            .filter(|s| s.required && s.state != SignoffState::Signed)
            .collect()
    }

    /// No blocking result and every required sign-off given for the current commit.
    pub fn ready(&self) -> bool {
        self.blocking().is_empty() && self.missing_signoffs().is_empty()
    }
}

pub fn is_blocking(r: &CheckResult, gate: &GateConfig) -> bool {
    let at_gate = r.severity >= gate.severity;
    at_gate && (r.status == Status::Fail || (gate.fail_on_error && r.status == Status::Error))
}

/// Severity order for display, worst first.
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}
