//! Per-shard write throughput accounting (off unless configured), as Kinesis enforces it:
//! 1 MiB/s including partition keys, and 1,000 records/s per shard.

/// Bytes per second one shard accepts.
pub const SHARD_BYTES_PER_SECOND: u64 = 1024 * 1024;
/// Records per second one shard accepts.
pub const SHARD_RECORDS_PER_SECOND: u64 = 1000;

/// A one-second fixed window of what a shard accepted.
#[derive(Debug, Default)]
pub struct WriteWindow {
    second: i64,
    bytes: u64,
    records: u64,
}

impl WriteWindow {
    /// Admits a record of `bytes` at `now_ms` if the shard's window has room, and counts it.
    pub fn try_admit(&mut self, now_ms: i64, bytes: u64) -> bool {
        let second = now_ms.div_euclid(1000);
        if second != self.second {
            self.second = second;
            self.bytes = 0;
            self.records = 0;
        }
        if self.records + 1 > SHARD_RECORDS_PER_SECOND || self.bytes + bytes > SHARD_BYTES_PER_SECOND {
            return false;
        }
        self.records += 1;
        self.bytes += bytes;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_beyond_a_thousand_records_per_second() {
        let mut window = WriteWindow::default();
        for _ in 0..1000 {
            assert!(window.try_admit(5_000, 10));
        }
        assert!(!window.try_admit(5_999, 10));
        assert!(window.try_admit(6_000, 10));
    }

    #[test]
    fn refuses_beyond_a_mebibyte_per_second() {
        let mut window = WriteWindow::default();
        assert!(window.try_admit(0, SHARD_BYTES_PER_SECOND));
        assert!(!window.try_admit(1, 1));
    }
}
