//! GetShardIterator: all five iterator types.

use sluice_core::SequenceNumber;
use sluice_core::name::{NAME_PATTERN, matches_name_pattern};
use sluice_streams::IteratorStart;

use crate::error::ApiError;
use crate::kinesis::common::{SEQUENCE_NUMBER_PATTERN, blocking, stream_ref};
use crate::kinesis::model::{GetShardIteratorInput, GetShardIteratorOutput};
use crate::server::AppState;
use crate::validation::Violations;

const ITERATOR_TYPES: [&str; 5] = [
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIMESTAMP",
];

pub async fn handle(
    state: &AppState,
    input: GetShardIteratorInput,
) -> Result<GetShardIteratorOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    violations.not_null("shardId", input.shard_id.as_ref());
    if let Some(shard_id) = &input.shard_id {
        violations.length_between("shardId", shard_id, 1, 128);
        violations.pattern("shardId", shard_id, NAME_PATTERN, matches_name_pattern);
    }
    violations.not_null("shardIteratorType", input.shard_iterator_type.as_ref());
    if let Some(iterator_type) = &input.shard_iterator_type {
        violations.enum_value("shardIteratorType", iterator_type, &ITERATOR_TYPES);
    }
    if let Some(number) = &input.starting_sequence_number {
        violations.pattern(
            "startingSequenceNumber",
            number,
            SEQUENCE_NUMBER_PATTERN,
            SequenceNumber::is_well_formed,
        );
    }
    violations.into_result()?;
    let iterator_type = input.shard_iterator_type.unwrap_or_default();
    let start = iterator_start(&iterator_type, input.starting_sequence_number, input.timestamp)?;
    let shard_id = input.shard_id.unwrap_or_default();
    let shard_iterator = blocking(state, move |streams| {
        streams.get_shard_iterator(&reference, &shard_id, &start)
    })
    .await?;
    Ok(GetShardIteratorOutput { shard_iterator })
}

fn iterator_start(
    iterator_type: &str,
    starting_sequence_number: Option<String>,
    timestamp: Option<crate::protocol::Timestamp>,
) -> Result<IteratorStart, ApiError> {
    let mismatch = |detail: &str| {
        ApiError::invalid_argument(format!(
            "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) \
             TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {iterator_type} and {detail}."
        ))
    };
    match (iterator_type, starting_sequence_number) {
        ("AT_SEQUENCE_NUMBER", Some(number)) => Ok(IteratorStart::AtSequenceNumber(number)),
        ("AFTER_SEQUENCE_NUMBER", Some(number)) => Ok(IteratorStart::AfterSequenceNumber(number)),
        ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", None) => Err(mismatch("no StartingSequenceNumber")),
        ("TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP", Some(_)) => {
            Err(mismatch("also a StartingSequenceNumber"))
        }
        ("TRIM_HORIZON", None) => Ok(IteratorStart::TrimHorizon),
        ("LATEST", None) => Ok(IteratorStart::Latest),
        ("AT_TIMESTAMP", None) => match timestamp {
            Some(timestamp) => Ok(IteratorStart::AtTimestamp(timestamp.epoch_millis())),
            None => Err(ApiError::invalid_argument(
                "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no \
                 timestamp parameter.",
            )),
        },
        _ => Err(ApiError::internal(format!(
            "unchecked iterator type {iterator_type}"
        ))),
    }
}
