#![no_main]
//! The env-file parser takes any bytes without panicking, and every line it reports exists.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count() as u32;
    let parsed = golive_facts::envfile::parse(&text);
    for e in &parsed.entries {
        assert!(e.line >= 1 && e.line <= lines);
    }
    for e in &parsed.errors {
        assert!(e.line >= 1 && e.line <= lines);
    }
    let _ = parsed.duplicates();
});
