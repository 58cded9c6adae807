//! Collectors: they observe the world and return typed facts, never a verdict.

pub mod env_files;
pub mod envfile;
pub mod git;
pub mod helm;
pub mod manifests;
pub mod parallel;
pub mod repo_index;
pub mod secrets_scan;
pub mod yaml_tree;

pub use env_files::{EnvFile, EnvFiles, EnvRole};
pub use git::GitFiles;
pub use repo_index::{FileKind, IndexedFile, RepoIndex};
