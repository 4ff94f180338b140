//! IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod.

use crate::error::ApiError;
use crate::kinesis::common::{blocking, stream_ref};
use crate::kinesis::model::RetentionInput;
use crate::operation::EmptyOutput;
use crate::server::AppState;
use crate::validation::Violations;

pub async fn increase(state: &AppState, input: RetentionInput) -> Result<EmptyOutput, ApiError> {
    change(state, input, true).await
}

pub async fn decrease(state: &AppState, input: RetentionInput) -> Result<EmptyOutput, ApiError> {
    change(state, input, false).await
}

async fn change(state: &AppState, input: RetentionInput, increase: bool) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    violations.not_null("retentionPeriodHours", input.retention_period_hours.as_ref());
    violations.into_result()?;
    let hours = input.retention_period_hours.unwrap_or_default();
    blocking(state, move |streams| {
        streams.change_retention(&reference, hours, increase)
    })
    .await?;
    Ok(EmptyOutput {})
}
