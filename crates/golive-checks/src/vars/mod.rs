//! vars checks.

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[];
