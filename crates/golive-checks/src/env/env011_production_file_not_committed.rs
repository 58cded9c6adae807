use crate::support::env_files;
use golive_core::redact::is_secret_name;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::GitFiles;

pub struct ProductionFileNotCommitted;

static META: CheckMeta = CheckMeta {
    code: "ENV011",
    slug: "env-production-file-not-committed",
    category: Category::Secrets,
    severity: Severity::Critical,
    summary: "Production env files holding secrets are not committed to git",
    doc: CheckDoc {
        what: "Asks git which production env files are tracked. A tracked production env file that \
assigns a non-empty value to a secret-named variable fails; a tracked one without secret values \
(public build-time settings, such as Vite's `VITE_*`) is a warning. Outside a git work tree the \
check is skipped.",
        why: "Everything committed is copied to every clone, CI cache, fork and backup, and stays in \
history after the file is deleted. Secrets in a committed env file must be treated as leaked.",
        fix: "`git rm --cached .env.production`, add it to `.gitignore`, rotate every secret it held, \
and load production values from the secret store or the deploy platform.",
        example: "```\n$ git ls-files .env.production\n.env.production      # fails when it sets SECRET_KEY=...\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "committed",
        "gitignore",
        ".env committed",
        "env file committed",
        "not committed",
    ],
};

#[async_trait::async_trait]
impl Check for ProductionFileNotCommitted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let git = match cx.facts.get::<GitFiles>().await {
            Ok(g) => g,
            Err(e) => return e.outcome(),
        };
        if git.tracked.is_none() {
            return Outcome::skipped(format!(
                "cannot tell what is committed: {}",
                git.unavailable.as_deref().unwrap_or("git unavailable")
            ));
        }
        let mut findings = Findings::new();
        for file in files.targets() {
            findings.inspected();
            if git.is_tracked(&file.rel) != Some(true) {
                continue;
            }
            let secret = file
                .parsed
                .effective()
                .into_iter()
                .find(|e| is_secret_name(&e.key) && !e.value.trim().is_empty());
            match secret {
                Some(e) => findings.fail(
                    format!("{} is committed to git and sets {}", file.rel, e.key),
                    Location::line(file.rel.clone(), e.line),
                ),
                None => findings.warn(
                    format!(
                        "{} is committed to git (no secret-named values in it)",
                        file.rel
                    ),
                    Location::file(file.rel.clone()),
                ),
            }
        }
        findings.into_outcome(
            "no production env file is committed",
            crate::support::NO_TARGET_ENV,
            "git rm --cached the file, add it to .gitignore, and rotate the secrets it held",
        )
    }
}
