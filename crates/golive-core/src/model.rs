//! The vocabulary every other crate speaks: severities, categories, outcomes, evidence.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a failing check matters. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sections the seed checklists share. A check belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    Security,
    Configuration,
    Database,
    Cache,
    Storage,
    Secrets,
    Network,
    Observability,
    Health,
    Deployment,
    Testing,
    Documentation,
    Performance,
    Backup,
}

impl Category {
    pub const ALL: [Category; 14] = [
        Self::Security,
        Self::Configuration,
        Self::Database,
        Self::Cache,
        Self::Storage,
        Self::Secrets,
        Self::Network,
        Self::Observability,
        Self::Health,
        Self::Deployment,
        Self::Testing,
        Self::Documentation,
        Self::Performance,
        Self::Backup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Security => "Security",
            Self::Configuration => "Configuration",
            Self::Database => "Database",
            Self::Cache => "Cache",
            Self::Storage => "Storage",
            Self::Secrets => "Secrets",
            Self::Network => "Network",
            Self::Observability => "Observability",
            Self::Health => "Health",
            Self::Deployment => "Deployment",
            Self::Testing => "Testing",
            Self::Documentation => "Documentation",
            Self::Performance => "Performance",
            Self::Backup => "Backup",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check concluded. `Error` and `Skipped` exist so that nothing undecided is a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    Error,
    Warn,
    Manual,
    Waived,
    Skipped,
    Pass,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Self::Pass,
        Self::Fail,
        Self::Warn,
        Self::Error,
        Self::Skipped,
        Self::Manual,
        Self::Waived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Warn => "warn",
            Self::Error => "error",
            Self::Skipped => "skipped",
            Self::Manual => "manual",
            Self::Waived => "waived",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file, relative to the checked root, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    pub fn line(path: impl Into<String>, line: u32) -> Self {
        Self {
            path: path.into(),
            line: Some(line),
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}", self.path),
            (Some(l), None) => write!(f, "{}:{l}", self.path),
            _ => f.write_str(&self.path),
        }
    }
}

/// What one check concluded about one target: the status, why, where, and how to fix it.
///
/// Evidence strings must already be redacted; use [`crate::redact`] when building them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    #[serde(default)]
    pub locations: Vec<Location>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub fix: Option<String>,
}

impl Outcome {
    fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            locations: Vec::new(),
            evidence: Vec::new(),
            fix: None,
        }
    }
    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message)
    }
    pub fn fail(message: impl Into<String>) -> Self {
        Self::new(Status::Fail, message)
    }
    pub fn warn(message: impl Into<String>) -> Self {
        Self::new(Status::Warn, message)
    }
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Status::Error, message)
    }
    pub fn skipped(reason: impl Into<String>) -> Self {
        Self::new(Status::Skipped, reason)
    }
    pub fn manual(message: impl Into<String>) -> Self {
        Self::new(Status::Manual, message)
    }

    pub fn at(mut self, location: Location) -> Self {
        self.locations.push(location);
        self
    }
    pub fn with_locations(mut self, locations: impl IntoIterator<Item = Location>) -> Self {
        self.locations.extend(locations);
        self
    }
    pub fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }
    pub fn with_evidence(mut self, lines: impl IntoIterator<Item = String>) -> Self {
        self.evidence.extend(lines);
        self
    }
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// One finding inside a check: the checks that look at many files collect these and fold
/// them into one [`Outcome`] with [`Findings::into_outcome`].
#[derive(Debug, Clone)]
pub struct Finding {
    pub status: Status,
    pub message: String,
    pub location: Option<Location>,
}

/// Accumulates findings across files; the worst status wins and every location is kept.
#[derive(Debug, Default)]
pub struct Findings {
    items: Vec<Finding>,
    checked: usize,
}

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }
    /// Count one thing that was inspected (a file, a variable) so a pass can say what it saw.
    pub fn inspected(&mut self) {
        self.checked += 1;
    }
    pub fn inspected_count(&self) -> usize {
        self.checked
    }
    pub fn push(&mut self, status: Status, message: impl Into<String>, location: Option<Location>) {
        self.items.push(Finding {
            status,
            message: message.into(),
            location,
        });
    }
    pub fn fail(&mut self, message: impl Into<String>, location: Location) {
        self.push(Status::Fail, message, Some(location));
    }
    pub fn warn(&mut self, message: impl Into<String>, location: Location) {
        self.push(Status::Warn, message, Some(location));
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn items(&self) -> &[Finding] {
        &self.items
    }

    /// Folds the findings into one outcome. With no findings, `pass_message` is used, unless
    /// nothing was inspected, in which case the result is `skipped` with `nothing_reason`.
    pub fn into_outcome(
        self,
        pass_message: impl Into<String>,
        nothing_reason: impl Into<String>,
        fix: &str,
    ) -> Outcome {
        if self.items.is_empty() {
            if self.checked == 0 {
                return Outcome::skipped(nothing_reason);
            }
            return Outcome::pass(pass_message);
        }
        let worst = self
            .items
            .iter()
            .map(|f| f.status)
            .min()
            .unwrap_or(Status::Fail);
        let relevant: Vec<&Finding> = self.items.iter().filter(|f| f.status == worst).collect();
        let message = if relevant.len() == 1 {
            relevant[0].message.clone()
        } else {
            format!(
                "{} findings; first: {}",
                relevant.len(),
                relevant[0].message
            )
        };
        let mut outcome = Outcome::new(worst, message).fix(fix);
        // Each location once, in order of first finding: by a set, as a check over a
        // repository of charts has thousands of findings.
        let mut seen = std::collections::HashSet::new();
        for f in &self.items {
            match &f.location {
                Some(loc) => {
                    outcome.evidence.push(format!("{loc}: {}", f.message));
                    if seen.insert(loc) {
                        outcome.locations.push(loc.clone());
                    }
                }
                None => outcome.evidence.push(f.message.clone()),
            }
        }
        outcome
    }
}

/// A checklist item a result answers, as the JSON report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRef {
    pub text: String,
    pub source: String,
    pub line: u32,
}

/// One row of the report: a check's outcome with its identity, or a manual item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: Option<String>,
    pub slug: Option<String>,
    pub category: Category,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    pub item: Option<ItemRef>,
    pub locations: Vec<Location>,
    pub evidence: Vec<String>,
    pub fix: Option<String>,
    pub duration_ms: u64,
}
