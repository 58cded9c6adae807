//! "Did you mean" for unknown names.

/// The closest of `candidates` to `input`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(input, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        let c = ["api_url", "admin_url", "redis_url"];
        assert_eq!(super::did_you_mean("api_ur", &c), Some("api_url"));
        assert_eq!(super::did_you_mean("redis_uri", &c), Some("redis_url"));
        assert_eq!(super::did_you_mean("zzz", &c), None);
    }
}
