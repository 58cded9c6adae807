use crate::support::env_files;
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity, Status,
};
use golive_facts::EnvRole;
use golive_facts::repo_index::is_test_or_example_path;

pub struct EnvFileSyntax;

static META: CheckMeta = CheckMeta {
    code: "ENV001",
    slug: "env-file-syntax",
    category: Category::Configuration,
    severity: Severity::High,
    summary: "Env files parse cleanly, and every env file golive.toml names exists",
    doc: CheckDoc {
        what: "Parses every env file in the repository (`.env`, `.env.*`, `*.env`) (outside test, fixture and example directories) and every file listed in \
`env_files` of the selected environment. Lines that are not `KEY=value`, invalid variable names and \
unterminated quotes fail; a key assigned twice is a warning (the last assignment wins).",
        why: "docker compose, python-dotenv and the shell disagree on malformed lines: one skips them, \
another stops reading, a third takes the rest of the file as a value. A variable that silently goes \
missing falls back to the application's default, which is rarely the production one. A file named \
in golive.toml that does not exist means the environment is checked against nothing.",
        fix: "Write one `KEY=value` per line, quote values with spaces or `#`, close every quote, and \
remove duplicate keys. Create the env files golive.toml names, or correct the paths.",
        example: "```\n# fails: no '=' and an unterminated quote\nDATABASE_URL postgres://db/app\nSECRET_KEY=\"abc\n\n# passes\nDATABASE_URL=postgres://db/app\nSECRET_KEY=\"abc\"\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[".env", "env file", "dotenv", "env_file", "syntax"],
};

#[async_trait::async_trait]
impl Check for EnvFileSyntax {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let files = match env_files(cx).await {
            Ok(f) => f,
            Err(o) => return o,
        };
        let mut findings = Findings::new();
        for missing in &files.missing_configured {
            findings.fail(
                format!("{missing} is named in golive.toml env_files but does not exist"),
                Location::file(missing.clone()),
            );
            findings.inspected();
        }
        for file in &files.files {
            // Deliberately broken fixtures under tests/ and examples/ are not deploy inputs.
            if file.role != EnvRole::Target && is_test_or_example_path(&file.rel) {
                continue;
            }
            findings.inspected();
            if let Some(err) = &file.read_error {
                findings.push(
                    Status::Error,
                    format!("cannot read: {err}"),
                    Some(Location::file(file.rel.clone())),
                );
                continue;
            }
            for e in &file.parsed.errors {
                findings.fail(e.message.clone(), Location::line(file.rel.clone(), e.line));
            }
            for (key, lines) in file.parsed.duplicates() {
                let list: Vec<String> = lines.iter().map(u32::to_string).collect();
                let last = lines.last().copied().unwrap_or(1);
                findings.warn(
                    format!(
                        "{key} is assigned {} times (lines {}); the last one wins",
                        lines.len(),
                        list.join(", ")
                    ),
                    Location::line(file.rel.clone(), last),
                );
            }
        }
        findings.into_outcome(
            format!("{} env file(s) parse cleanly", files.files.len()),
            "no env files found",
            "write one KEY=value per line, close quotes, remove duplicate keys",
        )
    }
}
