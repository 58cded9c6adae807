//! Operations files: what the team relies on when it deploys and when it is paged — Prometheus
//! alerting rules, the Alembic migration graph, and the scripts and documents the runbooks name.

mod ops001_prometheus_rule_files_valid;
mod ops002_alert_rules_complete;
mod ops003_alembic_graph_consistent;
mod ops004_referenced_files_exist;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &ops001_prometheus_rule_files_valid::PrometheusRuleFilesValid,
    &ops002_alert_rules_complete::AlertRulesComplete,
    &ops003_alembic_graph_consistent::AlembicGraphConsistent,
    &ops004_referenced_files_exist::ReferencedFilesExist,
];

pub(crate) const NO_RULE_FILES: &str = "no Prometheus rule file in the repository (YAML with top-level `groups:` of `rules:`, or a PrometheusRule object)";
