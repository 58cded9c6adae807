#![no_main]
//! The configuration-contract scanner never panics on any source text, in any language.

use golive_facts::contract::{CodeReads, finish, scan_source};
use golive_facts::repo_index::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let (lang, file) = match first % 5 {
        0 => (Language::Python, "settings.py"),
        1 => (Language::JavaScript, "config.js"),
        2 => (Language::TypeScript, "config.tsx"),
        3 => (Language::Go, "main.go"),
        _ => (Language::Rust, "main.rs"),
    };
    let mut out = CodeReads::default();
    let mut pending = Default::default();
    scan_source(lang, file, &text, &mut out, &mut pending);
    finish(&mut out, pending);
});
