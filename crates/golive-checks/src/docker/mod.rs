//! Dockerfiles: the image that runs in production.

mod docker001_non_root_user;
mod docker002_base_image_pinned;
mod docker003_healthcheck;
mod docker004_no_secrets_in_env_arg;
mod docker005_no_env_file_copied;
mod docker006_referenced_files_exist;
mod docker007_exec_form_entrypoint;
mod docker008_tls_verification_on;

use golive_core::{Check, CheckCx, Location, Outcome};
use golive_facts::dockerfile::{DockerfileEntry, Dockerfiles};
use std::sync::Arc;

pub const CHECKS: &[&dyn Check] = &[
    &docker001_non_root_user::NonRootUser,
    &docker002_base_image_pinned::BaseImagePinned,
    &docker003_healthcheck::Healthcheck,
    &docker004_no_secrets_in_env_arg::NoSecretsInEnvArg,
    &docker005_no_env_file_copied::NoEnvFileCopied,
    &docker006_referenced_files_exist::ReferencedFilesExist,
    &docker007_exec_form_entrypoint::ExecFormEntrypoint,
    &docker008_tls_verification_on::TlsVerificationOn,
];

/// The reason a Dockerfile check has nothing to look at.
pub(crate) const NO_DOCKERFILE: &str = "no Dockerfile found outside tests and examples";

pub(crate) async fn dockerfiles(cx: &CheckCx<'_>) -> Result<Arc<Dockerfiles>, Outcome> {
    cx.facts.get::<Dockerfiles>().await.map_err(|e| e.outcome())
}

/// Dockerfiles that deploy: not under tests, fixtures or examples, and not named for
/// development or testing (`Dockerfile.dev`, `Dockerfile.playwright`, `test.Dockerfile`).
pub(crate) fn deployable(files: &Dockerfiles) -> impl Iterator<Item = &DockerfileEntry> {
    files.files.iter().filter(|f| {
        !golive_facts::repo_index::is_test_or_example_path(&f.rel) && !is_dev_or_test_name(&f.rel)
    })
}

pub(crate) fn is_dev_or_test_name(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    name.split(['.', '-', '_']).any(|p| {
        matches!(
            p,
            "dev"
                | "development"
                | "test"
                | "tests"
                | "testing"
                | "e2e"
                | "playwright"
                | "cypress"
                | "ci"
                | "local"
                | "debug"
        )
    })
}

pub(crate) fn at(f: &DockerfileEntry, line: u32) -> Location {
    Location::line(f.rel.clone(), line)
}

/// Pushes an `error` finding for a Dockerfile that could not be read or has no stage; returns
/// whether the file can be checked.
pub(crate) fn usable(f: &DockerfileEntry, findings: &mut golive_core::Findings) -> bool {
    if let Some(e) = &f.read_error {
        findings.push(
            golive_core::Status::Error,
            format!("cannot read: {e}"),
            Some(Location::file(f.rel.clone())),
        );
        return false;
    }
    if f.parsed.stages.is_empty() {
        let line = f.parsed.errors.first().map(|e| e.line).unwrap_or(1);
        findings.push(
            golive_core::Status::Error,
            "no FROM instruction: cannot tell what the image is",
            Some(at(f, line)),
        );
        return false;
    }
    true
}
