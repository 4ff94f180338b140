//! GetShardIterator and GetRecords.
//!
//! An iterator names an offset in a shard. Reading starts at the later of that offset and the trim
//! horizon (the first record younger than the retention period), so expired records are skipped
//! even before their segment is deleted. A closed shard is readable up to its end offset; the read
//! that reaches it returns no next iterator and lists the shard's children.

use sluice_core::{SequenceNumber, ShardId};
use sluice_log::{ReadLimits, ShardLog};

use crate::arn::StreamRef;
use crate::error::StreamError;
use crate::iterator::{ShardPosition, decode_iterator, encode_iterator};
use crate::metadata::ShardMeta;
use crate::model::{ChildShard, IteratorStart, KinesisRecord, RecordsPage};
use crate::registry::Streams;
use crate::stream::StreamState;

/// Most bytes one GetRecords call returns.
pub const GET_RECORDS_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most records one GetRecords call returns.
pub const GET_RECORDS_MAX_RECORDS: usize = 10_000;

/// The first offset younger than the stream's retention period.
fn trim_horizon(log: &ShardLog, state: &StreamState, now_ms: i64) -> Result<u64, StreamError> {
    let horizon_ms = now_ms - i64::from(state.meta.retention_hours) * 3_600_000;
    Ok(log.offset_at_time(horizon_ms)?.max(log.start_offset()))
}

impl Streams {
    fn shard_meta<'a>(
        &self,
        state: &'a StreamState,
        stream: &str,
        shard_text: &str,
        now_ms: i64,
    ) -> Result<&'a ShardMeta, StreamError> {
        let not_found = || StreamError::ShardNotFound {
            shard: shard_text.to_owned(),
            stream: stream.to_owned(),
            account: self.account_id().to_owned(),
        };
        let shard = ShardId::parse(shard_text).ok_or_else(not_found)?;
        if shard.0 >= state.meta.next_shard_index {
            return Err(StreamError::ResourceNotFound(format!(
                "Shard {shard} in stream {stream} under account {} does not exist",
                self.account_id()
            )));
        }
        let meta = state.meta.shard(shard.0).ok_or_else(not_found)?;
        if state.is_expired(meta, now_ms) {
            return Err(not_found());
        }
        Ok(meta)
    }

    /// GetShardIterator.
    pub fn get_shard_iterator(
        &self,
        reference: &StreamRef,
        shard_text: &str,
        start: &IteratorStart,
    ) -> Result<String, StreamError> {
        let stream = self.data_stream(reference)?;
        let now = self.now_ms();
        let state = stream.read();
        let shard = self.shard_meta(&state, &stream.name, shard_text, now)?;
        let runtime = state
            .runtime(shard.id())
            .ok_or_else(|| StreamError::Internal(format!("shard {} has no log", shard.id())))?;
        let log = &runtime.log;
        let offset = match start {
            IteratorStart::TrimHorizon => trim_horizon(log, &state, now)?,
            IteratorStart::Latest => match shard.closed {
                Some(closure) => closure.end_offset,
                None => log.next_offset(),
            },
            IteratorStart::AtSequenceNumber(text) | IteratorStart::AfterSequenceNumber(text) => {
                let number = self.check_starting_sequence_number(&state, &stream.name, shard.id(), text)?;
                if matches!(start, IteratorStart::AfterSequenceNumber(_)) {
                    number.offset.saturating_add(1)
                } else {
                    number.offset
                }
            }
            IteratorStart::AtTimestamp(timestamp_ms) => {
                if *timestamp_ms > now {
                    return Err(StreamError::InvalidArgument(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. \
                         timestampInMillis: {timestamp_ms}, currentTimestampInMillis: {now}"
                    )));
                }
                log.offset_at_time(*timestamp_ms)?
                    .max(trim_horizon(log, &state, now)?)
            }
        };
        let position = ShardPosition {
            stream: stream.name.clone(),
            incarnation: state.meta.incarnation,
            shard: shard.id(),
            offset,
        };
        Ok(encode_iterator(self.signer(), &position, now))
    }

    fn check_starting_sequence_number(
        &self,
        state: &StreamState,
        stream: &str,
        shard: ShardId,
        text: &str,
    ) -> Result<SequenceNumber, StreamError> {
        let invalid = |suffix: &str| {
            StreamError::InvalidArgument(format!(
                "StartingSequenceNumber {text} used in GetShardIterator on shard {shard} in stream {stream} under \
                 account {} is invalid{suffix}.",
                self.account_id()
            ))
        };
        let number = SequenceNumber::parse(text).ok_or_else(|| invalid(""))?;
        if number.incarnation != state.meta.incarnation {
            return Err(invalid(" because it did not come from this stream"));
        }
        if number.shard != shard {
            return Err(StreamError::InvalidArgument(format!(
                "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {shard}",
                number.shard
            )));
        }
        Ok(number)
    }

    /// GetRecords.
    pub fn get_records(
        &self,
        shard_iterator: &str,
        limit: usize,
        stream_arn: Option<&str>,
    ) -> Result<RecordsPage, StreamError> {
        let now = self.now_ms();
        let position = decode_iterator(self.signer(), shard_iterator, now)?;
        let reference = StreamRef {
            name: Some(position.stream.clone()),
            arn: stream_arn.map(str::to_owned),
        };
        let stream = self.data_stream(&reference)?;
        let state = stream.read();
        if state.meta.incarnation != position.incarnation {
            return Err(self.not_found(&stream.name));
        }
        let shard = self.shard_meta(&state, &stream.name, &position.shard.to_string(), now)?;
        let runtime = state
            .runtime(shard.id())
            .ok_or_else(|| StreamError::Internal(format!("shard {} has no log", shard.id())))?;
        let log = &runtime.log;
        let from = position.offset.max(trim_horizon(log, &state, now)?);
        let end = shard.closed.map(|closure| closure.end_offset);
        let mut max_records = limit.clamp(1, GET_RECORDS_MAX_RECORDS);
        if let Some(end) = end {
            max_records = max_records.min(end.saturating_sub(from) as usize);
        }
        let (stored, next_offset) = if max_records == 0 {
            (Vec::new(), from)
        } else {
            let outcome = log.read(
                from,
                ReadLimits {
                    max_records,
                    max_bytes: GET_RECORDS_MAX_BYTES,
                },
            )?;
            (outcome.records, outcome.next_offset)
        };
        let caught_up = next_offset >= log.next_offset();
        let millis_behind_latest = match stored.last() {
            Some(last) if !caught_up => (now - last.timestamp_ms).max(0),
            _ => 0,
        };
        let records = stored
            .into_iter()
            .map(|record| KinesisRecord {
                sequence_number: state.sequence_number(shard.id(), record.offset),
                approximate_arrival_ms: record.timestamp_ms,
                partition_key: record.key,
                data: record.value,
            })
            .collect();
        let shard_finished = end.is_some_and(|end| next_offset >= end);
        let (next_shard_iterator, child_shards) = if shard_finished {
            (None, Some(self.children_of(&state, shard.id())?))
        } else {
            let next = ShardPosition {
                offset: next_offset,
                ..position
            };
            (Some(encode_iterator(self.signer(), &next, now)), None)
        };
        Ok(RecordsPage {
            records,
            next_shard_iterator,
            millis_behind_latest,
            child_shards,
        })
    }

    fn children_of(&self, state: &StreamState, parent: ShardId) -> Result<Vec<ChildShard>, StreamError> {
        let mut children = Vec::new();
        for shard in &state.meta.shards {
            if shard.parent != Some(parent.0) && shard.adjacent_parent != Some(parent.0) {
                continue;
            }
            let parent_shards = shard
                .parent
                .iter()
                .chain(shard.adjacent_parent.iter())
                .map(|&index| ShardId(index));
            children.push(ChildShard {
                shard_id: shard.id(),
                parent_shards: parent_shards.collect(),
                hash_key_range: shard.range()?,
            });
        }
        Ok(children)
    }
}
