//! The inputs of an environment: the URLs and DSNs live checks talk to.

use std::fmt;

/// An environment input a check can require. The engine skips (or errors) a check whose
/// input is missing, so checks never have to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    ApiUrl,
    AdminUrl,
    DatabaseUrl,
    RedisUrl,
    S3Endpoint,
    S3Bucket,
    VaultUrl,
    PrometheusUrl,
    AlertmanagerUrl,
    OtelEndpoint,
    /// The service's metrics endpoint as Prometheus scrapes it (internal address).
    MetricsUrl,
}

impl Input {
    pub const ALL: [Input; 11] = [
        Self::ApiUrl,
        Self::AdminUrl,
        Self::DatabaseUrl,
        Self::RedisUrl,
        Self::S3Endpoint,
        Self::S3Bucket,
        Self::VaultUrl,
        Self::PrometheusUrl,
        Self::AlertmanagerUrl,
        Self::OtelEndpoint,
        Self::MetricsUrl,
    ];

    /// The key in `[environments.<name>]`.
    pub fn key(self) -> &'static str {
        match self {
            Self::ApiUrl => "api_url",
            Self::AdminUrl => "admin_url",
            Self::DatabaseUrl => "database_url",
            Self::RedisUrl => "redis_url",
            Self::S3Endpoint => "s3_endpoint",
            Self::S3Bucket => "s3_bucket",
            Self::VaultUrl => "vault_url",
            Self::PrometheusUrl => "prometheus_url",
            Self::AlertmanagerUrl => "alertmanager_url",
            Self::OtelEndpoint => "otel_endpoint",
            Self::MetricsUrl => "metrics_url",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.key() == key)
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// An input's value after `${VAR}` expansion, or why it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputValue {
    Set(String),
    /// Configured, but a referenced variable is not set: checks needing it are errors.
    Unresolved(String),
}

/// Expands `${VAR}` and `${VAR:-default}` from `lookup`. `$$` is a literal `$`.
/// An unset variable without a default is an error naming it.
pub fn expand_vars(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(stripped) = after.strip_prefix('$') {
            out.push('$');
            rest = stripped;
            continue;
        }
        let Some(body_and_rest) = after.strip_prefix('{') else {
            out.push('$');
            rest = after;
            continue;
        };
        let Some(close) = body_and_rest.find('}') else {
            return Err(format!(
                "unclosed ${{ in {:?}",
                crate::redact::display_value(text)
            ));
        };
        let body = &body_and_rest[..close];
        let (name, default) = match body.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (body, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("invalid variable name {name:?} in ${{...}}"));
        }
        match lookup(name).filter(|v| !v.is_empty()) {
            Some(v) => out.push_str(&v),
            None => match default {
                Some(d) => out.push_str(d),
                None => return Err(format!("environment variable {name} is not set")),
            },
        }
        rest = &body_and_rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "PW" => Some("s3cret".into()),
            _ => None,
        }
    }

    #[test]
    fn expands_references() {
        assert_eq!(
            expand_vars("postgres://u:${PW}@h/db", &env).unwrap(),
            "postgres://u:s3cret@h/db"
        );
        assert_eq!(expand_vars("${NOPE:-x}", &env).unwrap(), "x");
        assert_eq!(expand_vars("$$5 $HOME", &env).unwrap(), "$5 $HOME");
        assert!(expand_vars("${NOPE}", &env).unwrap_err().contains("NOPE"));
        assert!(expand_vars("${PW", &env).is_err());
        assert!(expand_vars("${A B}", &env).is_err());
    }
}
