#![no_main]
//! The YAML tree parser (serde-saphyr) on arbitrary input: never panics, never hangs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(docs) = golive_facts::yaml_tree::parse_documents(text) {
            for d in &docs {
                d.walk(&mut |_| {});
            }
            let _ = golive_facts::manifests::objects_of(
                "f.yaml",
                docs,
                &golive_facts::manifests::Origin::Plain,
                0,
            );
        }
    }
});
