use super::{LOAD_PARAMS, evidence, histogram_evidence, load};
use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Input, Outcome, ParamKind, ParamSpec, Severity,
};

pub struct LatencyPercentiles;

static META: CheckMeta = CheckMeta {
    code: "LOAD001",
    slug: "load-latency-percentiles",
    category: Category::Performance,
    severity: Severity::Medium,
    summary: "Under bounded load, p50 < 200 ms, p95 < 1 s and p99 < 2 s",
    doc: CheckDoc {
        what: "Loads `api_url` (or `path`) with `connections` keep-alive connections in a closed loop, \
or at a fixed `rate`, for `duration_ms` (at most 10 s, so the check ends within the per-check \
timeout) and at most `max_requests` requests, and compares the latency percentiles with \
`max_p50_ms`, `max_p95_ms` and `max_p99_ms` (defaults from the seed checklists: 200, 1000, 2000). \
Latencies are recorded in HDR histograms and corrected for coordinated omission: at a fixed rate \
from each request's scheduled start, in a closed loop with HdrHistogram's correction at the mean \
interval. Any percentile above its bound fails. A run in which no request got a response is an error. The evidence carries the latency \
histogram, which the HTML report draws as a chart.",
        why: "Averages hide the slow tail that users feel and that timeouts upstream turn into \
errors; a p99 bound is what an SLO promises. A load generator that waits for each answer before \
sending the next (coordinated omission) underreports the tail by orders of magnitude.",
        fix: "Profile the slow path (database queries, N+1s, synchronous calls), add caching or \
capacity, then run `golive load URL` to confirm.",
        example: "```toml\n[checks.LOAD001]\npath = \"/api/products\"\nconnections = 20\nmax_p95_ms = 500\n```\n```\n$ golive load https://staging.example.com/api/products -c 20 -d 5s\n```",
    },
    params: &[
        LOAD_PARAMS[0],
        LOAD_PARAMS[1],
        LOAD_PARAMS[2],
        LOAD_PARAMS[3],
        LOAD_PARAMS[4],
        LOAD_PARAMS[5],
        ParamSpec {
            name: "max_p50_ms",
            kind: ParamKind::Float,
            default: "200",
            help: "p50 bound, milliseconds",
        },
        ParamSpec {
            name: "max_p95_ms",
            kind: ParamKind::Float,
            default: "1000",
            help: "p95 bound, milliseconds",
        },
        ParamSpec {
            name: "max_p99_ms",
            kind: ParamKind::Float,
            default: "2000",
            help: "p99 bound, milliseconds",
        },
    ],
    requires: &[Input::ApiUrl],
    keywords: &[
        "p50",
        "p95",
        "p99",
        "latency",
        "response time",
        "load test",
        "performance",
    ],
};

#[async_trait::async_trait]
impl Check for LatencyPercentiles {
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
                "no request got a response under load: {}",
                r.failure_samples.first().cloned().unwrap_or_default()
            ))
            .with_evidence(evidence(&run));
        }
        let mut over = Vec::new();
        for (q, name) in [(0.50, "p50"), (0.95, "p95"), (0.99, "p99")] {
            let bound = cx.params.float(&format!("max_{name}_ms"));
            let v = r.ms(q);
            if v > bound {
                over.push(format!("{name} {v:.1} ms > {bound} ms"));
            }
        }
        let got = format!(
            "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
            r.ms(0.5),
            r.ms(0.95),
            r.ms(0.99)
        );
        let mut ev = evidence(&run);
        ev.extend(histogram_evidence(&run));
        if over.is_empty() {
            Outcome::pass(format!("{got} over {} requests", r.requests())).with_evidence(ev)
        } else {
            Outcome::fail(format!("latency over bound: {}", over.join(", ")))
                .with_evidence(ev)
                .fix("profile the slow path, then confirm with golive load")
        }
    }
}
