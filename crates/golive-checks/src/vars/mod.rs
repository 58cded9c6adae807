//! Generic variable checks: what a checklist states about a variable no dedicated check is about.

mod vars001_variable_has_value;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[&vars001_variable_has_value::VariableHasValue];

/// The checklist binder's fallback: "variable has value" (params `name`, `value`, `absent`, `not`).
pub const FALLBACK: &dyn Check = &vars001_variable_has_value::VariableHasValue;
