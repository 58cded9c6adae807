//! Fuzzes the checklist parser and the write-back: any input parses without panicking, and
//! writing results back keeps every item an item and is idempotent.
#![no_main]

use golive_core::checklist::parse;
use golive_core::checklist::write::{ItemWrite, apply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let cl = parse(text);
    let writes: Vec<ItemWrite> = cl
        .items
        .iter()
        .enumerate()
        .map(|(i, _)| ItemWrite { checked: Some(i % 2 == 0), comment: Some(format!("pass X{i} · -->e")) })
        .collect();
    let once = apply(text, &cl, &writes);
    let cl2 = parse(&once);
    assert_eq!(cl.items.len(), cl2.items.len());
    assert_eq!(apply(&once, &cl2, &writes), once);
});
