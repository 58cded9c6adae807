use golive_core::{Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, Severity};
use golive_facts::CiConfig;

pub struct CiRunsTests;

static META: CheckMeta = CheckMeta {
    code: "REPO008",
    slug: "repo-ci-runs-tests",
    category: Category::Testing,
    severity: Severity::High,
    summary: "A CI workflow runs the test suite",
    doc: CheckDoc {
        what: "Reads the CI configuration (`.github/workflows/*.yml`, `.gitlab-ci.yml`, \
`.circleci/config.yml`, `Jenkinsfile`, `azure-pipelines.yml`, `bitbucket-pipelines.yml`, \
`.buildkite/`, `.drone.yml`, `.travis.yml`) and looks for a test command: pytest, tox, \
cargo test/nextest, go test, npm/yarn/pnpm test, jest, vitest, mvn test/verify, gradle test, dotnet \
test, rspec, phpunit, make test, ... Fails when there is no CI configuration or none of it runs tests; \
the pass names the file and line of the command found.",
        why: "Tests that only run on a developer's laptop do not gate anything. The seeds ask for \
'all tests passing' before a deploy; that is only a fact when a machine runs them on every change.",
        fix: "Add a CI job that runs the test suite on every push and pull request.",
        example: "```yaml\n# .github/workflows/ci.yml\njobs:\n  test:\n    steps:\n      - run: pytest -q\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "CI",
        "continuous integration",
        "tests run in CI",
        "pipeline",
        "tests passing",
    ],
};

#[async_trait::async_trait]
impl Check for CiRunsTests {
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
            ci.tests.first(),
            "tests",
            "add a CI step that runs the test suite (pytest, cargo test, npm test, go test, ...) on every change",
        )
    }
}
