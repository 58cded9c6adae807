//! Environment files: the production `.env` is where most deploy defects live.

mod env001_env_file_syntax;
mod env002_environment_is_production;
mod env003_debug_off;
mod env004_log_level;
mod env005_sql_echo_off;
mod env006_cors_origins;
mod env007_allowed_hosts;
mod env008_secrets_not_default;
mod env009_secret_entropy;
mod env010_example_keys_present;
mod env011_production_file_not_committed;

pub use env004_log_level::level_rank;
pub use env006_cors_origins::is_local_origin;
pub use env008_secrets_not_default::default_reason;
pub use env009_secret_entropy::estimate_bits;

use golive_core::Check;

pub const CHECKS: &[&dyn Check] = &[
    &env001_env_file_syntax::EnvFileSyntax,
    &env002_environment_is_production::EnvironmentIsProduction,
    &env003_debug_off::DebugOff,
    &env004_log_level::LogLevel,
    &env005_sql_echo_off::SqlEchoOff,
    &env006_cors_origins::CorsOrigins,
    &env007_allowed_hosts::AllowedHosts,
    &env008_secrets_not_default::SecretsNotDefault,
    &env009_secret_entropy::SecretEntropy,
    &env010_example_keys_present::ExampleKeysPresent,
    &env011_production_file_not_committed::ProductionFileNotCommitted,
];
