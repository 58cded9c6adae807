//! Prometheus and Alertmanager checks, through their HTTP APIs (see
//! `golive_facts::prometheus`). Read-only, except PROM006 with `--send-test-alert`.

mod prom001_targets_up;
mod prom002_rules_healthy;
mod prom003_alert_rules_present;
mod prom004_alertmanager_connected;
mod prom005_alertmanager_receivers;
mod prom006_test_alert;
mod prom007_prometheus_reachable;
mod prom008_alertmanager_reachable;

use crate::support::not_checked;
use golive_core::{Check, CheckCx, Outcome};
use golive_facts::prometheus::{AmFacts, PromFacts};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &prom001_targets_up::TargetsUp,
    &prom002_rules_healthy::RulesHealthy,
    &prom003_alert_rules_present::AlertRulesPresent,
    &prom004_alertmanager_connected::AlertmanagerConnected,
    &prom005_alertmanager_receivers::AlertmanagerReceivers,
    &prom006_test_alert::TestAlert,
    &prom007_prometheus_reachable::PrometheusReachable,
    &prom008_alertmanager_reachable::AlertmanagerReachable,
];

pub(crate) async fn prom(cx: &CheckCx<'_>) -> Result<Arc<PromFacts>, Outcome> {
    cx.facts
        .get::<PromFacts>()
        .await
        .map_err(|e| not_checked("Prometheus", "PROM007", &e))
}

pub(crate) async fn am(cx: &CheckCx<'_>) -> Result<Arc<AmFacts>, Outcome> {
    cx.facts
        .get::<AmFacts>()
        .await
        .map_err(|e| not_checked("Alertmanager", "PROM008", &e))
}

pub(crate) fn answered<T>(r: &Result<T, String>) -> Result<&T, Outcome> {
    r.as_ref().map_err(|e| Outcome::error(e.clone()))
}
