//! `golive init --from-checklist FILE.md`: the checklist's "Required Inputs" become an
//! environment of golive.toml, as blanks to fill.

use super::args::InitArgs;
use golive_core::checklist::{Checklist, parse};
use golive_core::config::{Config, FILE_NAME};

/// The `[environments.NAME]` table for a checklist's required inputs. Inputs golive knows are
/// keys (filled when the checklist gives a value, commented out otherwise); the others are
/// listed as comments.
pub fn environment_toml(cl: &Checklist, source: &str, name: &str) -> String {
    let mut s = format!(
        "\n# The \"Required Inputs\" of {source}: fill them in, then `golive check --env {name}`.\n# Credentials go in ${{VAR}} references, never in this file.\n[environments.{}]\n",
        toml_key(name)
    );
    let mut seen: Vec<&str> = Vec::new();
    for r in &cl.required_inputs {
        if r.keys.is_empty() {
            s.push_str(&format!(
                "# {} (line {}): no golive input; note it for the people running the checklist\n",
                r.label, r.line
            ));
            continue;
        }
        s.push_str(&format!("# {} (line {})\n", r.label, r.line));
        for key in &r.keys {
            if seen.contains(key) {
                continue;
            }
            seen.push(key);
            match &r.value {
                Some(v) if r.keys.len() == 1 => {
                    s.push_str(&format!("{key} = {}\n", toml_string(v)))
                }
                _ => s.push_str(&format!("# {key} = \"\"\n")),
            }
        }
    }
    s
}

fn toml_string(v: &str) -> String {
    let escaped: String = v
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        toml_string(k)
    }
}

pub fn run(a: InitArgs) -> i32 {
    let Some(file) = &a.from_checklist else {
        return super::fail_usage("--from-checklist needs a file");
    };
    let label = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return super::fail_usage(format!("{label}: {e}")),
    };
    let cl = parse(&text);
    if cl.required_inputs.is_empty() {
        return super::fail_usage(format!(
            "{label}: no \"Required Inputs\" list (a heading with \"inputs\" over a plain list)"
        ));
    }
    let target = a.path.join(FILE_NAME);
    let existing = match std::fs::read_to_string(&target) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return super::fail_usage(format!("{}: {e}", target.display())),
    };
    if let Some(t) = &existing {
        let header = format!("[environments.{}]", toml_key(&a.env_name));
        if t.lines().any(|l| l.trim() == header) && !a.force {
            return super::fail_usage(format!(
                "{} already has {header}; pick another --env-name",
                target.display()
            ));
        }
    }
    // golive.toml names the checklist relative to itself.
    let rel = match (file.canonicalize(), a.path.canonicalize()) {
        (Ok(f), Ok(d)) => f
            .strip_prefix(&d)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| f.display().to_string()),
        _ => label.clone(),
    };
    let mut out = existing
        .clone()
        .unwrap_or_else(|| format!("checklist = {}\n", toml_string(&rel)));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&environment_toml(&cl, &label, &a.env_name));
    // Never write a file golive cannot read back.
    let tmp = a.path.join(format!(".{FILE_NAME}.golive-tmp"));
    if let Err(e) = std::fs::write(&tmp, &out) {
        return super::fail_usage(format!("cannot write {}: {e}", tmp.display()));
    }
    if let Err(e) = Config::load(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return super::fail_usage(format!(
            "{}: the result would not load: {e}",
            target.display()
        ));
    }
    if let Err(e) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_file(&tmp);
        return super::fail_usage(format!("cannot write {}: {e}", target.display()));
    }
    let known = cl
        .required_inputs
        .iter()
        .filter(|r| !r.keys.is_empty())
        .count();
    eprintln!(
        "golive: added environment {} to {} ({known} of {} required inputs map to golive inputs)",
        a.env_name,
        target.display(),
        cl.required_inputs.len()
    );
    super::EXIT_READY
}
