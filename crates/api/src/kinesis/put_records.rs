//! PutRecords: up to 500 records and 5 MiB, one result per record in request order.

use sluice_streams::{PutRecordEntry, PutRecordOutcome};

use crate::error::ApiError;
use crate::kinesis::common::{blocking, stream_ref};
use crate::kinesis::model::{PutRecordsInput, PutRecordsOutput, PutRecordsResultEntry};
use crate::kinesis::record_rules::{check_record, check_record_members};
use crate::server::AppState;
use crate::validation::Violations;

/// Most records per call.
pub const MAX_RECORDS: usize = 500;
/// Most bytes per call, data and partition keys included.
pub const MAX_REQUEST_BYTES: usize = 5 * 1024 * 1024;

pub async fn handle(state: &AppState, input: PutRecordsInput) -> Result<PutRecordsOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    violations.not_null("records", input.records.as_ref());
    if let Some(records) = &input.records {
        if records.is_empty() {
            // AWS prints an empty list as `Value '[]' at 'records' ...` (kinesalite's recordings);
            // only a non-empty list of entries has no useful rendering.
            violations.list_length_between_items("records", std::iter::empty::<&str>(), 1, MAX_RECORDS);
        } else {
            violations.list_length_between("records", records.len(), 1, MAX_RECORDS);
        }
        for (position, record) in records.iter().enumerate() {
            check_record_members(
                &mut violations,
                &format!("records.{}.member.", position + 1),
                record.data.as_ref(),
                record.partition_key.as_ref(),
                record.explicit_hash_key.as_ref(),
            );
        }
    }
    violations.into_result()?;
    let records = input.records.unwrap_or_default();
    let mut total_bytes = 0;
    let mut hash_keys = Vec::with_capacity(records.len());
    for record in &records {
        let (Some(data), Some(partition_key)) = (&record.data, &record.partition_key) else {
            return Err(ApiError::internal("validated members are missing"));
        };
        hash_keys.push(check_record(
            data,
            partition_key,
            record.explicit_hash_key.as_deref(),
        )?);
        total_bytes += data.len() + partition_key.len();
    }
    if total_bytes > MAX_REQUEST_BYTES {
        return Err(ApiError::invalid_argument("Records size exceeds 5 MB limit"));
    }
    let outcomes = blocking(state, move |streams| {
        let mut entries = Vec::with_capacity(records.len());
        for (record, explicit_hash_key) in records.iter().zip(hash_keys) {
            if let (Some(data), Some(partition_key)) = (&record.data, &record.partition_key) {
                entries.push(PutRecordEntry {
                    data: data.as_bytes(),
                    partition_key,
                    explicit_hash_key,
                });
            }
        }
        streams.put_records(&reference, &entries)
    })
    .await?;
    let mut failed_record_count = 0;
    let results = outcomes
        .into_iter()
        .map(|outcome| match outcome {
            PutRecordOutcome::Written {
                shard_id,
                sequence_number,
            } => PutRecordsResultEntry {
                sequence_number: Some(sequence_number.to_string()),
                shard_id: Some(shard_id.to_string()),
                error_code: None,
                error_message: None,
            },
            PutRecordOutcome::Failed {
                error_code,
                error_message,
            } => {
                failed_record_count += 1;
                PutRecordsResultEntry {
                    sequence_number: None,
                    shard_id: None,
                    error_code: Some(error_code.error_type()),
                    error_message: Some(error_message),
                }
            }
        })
        .collect();
    Ok(PutRecordsOutput {
        failed_record_count,
        records: results,
        encryption_type: "NONE",
    })
}
