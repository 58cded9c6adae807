use super::args::{RulesArgs, RulesFormat};
use golive_core::check::{render_doc, render_index};
use serde_json::json;

pub fn run(a: RulesArgs) -> i32 {
    let registry = golive_checks::registry();
    if let Some(dir) = &a.write_docs {
        return match write_docs(dir) {
            Ok(n) => {
                eprintln!("wrote {n} pages to {}", dir.display());
                super::EXIT_READY
            }
            Err(e) => super::fail_usage(e),
        };
    }
    let text = match a.format {
        RulesFormat::Json => {
            let rows: Vec<_> = registry
                .iter()
                .map(|c| {
                    let m = c.meta();
                    json!({
                        "code": m.code, "slug": m.slug, "category": m.category.as_str(),
                        "severity": m.severity.as_str(), "summary": m.summary,
                        "requires": m.requires.iter().map(|i| i.key()).collect::<Vec<_>>(),
                        "params": m.params.iter().map(|p| json!({"name": p.name, "kind": p.kind.to_string(), "default": p.default, "help": p.help})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut s =
                serde_json::to_string_pretty(&json!({"schema": "golive.rules/v1", "checks": rows}))
                    .unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Markdown => render_index(&registry),
        RulesFormat::Text => {
            let mut s = String::new();
            for c in &registry {
                let m = c.meta();
                s.push_str(&format!(
                    "{:<9} {:<40} {:<14} {:<9} {}\n",
                    m.code,
                    m.slug,
                    m.category.as_str(),
                    m.severity.as_str(),
                    m.summary
                ));
            }
            s
        }
    };
    match super::emit(&text, None) {
        Ok(()) => super::EXIT_READY,
        Err(e) => super::fail_usage(e),
    }
}

fn write_docs(dir: &std::path::Path) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let registry = golive_checks::registry();
    for c in &registry {
        let p = dir.join(format!("{}.md", c.meta().code));
        std::fs::write(&p, render_doc(c.meta()))
            .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    let p = dir.join("README.md");
    std::fs::write(&p, render_index(&registry))
        .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    Ok(registry.len())
}
