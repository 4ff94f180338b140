//! The sparse index of one segment: which batches get an entry, how entries are stored, and the two
//! lookups (offset → position, time → position).
//!
//! An `.idx` file is a plain array of 16-byte entries, little endian:
//!
//! ```text
//! relative_offset u32 | position u32 | timestamp_ms i64
//! ```
//!
//! `relative_offset` is the first offset of an indexed batch minus the segment's base offset,
//! `position` is the byte position of that batch's frame in the `.log` file and `timestamp_ms` is the
//! batch timestamp. The first batch of a segment always gets an entry (so a valid index starts with
//! `(0, 0, ts)`); after that a batch gets one when at least `index_interval_bytes` of log were
//! written since the position of the previous entry. Entries are therefore strictly increasing in
//! offset and position, and non-decreasing in time, because the log only stores non-decreasing
//! timestamps (a precondition of [`SparseIndex::push`], guaranteed by `ShardLog::append`).
//!
//! # Worked example
//!
//! Segment `00000000000000000100.log`, `index_interval_bytes = 4096`, batches of 1500 bytes:
//!
//! ```text
//! batch  offsets   position  timestamp  bytes since last entry  entry
//!   0    100..110        0     1000      (first batch)         (0,     0, 1000)
//!   1    110..120     1500     1000      1500
//!   2    120..130     3000     1005      3000
//!   3    130..140     4500     1010      4500 >= 4096           (30,  4500, 1010)
//!   4    140..150     6000     1010      1500
//! ```
//!
//! * Offset 125 → relative 25 → last entry with `relative_offset <= 25` is `(0, 0)`: scan from
//!   position 0 (skipping batches 0 and 1 by their headers alone). Offset 145 → `(30, 4500)`: scan from
//!   4500.
//! * Time 1005 → last entry with `timestamp_ms < 1005` is `(0, 0, 1000)`: scan headers from position 0
//!   and stop at the first batch with a timestamp `>= 1005`, batch 2, offset 120. Time 1010 → the last
//!   entry with a smaller timestamp is still `(0, 0, 1000)`, since `(30, 4500, 1010)` is not smaller,
//!   and the scan finds batch 3 (offset 130). Starting from the last entry strictly *below* the target
//!   is what makes equal timestamps spanning an entry come out right.
//!
//! A scan from an entry never crosses more than about `index_interval_bytes` plus one batch.

/// Length of one encoded entry.
pub const INDEX_ENTRY_LEN: usize = 16;

/// One sparse index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// First offset of the indexed batch minus the segment base offset.
    pub relative_offset: u32,
    /// Byte position of the batch's frame in the segment.
    pub position: u32,
    /// Timestamp of the batch.
    pub timestamp_ms: i64,
}

impl IndexEntry {
    /// The 16-byte encoding.
    pub fn to_bytes(&self) -> [u8; INDEX_ENTRY_LEN] {
        let mut bytes = [0u8; INDEX_ENTRY_LEN];
        bytes[0..4].copy_from_slice(&self.relative_offset.to_le_bytes());
        bytes[4..8].copy_from_slice(&self.position.to_le_bytes());
        bytes[8..16].copy_from_slice(&self.timestamp_ms.to_le_bytes());
        bytes
    }

    /// Decodes one entry.
    pub fn from_bytes(bytes: &[u8; INDEX_ENTRY_LEN]) -> IndexEntry {
        let [r0, r1, r2, r3, p0, p1, p2, p3, t0, t1, t2, t3, t4, t5, t6, t7] = *bytes;
        IndexEntry {
            relative_offset: u32::from_le_bytes([r0, r1, r2, r3]),
            position: u32::from_le_bytes([p0, p1, p2, p3]),
            timestamp_ms: i64::from_le_bytes([t0, t1, t2, t3, t4, t5, t6, t7]),
        }
    }

    /// Whether `self` may follow `previous` in an index.
    fn follows(&self, previous: &IndexEntry) -> bool {
        self.relative_offset > previous.relative_offset
            && self.position > previous.position
            && self.timestamp_ms >= previous.timestamp_ms
    }
}

/// Why an index file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("index entry {entry}: {reason}")]
pub struct IndexError {
    /// Number of the first bad entry.
    pub entry: usize,
    /// What was wrong.
    pub reason: &'static str,
}

/// The in-memory sparse index of one segment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SparseIndex {
    entries: Vec<IndexEntry>,
}

impl SparseIndex {
    /// An empty index.
    pub fn new() -> SparseIndex {
        SparseIndex::default()
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[IndexEntry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The last entry.
    pub fn last(&self) -> Option<&IndexEntry> {
        self.entries.last()
    }

    /// Size of the encoded index in bytes.
    pub fn byte_len(&self) -> u64 {
        (self.entries.len() * INDEX_ENTRY_LEN) as u64
    }

    /// True when a batch starting at `position` must get an entry under the interval rule.
    pub fn wants_entry(&self, position: u64, index_interval_bytes: u32) -> bool {
        match self.entries.last() {
            None => true,
            Some(last) => {
                position > u64::from(last.position)
                    && position - u64::from(last.position) >= u64::from(index_interval_bytes)
            }
        }
    }

    /// Appends an entry.
    ///
    /// Precondition: the entry follows the last one (greater offset and position, timestamp not
    /// smaller); the log guarantees non-decreasing timestamps by storing `max(requested, last)`.
    pub fn push(&mut self, entry: IndexEntry) {
        debug_assert!(
            self.entries.last().is_none_or(|last| entry.follows(last)),
            "index entries must increase: {:?} after {:?}",
            entry,
            self.entries.last()
        );
        self.entries.push(entry);
    }

    /// The last entry whose batch starts at or before `relative_offset`.
    pub fn lookup_offset(&self, relative_offset: u64) -> Option<IndexEntry> {
        let count = self
            .entries
            .partition_point(|entry| u64::from(entry.relative_offset) <= relative_offset);
        count.checked_sub(1).and_then(|at| self.entries.get(at)).copied()
    }

    /// The last entry with a timestamp strictly below `timestamp_ms` and a position below
    /// `position_limit`: the first batch at or after `timestamp_ms` starts at or after it.
    pub fn lookup_time(&self, timestamp_ms: i64, position_limit: u64) -> Option<IndexEntry> {
        let count = self.entries.partition_point(|entry| {
            entry.timestamp_ms < timestamp_ms && u64::from(entry.position) < position_limit
        });
        count.checked_sub(1).and_then(|at| self.entries.get(at)).copied()
    }

    /// Removes every entry at or after byte `position`.
    pub fn truncate_at_position(&mut self, position: u64) {
        let keep = self
            .entries
            .partition_point(|entry| u64::from(entry.position) < position);
        self.entries.truncate(keep);
    }

    /// Keeps only the first `count` entries.
    pub fn truncate(&mut self, count: usize) {
        self.entries.truncate(count);
    }

    /// The encoded index file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.entries.len() * INDEX_ENTRY_LEN);
        for entry in &self.entries {
            bytes.extend_from_slice(&entry.to_bytes());
        }
        bytes
    }

    /// Parses an index file that must be complete and consistent: a whole number of entries, at
    /// least one, starting at `(0, 0)`, strictly increasing, every position below `log_len`.
    pub fn parse_strict(bytes: &[u8], log_len: u64) -> Result<SparseIndex, IndexError> {
        if !bytes.chunks_exact(INDEX_ENTRY_LEN).remainder().is_empty() {
            let entry = bytes.len() / INDEX_ENTRY_LEN;
            return Err(IndexError {
                entry,
                reason: "partial entry at the end of the file",
            });
        }
        let index = SparseIndex::parse_prefix(bytes);
        let entry = index.len();
        if entry * INDEX_ENTRY_LEN != bytes.len() {
            return Err(IndexError {
                entry,
                reason: "entry does not follow the previous one",
            });
        }
        if index.is_empty() {
            return Err(IndexError {
                entry: 0,
                reason: "index is empty",
            });
        }
        let points_past_end = index
            .last()
            .is_some_and(|last| u64::from(last.position) >= log_len);
        if points_past_end {
            return Err(IndexError {
                entry: entry - 1,
                reason: "entry points past the end of the segment",
            });
        }
        Ok(index)
    }

    /// Parses the longest valid prefix of an index file: whole entries, the first at `(0, 0)`, each
    /// following the previous one. Never fails; a damaged tail is dropped.
    pub fn parse_prefix(bytes: &[u8]) -> SparseIndex {
        let mut entries: Vec<IndexEntry> = Vec::with_capacity(bytes.len() / INDEX_ENTRY_LEN);
        for chunk in bytes.chunks_exact(INDEX_ENTRY_LEN) {
            let Ok(raw) = <&[u8; INDEX_ENTRY_LEN]>::try_from(chunk) else {
                break;
            };
            let entry = IndexEntry::from_bytes(raw);
            let valid = match entries.last() {
                None => entry.relative_offset == 0 && entry.position == 0,
                Some(previous) => entry.follows(previous),
            };
            if !valid {
                break;
            }
            entries.push(entry);
        }
        SparseIndex { entries }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn entry(relative_offset: u32, position: u32, timestamp_ms: i64) -> IndexEntry {
        IndexEntry {
            relative_offset,
            position,
            timestamp_ms,
        }
    }

    /// The index of the worked example in the module documentation.
    fn example() -> SparseIndex {
        let mut index = SparseIndex::new();
        let batch_positions = [
            (0u32, 0u32, 1000i64),
            (10, 1500, 1000),
            (20, 3000, 1005),
            (30, 4500, 1010),
            (40, 6000, 1010),
        ];
        for (relative_offset, position, timestamp_ms) in batch_positions {
            if index.wants_entry(u64::from(position), 4096) {
                index.push(entry(relative_offset, position, timestamp_ms));
            }
        }
        index
    }

    #[test]
    fn interval_rule_matches_the_worked_example() {
        assert_eq!(example().entries(), &[entry(0, 0, 1000), entry(30, 4500, 1010)]);
    }

    #[test]
    fn offset_lookup_returns_the_last_entry_at_or_before_the_target() {
        let index = example();
        assert_eq!(index.lookup_offset(0), Some(entry(0, 0, 1000)));
        assert_eq!(index.lookup_offset(25), Some(entry(0, 0, 1000)));
        assert_eq!(index.lookup_offset(29), Some(entry(0, 0, 1000)));
        assert_eq!(index.lookup_offset(30), Some(entry(30, 4500, 1010)));
        assert_eq!(index.lookup_offset(45), Some(entry(30, 4500, 1010)));
        assert_eq!(index.lookup_offset(u64::MAX), Some(entry(30, 4500, 1010)));
        assert_eq!(SparseIndex::new().lookup_offset(5), None);
    }

    #[test]
    fn time_lookup_returns_the_last_entry_strictly_before_the_target() {
        let index = example();
        assert_eq!(index.lookup_time(999, u64::MAX), None);
        assert_eq!(index.lookup_time(1000, u64::MAX), None);
        assert_eq!(index.lookup_time(1005, u64::MAX), Some(entry(0, 0, 1000)));
        assert_eq!(index.lookup_time(1010, u64::MAX), Some(entry(0, 0, 1000)));
        assert_eq!(index.lookup_time(1011, u64::MAX), Some(entry(30, 4500, 1010)));
        // Entries of batches that are not visible yet are ignored.
        assert_eq!(index.lookup_time(1011, 4500), Some(entry(0, 0, 1000)));
    }

    #[test]
    fn truncation_drops_entries_at_or_after_a_position() {
        let mut index = example();
        index.truncate_at_position(4501);
        assert_eq!(index.len(), 2);
        index.truncate_at_position(4500);
        assert_eq!(index.entries(), &[entry(0, 0, 1000)]);
        index.truncate_at_position(0);
        assert!(index.is_empty());
    }

    #[test]
    fn strict_parse_accepts_what_was_written_and_rejects_damage() {
        let index = example();
        let bytes = index.to_bytes();
        assert_eq!(bytes.len(), 32);
        assert_eq!(SparseIndex::parse_strict(&bytes, 7500), Ok(index.clone()));
        // Pointing past the end of the log.
        assert!(SparseIndex::parse_strict(&bytes, 4500).is_err());
        // Partial entry.
        assert!(SparseIndex::parse_strict(&bytes[..20], 7500).is_err());
        // Empty.
        assert!(SparseIndex::parse_strict(&[], 7500).is_err());
        // Going backwards.
        let mut backwards = bytes.clone();
        backwards.extend_from_slice(&entry(5, 100, 1010).to_bytes());
        assert!(SparseIndex::parse_strict(&backwards, 7500).is_err());
        // Not starting at zero.
        assert!(SparseIndex::parse_strict(&entry(1, 0, 0).to_bytes(), 7500).is_err());
    }

    #[test]
    fn prefix_parse_keeps_the_valid_head() {
        let mut bytes = example().to_bytes();
        bytes.extend_from_slice(&[0u8; 16]);
        bytes.extend_from_slice(&[1, 2, 3]);
        assert_eq!(SparseIndex::parse_prefix(&bytes), example());
    }

    proptest! {
        #[test]
        fn parsing_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), len in any::<u64>()) {
            let _ = SparseIndex::parse_strict(&bytes, len);
            let prefix = SparseIndex::parse_prefix(&bytes);
            prop_assert!(prefix.len() * INDEX_ENTRY_LEN <= bytes.len());
        }

        #[test]
        fn offset_lookup_agrees_with_a_linear_search(
            steps in proptest::collection::vec((1u32..50, 1u32..500, 0i64..3), 1..40),
            target in 0u64..3000,
        ) {
            let mut index = SparseIndex::new();
            let mut current = entry(0, 0, 0);
            index.push(current);
            for (offset_step, position_step, time_step) in steps {
                current = entry(
                    current.relative_offset + offset_step,
                    current.position + position_step,
                    current.timestamp_ms + time_step,
                );
                index.push(current);
            }
            let linear = index.entries().iter().rev().find(|e| u64::from(e.relative_offset) <= target).copied();
            prop_assert_eq!(index.lookup_offset(target), linear);
            let ts = i64::try_from(target % 100).unwrap();
            let linear_time = index.entries().iter().rev().find(|e| e.timestamp_ms < ts).copied();
            prop_assert_eq!(index.lookup_time(ts, u64::MAX), linear_time);
        }
    }
}
