//! DescribeLimits.

use crate::error::ApiError;
use crate::kinesis::common::blocking;
use crate::kinesis::model::{DescribeLimitsOutput, EmptyInput};
use crate::server::AppState;

pub async fn handle(state: &AppState, _input: EmptyInput) -> Result<DescribeLimitsOutput, ApiError> {
    let limits = blocking(state, |streams| Ok(streams.describe_limits())).await?;
    Ok(DescribeLimitsOutput {
        shard_limit: limits.shard_limit,
        open_shard_count: limits.open_shard_count,
        on_demand_stream_count: limits.on_demand_stream_count,
        on_demand_stream_count_limit: limits.on_demand_stream_count_limit,
    })
}
