//! Report formats, one file each, all rendered from the same [`golive_core::report::RunReport`].

pub mod checklist;
pub mod json;
pub mod terminal;

pub use terminal::TerminalOptions;
