//! ListStreams: names and summaries in name order, paginated by `ExclusiveStartStreamName` or
//! `NextToken`.

use crate::error::ApiError;
use crate::kinesis::common::{blocking, check_stream_name, limit_value, mode_out};
use crate::kinesis::model::{ListStreamsInput, ListStreamsOutput, StreamSummaryOut};
use crate::protocol::Timestamp;
use crate::server::AppState;
use crate::validation::Violations;

/// Streams per page when `Limit` is absent, and the most one page holds.
pub const LIST_STREAMS_PAGE: usize = 100;

pub async fn handle(state: &AppState, input: ListStreamsInput) -> Result<ListStreamsOutput, ApiError> {
    let mut violations = Violations::new();
    let limit = limit_value(&mut violations, "limit", input.limit, 1, 10_000);
    check_stream_name(
        &mut violations,
        "exclusiveStartStreamName",
        input.exclusive_start_stream_name.as_ref(),
    );
    if let Some(token) = &input.next_token {
        violations.length_between("nextToken", token, 1, 1_048_576);
    }
    violations.into_result()?;
    let limit = limit.unwrap_or(LIST_STREAMS_PAGE).min(LIST_STREAMS_PAGE);
    let (start, token) = (input.exclusive_start_stream_name, input.next_token);
    let (page, has_more, next_token) = blocking(state, move |streams| {
        streams.list_streams(limit, start.as_deref(), token.as_deref())
    })
    .await?;
    Ok(ListStreamsOutput {
        stream_names: page.iter().map(|summary| summary.name.clone()).collect(),
        has_more_streams: has_more,
        next_token,
        stream_summaries: page
            .iter()
            .map(|summary| StreamSummaryOut {
                stream_name: summary.name.clone(),
                stream_arn: summary.arn.clone(),
                stream_status: summary.status.as_str(),
                stream_mode_details: mode_out(summary),
                stream_creation_timestamp: Timestamp::from_epoch_millis(summary.created_ms),
            })
            .collect(),
    })
}
