//! A finished run, and the figures every report format shows: summary, categories, the gate.

use crate::config::GateConfig;
use crate::model::{Category, CheckResult, Severity, Status};
use serde::Serialize;

pub const SCHEMA: &str = "golive.report/v1";

#[derive(Debug, Clone)]
pub struct RunReport {
    pub tool_version: String,
    pub environment: Option<String>,
    pub root: String,
    pub started_at: jiff::Timestamp,
    pub duration_ms: u64,
    pub results: Vec<CheckResult>,
    pub gate: GateConfig,
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

    pub fn ready(&self) -> bool {
        self.blocking().is_empty()
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
