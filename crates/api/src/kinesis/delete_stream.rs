//! DeleteStream. Sluice has no enhanced fan-out consumers, so `EnforceConsumerDeletion` is accepted
//! and has nothing to enforce.

use crate::error::ApiError;
use crate::kinesis::common::{blocking, stream_ref};
use crate::kinesis::model::DeleteStreamInput;
use crate::operation::EmptyOutput;
use crate::server::AppState;
use crate::validation::Violations;

pub async fn handle(state: &AppState, input: DeleteStreamInput) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    violations.into_result()?;
    blocking(state, move |streams| streams.delete_stream(&reference)).await?;
    Ok(EmptyOutput {})
}
