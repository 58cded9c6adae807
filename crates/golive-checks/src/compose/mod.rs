//! Compose: the files that make up production, overlays merged as `docker compose -f base -f prod`.

mod compose001_secret_defaults;
mod compose002_images_pinned;
mod compose003_datastore_ports;
mod compose004_referenced_files_exist;
mod compose005_healthcheck;
mod compose006_restart_policy;
mod compose007_redis_persistence_password;
mod compose008_no_source_bind_mounts;
mod compose009_no_dev_defaults;

use golive_core::{Check, CheckCx, Findings, Location, Outcome, Status};
use golive_facts::compose::{ComposeFiles, ComposeProject, Node, Service};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &compose001_secret_defaults::SecretDefaults,
    &compose002_images_pinned::ImagesPinned,
    &compose003_datastore_ports::DatastorePorts,
    &compose004_referenced_files_exist::ReferencedFilesExist,
    &compose005_healthcheck::Healthcheck,
    &compose006_restart_policy::RestartPolicy,
    &compose007_redis_persistence_password::RedisPersistencePassword,
    &compose008_no_source_bind_mounts::NoSourceBindMounts,
    &compose009_no_dev_defaults::NoDevDefaults,
];

pub(crate) const NO_PRODUCTION_COMPOSE: &str = "no production compose file (a name containing prod/production, a base file with an override beside it, or compose_files in golive.toml)";

pub(crate) async fn compose(cx: &CheckCx<'_>) -> Result<Arc<ComposeFiles>, Outcome> {
    cx.facts
        .get::<ComposeFiles>()
        .await
        .map_err(|e| e.outcome())
}

pub(crate) fn loc(n: &Node) -> Location {
    Location::line(n.file.to_string(), n.line)
}

pub(crate) fn service_loc(s: &Service) -> Location {
    Location::line(s.file.clone(), s.line)
}

/// Visits every service of every production project, reporting unresolvable projects as
/// errors. Each service counts as inspected.
pub(crate) fn visit_production(
    files: &ComposeFiles,
    findings: &mut Findings,
    mut visit: impl FnMut(&ComposeProject, &Service, &mut Findings),
) {
    let mut reported = std::collections::HashSet::new();
    for p in &files.production {
        for (file, line, msg) in &p.problems {
            if reported.insert((file, line, msg)) {
                findings.push(
                    Status::Error,
                    msg.clone(),
                    Some(Location::line(file.clone(), *line)),
                );
            }
        }
        for s in &p.services {
            findings.inspected();
            visit(p, s, findings);
        }
    }
}

/// The command of a service as one string (list or string form).
pub(crate) fn command_text(s: &Service) -> String {
    match s.node.get("command") {
        Some(c) => match c.str() {
            Some(t) => t.to_string(),
            None => c
                .items()
                .iter()
                .filter_map(Node::str)
                .collect::<Vec<_>>()
                .join(" "),
        },
        None => String::new(),
    }
}

/// The image's last path component, without tag (`bitnami/redis:7` → `redis`).
pub(crate) fn image_short_name(s: &Service) -> Option<String> {
    let img = s.image()?.str()?;
    let img = golive_facts::compose::with_defaults(img).unwrap_or_else(|| img.to_string());
    golive_facts::dockerfile::ImageRef::parse(&img).map(|r| r.short_name())
}

/// A one-shot job (`restart: "no"`), to which long-running service rules do not apply.
pub(crate) fn is_one_shot(s: &Service) -> bool {
    let r = s
        .node
        .get("restart")
        .and_then(Node::str)
        .map(str::to_ascii_lowercase);
    let d = s
        .node
        .get("deploy")
        .and_then(|d| d.get("restart_policy"))
        .and_then(|p| p.get("condition"))
        .and_then(Node::str)
        .map(str::to_ascii_lowercase);
    matches!(r.as_deref(), Some("no") | Some("false")) || d.as_deref() == Some("none")
}
