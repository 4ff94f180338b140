//! PutRecord: one record, acknowledged once it is durable.

use sluice_core::SequenceNumber;
use sluice_streams::PutRecordEntry;

use crate::error::ApiError;
use crate::kinesis::common::{SEQUENCE_NUMBER_PATTERN, blocking, stream_ref};
use crate::kinesis::model::{PutRecordInput, PutRecordOutput};
use crate::kinesis::record_rules::{check_record, check_record_members};
use crate::server::AppState;
use crate::validation::Violations;

pub async fn handle(state: &AppState, input: PutRecordInput) -> Result<PutRecordOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    check_record_members(
        &mut violations,
        "",
        input.data.as_ref(),
        input.partition_key.as_ref(),
        input.explicit_hash_key.as_ref(),
    );
    if let Some(ordering) = &input.sequence_number_for_ordering {
        violations.pattern(
            "sequenceNumberForOrdering",
            ordering,
            SEQUENCE_NUMBER_PATTERN,
            SequenceNumber::is_well_formed,
        );
    }
    violations.into_result()?;
    let (Some(data), Some(partition_key)) = (input.data, input.partition_key) else {
        return Err(ApiError::internal("validated members are missing"));
    };
    let explicit_hash_key = check_record(&data, &partition_key, input.explicit_hash_key.as_deref())?;
    let ordering = input.sequence_number_for_ordering;
    let (shard_id, sequence_number) = blocking(state, move |streams| {
        let entry = PutRecordEntry {
            data: data.as_bytes(),
            partition_key: &partition_key,
            explicit_hash_key,
        };
        streams.put_record(&reference, entry, ordering.as_deref())
    })
    .await?;
    Ok(PutRecordOutput {
        shard_id: shard_id.to_string(),
        sequence_number: sequence_number.to_string(),
        encryption_type: "NONE",
    })
}
