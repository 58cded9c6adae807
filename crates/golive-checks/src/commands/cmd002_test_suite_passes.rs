use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct TestSuitePasses;

static META: CheckMeta = CheckMeta {
    code: "CMD002",
    slug: "test-suite-passes",
    category: Category::Testing,
    severity: Severity::High,
    summary: "The test suite passes with at least the expected number of passing tests",
    doc: CheckDoc {
        what: "Runs `command` like CMD001 and parses the test runner's summary: pytest \
(`152 passed, 2 failed in 3.2s`), cargo test (`test result: ok. 12 passed; 0 failed`, summed \
over binaries), cargo nextest (`Summary [...] 12 tests run: 12 passed`), jest (`Tests: 150 \
passed, 152 total`) and go test (`--- PASS`/`--- FAIL` with -v, else `ok`/`FAIL` per package). \
Fails when the command exits non-zero, any test failed, or fewer than `min_passed` passed; an \
unrecognised summary is an error, never a pass.",
        why: "\"`pytest` 152/152 passing\" on a checklist goes stale the day it is ticked. Counting \
also catches a suite that silently collects fewer tests (a broken import, a renamed directory).",
        fix: "Run the suite locally, fix the failures, and restore the tests that stopped being \
collected; lower `min_passed` only when tests were removed on purpose.",
        example: "```toml\n[run]\ncheck_timeout_secs = 900\n\n[checks.CMD002]\ncommand = \"pytest -q\"\nmin_passed = 152\n```",
    },
    params: &[
        ParamSpec {
            name: "command",
            kind: ParamKind::Str,
            default: "",
            help: "the test command, e.g. `pytest -q`, `cargo test`, `npx jest`, `go test ./...`",
        },
        ParamSpec {
            name: "min_passed",
            kind: ParamKind::Int,
            default: "1",
            help: "the fewest passing tests that count as the whole suite",
        },
        ParamSpec {
            name: "timeout_secs",
            kind: ParamKind::Int,
            default: "600",
            help: "kill the command after this many seconds",
        },
    ],
    requires: &[],
    keywords: &[
        "pytest",
        "tests passing",
        "test suite",
        "cargo test",
        "jest",
        "go test",
        "passing",
    ],
};

#[async_trait::async_trait]
impl Check for TestSuitePasses {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let outcome = decide(cx).await;
        match super::config_location(cx, META.code) {
            Some(loc) if outcome.status == golive_core::Status::Fail => outcome.at(loc),
            _ => outcome,
        }
    }
}

async fn decide(cx: &CheckCx<'_>) -> Outcome {
    {
        let (r, timeout, header) = match super::configured_run(cx, "CMD002", "test command").await {
            Ok(run) => run,
            Err(outcome) => return outcome,
        };
        let mut ev = vec![header];
        if r.timed_out {
            ev.extend(r.tail(10));
            return Outcome::fail(format!(
                "`{}` did not finish within {}s",
                r.command, timeout
            ))
            .with_evidence(ev)
            .fix("make the suite faster or raise timeout_secs and [run] check_timeout_secs");
        }
        let Some(s) = r.summary else {
            ev.extend(r.tail(10));
            return Outcome::error(format!(
                "no pytest, cargo test, nextest, jest or go test summary in the output of `{}`",
                r.command
            ))
            .with_evidence(ev);
        };
        let total = s.passed + s.failed;
        ev.push(format!(
            "{} summary -> {} passed, {} failed, {} skipped",
            s.framework, s.passed, s.failed, s.skipped
        ));
        let min = cx.params.int("min_passed").max(0) as u64;
        let fix = "run the suite locally and fix the failing tests";
        if s.failed > 0 {
            ev.extend(r.tail(10));
            return Outcome::fail(format!("{}/{total} passing: {} failed", s.passed, s.failed))
                .with_evidence(ev)
                .fix(fix);
        }
        if r.exit_code != Some(0) {
            ev.extend(r.tail(10));
            return Outcome::fail(format!(
                "the summary shows no failure but `{}` exited with {:?}",
                r.command, r.exit_code
            ))
            .with_evidence(ev)
            .fix(fix);
        }
        if s.passed < min {
            return Outcome::fail(format!(
                "only {} tests passed, fewer than the expected {min}",
                s.passed
            ))
            .with_evidence(ev)
            .fix("find the tests that are no longer collected (imports, paths, markers)");
        }
        Outcome::pass(format!("{}/{total} passing ({})", s.passed, s.framework)).with_evidence(ev)
    }
}
