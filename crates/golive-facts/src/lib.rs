//! Collectors: they observe the world and return typed facts, never a verdict.

pub mod alembic;
pub mod ci;
pub mod commands;
pub mod compose;
pub mod contract;
pub mod deps;
pub mod dockerfile;
pub mod docs;
pub mod env_files;
pub mod env_reads;
pub mod envfile;
pub mod git;
pub mod helm;
pub mod http;
pub mod infra_http;
pub mod infra_tls;
pub mod load;
pub mod manifests;
pub mod otel;
pub mod parallel;
pub mod postgres;
pub mod prometheus;
pub mod redis;
pub mod repo_index;
pub mod s3;
pub mod secrets_scan;
pub mod tls;
pub mod vault;
pub mod yaml_tree;

pub use ci::CiConfig;
pub use deps::Dependencies;
pub use docs::RepoDocs;
pub use env_files::{EnvFile, EnvFiles, EnvRole, RepoEnvFiles};
pub use env_reads::EnvReads;
pub use git::GitFiles;
pub use repo_index::{FileKind, IndexedFile, RepoIndex};
