use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity,
};
use golive_facts::Dependencies;

pub struct LockfileCommitted;

static META: CheckMeta = CheckMeta {
    code: "REPO001",
    slug: "repo-lockfile-committed",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "Every dependency manifest has its lock file, committed to git",
    doc: CheckDoc {
        what: "For each dependency manifest outside test and example directories — `Cargo.toml`, \
`package.json`, `pyproject.toml` (Poetry, uv, PDM), `Pipfile`, `go.mod`, `Gemfile`, `composer.json` — \
looks for the lock file that covers it in the same directory or an ancestor (workspaces): \
`Cargo.lock`, `package-lock.json`/`yarn.lock`/`pnpm-lock.yaml`/`bun.lock`, `poetry.lock`/`uv.lock`/`pdm.lock`, \
`Pipfile.lock`, `go.sum`, `Gemfile.lock`, `composer.lock`. A missing lock file fails; so does one that \
exists but git does not track. Manifests that declare no dependencies are ignored; pip requirements \
files are covered by REPO002.",
        why: "Without a committed lock file every build resolves versions anew: the image you tested \
is not the image you ship, a compromised or broken release reaches production without a code \
change, and a rollback does not roll back dependencies.",
        fix: "Generate the lock file with the ecosystem's tool (`cargo generate-lockfile`, `npm install`, \
`poetry lock`, `uv lock`, `go mod tidy`) and commit it; build with `--locked` / `npm ci`.",
        example: "```\npackage.json        # fails without package-lock.json next to it\npackage-lock.json   # passes once committed\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "lock file",
        "lockfile",
        "dependencies pinned",
        "package-lock.json",
        "poetry.lock",
        "Cargo.lock",
        "reproducible",
    ],
};

#[async_trait::async_trait]
impl Check for LockfileCommitted {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let deps = match cx.facts.get::<Dependencies>().await {
            Ok(d) => d,
            Err(e) => return e.outcome(),
        };
        let mut findings = Findings::new();
        for m in deps.manifests.iter().filter(|m| m.has_dependencies) {
            if m.ecosystem == golive_facts::repo_index::Ecosystem::PythonRequirements {
                continue;
            }
            findings.inspected();
            match (&m.lockfile, m.lock_committed) {
                (None, _) => findings.fail(
                    format!("{} has no lock file", m.rel),
                    Location::file(m.rel.clone()),
                ),
                (Some(lock), Some(false)) => findings.fail(
                    format!("{lock} (for {}) is not committed to git", m.rel),
                    Location::file(lock.clone()),
                ),
                _ => {}
            }
        }
        findings.into_outcome(
            "every dependency manifest has a committed lock file",
            "no dependency manifests found",
            "generate the lock file (npm install, poetry lock, uv lock, cargo generate-lockfile, go mod tidy) and commit it",
        )
    }
}
