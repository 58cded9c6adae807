//! `golive load URL`: the load generator alone, bounded, with a latency histogram.

use super::args::LoadArgs;
use super::style::Style;
use golive_facts::load::{LoadSpec, MAX_DURATION, render_histogram, run_load};
use golive_facts::tls::roots::client_config;
use std::time::Duration;

/// `5s`, `500ms`, `2m`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (try 5s, 500ms, 1m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("invalid duration unit in {s:?} (ms, s or m)")),
    };
    if secs <= 0.0 || !secs.is_finite() {
        return Err(format!("duration {s:?} must be positive"));
    }
    Ok(Duration::from_secs_f64(secs))
}

pub fn run(a: LoadArgs, style: Style) -> i32 {
    let duration = match parse_duration(&a.duration) {
        Ok(d) if d <= MAX_DURATION => d,
        Ok(_) => {
            return super::fail_usage(format!(
                "--duration is capped at {} s",
                MAX_DURATION.as_secs()
            ));
        }
        Err(e) => return super::fail_usage(e),
    };
    if a.connections == 0 {
        return super::fail_usage("--connections must be at least 1");
    }
    let tls = match client_config(a.ca_file.as_deref()) {
        Ok((c, _)) => c,
        Err(e) => return super::fail_usage(e),
    };
    let spec = LoadSpec {
        url: a.url.clone(),
        connections: a.connections,
        rate: a.rate,
        duration,
        max_requests: a.requests,
        timeout: Duration::from_millis(a.timeout_ms),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return super::fail_usage(format!("cannot start the runtime: {e}")),
    };
    let r = match runtime.block_on(run_load(spec, Some(tls))) {
        Ok(r) => r,
        Err(e) => return super::fail_usage(e),
    };
    if a.json {
        let v = serde_json::json!({
            "url": r.spec.url,
            "connections": r.spec.connections,
            "rate": r.spec.rate,
            "requests": r.requests(),
            "responses": r.responses,
            "errors": r.errors(),
            "error_rate": r.error_rate(),
            "duration_ms": r.elapsed.as_millis() as u64,
            "rps": r.rps(),
            "latency_ms": {
                "p50": r.ms(0.5), "p90": r.ms(0.9), "p95": r.ms(0.95), "p99": r.ms(0.99), "max": r.max_ms(),
            },
            "uncorrected_ms": {
                "p50": r.raw_ms(0.5), "p90": r.raw_ms(0.9), "p95": r.raw_ms(0.95), "p99": r.raw_ms(0.99),
                "max": r.raw.max() as f64 / 1000.0,
            },
            "statuses": r.statuses.iter().map(|(k, v)| (k.to_string(), *v)).collect::<std::collections::BTreeMap<_, _>>(),
            "failures": r.failure_samples,
        });
        let text = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
        return match super::emit(&text, None) {
            Ok(()) => super::EXIT_READY,
            Err(e) => super::fail_usage(e),
        };
    }
    let mut out = String::new();
    out.push_str(&format!("{}\n", r.summary()));
    if !style.quiet {
        let statuses: Vec<String> = r
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect();
        out.push_str(&format!(
            "statuses: {}\n",
            if statuses.is_empty() {
                "none".into()
            } else {
                statuses.join(", ")
            }
        ));
        out.push_str(&format!(
            "latency ({}):\n",
            if r.spec.rate.is_some() {
                "from each request's scheduled start"
            } else {
                "corrected for coordinated omission"
            }
        ));
        out.push_str(&render_histogram(&r, 40));
        out.push_str(&format!(
            "uncorrected: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n",
            r.raw_ms(0.5),
            r.raw_ms(0.99),
            r.raw.max() as f64 / 1000.0
        ));
        for f in &r.failure_samples {
            out.push_str(&format!("failure: {f}\n"));
        }
    }
    match super::emit(&out, None) {
        Ok(()) => super::EXIT_READY,
        Err(e) => super::fail_usage(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("5s").unwrap().as_millis(), 5000);
        assert_eq!(super::parse_duration("250ms").unwrap().as_millis(), 250);
        assert_eq!(super::parse_duration("2").unwrap().as_secs(), 2);
        assert!(super::parse_duration("0s").is_err());
        assert!(super::parse_duration("5h").is_err());
    }
}
