#![no_main]
//! Helm template approximation on arbitrary templates and values: the output keeps the line
//! count and is parsed like a manifest.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (values, template) = text.split_once("\n---values---\n").unwrap_or(("", text));
    let cx = golive_facts::helm::HelmContext {
        values: golive_facts::yaml_tree::parse_documents(values)
            .ok()
            .and_then(|d| d.into_iter().next()),
        chart_name: "c".into(),
        chart_version: "0.1.0".into(),
        app_version: "1.0".into(),
    };
    let r = golive_facts::helm::render(template, &cx);
    assert_eq!(r.text.split('\n').count(), template.split('\n').count());
    let _ = golive_facts::yaml_tree::parse_documents(&r.text);
});
