//! Small pieces several checks share.

use golive_core::{CheckCx, Findings, Location, Outcome};
use golive_facts::envfile::EnvEntry;
use golive_facts::{EnvFile, EnvFiles};
use std::sync::Arc;

/// The env files fact, or the `error` outcome a check returns when it could not be read.
pub async fn env_files(cx: &CheckCx<'_>) -> Result<Arc<EnvFiles>, Outcome> {
    cx.facts.get::<EnvFiles>().await.map_err(|e| e.outcome())
}

/// The `error` of an infrastructure check whose service could not be reached: the family's
/// "reachable" check (`reachable`) fails with the reason; the others did not check anything
/// and say so, so an unreachable service never leaves a pass behind.
pub fn not_checked(service: &str, reachable: &str, e: &golive_core::FactError) -> Outcome {
    Outcome::error(format!(
        "not checked: {service} unreachable (see {reachable}): {}",
        e.message
    ))
}

/// The reason a production env-file check has nothing to look at.
pub const NO_TARGET_ENV: &str =
    "no production env file found (.env.production, .env.prod*, or env_files in golive.toml)";

/// Visits the effective entries of every target env file whose key satisfies `select`.
/// Each visited file counts as inspected only when at least one key matched.
pub fn visit_target_vars(
    files: &EnvFiles,
    findings: &mut Findings,
    select: impl Fn(&str) -> bool,
    mut visit: impl FnMut(&EnvFile, &EnvEntry, &mut Findings),
) {
    for file in files.targets() {
        let mut matched = false;
        for entry in file.parsed.effective() {
            if select(&entry.key) {
                matched = true;
                visit(file, entry, findings);
            }
        }
        if matched {
            findings.inspected();
        }
    }
}

/// Runs a rule over the variables of the production env files: `select` picks the keys,
/// `visit` records findings. Skipped (with `none_set`) when no production file sets a selected
/// key, and with [`NO_TARGET_ENV`] when there is no production file at all.
pub async fn run_var_rule(
    cx: &CheckCx<'_>,
    select: impl Fn(&str) -> bool,
    visit: impl FnMut(&EnvFile, &EnvEntry, &mut Findings),
    none_set: &str,
    pass: &str,
    fix: &str,
) -> Outcome {
    let files = match env_files(cx).await {
        Ok(f) => f,
        Err(o) => return o,
    };
    let mut findings = Findings::new();
    visit_target_vars(&files, &mut findings, select, visit);
    if findings.inspected_count() == 0 && files.targets().next().is_some() {
        return Outcome::skipped(none_set);
    }
    findings.into_outcome(pass, NO_TARGET_ENV, fix)
}

/// A visitor for switches that must be off: true fails, anything not boolean warns.
pub fn expect_false(file: &EnvFile, e: &EnvEntry, f: &mut Findings) {
    let shown = golive_core::redact::display_value(&e.value);
    match parse_bool(&e.value) {
        Some(false) => {}
        Some(true) => f.fail(format!("{} is \"{shown}\"", e.key), at(file, e)),
        None => f.warn(
            format!(
                "{} is \"{shown}\", not a boolean; check what it enables",
                e.key
            ),
            at(file, e),
        ),
    }
}

pub fn at(file: &EnvFile, entry: &EnvEntry) -> Location {
    Location::line(file.rel.clone(), entry.line)
}

/// true/false as config files write them; `None` for anything else.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "1" | "yes" | "on" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "off" | "n" | "f" | "" => Some(false),
        _ => None,
    }
}

/// Splits a list-valued setting: JSON array, or comma/space/semicolon separated.
pub fn split_list(v: &str) -> Vec<String> {
    let t = v.trim();
    if t.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<String>>(t)
    {
        return items;
    }
    t.trim_matches(['[', ']'])
        .split([',', ' ', ';', '\t', '\n'])
        .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Simple `*` globs over upper-cased variable names.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let p = pattern.trim().to_ascii_uppercase();
    let n = name.to_ascii_uppercase();
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == n;
    }
    let mut pos = 0usize;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !n.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 {
            return n.len() >= pos + part.len() && n.ends_with(part);
        } else {
            match n[pos..].find(part) {
                Some(idx) => pos += idx + part.len(),
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(name_matches("*SECRET*", "AUTH__JWT_SECRET_KEY"));
        assert!(name_matches("*_KEY", "SIGNING_KEY"));
        assert!(!name_matches("*_KEY", "KEYS"));
        assert!(name_matches("DEBUG", "debug"));
        assert!(name_matches("JWT*KEY", "JWT_SECRET_KEY"));
        assert!(!name_matches("A*B*C", "ACB"));
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list("[\"https://a\", \"https://b\"]"),
            vec!["https://a", "https://b"]
        );
        assert_eq!(
            split_list("https://a,https://b"),
            vec!["https://a", "https://b"]
        );
        assert_eq!(split_list("*"), vec!["*"]);
    }
}
