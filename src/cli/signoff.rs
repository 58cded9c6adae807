//! `golive signoff`, `golive attest`, `golive waive` (issue 7): what people add to a run.

use super::args::{AttestArgs, SignoffArgs, WaiveArgs};
use golive_core::config::unknown_name_message;
use golive_store::{Attestation, OpenMode, Signoff, StoredWaiver, now_rfc3339};

fn required(s: &str, what: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        Err(format!("{what} must not be empty"))
    } else {
        Ok(t.to_string())
    }
}

fn short(c: &str) -> &str {
    c.get(..12).unwrap_or(c)
}

pub fn signoff(a: SignoffArgs) -> i32 {
    match signoff_inner(a) {
        Ok(msg) => {
            eprintln!("{msg}");
            super::EXIT_READY
        }
        Err(e) => super::fail_usage(e),
    }
}

fn signoff_inner(a: SignoffArgs) -> Result<String, String> {
    let cx = super::store::context(&a.store)?;
    let role = required(&a.role, "ROLE")?.to_ascii_lowercase();
    let by = required(&a.by, "--by")?;
    let roles = &cx.config.signoff.roles;
    if roles.is_empty() {
        return Err(format!(
            "{} requires no sign-off; list the roles under [signoff] roles = [...]",
            cx.config.file_label()
        ));
    }
    if !roles.contains(&role) {
        let known: Vec<&str> = roles.iter().map(String::as_str).collect();
        return Err(unknown_name_message("role", &role, &known));
    }
    let environment = cx.environment(a.env.as_deref())?;
    let commit = super::store::git_commit(&cx.root);
    if commit.is_none() {
        eprintln!(
            "golive: warning: {} is not a git repository: this sign-off is tied to no commit",
            cx.root.display()
        );
    }
    let mut store = cx.open(OpenMode::Create)?;
    let id = store
        .add_signoff(&Signoff {
            id: 0,
            role: role.clone(),
            by: by.clone(),
            note: a.note.filter(|n| !n.trim().is_empty()),
            environment: environment.clone(),
            git_commit: commit.clone(),
            signed_at: now_rfc3339(),
        })
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "signed off: {role} by {by} for {}{} (#{id})",
        environment
            .map(|e| format!("environment {e}"))
            .unwrap_or_else(|| "the default environment".into()),
        commit
            .map(|c| format!(" at commit {}", short(&c)))
            .unwrap_or_default()
    ))
}

pub fn attest(a: AttestArgs) -> i32 {
    let run = || -> Result<String, String> {
        let cx = super::store::context(&a.store)?;
        let item = required(&a.item, "ITEM")?;
        let by = required(&a.by, "--by")?;
        let evidence = required(&a.evidence, "--evidence")?;
        let environment = cx.environment(a.env.as_deref())?;
        let commit = super::store::git_commit(&cx.root);
        let mut store = cx.open(OpenMode::Create)?;
        let id = store
            .add_attestation(&Attestation {
                id: 0,
                item: item.clone(),
                by: by.clone(),
                evidence,
                environment,
                git_commit: commit,
                attested_at: now_rfc3339(),
            })
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "attested: \"{item}\" by {by} (#{id}); the next check counts it as passed"
        ))
    };
    match run() {
        Ok(msg) => {
            eprintln!("{msg}");
            super::EXIT_READY
        }
        Err(e) => super::fail_usage(e),
    }
}

/// `ENV003`, `HTTP007`: what a check code looks like.
fn looks_like_code(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = s[letters..].chars().filter(|c| c.is_ascii_digit()).count();
    letters >= 2 && digits == 3 && s.len() == letters + 3
}

pub fn waive(a: WaiveArgs) -> i32 {
    let run = || -> Result<String, String> {
        let cx = super::store::context(&a.store)?;
        let target = required(&a.target, "CODE|ITEM")?;
        let reason = required(&a.reason, "--reason")?;
        let by = required(&a.by, "--by")?;
        let until: jiff::civil::Date =
            a.until.trim().parse().map_err(|_| {
                format!("--until must be a date like 2026-12-31, got {:?}", a.until)
            })?;
        let today = jiff::Zoned::now().date();
        if until < today {
            return Err(format!("--until {until} is in the past"));
        }
        if let Some(env) = &a.env {
            cx.environment(Some(env))?;
        }
        let target = if looks_like_code(&target) {
            let code = target.to_ascii_uppercase();
            let Some(sev) = super::store::severity_of(&code) else {
                let registry = golive_checks::registry();
                let codes: Vec<&str> = registry.iter().map(|c| c.meta().code).collect();
                return Err(unknown_name_message("check", &code, &codes));
            };
            if !cx.config.waiver_policy.allows(sev) {
                return Err(format!(
                    "{code} is {sev}: {} forbids waivers at or above {} ([waiver_policy] forbid_at)",
                    cx.config.file_label(),
                    cx.config
                        .waiver_policy
                        .forbid_at
                        .map(|s| s.as_str())
                        .unwrap_or("?")
                ));
            }
            code
        } else {
            target
        };
        let mut store = cx.open(OpenMode::Create)?;
        let id = store
            .add_waiver(&StoredWaiver {
                id: 0,
                target: target.clone(),
                reason,
                until: until.to_string(),
                by: by.clone(),
                environment: a.env.clone(),
                created_at: now_rfc3339(),
            })
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "waived: {target} until {until} by {by}{} (#{id})",
            a.env.map(|e| format!(" in {e}")).unwrap_or_default()
        ))
    };
    match run() {
        Ok(msg) => {
            eprintln!("{msg}");
            super::EXIT_READY
        }
        Err(e) => super::fail_usage(e),
    }
}
