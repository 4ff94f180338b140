//! Model-based test: random sequences of appends, reads, time lookups, reopens, torn tails and
//! retention against a tiny-segment `ShardLog` (segments of 300 bytes roll every few batches, an
//! index entry every 64 bytes), compared after every step with a plain in-memory model.
//!
//! The model mirrors the documented rules only: the roll rule (a non-empty segment rolls before it
//! would exceed `segment_bytes`), the frame size (32 + 8 per record + keys + values), stored
//! timestamps `max(requested, newest)`, truncation to the last whole batch, and retention of whole
//! sealed segments by their newest timestamp.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a test failure

mod common;

use proptest::prelude::*;
use sluice_log::{LogConfig, PersistPolicy, ReadLimits, RecordRef, RecoveryMode, ShardLog, log_file_name};

const SEGMENT_BYTES: u64 = 300;
const INDEX_INTERVAL_BYTES: u32 = 64;

type Record = (Vec<u8>, Vec<u8>);

#[derive(Debug, Clone)]
enum Op {
    Append {
        records: Vec<Record>,
        timestamp_step: i64,
    },
    Read {
        from: u64,
        max_records: usize,
        max_bytes: usize,
    },
    OffsetAtTime {
        before_newest: i64,
    },
    Reopen,
    TruncateTail {
        cut: u64,
    },
    Retention {
        before_newest: i64,
    },
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let record = (
        proptest::collection::vec(any::<u8>(), 0..8),
        proptest::collection::vec(any::<u8>(), 0..40),
    );
    prop_oneof![
        8 => (proptest::collection::vec(record, 1..6), -5i64..20)
            .prop_map(|(records, timestamp_step)| Op::Append { records, timestamp_step }),
        3 => (any::<u64>(), 0usize..12, 0usize..200)
            .prop_map(|(from, max_records, max_bytes)| Op::Read { from, max_records, max_bytes }),
        1 => (-5i64..60).prop_map(|before_newest| Op::OffsetAtTime { before_newest }),
        1 => Just(Op::Reopen),
        1 => any::<u64>().prop_map(|cut| Op::TruncateTail { cut }),
        1 => (-5i64..60).prop_map(|before_newest| Op::Retention { before_newest }),
    ]
}

#[derive(Debug, Clone)]
struct ModelBatch {
    first_offset: u64,
    timestamp_ms: i64,
    records: Vec<Record>,
    position: u64,
    frame_len: u64,
}

#[derive(Debug, Clone)]
struct ModelSegment {
    base_offset: u64,
    size: u64,
    batches: Vec<ModelBatch>,
}

impl ModelSegment {
    fn new(base_offset: u64) -> ModelSegment {
        ModelSegment {
            base_offset,
            size: 0,
            batches: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct Model {
    /// Oldest first; the last one is the active segment.
    segments: Vec<ModelSegment>,
    next_offset: u64,
    /// What `last_timestamp_ms` reports (and what new timestamps are clamped to).
    last_timestamp: Option<i64>,
    /// The last requested timestamp, which steps randomly (and sometimes backwards).
    requested_clock: i64,
}

impl Model {
    fn new() -> Model {
        Model {
            segments: vec![ModelSegment::new(0)],
            next_offset: 0,
            last_timestamp: None,
            requested_clock: 1_000,
        }
    }

    fn active(&mut self) -> &mut ModelSegment {
        self.segments
            .last_mut()
            .expect("there is always an active segment")
    }

    fn start_offset(&self) -> u64 {
        self.segments[0].base_offset
    }

    fn append(&mut self, records: &[Record], requested: i64) -> (u64, i64) {
        let frame_len = 32
            + records
                .iter()
                .map(|(key, value)| 8 + key.len() + value.len())
                .sum::<usize>() as u64;
        let active_size = self.active().size;
        if active_size > 0 && active_size + frame_len > SEGMENT_BYTES {
            let base = self.next_offset;
            self.segments.push(ModelSegment::new(base));
        }
        let timestamp_ms = self.last_timestamp.map_or(requested, |last| last.max(requested));
        let first_offset = self.next_offset;
        let active = self.active();
        let position = active.size;
        active.batches.push(ModelBatch {
            first_offset,
            timestamp_ms,
            records: records.to_vec(),
            position,
            frame_len,
        });
        active.size += frame_len;
        self.next_offset += records.len() as u64;
        self.last_timestamp = Some(timestamp_ms);
        (first_offset, timestamp_ms)
    }

    /// Every retained record as `(offset, timestamp, key, value)`.
    fn records(&self) -> Vec<(u64, i64, &[u8], &[u8])> {
        let mut all = Vec::new();
        for segment in &self.segments {
            for batch in &segment.batches {
                for (number, (key, value)) in batch.records.iter().enumerate() {
                    all.push((
                        batch.first_offset + number as u64,
                        batch.timestamp_ms,
                        key.as_slice(),
                        value.as_slice(),
                    ));
                }
            }
        }
        all
    }

    /// After a crash: the last segment loses every batch that does not fit in `new_len` bytes.
    fn truncate_active(&mut self, new_len: u64) {
        let active = self.active();
        active
            .batches
            .retain(|batch| batch.position + batch.frame_len <= new_len);
        active.size = active
            .batches
            .last()
            .map_or(0, |batch| batch.position + batch.frame_len);
        let base = active.base_offset;
        let end = active
            .batches
            .last()
            .map_or(base, |batch| batch.first_offset + batch.records.len() as u64);
        self.next_offset = end;
    }

    /// What a freshly opened log reports as its newest timestamp.
    fn recompute_last_timestamp(&mut self) {
        self.last_timestamp = self
            .segments
            .iter()
            .rev()
            .find_map(|segment| segment.batches.last())
            .map(|b| b.timestamp_ms);
    }

    fn enforce_retention(&mut self, cutoff: i64) -> usize {
        let sealed = self.segments.len() - 1;
        let expired = self.segments[..sealed]
            .iter()
            .take_while(|segment| {
                segment
                    .batches
                    .last()
                    .is_some_and(|batch| batch.timestamp_ms < cutoff)
            })
            .count();
        self.segments.drain(..expired);
        expired
    }
}

struct Harness {
    dir: tempfile::TempDir,
    config: LogConfig,
    log: Option<ShardLog>,
    model: Model,
}

impl Harness {
    fn new(persist: PersistPolicy) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let config = LogConfig {
            segment_bytes: SEGMENT_BYTES,
            index_interval_bytes: INDEX_INTERVAL_BYTES,
            persist,
            recovery: RecoveryMode::TruncateTail,
            max_batch_bytes: 1 << 16,
            page_cache_window_bytes: Some(64),
        };
        let log = ShardLog::open(dir.path(), config.clone()).unwrap();
        Harness {
            dir,
            config,
            log: Some(log),
            model: Model::new(),
        }
    }

    fn log(&self) -> &ShardLog {
        self.log.as_ref().expect("log is open")
    }

    fn reopen(&mut self) {
        drop(self.log.take());
        self.log = Some(ShardLog::open(self.dir.path(), self.config.clone()).unwrap());
        self.model.recompute_last_timestamp();
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Append {
                records,
                timestamp_step,
            } => {
                self.model.requested_clock += timestamp_step;
                let requested = self.model.requested_clock;
                let refs: Vec<RecordRef<'_>> = records
                    .iter()
                    .map(|(key, value)| RecordRef { key, value })
                    .collect();
                let receipt = self.log().append(requested, &refs).unwrap();
                self.log().sync(&receipt).unwrap();
                let (first_offset, timestamp_ms) = self.model.append(records, requested);
                prop_assert_eq!(receipt.first_offset, first_offset);
                prop_assert_eq!(receipt.record_count as usize, records.len());
                prop_assert_eq!(receipt.timestamp_ms, timestamp_ms);
            }
            Op::Read {
                from,
                max_records,
                max_bytes,
            } => {
                let from = from % (self.model.next_offset + 3);
                self.check_read(
                    from,
                    ReadLimits {
                        max_records: *max_records,
                        max_bytes: *max_bytes,
                    },
                )?;
            }
            Op::OffsetAtTime { before_newest } => {
                let target = self.model.last_timestamp.unwrap_or(1_000) - before_newest;
                let expected = self
                    .model
                    .records()
                    .iter()
                    .find(|record| record.1 >= target)
                    .map_or(self.model.next_offset, |record| record.0);
                prop_assert_eq!(
                    self.log().offset_at_time(target).unwrap(),
                    expected,
                    "time {}",
                    target
                );
            }
            Op::Reopen => {
                self.reopen();
                self.check_everything()?;
            }
            Op::TruncateTail { cut } => {
                drop(self.log.take());
                let active_base = self
                    .model
                    .segments
                    .last()
                    .map(|segment| segment.base_offset)
                    .unwrap_or(0);
                let path = self.dir.path().join(log_file_name(active_base));
                let len = std::fs::metadata(&path).unwrap().len();
                prop_assert_eq!(len, self.model.segments.last().map_or(0, |segment| segment.size));
                if len > 0 {
                    let new_len = len - (1 + cut % len);
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .unwrap()
                        .set_len(new_len)
                        .unwrap();
                    self.model.truncate_active(new_len);
                }
                self.reopen();
                self.check_everything()?;
            }
            Op::Retention { before_newest } => {
                let cutoff = self.model.last_timestamp.unwrap_or(1_000) - before_newest;
                let outcome = self.log().enforce_retention(cutoff).unwrap();
                let expected = self.model.enforce_retention(cutoff);
                prop_assert_eq!(outcome.deleted_segments, expected);
                prop_assert_eq!(outcome.start_offset, self.model.start_offset());
            }
        }
        self.check_summary()
    }

    fn check_read(&self, from: u64, limits: ReadLimits) -> Result<(), TestCaseError> {
        let outcome = self.log().read(from, limits).unwrap();
        let effective_from = from.max(self.model.start_offset());
        let mut expected = Vec::new();
        let mut bytes = 0usize;
        for record in self
            .model
            .records()
            .into_iter()
            .filter(|record| record.0 >= effective_from)
        {
            let size = record.2.len() + record.3.len();
            if expected.len() >= limits.max_records
                || (!expected.is_empty() && bytes + size > limits.max_bytes)
            {
                break;
            }
            bytes += size;
            expected.push(record);
        }
        let expected_next = expected.last().map_or(effective_from, |record| record.0 + 1);
        let actual: Vec<(u64, i64, &[u8], &[u8])> = outcome
            .records
            .iter()
            .map(|record| {
                (
                    record.offset,
                    record.timestamp_ms,
                    record.key.as_ref(),
                    record.value.as_ref(),
                )
            })
            .collect();
        prop_assert_eq!(actual, expected, "read from {} with {:?}", from, limits);
        prop_assert_eq!(outcome.next_offset, expected_next);
        Ok(())
    }

    fn check_summary(&self) -> Result<(), TestCaseError> {
        let log = self.log();
        prop_assert_eq!(log.start_offset(), self.model.start_offset());
        prop_assert_eq!(log.next_offset(), self.model.next_offset);
        prop_assert_eq!(log.last_timestamp_ms(), self.model.last_timestamp);
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".log"))
            .collect();
        names.sort();
        let expected: Vec<String> = self
            .model
            .segments
            .iter()
            .map(|segment| log_file_name(segment.base_offset))
            .collect();
        prop_assert_eq!(names, expected);
        Ok(())
    }

    fn check_everything(&self) -> Result<(), TestCaseError> {
        self.check_summary()?;
        self.check_read(0, ReadLimits::UNLIMITED)
    }
}

fn run(persist: PersistPolicy, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut harness = Harness::new(persist);
    for op in ops {
        harness.apply(op)?;
    }
    harness.reopen();
    harness.check_everything()?;
    let report = sluice_log::verify(harness.dir.path()).unwrap();
    prop_assert!(report.is_healthy(), "{}", report);
    prop_assert_eq!(report.records(), harness.model.records().len() as u64);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shard_log_matches_the_model(ops in proptest::collection::vec(op_strategy(), 1..70)) {
        run(PersistPolicy::Never, &ops)?;
    }

    #[test]
    fn shard_log_matches_the_model_with_group_commit(ops in proptest::collection::vec(op_strategy(), 1..40)) {
        run(PersistPolicy::Always, &ops)?;
    }
}
