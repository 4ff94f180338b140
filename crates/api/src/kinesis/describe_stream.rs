//! DescribeStream.

use sluice_core::name::{NAME_PATTERN, matches_name_pattern};

use crate::error::ApiError;
use crate::kinesis::common::{blocking, limit_value, mode_out, shard_out, stream_ref};
use crate::kinesis::model::{
    DescribeStreamInput, DescribeStreamOutput, EnhancedMetricsOut, StreamDescriptionOut,
};
use crate::protocol::Timestamp;
use crate::server::AppState;
use crate::validation::Violations;

pub async fn handle(state: &AppState, input: DescribeStreamInput) -> Result<DescribeStreamOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    let limit = limit_value(&mut violations, "limit", input.limit, 1, 10_000);
    if let Some(start) = &input.exclusive_start_shard_id {
        violations.length_between("exclusiveStartShardId", start, 1, 128);
        violations.pattern("exclusiveStartShardId", start, NAME_PATTERN, matches_name_pattern);
    }
    violations.into_result()?;
    let start = input.exclusive_start_shard_id;
    let description = blocking(state, move |streams| {
        streams.describe_stream(&reference, limit, start.as_deref())
    })
    .await?;
    let summary = &description.summary;
    Ok(DescribeStreamOutput {
        stream_description: StreamDescriptionOut {
            stream_name: summary.name.clone(),
            stream_arn: summary.arn.clone(),
            stream_status: summary.status.as_str(),
            stream_mode_details: mode_out(summary),
            shards: description.shards.iter().map(shard_out).collect(),
            has_more_shards: description.has_more_shards,
            retention_period_hours: summary.retention_hours,
            stream_creation_timestamp: Timestamp::from_epoch_millis(summary.created_ms),
            enhanced_monitoring: vec![EnhancedMetricsOut {
                shard_level_metrics: Vec::new(),
            }],
            encryption_type: "NONE",
        },
    })
}
