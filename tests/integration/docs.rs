//! docs/checks is generated from the registry; this fails when it is stale.

use golive_core::check::{render_doc, render_index};

#[test]
fn docs_checks_are_current() {
    let dir = crate::support::repo_root().join("docs/checks");
    let registry = golive_checks::registry();
    let mut stale = Vec::new();
    for c in &registry {
        let p = dir.join(format!("{}.md", c.meta().code));
        if std::fs::read_to_string(&p).ok().as_deref() != Some(render_doc(c.meta()).as_str()) {
            stale.push(p.display().to_string());
        }
    }
    if std::fs::read_to_string(dir.join("README.md"))
        .ok()
        .as_deref()
        != Some(render_index(&registry).as_str())
    {
        stale.push("docs/checks/README.md".into());
    }
    let known: Vec<String> = registry
        .iter()
        .map(|c| format!("{}.md", c.meta().code))
        .collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name != "README.md" && !known.contains(&name) {
            stale.push(format!("{name} documents no registered check"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/checks is stale; run `cargo run -- rules --write-docs docs/checks`:\n{}",
        stale.join("\n")
    );
}
