//! golive's integration tests: one binary, modules by subject.

mod check_fixtures;
mod k8s_secrets;
mod support;
