#![no_main]
//! The YAML fast path against granit-parser: whenever the fast path answers, its tree (values
//! and lines) must be the one granit-parser's events build. A difference is a crash.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(fast) = golive_facts::yaml_tree::parse_fast_only(text)
    {
        match golive_facts::yaml_tree::parse_with_granit(text) {
            // Compared as printed: `.nan` is not equal to itself.
            Ok(reference) => assert_eq!(
                format!("{fast:?}"),
                format!("{reference:?}"),
                "fast path differs on {text:?}"
            ),
            Err(e) => panic!("fast path parsed what granit-parser refuses ({e}): {text:?}"),
        }
    }
});
