use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::CiConfig;

pub struct CiRunsLinter;

static META: CheckMeta = CheckMeta {
    code: "REPO009",
    slug: "repo-ci-runs-linter",
    category: Category::Testing,
    severity: Severity::Medium,
    summary: "A CI workflow runs a linter or static analyser",
    doc: CheckDoc {
        what: "Reads the CI configuration (the files REPO008 reads) and looks for a linter or static \
analyser: ruff, flake8, pylint, mypy, black --check, cargo clippy, cargo fmt --check, golangci-lint, \
go vet, eslint, npm run lint, prettier --check, tsc --noEmit, rubocop, hadolint, shellcheck, checkov, \
pre-commit, make lint, ... Fails when there is no CI configuration or none of it lints.",
        why: "Linters catch the defects tests do not exercise: unused secrets, shadowed settings, \
unsafe calls, formatting drift that hides real diffs. Run by hand, they are skipped under deadline.",
        fix: "Add a CI step that runs the project's linter and fails the build on findings.",
        example: "```yaml\n- run: ruff check .\n- run: cargo clippy --all-targets -- -D warnings\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "linter",
        "lint",
        "static analysis",
        "code quality",
        "ruff",
        "eslint",
        "clippy",
    ],
};

#[async_trait::async_trait]
impl Check for CiRunsLinter {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let ci = match cx.facts.get::<CiConfig>().await {
            Ok(c) => c,
            Err(e) => return e.outcome(),
        };
        super::ci_command::verdict(
            &ci,
            ci.linters.first(),
            "a linter",
            "add a CI step that runs the linter (ruff, eslint, clippy, golangci-lint, ...) on every change",
        )
    }
}
