//! golive's integration tests: one binary, modules by subject.

mod check_fixtures;
mod cli;
mod docs;
mod init;
mod robustness;
mod store_cli; // issue 7
mod support;
