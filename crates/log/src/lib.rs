//! `sluice-log`: the storage engine of Sluice. One [`ShardLog`] per shard: an append-only sequence
//! of records with dense offsets, stored as segmented, CRC-framed files, with a sparse index, group
//! commit, crash recovery and retention by age. It is synchronous and knows nothing of Kinesis, JSON
//! or HTTP: records are opaque `(key, value)` byte pairs, batches carry a millisecond timestamp.
//!
//! This documentation is the specification of the on-disk format. Changing anything below is a
//! format change.
//!
//! # Files
//!
//! A shard directory holds only segment files, in pairs named by the first offset of the segment,
//! zero-padded to 20 digits so that lexical order is offset order:
//!
//! ```text
//! <shard-dir>/
//!   00000000000000000000.log   frames of offsets 0..1834
//!   00000000000000000000.idx   its sparse index
//!   00000000000000001834.log   the active segment: the only file ever appended to
//!   00000000000000001834.idx
//! ```
//!
//! Every segment but the last is *sealed*: fsynced, never modified again, deleted whole by retention.
//! The last one is *active*. A segment rolls (is sealed and a new one created at the next offset)
//! before an append would make it larger than `segment_bytes`; a batch larger than that on its own
//! gets a segment to itself. Sealing fsyncs the `.log` and the `.idx`; creating the next segment
//! fsyncs the directory.
//!
//! # Frame layout
//!
//! A `.log` file is a sequence of frames with nothing between them. One frame holds one appended
//! batch. All integers are little endian.
//!
//! ```text
//! offset size field
//!      0    4 magic         u32 = 0x314C4C53, the bytes "SLL1"
//!      4    4 payload_len   u32, bytes of payload after the 32-byte header
//!      8    4 crc32c        u32, CRC32C (Castagnoli) of bytes 12..32 and of the payload
//!     12    8 first_offset  u64, offset of the first record
//!     20    4 record_count  u32, at least 1
//!     24    8 timestamp_ms  i64, the timestamp of every record of the batch
//!     32    . payload       record_count times: key_len u32 | value_len u32 | key | value
//! ```
//!
//! A frame is valid when the magic matches, `payload_len` fits the file, the CRC matches, and the
//! record lengths add up exactly to `payload_len`. `LogConfig::max_batch_bytes` bounds the payload
//! of new appends only; reads bound a frame by the end of its segment, so lowering the limit never
//! turns old frames into corruption.
//!
//! # Index layout
//!
//! A `.idx` file is an array of 16-byte entries `relative_offset u32 | position u32 | timestamp_ms
//! i64`: a batch's first offset minus the segment base, the byte position of its frame, and its
//! timestamp. The first batch of a segment always gets an entry; later batches get one when at
//! least `index_interval_bytes` were written since the previous entry's position. See [`index`] for
//! the lookups and a worked example.
//!
//! # Invariants
//!
//! * Offsets are dense: each frame starts at the offset after the previous frame's last record,
//!   the first frame of a segment at the segment's base offset, and each segment at the offset
//!   after the previous segment's last record. A gap is an error ([`LogError::OffsetGap`]).
//! * Timestamps never decrease through the log: `append` stores `max(requested, newest stored)`.
//! * Index entries strictly increase in offset and position, never decrease in time, and each one
//!   points at the start of the frame whose first offset and timestamp it records.
//! * Positions and relative offsets fit in 32 bits: `segment_bytes` is at most `u32::MAX` and a
//!   segment rolls before its relative offsets would overflow.
//! * Only the active segment's tail can be torn; sealed segments were fsynced before anything was
//!   written after them.
//!
//! # Durability and visibility
//!
//! `append` writes one frame with one write syscall and no fsync. [`PersistPolicy`] decides the
//! rest: with `Always`, `sync(&receipt)` returns once an fsync covers the receipt (one fsync serves
//! every waiting caller), and readers only see fsynced
//! records, so nothing read can disappear in a crash; with `Interval` a background thread fsyncs
//! periodically, with `Never` only rolls and `close` do, and in both readers see every written
//! record. Reads are positional (`read_at`) and run concurrently with appends.
//!
//! # Recovery contract
//!
//! [`ShardLog::open`] brings a directory back to a consistent state without reading whole
//! segments: each sealed segment is read from its last index entry to its end only (an index that
//! is missing or does not match its segment is rebuilt by one full scan); the last segment is
//! scanned from its last index entry that points at a valid frame. The first bytes that are not a
//! whole valid frame end the log: with [`RecoveryMode::TruncateTail`] the file is cut there and
//! fsynced, with [`RecoveryMode::Strict`] opening fails with [`LogError::TornTail`]. Only batches
//! that were never synced can be lost this way. Damage inside a sealed segment, or before the last
//! index entry of the active one, is not looked for at open; reading it fails with
//! [`LogError::Corrupt`] (never a panic), and [`verify`] finds it.
//!
//! # Retention rule
//!
//! [`ShardLog::enforce_retention`] deletes whole sealed segments, oldest first, while the newest
//! record of the segment is older than the given cutoff; the active segment is never deleted. The
//! start offset becomes the base offset of the oldest kept segment. Deletion removes the `.log`
//! before the `.idx` (recovery removes an `.idx` left alone) and fsyncs the directory.
//!
//! # Example
//!
//! ```
//! use sluice_log::{LogConfig, ReadLimits, RecordRef, ShardLog};
//!
//! # fn main() -> Result<(), sluice_log::LogError> {
//! let dir = tempfile::tempdir().map_err(|error| sluice_log::LogError::io("tempdir", error))?;
//! let log = ShardLog::open(&dir.path().join("shard-0"), LogConfig::default())?;
//! let receipt = log.append(1_700_000_000_000, &[RecordRef { key: b"user-1", value: b"{\"a\":1}" }])?;
//! log.sync(&receipt)?; // acknowledged means on disk
//! let outcome = log.read(0, ReadLimits::records(10))?;
//! assert_eq!(outcome.records[0].value.as_ref(), b"{\"a\":1}");
//! assert_eq!(outcome.next_offset, 1);
//! log.close()?;
//! # Ok(())
//! # }
//! ```

mod cache;
mod config;
mod error;
pub mod frame;
pub mod fs;
mod group_commit;
pub mod index;
mod inspect;
mod record;
mod recovery;
mod retention;
mod segment;
mod shard_log;

pub use config::{DEFAULT_INDEX_INTERVAL_BYTES, DEFAULT_MAX_BATCH_BYTES, DEFAULT_SEGMENT_BYTES, LogConfig};
pub use error::LogError;
pub use fs::{sync_dir, write_atomic};
pub use group_commit::PersistPolicy;
pub use inspect::{Problem, SegmentReport, VerifyReport, dump, verify};
pub use record::{AppendReceipt, ReadLimits, ReadOutcome, RecordRef, StoredRecord};
pub use recovery::RecoveryMode;
pub use retention::RetentionOutcome;
pub use segment::naming::{index_file_name, log_file_name};
pub use shard_log::ShardLog;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn shard_log_is_send_and_sync() {
        assert_send_sync::<ShardLog>();
        assert_send_sync::<LogError>();
    }
}
