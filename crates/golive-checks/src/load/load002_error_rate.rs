use super::{LOAD_PARAMS, evidence, load};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct ErrorRate;

static META: CheckMeta = CheckMeta {
    code: "LOAD002",
    slug: "load-error-rate",
    category: Category::Performance,
    severity: Severity::High,
    summary: "Under bounded load, fewer than 1% of requests fail",
    doc: CheckDoc {
        what: "Runs the same bounded load as LOAD001 (same parameters: with equal values the two \
checks share one run) and counts errors: connection failures, timeouts and 5xx answers. The check \
fails when the error rate reaches `max_error_percent` (default 1, from the seed checklists). A 429 \
is not an error here: it is the rate limiter working (HTTP013).",
        why: "Errors that appear only under concurrency (pool exhaustion, lock timeouts, worker \
crashes) are invisible to single-request checks and are exactly what a launch day triggers.",
        fix: "Read the failures in the evidence; size connection pools and workers for the \
concurrency, and fix the crashes the load exposes.",
        example: "```toml\n[checks.LOAD002]\nconnections = 20\nmax_error_percent = 0.5\n```",
    },
    params: &[
        LOAD_PARAMS[0],
        LOAD_PARAMS[1],
        LOAD_PARAMS[2],
        LOAD_PARAMS[3],
        LOAD_PARAMS[4],
        LOAD_PARAMS[5],
        ParamSpec {
            name: "max_error_percent",
            kind: ParamKind::Float,
            default: "1",
            help: "error-rate bound, percent",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "error rate",
        "5xx",
        "errors under load",
        "load test",
        "reliability",
    ],
};

#[async_trait::async_trait]
impl Check for ErrorRate {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let run = match load(cx).await {
            Ok(r) => r,
            Err(o) => return o,
        };
        let r = &run.0;
        if r.responses == 0 {
            return Outcome::error(format!(
                "no request got a response, so there is no error rate to judge: {}",
                r.failure_samples.first().cloned().unwrap_or_default()
            ))
            .with_evidence(evidence(&run));
        }
        let pct = r.error_rate() * 100.0;
        let bound = cx.params.float("max_error_percent");
        let msg = format!(
            "{} of {} requests failed ({pct:.2}%)",
            r.errors(),
            r.requests()
        );
        if pct >= bound {
            Outcome::fail(format!("{msg}, bound {bound}%"))
                .with_evidence(evidence(&run))
                .fix(
                    "read the failures in the evidence; size pools and workers for the concurrency",
                )
        } else {
            Outcome::pass(msg).with_evidence(evidence(&run))
        }
    }
}
