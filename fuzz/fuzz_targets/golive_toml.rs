#![no_main]
//! golive.toml parsing takes any text without panicking; its errors are one line.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = golive_core::config::Config::parse(&text, "golive.toml") {
        assert!(!e.to_string().contains('\n'));
    }
    let _ = golive_core::inputs::expand_vars(&text, &|_| None);
});
