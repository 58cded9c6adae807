//! Report formats, one file each, all rendered from the same [`golive_core::report::RunReport`].

pub mod checklist;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

pub use terminal::TerminalOptions;
