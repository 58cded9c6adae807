//! golive's integration tests: one binary, modules by subject.

mod check_fixtures;
mod cli;
mod docs;
mod init;
mod k8s_secrets;
mod live;
mod robustness;
mod support;
