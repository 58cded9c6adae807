//! golive's core: the model, `golive.toml`, the fact cache and the engine.

pub mod check;
pub mod checklist;
pub mod config;
pub mod engine;
pub mod facts;
pub mod histogram;
pub mod inputs;
pub mod model;
pub mod params;
pub mod redact;
pub mod report;
pub mod suggest;

pub use check::{Check, CheckCx, CheckDoc, CheckMeta};
pub use facts::{Fact, FactError, Facts, KeyedFact, RunEnv};
pub use inputs::Input;
pub use model::{Category, CheckResult, Finding, Findings, Location, Outcome, Severity, Status};
pub use params::{ParamKind, ParamSpec, ParamValue, Params};
