//! The latency histogram a load check leaves in its evidence, for the HTML report's chart.
//!
//! Contract (issue 7 ↔ the load checks): one evidence line
//! `latency histogram ms: 10:12 25:40 50:30 100:8 250:2 +Inf:0`, i.e. the prefix
//! [`PREFIX`] then space-separated `UPPER:COUNT` buckets in ascending order, where UPPER is
//! the bucket's upper bound in milliseconds (`+Inf` for the last) and COUNT the number of
//! requests in that bucket (not cumulative). Build it with [`evidence_line`], read it with
//! [`parse`]. Anything else in the evidence is left alone.

pub const PREFIX: &str = "latency histogram ms: ";

/// One bucket: requests whose latency was at most `upper_ms` (and above the previous bucket's
/// bound); `None` is +Inf.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub upper_ms: Option<f64>,
    pub count: u64,
}

pub fn evidence_line(buckets: &[Bucket]) -> String {
    let parts: Vec<String> = buckets
        .iter()
        .map(|b| match b.upper_ms {
            Some(u) => format!("{u}:{}", b.count),
            None => format!("+Inf:{}", b.count),
        })
        .collect();
    format!("{PREFIX}{}", parts.join(" "))
}

/// The buckets of a histogram evidence line; `None` when the line is not one or is malformed.
pub fn parse(line: &str) -> Option<Vec<Bucket>> {
    let rest = line.trim().strip_prefix(PREFIX.trim_end())?;
    let mut out = Vec::new();
    for part in rest.split_whitespace() {
        let (upper, count) = part.split_once(':')?;
        let upper_ms = if upper.eq_ignore_ascii_case("+inf") || upper.eq_ignore_ascii_case("inf") {
            None
        } else {
            let v: f64 = upper.parse().ok()?;
            if !v.is_finite() || v < 0.0 {
                return None;
            }
            Some(v)
        };
        out.push(Bucket {
            upper_ms,
            count: count.parse().ok()?,
        });
        if out.len() > 200 {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let b = vec![
            Bucket {
                upper_ms: Some(10.0),
                count: 3,
            },
            Bucket {
                upper_ms: Some(2.5),
                count: 0,
            },
            Bucket {
                upper_ms: None,
                count: 1,
            },
        ];
        let line = evidence_line(&b);
        assert_eq!(line, "latency histogram ms: 10:3 2.5:0 +Inf:1");
        assert_eq!(parse(&line), Some(b));
        assert_eq!(parse("latency histogram ms: 10:x"), None);
        assert_eq!(parse("p95 120ms"), None);
    }
}
