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
    let len = input.chars().count();
    let letters = Letters::of(input);
    candidates
        .iter()
        .rev()
        // Two lower bounds of the distance rule out most candidates without computing it
        // (CONTRACT002 asks this of every variable set against every read): the difference in
        // length, and the letters one name has that the other lacks.
        .filter_map(|c| {
            let clen = c.chars().count();
            let bound = len.max(clen);
            (len.abs_diff(clen) * 5 <= bound && letters.distance(&Letters::of(c)) * 5 <= bound)
                .then_some((c, bound))
        })
        .map(|(c, bound)| (strsim::damerau_levenshtein(input, c), *c, bound))
        .filter(|(d, _, bound)| *d > 0 && d * 5 <= *bound)
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, c, _)| c)
}

/// How often each ASCII character occurs in a name.
struct Letters {
    ascii: [u16; 128],
}

impl Letters {
    fn of(s: &str) -> Self {
        let mut l = Letters { ascii: [0; 128] };
        for c in s.chars() {
            if let Some(n) = l.ascii.get_mut(c as usize) {
                *n = n.saturating_add(1);
            }
        }
        l
    }

    /// The bag distance over ASCII: a lower bound of the edit distance, transpositions
    /// included (an edit changes at most one letter on each side, a transposition none).
    /// Other characters are not counted, which only weakens the bound.
    fn distance(&self, other: &Letters) -> usize {
        let (mut extra, mut missing) = (0usize, 0usize);
        for (a, b) in self.ascii.iter().zip(&other.ascii) {
            if a > b {
                extra += usize::from(a - b);
            } else {
                missing += usize::from(b - a);
            }
        }
        extra.max(missing)
    }
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
    fn the_letter_bound_never_exceeds_the_distance() {
        let names = [
            "DATABASE_URL",
            "DATABASE__NAME",
            "DATABASE__DATABASE",
            "DB_HOTS",
            "DB_HOST",
            "HSOT_DB",
            "ÉTAT_URL",
            "ETAT_URL",
            "",
            "A",
        ];
        for a in names {
            for b in names {
                let bound = super::Letters::of(a).distance(&super::Letters::of(b));
                assert!(
                    bound <= strsim::damerau_levenshtein(a, b),
                    "{a} {b}: {bound}"
                );
            }
        }
        // Anagrams are not ruled out by letters; the distance decides.
        assert_eq!(
            super::Letters::of("DB_HOST").distance(&super::Letters::of("HSOT_DB")),
            0
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
