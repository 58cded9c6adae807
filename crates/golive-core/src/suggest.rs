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

/// The closest of `candidates` to `input` by edit distance, for names where a typo is one or
/// two characters (`FULFILLMENT_URL` for `FULFILMENT_URL`): at most one edit in five of the
/// longer name. Names that only share a pattern are not suggested (`REDIS_ADDR` is no typo of
/// `LISTEN_ADDR`, `CART_SERVICE_ADDR` none of `COLLECTOR_SERVICE_ADDR`), which similarity
/// scores that weigh shared prefixes and suffixes would. Of equally close names, the last wins.
pub fn close_name<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .rev()
        .map(|c| (strsim::damerau_levenshtein(input, c), *c))
        .filter(|(d, c)| *d > 0 && d * 5 <= input.chars().count().max(c.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn close_names_are_typos_not_neighbours() {
        let read = [
            "FULFILMENT_URL",
            "LISTEN_ADDR",
            "COLLECTOR_SERVICE_ADDR",
            "FRONTEND_MESSAGE",
        ];
        assert_eq!(
            super::close_name("FULFILLMENT_URL", &read),
            Some("FULFILMENT_URL")
        );
        assert_eq!(
            super::close_name("FULFILMNET_URL", &read),
            Some("FULFILMENT_URL")
        );
        for unrelated in [
            "REDIS_ADDR",
            "CART_SERVICE_ADDR",
            "FRONTEND_ADDR",
            "FULFILMENT_URL",
        ] {
            assert_eq!(super::close_name(unrelated, &read), None, "{unrelated}");
        }
        // Two equally close: the later one.
        assert_eq!(
            super::close_name("DB_HOTS", &["DB_HOST", "DB_HOTZ"]),
            Some("DB_HOTZ")
        );
    }

    #[test]
    fn suggests_close_names_only() {
        let c = ["api_url", "admin_url", "redis_url"];
        assert_eq!(super::did_you_mean("api_ur", &c), Some("api_url"));
        assert_eq!(super::did_you_mean("redis_uri", &c), Some("redis_url"));
        assert_eq!(super::did_you_mean("zzz", &c), None);
    }
}
