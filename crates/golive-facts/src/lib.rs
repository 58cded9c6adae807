//! Collectors: they observe the world and return typed facts, never a verdict.

pub mod env_files;
pub mod envfile;
pub mod git;
pub mod http;
pub mod load;
pub mod repo_index;
pub mod tls;

pub use env_files::{EnvFile, EnvFiles, EnvRole};
pub use git::GitFiles;
pub use repo_index::{FileKind, IndexedFile, RepoIndex};
