use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Outcome, ParamKind, ParamSpec, Severity,
};
use golive_facts::commands::CommandRun;

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
showing the last lines of output with secrets redacted. Skipped when no command is configured.",
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
        let command = cx.params.str("command").trim().to_string();
        if command.is_empty() {
            return Outcome::skipped("no command configured (set command in [checks.CMD001])");
        }
        let key = (command, cx.params.int("timeout_secs").max(1) as u64);
        let r = match cx.facts.get_keyed::<CommandRun>(&key).await {
            Ok(r) => r,
            Err(e) => return e.outcome(),
        };
        let mut ev = vec![format!(
            "$ {} -> {} in {}ms",
            r.command,
            match (r.timed_out, r.exit_code) {
                (true, _) => format!("killed after {}s", key.1),
                (false, Some(c)) => format!("exit {c}"),
                (false, None) => "killed by a signal".to_string(),
            },
            r.duration_ms
        )];
        ev.extend(r.tail(15));
        if r.timed_out {
            return Outcome::fail(format!("`{}` did not finish within {}s", r.command, key.1))
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
