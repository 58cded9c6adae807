use crate::support::{NO_TARGET_ENV, at, env_files, parse_bool, visit_target_vars};
use golive_core::redact::display_value;
use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Outcome, Severity};

pub struct DebugOff;

static META: CheckMeta = CheckMeta {
    code: "ENV003",
    slug: "env-debug-off",
    category: Category::Security,
    severity: Severity::Critical,
    summary: "DEBUG and other debug switches are off in production env files",
    doc: CheckDoc {
        what: "In each production env file, `DEBUG`, `DEBUG_MODE` and every `*_DEBUG` variable \
(`FLASK_DEBUG`, `APP_DEBUG`, `DJANGO_DEBUG`, ...) must be false (`false`, `0`, `no`, `off` or empty). \
A true value fails; a value that is neither (such as the `debug` module's `DEBUG=app:*`) is a warning.",
        why: "Debug mode serves stack traces with source, settings and sometimes secrets to anyone \
who triggers an error; Werkzeug's debugger executes arbitrary Python. It is the most common \
production misconfiguration in the seed checklists.",
        fix: "Set `DEBUG=false` in the production env file (and every `*_DEBUG` switch).",
        example: "```\n# fails\nDEBUG=true\n# passes\nDEBUG=false\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "DEBUG",
        "DEBUG=false",
        "debug mode",
        "FLASK_DEBUG",
        "APP_DEBUG",
    ],
};

pub fn is_debug_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    k == "DEBUG" || k == "DEBUG_MODE" || k.ends_with("_DEBUG")
}

#[async_trait::async_trait]
impl Check for DebugOff {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        visit_target_vars(
            &files,
            &mut findings,
            is_debug_key,
            |file, e, f| match parse_bool(&e.value) {
                Some(false) => {}
                Some(true) => f.fail(
                    format!("{} is \"{}\"", e.key, display_value(&e.value)),
                    at(file, e),
                ),
                None => f.warn(
                    format!(
                        "{} is \"{}\", not a boolean; check what it enables",
                        e.key,
                        display_value(&e.value)
                    ),
                    at(file, e),
                ),
            },
        );
        if findings.inspected_count() == 0 && files.targets().next().is_some() {
            return Outcome::skipped(
                "no production env file sets DEBUG or a *_DEBUG switch; the application's default applies",
            );
        }
        findings.into_outcome("debug switches are off", NO_TARGET_ENV, "set DEBUG=false")
    }
}
