//! `golive import FILE.md`: every item with its binding and why, or manual and why.

use super::args::{ImportArgs, ListFormat};
use super::checklist::{load, totals, write_if_changed};
use golive_core::checklist::binder::Decision;
use golive_core::checklist::write::add_binding_comments;
use serde_json::{Value, json};

pub fn run(a: ImportArgs) -> i32 {
    let loaded = match load(&a.file) {
        Ok(l) => l,
        Err(e) => return super::fail_usage(e),
    };
    let text = match a.format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(&loaded)).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Text => to_text(&loaded),
    };
    if let Err(e) = super::emit(&text, None) {
        return super::fail_usage(e);
    }
    if a.write {
        let new = add_binding_comments(&loaded.text, &loaded.checklist, &loaded.bindings);
        match write_if_changed(&loaded, &new) {
            Ok(true) => eprintln!("golive: wrote binding comments to {}", loaded.label),
            Ok(false) => eprintln!("golive: {} already carries every binding", loaded.label),
            Err(e) => return super::fail_usage(e),
        }
    }
    super::EXIT_READY
}

pub fn to_json(l: &super::checklist::Loaded) -> Value {
    let (bound, manual, group) = totals(&l.bindings);
    let items: Vec<Value> = l
        .checklist
        .items
        .iter()
        .zip(&l.bindings)
        .map(|(item, b)| {
            let mut m = serde_json::Map::new();
            m.insert("line".into(), json!(item.line));
            m.insert("text".into(), json!(item.text));
            m.insert("section".into(), json!(item.section));
            m.insert("kind".into(), json!(item.kind));
            m.insert("checked".into(), json!(item.checked));
            if let Some(t) = &item.title {
                m.insert("title".into(), json!(t));
            }
            if let Some(p) = item.parent {
                m.insert("parent_line".into(), json!(l.checklist.items[p].line));
            }
            m.insert("explicit".into(), json!(b.explicit));
            match &b.decision {
                Decision::Bound(bs) => {
                    let checks: Vec<Value> = bs
                        .iter()
                        .map(|bd| {
                            let params: serde_json::Map<String, Value> = bd
                                .params
                                .iter()
                                .map(|(k, v)| (k.clone(), json!(v.to_string())))
                                .collect();
                            json!({"code": bd.check.meta().code, "params": params, "why": bd.why})
                        })
                        .collect();
                    let why: Vec<&str> = bs.iter().map(|bd| bd.why.as_str()).collect();
                    m.insert("checks".into(), json!(checks));
                    m.insert("why".into(), json!(why.join("; ")));
                }
                Decision::Manual(r) => {
                    m.insert("checks".into(), json!([]));
                    m.insert("manual_reason".into(), json!(r));
                }
                Decision::Group => {
                    m.insert("checks".into(), json!([]));
                    m.insert("children".into(), json!(item.children.len()));
                }
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "schema": "golive.import/v1",
        "file": l.label,
        "summary": {"items": l.checklist.items.len(), "bound": bound, "manual": manual, "group": group},
        "required_inputs": l.checklist.required_inputs,
        "signoffs": l.checklist.signoffs,
        "status_sections": l.checklist.status_sections,
        "items": items,
    })
}

fn to_text(l: &super::checklist::Loaded) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let mut last_section = String::new();
    for (item, b) in l.checklist.items.iter().zip(&l.bindings) {
        let section = item.section.join(" › ");
        if section != last_section {
            let _ = writeln!(
                s,
                "\n{}",
                if section.is_empty() {
                    "(no section)"
                } else {
                    &section
                }
            );
            last_section = section;
        }
        let indent = if item.parent.is_some() { "  " } else { "" };
        let _ = writeln!(s, "  {indent}{:>4}  {}", item.line, item.text);
        match &b.decision {
            Decision::Bound(bs) => {
                for bd in bs {
                    let src = if b.explicit { "explicit" } else { "bound" };
                    let _ = writeln!(
                        s,
                        "  {indent}      → {src} {} · {}",
                        bd.comment_form(),
                        bd.why
                    );
                }
            }
            Decision::Manual(r) => {
                let _ = writeln!(s, "  {indent}      → manual · {r}");
            }
            Decision::Group => {
                let _ = writeln!(
                    s,
                    "  {indent}      → group of {} items",
                    item.children.len()
                );
            }
        }
    }
    if !l.checklist.required_inputs.is_empty() {
        let _ = writeln!(
            s,
            "\nRequired inputs (an environment of golive.toml sets them):"
        );
        for r in &l.checklist.required_inputs {
            let keys = if r.keys.is_empty() {
                "no golive input".to_string()
            } else {
                r.keys.join(", ")
            };
            let _ = writeln!(s, "  {:>4}  {} → {keys}", r.line, r.label);
        }
    }
    if !l.checklist.signoffs.is_empty() {
        let roles: Vec<&str> = l
            .checklist
            .signoffs
            .iter()
            .map(|r| r.role.as_str())
            .collect();
        let _ = writeln!(s, "\nSign-off roles: {}", roles.join(", "));
    }
    let (bound, manual, group) = totals(&l.bindings);
    let _ = writeln!(
        s,
        "\n{}: {} items: {bound} bound, {manual} manual, {group} groups",
        l.label,
        l.checklist.items.len()
    );
    s
}
