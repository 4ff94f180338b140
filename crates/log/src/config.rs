//! `LogConfig`: the knobs of one shard log, with defaults and validation.

use crate::error::LogError;
use crate::frame::MAX_PAYLOAD_LEN;
use crate::group_commit::PersistPolicy;
use crate::recovery::RecoveryMode;

/// Default segment size: 128 MiB.
pub const DEFAULT_SEGMENT_BYTES: u64 = 128 * 1024 * 1024;
/// Default index interval: one entry per 4 KiB of log.
pub const DEFAULT_INDEX_INTERVAL_BYTES: u32 = 4096;
/// Default largest batch payload: 64 MiB.
pub const DEFAULT_MAX_BATCH_BYTES: u32 = 64 * 1024 * 1024;
/// Default page-cache window kept behind the write head of each shard (see `cache`).
pub const DEFAULT_PAGE_CACHE_WINDOW_BYTES: u64 = 32 * 1024 * 1024;

/// Configuration of a [`ShardLog`](crate::ShardLog).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    /// A segment rolls before an append would make it larger than this (a single larger batch gets a
    /// segment of its own). At most `u32::MAX`, since index positions are 32-bit.
    pub segment_bytes: u64,
    /// An index entry is written whenever at least this many bytes of log were written since the
    /// previous entry (and for the first batch of every segment).
    pub index_interval_bytes: u32,
    /// When appends are fsynced, and what readers see.
    pub persist: PersistPolicy,
    /// What to do with a torn tail at startup.
    pub recovery: RecoveryMode,
    /// Largest payload of one appended batch (8 bytes per record plus keys and values). Only appends
    /// are checked against it: lowering it never makes existing frames unreadable.
    pub max_batch_bytes: u32,
    /// Durable bytes further than this behind the write head are dropped from the page cache
    /// (drop-behind); `None` leaves the page cache alone.
    pub page_cache_window_bytes: Option<u64>,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            segment_bytes: DEFAULT_SEGMENT_BYTES,
            index_interval_bytes: DEFAULT_INDEX_INTERVAL_BYTES,
            persist: PersistPolicy::Always,
            recovery: RecoveryMode::TruncateTail,
            max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
            page_cache_window_bytes: Some(DEFAULT_PAGE_CACHE_WINDOW_BYTES),
        }
    }
}

impl LogConfig {
    /// Checks the values a log cannot work with.
    pub fn validate(&self) -> Result<(), LogError> {
        if self.segment_bytes == 0 || self.segment_bytes > u64::from(u32::MAX) {
            return Err(LogError::InvalidConfig(format!(
                "segment_bytes must be between 1 and {}, got {}",
                u32::MAX,
                self.segment_bytes
            )));
        }
        if self.max_batch_bytes == 0 || self.max_batch_bytes > MAX_PAYLOAD_LEN {
            return Err(LogError::InvalidConfig(format!(
                "max_batch_bytes must be between 1 and {MAX_PAYLOAD_LEN}, got {}",
                self.max_batch_bytes
            )));
        }
        if self.persist == PersistPolicy::Interval(std::time::Duration::ZERO) {
            return Err(LogError::InvalidConfig(
                "persist interval must be positive".to_string(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let config = LogConfig::default();
        assert_eq!(config.segment_bytes, 128 << 20);
        assert_eq!(config.index_interval_bytes, 4096);
        assert_eq!(config.max_batch_bytes, 64 << 20);
        assert_eq!(config.persist, PersistPolicy::Always);
        assert_eq!(config.recovery, RecoveryMode::TruncateTail);
        config.validate().unwrap();
    }

    #[test]
    fn unusable_values_are_refused() {
        let bad = [
            LogConfig {
                segment_bytes: 0,
                ..LogConfig::default()
            },
            LogConfig {
                segment_bytes: 1 << 33,
                ..LogConfig::default()
            },
            LogConfig {
                max_batch_bytes: 0,
                ..LogConfig::default()
            },
            LogConfig {
                max_batch_bytes: u32::MAX,
                ..LogConfig::default()
            },
            LogConfig {
                persist: PersistPolicy::Interval(Duration::ZERO),
                ..LogConfig::default()
            },
        ];
        for config in bad {
            assert!(
                matches!(config.validate(), Err(LogError::InvalidConfig(_))),
                "{config:?}"
            );
        }
    }
}
