//! golive's integration tests: one binary, modules by subject.

mod check_fixtures;
mod checklist;
mod cli;
mod containers;
mod docs;
mod init;
mod k8s_secrets;
mod live;
mod ops_promtool; // issue 3 ops
mod projects; // issue 3 ops
mod robustness;
mod store_cli; // issue 7
mod support;
// issue 5 infra
mod infra_bench;
mod infra_hostile;
mod infra_otel;
mod infra_postgres;
mod infra_prometheus;
mod infra_redis;
mod infra_s3;
mod infra_support;
mod infra_vault;
mod servers;
