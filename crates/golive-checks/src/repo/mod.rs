//! Repository hygiene.

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[];
