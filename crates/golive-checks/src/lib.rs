//! The catalog: one check per file under `src/<domain>/`, listed by each domain's `CHECKS`
//! and gathered here. Codes are stable and never reused.

pub mod commands;
pub mod compose;
pub mod contract;
pub mod docker;
pub mod env;
pub mod http;
pub mod k8s;
pub mod load;
pub mod ops;
pub mod otel;
pub mod postgres;
pub mod prometheus;
pub mod redis;
pub mod repo;
pub mod s3;
pub mod secrets;
pub mod support;
pub mod tls;
pub mod vars;
pub mod vault;

use golive_core::Check;

/// Every domain's checks, in catalog order.
const DOMAINS: &[&[&dyn Check]] = &[
    // static: the repository and its configuration
    env::CHECKS,
    repo::CHECKS,
    docker::CHECKS,
    compose::CHECKS,
    k8s::CHECKS,
    secrets::CHECKS,
    contract::CHECKS,
    vars::CHECKS,
    ops::CHECKS,
    // live: the running service
    http::CHECKS,
    tls::CHECKS,
    load::CHECKS,
    // infrastructure
    postgres::CHECKS,
    redis::CHECKS,
    s3::CHECKS,
    vault::CHECKS,
    prometheus::CHECKS,
    otel::CHECKS,
    commands::CHECKS,
];

/// Every check golive knows.
pub fn registry() -> Vec<&'static dyn Check> {
    DOMAINS.iter().flat_map(|d| d.iter().copied()).collect()
}

/// How the checklist binder uses this catalog: its fallback for variables no dedicated check
/// is about.
pub fn binder_options() -> golive_core::checklist::binder::BinderOptions {
    golive_core::checklist::binder::BinderOptions {
        fallback: Some(vars::FALLBACK),
    }
}

/// The check with this code (case-insensitive).
pub fn find(code: &str) -> Option<&'static dyn Check> {
    registry()
        .into_iter()
        .find(|c| c.meta().code.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn codes_and_slugs_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut slugs = HashSet::new();
        for c in super::registry() {
            let m = c.meta();
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(slugs.insert(m.slug), "duplicate slug {}", m.slug);
            // A family prefix (letters, then digits allowed: K8S, S3) and a three-digit number.
            let (family, number) = m.code.split_at(m.code.len().saturating_sub(3));
            assert!(
                number.len() == 3 && number.chars().all(|ch| ch.is_ascii_digit()),
                "{} needs three digits",
                m.code
            );
            assert!(
                family.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && family
                        .chars()
                        .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()),
                "{}",
                m.code
            );
            assert!(
                m.slug
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{}",
                m.slug
            );
            for (name, text) in [
                ("what", m.doc.what),
                ("why", m.doc.why),
                ("fix", m.doc.fix),
                ("example", m.doc.example),
            ] {
                assert!(
                    text.trim().len() >= 20,
                    "{} doc section {name} is too short",
                    m.code
                );
            }
            assert!(!m.summary.is_empty());
        }
    }
}
