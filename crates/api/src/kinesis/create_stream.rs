//! CreateStream.

use sluice_streams::{CreateStreamRequest, StreamMode};

use crate::error::ApiError;
use crate::kinesis::common::{blocking, check_stream_name};
use crate::kinesis::model::CreateStreamInput;
use crate::operation::EmptyOutput;
use crate::server::AppState;
use crate::validation::Violations;

pub async fn handle(state: &AppState, input: CreateStreamInput) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    violations.not_null("streamName", input.stream_name.as_ref());
    check_stream_name(&mut violations, "streamName", input.stream_name.as_ref());
    if let Some(count) = input.shard_count {
        violations.value_between("shardCount", count, 1, 100_000);
    }
    let mode_text = input
        .stream_mode_details
        .as_ref()
        .and_then(|details| details.stream_mode.clone());
    if let Some(details) = &input.stream_mode_details {
        violations.not_null("streamModeDetails.streamMode", details.stream_mode.as_ref());
    }
    if let Some(mode) = &mode_text {
        violations.enum_value(
            "streamModeDetails.streamMode",
            mode,
            &["PROVISIONED", "ON_DEMAND"],
        );
    }
    if let Some(tags) = &input.tags {
        violations.map_keys_length("tags", tags, 1, 128);
    }
    if let Some(size) = input.max_record_size_in_ki_b {
        violations.value_between("maxRecordSizeInKiB", size, 1024, 10240);
    }
    violations.into_result()?;
    if input.max_record_size_in_ki_b.is_some_and(|size| size != 1024) {
        return Err(ApiError::invalid_argument(
            "Sluice supports only the default MaxRecordSizeInKiB of 1024 in this release.",
        ));
    }
    let mode = match mode_text.as_deref() {
        Some("ON_DEMAND") => StreamMode::OnDemand,
        _ => StreamMode::Provisioned,
    };
    let request = CreateStreamRequest {
        name: input.stream_name.unwrap_or_default(),
        shard_count: input.shard_count.and_then(|count| u32::try_from(count).ok()),
        mode,
        tags: input.tags.unwrap_or_default(),
    };
    blocking(state, move |streams| streams.create_stream(request)).await?;
    Ok(EmptyOutput {})
}
