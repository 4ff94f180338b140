//! A log-linear latency histogram in the HDR style: fixed memory (about 60 KB) whatever the number of
//! samples, mergeable across workers, and within 0.8% of the true value at any percentile.
//!
//! Values are nanoseconds. Values below 256 have a bucket each; above, each power of two is split
//! into 128 equal buckets, so a bucket is never wider than 1/128 of the values in it. The exact
//! minimum, maximum and sum are kept beside the buckets.

use std::time::Duration;

/// Linear buckets per power of two (as a bit count): 2^7 = 128.
const SUB_BUCKET_BITS: u32 = 7;
const SUB_BUCKETS: u64 = 1 << SUB_BUCKET_BITS;
/// Values below this have their own bucket.
const LINEAR_LIMIT: u64 = SUB_BUCKETS * 2;
/// Enough buckets for any u64.
const BUCKET_COUNT: usize = (LINEAR_LIMIT + (64 - SUB_BUCKET_BITS as u64 - 1) * SUB_BUCKETS) as usize;

#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum: u128,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

fn bucket_of(value: u64) -> usize {
    if value < LINEAR_LIMIT {
        return value as usize;
    }
    let magnitude = 63 - value.leading_zeros();
    let shift = magnitude - SUB_BUCKET_BITS;
    let mantissa = value >> shift;
    (LINEAR_LIMIT + u64::from(shift - 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS)) as usize
}

/// The midpoint of a bucket's value range.
fn bucket_value(bucket: usize) -> u64 {
    let bucket = bucket as u64;
    if bucket < LINEAR_LIMIT {
        return bucket;
    }
    let above = bucket - LINEAR_LIMIT;
    let shift = above / SUB_BUCKETS + 1;
    let mantissa = above % SUB_BUCKETS + SUB_BUCKETS;
    let lowest = mantissa << shift;
    lowest + (1u64 << shift) / 2
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; BUCKET_COUNT],
            total: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    pub fn record_nanos(&mut self, value: u64) {
        self.counts[bucket_of(value)] += 1;
        self.total += 1;
        self.sum += u128::from(value);
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    pub fn record(&mut self, duration: Duration) {
        self.record_nanos(u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX));
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn max_nanos(&self) -> u64 {
        self.max
    }

    pub fn mean_nanos(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The value at `quantile` (0.0–1.0): the smallest recorded value with at least that share of
    /// samples at or below it, within bucket precision and clamped to the exact min and max.
    pub fn quantile_nanos(&self, quantile: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((quantile.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        if rank >= self.total {
            return self.max;
        }
        let mut seen = 0u64;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return bucket_value(bucket).clamp(self.min, self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_buckets_are_monotonic_and_cover_u64() {
        let mut previous = 0;
        for value in (0..100_000u64).chain([u64::MAX / 3, u64::MAX - 1, u64::MAX]) {
            let bucket = bucket_of(value);
            assert!(bucket >= previous, "value {value}");
            assert!(bucket < BUCKET_COUNT);
            previous = bucket;
        }
    }

    #[test]
    fn test_bucket_value_is_within_precision() {
        for value in [1u64, 255, 256, 1000, 123_456, 9_876_543_210, u64::MAX / 2] {
            let estimate = bucket_value(bucket_of(value));
            let error = (estimate as f64 - value as f64).abs() / value as f64;
            assert!(error <= 1.0 / 128.0, "{value} -> {estimate}");
        }
    }

    #[test]
    fn test_quantiles_of_uniform_samples() {
        let mut histogram = Histogram::new();
        for micros in 1..=10_000u64 {
            histogram.record(Duration::from_micros(micros));
        }
        let close = |actual: u64, expected: u64| {
            let error = (actual as f64 - expected as f64).abs() / expected as f64;
            assert!(error < 0.01, "{actual} vs {expected}");
        };
        close(histogram.quantile_nanos(0.5), 5_000_000);
        close(histogram.quantile_nanos(0.99), 9_900_000);
        assert_eq!(histogram.quantile_nanos(1.0), 10_000_000);
        assert_eq!(histogram.max_nanos(), 10_000_000);
        assert_eq!(histogram.count(), 10_000);
        close(histogram.mean_nanos() as u64, 5_000_500);
    }

    #[test]
    fn test_merge_and_empty() {
        let empty = Histogram::new();
        assert_eq!(empty.quantile_nanos(0.99), 0);
        let mut first = Histogram::new();
        first.record_nanos(100);
        let mut second = Histogram::new();
        second.record_nanos(1_000_000);
        first.merge(&second);
        first.merge(&empty);
        assert_eq!(first.count(), 2);
        assert_eq!(first.quantile_nanos(0.5), 100);
        assert_eq!(first.quantile_nanos(1.0), 1_000_000);
    }
}
