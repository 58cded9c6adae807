#![no_main]
//! The Dockerfile parser never panics, whatever the bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let df = golive_facts::dockerfile::parse(&text);
    for st in &df.stages {
        let _ = df.stage_chain(st.index);
        let _ = df.effective(st.index, "USER");
    }
    for i in &df.instructions {
        let _ = i.words();
        let _ = golive_facts::dockerfile::key_values(&i.args);
        let _ = golive_facts::dockerfile::ImageRef::parse(&i.args);
    }
});
