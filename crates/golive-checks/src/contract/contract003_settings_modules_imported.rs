use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::contract::CodeReads;

pub struct SettingsModulesImported;

static META: CheckMeta = CheckMeta {
    code: "CONTRACT003",
    slug: "contract-settings-modules-imported",
    category: Category::Configuration,
    severity: Severity::Low,
    summary: "Every pydantic settings module is imported by the application",
    doc: CheckDoc {
        what: "Every Python module (outside tests and examples) that defines a pydantic \
`BaseSettings` class must be imported by another module of the repository (`import app.settings`, \
`from app.config import pool`, `from .settings import settings`). Entry points (`main.py`, \
`manage.py`, `wsgi.py`, `asgi.py`, `__main__.py`, `app.py`) are exempt. Findings are warnings: \
a module can also be loaded by name (`DJANGO_SETTINGS_MODULE`, a plugin registry).",
        why: "A settings module nobody imports is configuration that does nothing: its variables \
are documented, set in production and reviewed, while the code reads something else — the pool \
size that was tuned for the launch never reaches the pool.",
        fix: "Import the settings where they are meant to apply, or delete the module and the \
variables that feed it.",
        example: "```python\n# app/db/pool_config.py — warns: nothing imports it\nclass PoolSettings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"DB_POOL_\")\n    size: int = 20\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "settings module",
        "dead configuration",
        "BaseSettings",
        "unused config",
        "configuration contract",
    ],
};

const ENTRY_POINTS: &[&str] = &[
    "main.py",
    "manage.py",
    "wsgi.py",
    "asgi.py",
    "__main__.py",
    "app.py",
    "cli.py",
];

#[async_trait::async_trait]
impl Check for SettingsModulesImported {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let reads = match cx.facts.get::<CodeReads>().await {
            Ok(r) => r,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        let mut seen = std::collections::HashSet::new();
        for s in &reads.settings {
            if !seen.insert(s.file.as_str()) {
                continue;
            }
            findings.inspected();
            let name = s.file.rsplit('/').next().unwrap_or(&s.file);
            if ENTRY_POINTS.contains(&name) || reads.module_imported(&s.file) {
                continue;
            }
            findings.warn(
                format!(
                    "{} defines settings class {} but no module imports it",
                    s.file, s.name
                ),
                Location::line(s.file.clone(), s.line),
            );
        }
        findings.into_outcome(
            format!("every settings module is imported ({} checked)", seen.len()),
            "no pydantic BaseSettings class found",
            "import the settings where they apply, or delete the module",
        )
    }
}
