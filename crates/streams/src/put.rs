//! PutRecord and PutRecords: route each record to its shard, append one batch per shard, wait for
//! the group commit, then report sequence numbers in request order.
//!
//! A request's records for one shard become one framed batch (one write). The description's read
//! lock is held only while routing and appending, so resharding cannot close a shard under an
//! in-flight append; the fsync wait happens after the lock is released.

use sluice_core::{AwsErrorKind, HashKey, SequenceNumber, ShardId};
use sluice_log::{AppendReceipt, RecordRef};
use std::sync::Arc;

use crate::arn::StreamRef;
use crate::error::StreamError;
use crate::model::{PutRecordEntry, PutRecordOutcome};
use crate::registry::Streams;
use crate::stream::{ShardRuntime, Stream};

/// The records of one request bound for one shard, by their index in the request.
struct ShardGroup {
    shard: ShardId,
    runtime: Arc<ShardRuntime>,
    record_indexes: Vec<usize>,
}

impl Streams {
    /// PutRecords (and PutRecord, as a batch of one). Blocks until the records are durable.
    pub fn put_records(
        &self,
        reference: &StreamRef,
        records: &[PutRecordEntry<'_>],
    ) -> Result<Vec<PutRecordOutcome>, StreamError> {
        let stream = self.data_stream(reference)?;
        self.append_records(&stream, records)
    }

    /// Routes, appends and syncs `records` on a stream already resolved.
    fn append_records(
        &self,
        stream: &Stream,
        records: &[PutRecordEntry<'_>],
    ) -> Result<Vec<PutRecordOutcome>, StreamError> {
        let now = self.now_ms();
        let mut outcomes: Vec<Option<PutRecordOutcome>> = vec![None; records.len()];
        let mut pending: Vec<(ShardGroup, AppendReceipt)> = Vec::new();
        let incarnation;
        {
            let state = stream.read();
            incarnation = state.meta.incarnation;
            let mut groups: Vec<ShardGroup> = Vec::new();
            for (index, record) in records.iter().enumerate() {
                let hash_key = record
                    .explicit_hash_key
                    .unwrap_or_else(|| HashKey::from_partition_key(record.partition_key));
                let shard = state.route(hash_key)?;
                let runtime = state.runtime(shard).ok_or_else(|| {
                    StreamError::Internal(format!("shard {shard} of stream {} has no log", stream.name))
                })?;
                if self.config().enforce_shard_limits {
                    let bytes = (record.data.len() + record.partition_key.len()) as u64;
                    let admitted = match runtime.write_window.lock() {
                        Ok(mut window) => window.try_admit(now, bytes),
                        Err(poisoned) => poisoned.into_inner().try_admit(now, bytes),
                    };
                    if !admitted {
                        outcomes[index] = Some(PutRecordOutcome::Failed {
                            error_code: AwsErrorKind::ProvisionedThroughputExceeded,
                            error_message: format!(
                                "Rate exceeded for shard {shard} in stream {} under account {}.",
                                stream.name,
                                self.account_id()
                            ),
                        });
                        continue;
                    }
                }
                match groups.iter_mut().find(|group| group.shard == shard) {
                    Some(group) => group.record_indexes.push(index),
                    None => groups.push(ShardGroup {
                        shard,
                        runtime: Arc::clone(runtime),
                        record_indexes: vec![index],
                    }),
                }
            }
            let mut batch: Vec<RecordRef<'_>> = Vec::new();
            for group in groups {
                batch.clear();
                batch.extend(group.record_indexes.iter().map(|&index| RecordRef {
                    key: records[index].partition_key.as_bytes(),
                    value: records[index].data,
                }));
                let receipt = group.runtime.log.append(now, &batch)?;
                group
                    .runtime
                    .note_appended(receipt.first_offset + u64::from(receipt.record_count));
                pending.push((group, receipt));
            }
        }
        sync_all(&pending)?;
        for (group, receipt) in &pending {
            for (position, &index) in group.record_indexes.iter().enumerate() {
                outcomes[index] = Some(PutRecordOutcome::Written {
                    shard_id: group.shard,
                    sequence_number: SequenceNumber::new(
                        incarnation,
                        group.shard,
                        receipt.first_offset + position as u64,
                    ),
                });
            }
        }
        Ok(outcomes
            .into_iter()
            .map(|outcome| {
                outcome.unwrap_or_else(|| PutRecordOutcome::Failed {
                    error_code: AwsErrorKind::InternalFailure,
                    error_message: "Internal Service Failure".into(),
                })
            })
            .collect())
    }

    /// PutRecord: one record; a throttled record is an error of the whole call.
    pub fn put_record(
        &self,
        reference: &StreamRef,
        record: PutRecordEntry<'_>,
        sequence_number_for_ordering: Option<&str>,
    ) -> Result<(ShardId, SequenceNumber), StreamError> {
        let stream = self.data_stream(reference)?;
        if let Some(ordering) = sequence_number_for_ordering {
            let foreign = SequenceNumber::parse(ordering)
                .is_none_or(|number| number.incarnation != stream.read().meta.incarnation);
            if foreign {
                return Err(StreamError::InvalidArgument(format!(
                    "ExclusiveMinimumSequenceNumber {ordering} used in PutRecord on stream {} under account {} is \
                     invalid.",
                    stream.name,
                    self.account_id()
                )));
            }
            // Sequence numbers are strictly increasing per shard, so every new record already
            // orders after the given one.
        }
        let outcomes = self.append_records(&stream, std::slice::from_ref(&record))?;
        match outcomes.into_iter().next() {
            Some(PutRecordOutcome::Written {
                shard_id,
                sequence_number,
            }) => Ok((shard_id, sequence_number)),
            Some(PutRecordOutcome::Failed {
                error_code: AwsErrorKind::ProvisionedThroughputExceeded,
                error_message,
            }) => Err(StreamError::ThroughputExceeded(error_message)),
            Some(PutRecordOutcome::Failed { error_message, .. }) => Err(StreamError::Internal(error_message)),
            None => Err(StreamError::Internal("no outcome for the record".into())),
        }
    }
}

/// Waits until every appended batch is durable; shards are synced in parallel so a request that
/// spans several shards waits for about one fsync, not one per shard.
fn sync_all(pending: &[(ShardGroup, AppendReceipt)]) -> Result<(), StreamError> {
    match pending {
        [] => Ok(()),
        [(group, receipt)] => Ok(group.runtime.log.sync(receipt)?),
        [(first_group, first_receipt), rest @ ..] => std::thread::scope(|scope| {
            let handles: Vec<_> = rest
                .iter()
                .map(|(group, receipt)| scope.spawn(move || group.runtime.log.sync(receipt)))
                .collect();
            let mut result = first_group
                .runtime
                .log
                .sync(first_receipt)
                .map_err(StreamError::from);
            for handle in handles {
                let joined = handle
                    .join()
                    .map_err(|_| StreamError::Internal("sync thread panicked".into()))
                    .and_then(|outcome| outcome.map_err(StreamError::from));
                if result.is_ok() {
                    result = joined;
                }
            }
            result
        }),
    }
}
