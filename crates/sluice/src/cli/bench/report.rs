//! How benchmark results are shown: a latency summary shared by every benchmark, and helpers that print
//! a result as aligned text or as one JSON line (`--json`).

use super::histogram::Histogram;
use serde::Serialize;

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct LatencySummary {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

fn millis(nanos: u64) -> f64 {
    round3(nanos as f64 / 1e6)
}

/// Rounds to three decimals, enough for milliseconds and rates in reports.
pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

impl LatencySummary {
    pub fn from_histogram(histogram: &Histogram) -> LatencySummary {
        LatencySummary {
            count: histogram.count(),
            mean_ms: round3(histogram.mean_nanos() / 1e6),
            p50_ms: millis(histogram.quantile_nanos(0.50)),
            p90_ms: millis(histogram.quantile_nanos(0.90)),
            p99_ms: millis(histogram.quantile_nanos(0.99)),
            p999_ms: millis(histogram.quantile_nanos(0.999)),
            max_ms: millis(histogram.max_nanos()),
        }
    }

    /// `p50 1.234  p90 …  max …  (mean …, n=…)`, in milliseconds.
    pub fn line(&self) -> String {
        format!(
            "p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}  (mean {:.3}, n={})",
            self.p50_ms, self.p90_ms, self.p99_ms, self.p999_ms, self.max_ms, self.mean_ms, self.count
        )
    }
}

/// Bytes per second as MiB/s.
pub fn mib_per_second(bytes: u64, seconds: f64) -> f64 {
    round3(bytes as f64 / (1024.0 * 1024.0) / seconds.max(1e-9))
}

/// Items per second.
pub fn per_second(count: u64, seconds: f64) -> f64 {
    round3(count as f64 / seconds.max(1e-9))
}

/// Prints `report` as one JSON line, or its text lines.
pub fn emit<T: Serialize>(report: &T, as_json: bool, text: &[(&str, String)]) -> anyhow::Result<()> {
    if as_json {
        println!("{}", serde_json::to_string(report)?);
    } else {
        let width = text.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        for (label, value) in text {
            println!("{label:<width$}  {value}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn test_summary_in_milliseconds() {
        let mut histogram = Histogram::new();
        histogram.record(Duration::from_micros(1500));
        let summary = LatencySummary::from_histogram(&histogram);
        assert_eq!(summary.count, 1);
        assert_eq!(summary.max_ms, 1.5);
        assert!((summary.p50_ms - 1.5).abs() < 0.02);
        assert_eq!(mib_per_second(3 * 1024 * 1024, 2.0), 1.5);
        assert_eq!(per_second(10, 4.0), 2.5);
    }
}
