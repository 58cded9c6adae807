//! Collectors: they observe the world and return typed facts, never a verdict.

pub mod alembic;
pub mod commands;
pub mod env_files;
pub mod envfile;
pub mod git;
pub mod infra_http;
pub mod infra_tls;
pub mod otel;
pub mod postgres;
pub mod prometheus;
pub mod redis;
pub mod repo_index;
pub mod s3;
pub mod vault;

pub use env_files::{EnvFile, EnvFiles, EnvRole};
pub use git::GitFiles;
pub use repo_index::{FileKind, IndexedFile, RepoIndex};
