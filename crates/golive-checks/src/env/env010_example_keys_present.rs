use crate::support::env_files;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::EnvFile;

pub struct ExampleKeysPresent;

static META: CheckMeta = CheckMeta {
    code: "ENV010",
    slug: "env-example-keys-present",
    category: Category::Configuration,
    severity: Severity::High,
    summary: "Every key of .env.example is set in the production env file",
    doc: CheckDoc {
        what: "For each production env file, takes the template next to it (`.env.example`, \
`.env.sample`, `.env.template`, `.env.production.example`, ... in the same directory, else at the \
root) and fails for every key the template lists that the production file does not assign. \
Findings point at the key's line in the template.",
        why: "The template is the application's own list of what it needs. A key missing from the \
production file silently takes the code's default: a development database URL, a disabled feature \
flag, an empty API key that fails only when the first customer hits that path.",
        fix: "Add the missing keys to the production env file (or remove keys the app no longer reads \
from the template).",
        example: "```\n# .env.example\nDATABASE_URL=\nREDIS_URL=\n# .env.production: fails, REDIS_URL missing\nDATABASE_URL=postgres://db/app\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        ".env.example",
        "env vars set",
        "required env vars",
        "environment variables",
    ],
};

/// The template that describes `target`: same directory first, production-specific first.
fn template_for<'a>(target: &EnvFile, templates: &[&'a EnvFile]) -> Option<&'a EnvFile> {
    let dir = |rel: &str| {
        rel.rfind('/')
            .map(|i| rel[..i].to_string())
            .unwrap_or_default()
    };
    let tdir = dir(&target.rel);
    let mut candidates: Vec<&&EnvFile> = templates.iter().filter(|t| dir(&t.rel) == tdir).collect();
    if candidates.is_empty() {
        candidates = templates.iter().filter(|t| !t.rel.contains('/')).collect();
    }
    candidates.sort_by_key(|t| {
        let n = t.rel.to_ascii_lowercase();
        (!(n.contains("prod")), n.len())
    });
    candidates.first().map(|t| **t)
}

#[async_trait::async_trait]
impl Check for ExampleKeysPresent {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let templates: Vec<&EnvFile> = files.templates().collect();
        let targets: Vec<&EnvFile> = files.targets().collect();
        if targets.is_empty() {
            return Outcome::skipped(crate::support::NO_TARGET_ENV);
        }
        let mut findings = Findings::new();
        let mut compared = Vec::new();
        for target in targets {
            let Some(template) = template_for(target, &templates) else {
                continue;
            };
            findings.inspected();
            compared.push(format!("{} against {}", target.rel, template.rel));
            for entry in template.parsed.effective() {
                if target.parsed.get(&entry.key).is_none() {
                    findings.fail(
                        format!(
                            "{} is listed in {} but not set in {}",
                            entry.key, template.rel, target.rel
                        ),
                        Location::line(template.rel.clone(), entry.line),
                    );
                }
            }
        }
        let mut outcome = findings.into_outcome(
            "the production env file sets every key of the template",
            "no .env.example (or other template) to compare the production env file with",
            "add the missing keys to the production env file",
        );
        outcome
            .evidence
            .extend(compared.into_iter().map(|c| format!("compared {c}")));
        outcome
    }
}
