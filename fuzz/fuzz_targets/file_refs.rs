#![no_main]
//! The reference extractors (markdown, shell, Makefile, package.json, CI pipelines) on arbitrary input: never
//! panic, and every reference has a line inside the file and a path golive would accept.

use golive_facts::file_refs::{
    PIPELINE_PATHS, ci_refs, command_refs, makefile_refs, markdown_refs, package_json_refs,
    shell_refs,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count() as u32 + 1;
    let mut all = markdown_refs(text);
    all.extend(shell_refs(text));
    all.extend(makefile_refs(text));
    if let Ok(r) = package_json_refs(text) {
        all.extend(r);
    }
    for ci in PIPELINE_PATHS {
        if let Ok(r) = ci_refs(ci, text) {
            all.extend(r);
        }
    }
    for r in &all {
        assert!(r.line >= 1 && r.line <= lines, "{r:?}");
        assert!(!r.written.is_empty());
    }
    for line in text.lines().take(50) {
        for w in command_refs(line) {
            assert!(!w.starts_with('/') && !w.contains('$'), "{w}");
        }
    }
});
