use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::repo_index::is_test_or_example_path;
use golive_facts::{EnvFiles, EnvReads};

pub struct EnvExamplePresent;

static META: CheckMeta = CheckMeta {
    code: "REPO007",
    slug: "repo-env-example-present",
    category: Category::Configuration,
    severity: Severity::Medium,
    summary: "A .env.example documents the variables when the code reads environment variables",
    doc: CheckDoc {
        what: "When source files (outside tests and examples) read environment variables — \
`os.getenv`, `os.environ`, pydantic `BaseSettings`, `process.env`, `import.meta.env`, `os.Getenv`, \
`env::var`, `ENV[...]`, `System.getenv`, ... — an env template (`.env.example`, `.env.sample`, \
`.env.template`, ...) must exist in the repository. Skipped when the code reads no variables.",
        why: "The template is the contract between the code and whoever deploys it. Without one, the \
production environment is assembled by reading the source, and the variable nobody noticed falls \
back to a development default.",
        fix: "Add `.env.example` listing every variable the app reads, with safe placeholder values and a \
comment for each.",
        example: "```\n# .env.example\nDATABASE_URL=postgresql://user:password@host:5432/db\nSECRET_KEY=   # openssl rand -hex 32\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        ".env.example exists",
        "env template exists",
        "env example present",
        "documented variables",
    ],
};

#[async_trait::async_trait]
impl Check for EnvExamplePresent {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let reads = match cx.facts.get::<EnvReads>().await {
            Ok(r) => r,
            Err(e) => return e.outcome(),
        };
        let Some(first) = reads.sites.first() else {
            return Outcome::skipped("the code reads no environment variables that golive can see");
        };
        let files = match cx.facts.get::<EnvFiles>().await {
            Ok(f) => f,
            Err(e) => return e.outcome(),
        };
        match files.templates().find(|t| !is_test_or_example_path(&t.rel)) {
            Some(t) => Outcome::pass(format!("{} documents the environment ({} keys)", t.rel, t.parsed.effective().len())),
            None => Outcome::fail(format!("the code reads environment variables (first at {first}) but there is no .env.example"))
                .with_locations(reads.sites.iter().take(5).cloned())
                .fix("add .env.example listing every variable the app reads, with placeholder values"),
        }
    }
}
