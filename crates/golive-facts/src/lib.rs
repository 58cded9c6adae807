//! Collectors: they observe the world and return typed facts, never a verdict.

pub mod ci;
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
pub mod load;
pub mod manifests;
pub mod parallel;
pub mod repo_index;
pub mod secrets_scan;
pub mod tls;
pub mod yaml_tree;

pub use ci::CiConfig;
pub use deps::Dependencies;
pub use docs::RepoDocs;
pub use env_files::{EnvFile, EnvFiles, EnvRole};
pub use env_reads::EnvReads;
pub use git::GitFiles;
pub use repo_index::{FileKind, IndexedFile, RepoIndex};
