use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct CommandSucceeds;

static META: CheckMeta = CheckMeta {
    code: "CMD001",
    slug: "command-succeeds",
    category: Category::Deployment,
    severity: Severity::High,
    summary: "A configured command (linter, script, `alembic check`) exits with status 0",
    doc: CheckDoc {
        what: "Runs `command` with `sh -c` in the repository root, with stdin closed, under \
`timeout_secs` (and the run's per-check timeout, `[run] check_timeout_secs`, which must be \
raised for slow commands). Passes on exit status 0; fails on any other status or on timeout, \
showing the last lines of output with secrets redacted. Skipped when no command is configured. The command must be named in golive.toml \
(`[checks.CMD001] command = ...`); one that only a checklist binding names is not run (`error`), so \
editing a markdown checklist cannot make CI execute anything.",
        why: "Checklist items such as \"lint clean\", \"`alembic check` reports no changes\" or \
\"`helm lint` passes\" are commands someone has to remember to run; golive runs them every time \
and keeps the evidence.",
        fix: "Run the command locally, fix what it reports, and commit.",
        example: "```toml\n[run]\ncheck_timeout_secs = 300\n\n[checks.CMD001]\ncommand = \"ruff check .\"\ntimeout_secs = 120\n```",
    },
    params: &[
        ParamSpec {
            name: "command",
            kind: ParamKind::Str,
            default: "",
            help: "the shell command to run in the repository root",
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
        "lint",
        "linter",
        "ruff check",
        "alembic check",
        "make check",
        "script passes",
    ],
};

#[async_trait::async_trait]
impl Check for CommandSucceeds {
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
        let (r, timeout, header) = match super::configured_run(cx, "CMD001", "command").await {
            Ok(run) => run,
            Err(outcome) => return outcome,
        };
        let mut ev = vec![header];
        ev.extend(r.tail(15));
        if r.timed_out {
            return Outcome::fail(format!(
                "`{}` did not finish within {}s",
                r.command, timeout
            ))
            .with_evidence(ev)
            .fix("make the command faster or raise timeout_secs");
        }
        match r.exit_code {
            Some(0) => Outcome::pass(format!("`{}` succeeded", r.command)).with_evidence(ev),
            Some(c) => Outcome::fail(format!("`{}` exited with status {c}", r.command))
                .with_evidence(ev)
                .fix("run the command locally and fix what it reports"),
            None => {
                Outcome::fail(format!("`{}` was killed by a signal", r.command)).with_evidence(ev)
            }
        }
    }
}
