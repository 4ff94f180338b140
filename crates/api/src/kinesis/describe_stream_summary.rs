//! DescribeStreamSummary.

use crate::error::ApiError;
use crate::kinesis::common::{blocking, mode_out, stream_ref};
use crate::kinesis::model::{
    DescribeStreamSummaryOutput, EnhancedMetricsOut, StreamDescriptionSummaryOut, StreamOnlyInput,
};
use crate::protocol::Timestamp;
use crate::server::AppState;
use crate::validation::Violations;

pub async fn handle(
    state: &AppState,
    input: StreamOnlyInput,
) -> Result<DescribeStreamSummaryOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    violations.into_result()?;
    let summary = blocking(state, move |streams| streams.describe_stream_summary(&reference)).await?;
    Ok(DescribeStreamSummaryOutput {
        stream_description_summary: StreamDescriptionSummaryOut {
            stream_name: summary.name.clone(),
            stream_arn: summary.arn.clone(),
            stream_status: summary.status.as_str(),
            stream_mode_details: mode_out(&summary),
            retention_period_hours: summary.retention_hours,
            stream_creation_timestamp: Timestamp::from_epoch_millis(summary.created_ms),
            enhanced_monitoring: vec![EnhancedMetricsOut {
                shard_level_metrics: Vec::new(),
            }],
            encryption_type: "NONE",
            open_shard_count: summary.open_shard_count,
            consumer_count: 0,
            max_record_size_in_ki_b: 1024,
        },
    })
}
