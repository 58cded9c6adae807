//! golive's integration tests: one binary, modules by subject.

mod check_fixtures;
mod containers;
mod support;
