//! `LogError`, the one error type of `sluice-log`.
//!
//! Every failure the engine can report is a variant here: I/O failures carry the path they happened
//! on, corruption carries the segment file and the byte position, and configuration or usage errors
//! say which limit was crossed. Nothing in this crate panics on file contents; corrupt files surface
//! as [`LogError::Corrupt`] or [`LogError::TornTail`]. Messages are lowercase without trailing
//! punctuation.

use std::io;
use std::path::{Path, PathBuf};

/// Errors returned by the storage engine.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// An operating-system I/O call failed on `path`.
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        /// The file or directory the call was made on.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// A segment or index file holds bytes that are not a valid frame or entry.
    #[error("corrupt data in {} at position {position}: {reason}", segment.display())]
    Corrupt {
        /// The segment (`.log`) or index (`.idx`) file.
        segment: PathBuf,
        /// Byte position of the first bad byte or of the frame that failed validation.
        position: u64,
        /// What was wrong.
        reason: String,
    },

    /// The last segment ends with an incomplete or invalid batch and the log was opened with
    /// [`RecoveryMode::Strict`](crate::RecoveryMode::Strict).
    #[error("torn tail in {} at position {position}", segment.display())]
    TornTail {
        /// The last segment file.
        segment: PathBuf,
        /// Position where the last whole valid batch ends.
        position: u64,
    },

    /// Two consecutive segments do not continue each other's offsets.
    #[error(
        "offset gap after {}: segment ends at offset {end_offset} but the next segment starts at {next_base_offset}",
        segment.display()
    )]
    OffsetGap {
        /// The segment whose end does not meet the next one.
        segment: PathBuf,
        /// The offset after its last record.
        end_offset: u64,
        /// The first offset of the following segment.
        next_base_offset: u64,
    },

    /// An offset is outside of what the log holds.
    #[error("offset {offset} is out of range, the log holds [{start_offset}, {end_offset})")]
    OffsetOutOfRange {
        /// The offset asked for.
        offset: u64,
        /// Oldest retained offset.
        start_offset: u64,
        /// Offset the next record will get.
        end_offset: u64,
    },

    /// A batch is larger than `LogConfig::max_batch_bytes`.
    #[error("batch payload of {size} bytes exceeds the limit of {max} bytes")]
    RecordTooLarge {
        /// Payload size of the refused batch (8 bytes of lengths per record plus keys and values).
        size: u64,
        /// The configured limit.
        max: u64,
    },

    /// `append` was called with no records.
    #[error("cannot append an empty batch")]
    EmptyBatch,

    /// Offsets would exceed `u64::MAX`.
    #[error("offset space exhausted")]
    OffsetOverflow,

    /// The configuration cannot be used.
    #[error("invalid log configuration: {0}")]
    InvalidConfig(String),

    /// An earlier write or fsync failed in a way that leaves the on-disk state unknown; the log
    /// refuses further writes until it is reopened (and recovered).
    #[error("log is unusable after an earlier failure: {reason}")]
    Poisoned {
        /// The earlier failure.
        reason: String,
    },

    /// Writing inspector output failed.
    #[error("failed to write output: {0}")]
    Output(#[source] io::Error),
}

impl LogError {
    /// Builds an [`LogError::Io`] for `path`.
    pub fn io(path: impl AsRef<Path>, source: io::Error) -> LogError {
        LogError::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Builds an [`LogError::Corrupt`].
    pub fn corrupt(segment: impl AsRef<Path>, position: u64, reason: impl Into<String>) -> LogError {
        LogError::Corrupt {
            segment: segment.as_ref().to_path_buf(),
            position,
            reason: reason.into(),
        }
    }

    /// True when the error means the files on disk are damaged (as opposed to an I/O failure, a
    /// usage error or a bad configuration).
    pub fn is_corruption(&self) -> bool {
        matches!(
            self,
            LogError::Corrupt { .. } | LogError::TornTail { .. } | LogError::OffsetGap { .. }
        )
    }

    /// True when retrying the same call later may succeed (transient I/O failures).
    pub fn is_retryable(&self) -> bool {
        match self {
            LogError::Io { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_without_trailing_punctuation() {
        let errors = [
            LogError::io("/x/0.log", io::Error::other("boom")),
            LogError::corrupt("/x/0.log", 12, "bad magic"),
            LogError::TornTail {
                segment: "/x/0.log".into(),
                position: 3,
            },
            LogError::OffsetGap {
                segment: "/x/0.log".into(),
                end_offset: 3,
                next_base_offset: 5,
            },
            LogError::OffsetOutOfRange {
                offset: 9,
                start_offset: 0,
                end_offset: 3,
            },
            LogError::RecordTooLarge { size: 10, max: 5 },
            LogError::EmptyBatch,
            LogError::OffsetOverflow,
            LogError::InvalidConfig("segment_bytes must be positive".into()),
            LogError::Poisoned {
                reason: "fsync failed".into(),
            },
        ];
        for error in errors {
            let message = error.to_string();
            let first = message.chars().next().unwrap();
            assert!(!first.is_uppercase(), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
    }

    #[test]
    fn corruption_kinds_are_classified() {
        assert!(LogError::corrupt("a", 0, "x").is_corruption());
        assert!(!LogError::EmptyBatch.is_corruption());
        assert!(!LogError::EmptyBatch.is_retryable());
    }
}
