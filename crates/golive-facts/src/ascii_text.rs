//! Byte-level helpers for text that is nearly always ASCII: the static collectors read every
//! file of a repository, and decoding characters or searching case-insensitively byte by byte
//! was a large part of their time.

/// Whether `b` is ASCII white space as Unicode (and `char::is_whitespace`) counts it: tab, line
/// feed, vertical tab, form feed, return, space. `u8::is_ascii_whitespace` leaves out the
/// vertical tab.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

thread_local! {
    /// Kept between calls: a fresh buffer per file cost more in page faults than the search.
    static LOWERED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on `text` with ASCII letters lowercased (same length, same offsets), so that a
/// case-insensitive search for lowercase words can use a case-sensitive searcher with a SIMD
/// prefilter, which aho-corasick's ASCII case-insensitive mode cannot use.
pub(crate) fn with_lowercase<R>(text: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    LOWERED.with_borrow_mut(|lower| {
        lower.clear();
        lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
        f(lower)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn space_is_char_whitespace_on_ascii() {
        for b in 0u8..0x80 {
            assert_eq!(super::is_space(b), char::from(b).is_whitespace(), "{b:#x}");
        }
    }

    #[test]
    fn lowercase_keeps_offsets() {
        let t = "Golive:ALLOW é X";
        super::with_lowercase(t, |l| {
            assert_eq!(l.len(), t.len());
            assert_eq!(l, "golive:allow é x".as_bytes());
        });
        // The buffer is reused: a shorter text leaves nothing of the longer one.
        super::with_lowercase("AB", |l| assert_eq!(l, b"ab"));
    }
}
