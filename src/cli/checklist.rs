//! Loading a markdown checklist and binding it: shared by `import` and `check --checklist`.

use golive_core::checklist::binder::{Decision, ItemBinding, bind_checklist};
use golive_core::checklist::{self, Checklist};
use std::path::{Path, PathBuf};

pub struct Loaded {
    pub path: PathBuf,
    /// The path as the user gave it, for messages and reports.
    pub label: String,
    pub text: String,
    pub checklist: Checklist,
    pub bindings: Vec<ItemBinding>,
}

/// Reads, parses and binds `path`. Errors (unreadable file, a bad binding comment) are
/// `file:line: message`.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{label}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{label}: not UTF-8 text"))?;
    let cl = checklist::parse(&text);
    let registry = golive_checks::registry();
    let bindings = bind_checklist(&cl, &registry, golive_checks::binder_options(), &label)
        .map_err(|e| e.to_string())?;
    Ok(Loaded {
        path: path.to_path_buf(),
        label,
        text,
        checklist: cl,
        bindings,
    })
}

/// (bound, manual, group) counts.
pub fn totals(bindings: &[ItemBinding]) -> (usize, usize, usize) {
    let mut t = (0, 0, 0);
    for b in bindings {
        match b.decision {
            Decision::Bound(_) => t.0 += 1,
            Decision::Manual(_) => t.1 += 1,
            Decision::Group => t.2 += 1,
        }
    }
    t
}

/// Writes `new` over the file when it differs; returns whether it changed.
pub fn write_if_changed(loaded: &Loaded, new: &str) -> Result<bool, String> {
    if new == loaded.text {
        return Ok(false);
    }
    std::fs::write(&loaded.path, new).map_err(|e| format!("cannot write {}: {e}", loaded.label))?;
    Ok(true)
}
