//! `golive init`: look at the repository, then write a golive.toml that names what was found
//! and a starter PRODUCTION_CHECKLIST.md bound to the catalog.

use super::args::InitArgs;
use super::style::Style;
use golive_core::Category;
use golive_facts::EnvFiles;
use golive_facts::repo_index::{FileKind, RepoIndex, is_test_or_example_path};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// What `init` found, each list relative to the root.
#[derive(Debug, Default)]
pub struct Survey {
    pub compose_files: Vec<String>,
    pub dockerfiles: Vec<String>,
    pub manifest_dirs: Vec<String>,
    pub helm_charts: Vec<String>,
    pub env_targets: Vec<String>,
    pub env_templates: Vec<String>,
    pub migrations: Vec<String>,
    pub ci_workflows: Vec<String>,
    /// Prometheus rule files and PrometheusRule objects (OPS001/OPS002 read them).
    pub rule_files: Vec<String>,
}

fn is_manifest(index: &RepoIndex, rel: &str) -> bool {
    let Ok(text) = index.read_text(rel) else {
        return false;
    };
    let head: String = text.chars().take(8192).collect();
    head.lines().any(|l| l.starts_with("apiVersion:"))
        && head.lines().any(|l| l.starts_with("kind:"))
}

fn is_rule_file(index: &RepoIndex, rel: &str) -> bool {
    index
        .read_text(rel)
        .is_ok_and(|t| golive_facts::rule_files::looks_like_rule_file(&t))
}

pub fn survey(root: &Path) -> Result<Survey, String> {
    let index = RepoIndex::build(root).map_err(|e| e.to_string())?;
    let deployable = |rel: &str| !is_test_or_example_path(rel);
    let mut s = Survey::default();
    let mut manifest_dirs = BTreeSet::new();
    let mut migrations = BTreeSet::new();
    for f in index.files.iter().filter(|f| deployable(&f.rel)) {
        match f.kind {
            FileKind::Compose => s.compose_files.push(f.rel.clone()),
            FileKind::Dockerfile => s.dockerfiles.push(f.rel.clone()),
            FileKind::CiWorkflow => s.ci_workflows.push(f.rel.clone()),
            FileKind::HelmChart => s.helm_charts.push(f.dir().to_string()),
            FileKind::Yaml if !f.rel.contains("/templates/") && is_manifest(&index, &f.rel) => {
                manifest_dirs.insert(if f.dir().is_empty() {
                    f.rel.clone()
                } else {
                    f.dir().to_string()
                });
            }
            _ => {}
        }
        if f.kind == FileKind::Yaml && is_rule_file(&index, &f.rel) {
            s.rule_files.push(f.rel.clone());
        }
        let lower = f.rel.to_ascii_lowercase();
        if f.name() == "alembic.ini" {
            migrations.insert(format!("{} (alembic)", f.rel));
        }
        for marker in [
            "alembic/versions/",
            "migrations/",
            "db/migrate/",
            "prisma/migrations/",
            "db/migration/",
        ] {
            if let Some(i) = lower.find(marker) {
                migrations.insert(f.rel[..i + marker.len() - 1].to_string());
            }
        }
    }
    s.manifest_dirs = manifest_dirs.into_iter().collect();
    s.migrations = migrations.into_iter().collect();
    let env = EnvFiles::discover(&index, &[]);
    s.env_targets = env.targets().map(|f| f.rel.clone()).collect();
    s.env_templates = env
        .templates()
        .filter(|f| deployable(&f.rel))
        .map(|f| f.rel.clone())
        .collect();
    Ok(s)
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

pub fn golive_toml(s: &Survey) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# golive.toml, written by `golive init`. Review it: `golive check` reads it."
    );
    let _ = writeln!(
        t,
        "# Credentials never go in this file: use ${{VAR}} references to the environment."
    );
    let _ = writeln!(t);
    let _ = writeln!(t, "checklist = \"PRODUCTION_CHECKLIST.md\"");
    let _ = writeln!(t, "default_environment = \"production\"");
    let _ = writeln!(t);
    let _ = writeln!(t, "[gate]");
    let _ = writeln!(
        t,
        "# Failing checks at or above this severity block the deploy (exit 1)."
    );
    let _ = writeln!(t, "severity = \"high\"");
    let _ = writeln!(t);
    let _ = writeln!(t, "[environments.production]");
    for (key, example) in [
        ("api_url", "\"https://api.example.com\""),
        ("admin_url", "\"https://app.example.com\""),
        ("metrics_url", "\"http://api.internal:9102/metrics\""),
        ("database_url", "\"${DATABASE_URL}\""),
        ("redis_url", "\"${REDIS_URL}\""),
        ("s3_endpoint", "\"https://s3.eu-west-1.amazonaws.com\""),
        ("s3_bucket", "\"example-uploads\""),
        ("vault_url", "\"https://vault.example.com\""),
        ("prometheus_url", "\"http://prometheus:9090\""),
        ("alertmanager_url", "\"http://alertmanager:9093\""),
        ("otel_endpoint", "\"http://otel-collector:4317\""),
    ] {
        let _ = writeln!(t, "# {key} = {example}");
    }
    if s.env_targets.is_empty() {
        let _ = writeln!(t, "# env_files = [\".env.production\"]");
    } else {
        let _ = writeln!(t, "env_files = {}", toml_list(&s.env_targets));
    }
    if s.compose_files.is_empty() {
        let _ = writeln!(
            t,
            "# compose_files = [\"docker-compose.yml\", \"docker-compose.prod.yml\"]"
        );
    } else {
        let _ = writeln!(t, "compose_files = {}", toml_list(&s.compose_files));
    }
    let manifests: Vec<String> = s
        .manifest_dirs
        .iter()
        .chain(&s.helm_charts)
        .cloned()
        .collect();
    if manifests.is_empty() {
        let _ = writeln!(t, "# manifests = [\"k8s\"]");
    } else {
        let _ = writeln!(t, "manifests = {}", toml_list(&manifests));
    }
    let _ = writeln!(t);
    let mut found = Vec::new();
    for (what, items) in [
        ("Dockerfiles", &s.dockerfiles),
        ("migrations", &s.migrations),
        ("CI workflows", &s.ci_workflows),
        ("env templates", &s.env_templates),
        ("Prometheus rule files", &s.rule_files),
    ] {
        if !items.is_empty() {
            found.push(format!("# {what}: {}", items.join(", ")));
        }
    }
    if !found.is_empty() {
        let _ = writeln!(
            t,
            "# Also found (checked from the repository index, nothing to configure):"
        );
        for f in found {
            let _ = writeln!(t, "{f}");
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(
        t,
        "# Parameter overrides, per check (see `golive explain CODE`):"
    );
    let _ = writeln!(t, "# [checks.ENV009]");
    let _ = writeln!(t, "# min_bits = 256");
    let _ = writeln!(
        t,
        "# disable = [\"REPO005\"]   (top level, before any table)"
    );
    t
}

pub fn checklist(s: &Survey) -> String {
    let registry = golive_checks::registry();
    let mut t = String::new();
    let _ = writeln!(t, "# Production Readiness Checklist\n");
    let _ = writeln!(
        t,
        "Run `golive check --checklist PRODUCTION_CHECKLIST.md --write` to verify and tick the boxes. Items with a\n`golive:` comment are verified by that check; items without one await a sign-off.\n"
    );
    let cats: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| registry.iter().any(|k| k.meta().category == *c))
        .collect();
    let _ = writeln!(
        t,
        "## Quick Status\n\n| Category | Status |\n|----------|--------|"
    );
    for c in &cats {
        let _ = writeln!(t, "| {c} | ⬜ Not Started |");
    }
    let _ = writeln!(t);
    for c in &cats {
        let _ = writeln!(t, "## {c}\n");
        for k in registry.iter().filter(|k| k.meta().category == *c) {
            let m = k.meta();
            let _ = writeln!(t, "- [ ] {} <!-- golive: {} -->", m.summary, m.code);
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(t, "## Operations\n");
    let _ = writeln!(t, "- [ ] Rollback plan rehearsed on staging");
    let _ = writeln!(t, "- [ ] On-call rotation staffed for launch week");
    let _ = writeln!(t, "- [ ] Stakeholders notified and change window approved");
    if !s.migrations.is_empty() {
        let _ = writeln!(t, "- [ ] Backup snapshot taken before running migrations");
    }
    let _ = writeln!(
        t,
        "- [ ] Deviations from this checklist documented (`golive waive`)\n"
    );
    let _ = writeln!(
        t,
        "## Sign-off\n\n| Role | Name | Date | Notes |\n|------|------|------|-------|"
    );
    for role in [
        "Developer",
        "Tech Lead",
        "Security",
        "Operations",
        "Product Owner",
    ] {
        let _ = writeln!(t, "| {role} | | | |");
    }
    t
}

pub fn run(a: InitArgs, style: Style) -> i32 {
    let root = a.path.as_path();
    if !root.is_dir() {
        return super::fail_usage(format!("{} is not a directory", root.display()));
    }
    let toml_path = root.join("golive.toml");
    let list_path = root.join("PRODUCTION_CHECKLIST.md");
    if !a.force {
        for p in [&toml_path, &list_path] {
            if p.exists() {
                return super::fail_usage(format!(
                    "{} exists; use --force to overwrite it",
                    p.display()
                ));
            }
        }
    }
    let s = match survey(root) {
        Ok(s) => s,
        Err(e) => return super::fail_usage(e),
    };
    for (p, text) in [(&toml_path, golive_toml(&s)), (&list_path, checklist(&s))] {
        if let Err(e) = std::fs::write(p, text) {
            return super::fail_usage(format!("cannot write {}: {e}", p.display()));
        }
    }
    if !style.quiet {
        let count = |v: &Vec<String>| v.len();
        println!(
            "wrote {} and {}\nfound: {} compose file(s), {} Dockerfile(s), {} manifest dir(s), {} Helm chart(s), {} production env file(s), {} migration set(s), {} CI workflow(s)\nnext: fill in the environment's URLs in golive.toml, then run `golive check`",
            toml_path.display(),
            list_path.display(),
            count(&s.compose_files),
            count(&s.dockerfiles),
            count(&s.manifest_dirs),
            count(&s.helm_charts),
            count(&s.env_targets),
            count(&s.migrations),
            count(&s.ci_workflows)
        );
    }
    super::EXIT_READY
}
