//! golive's integration tests: one binary, modules by subject.

mod check_fixtures;
mod cli;
mod docs;
mod init;
mod robustness;
mod support;
