#![no_main]
//! The Prometheus rule-file reader on arbitrary input: never panics, every problem has a line,
//! and every rule it keeps points inside the file.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = golive_facts::rule_files::looks_like_rule_file(text);
    if let Some(f) = golive_facts::rule_files::read_rule_file("r.yml", text) {
        let lines = text.lines().count() as u32 + 1;
        for p in &f.problems {
            assert!(p.line >= 1, "{p:?}");
        }
        for r in &f.rules {
            assert!(r.line <= lines, "{r:?}");
            if let Some(e) = &r.expr {
                let _ = golive_facts::rule_files::expr_problem(e);
            }
        }
    }
    let _ = golive_facts::rule_files::duration_secs(text);
});
