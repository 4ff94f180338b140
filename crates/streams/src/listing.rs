//! DescribeStream, DescribeStreamSummary and ListShards (with its filters and pagination tokens).

use sluice_core::ShardId;

use crate::arn::StreamRef;
use crate::error::StreamError;
use crate::metadata::ShardMeta;
use crate::model::{ShardDescription, StreamDescription, StreamSummary};
use crate::registry::Streams;
use crate::stream::StreamState;
use crate::token::{PayloadReader, put_short_string};

/// Shards DescribeStream returns at most per call.
pub const DESCRIBE_STREAM_MAX_SHARDS: usize = 100;
/// Default page size of ListShards.
pub const LIST_SHARDS_DEFAULT: usize = 1000;
/// How long a ListShards NextToken stays valid.
pub const NEXT_TOKEN_LIFETIME_MS: i64 = 300_000;

/// ListShards' `ShardFilter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShardFilter {
    AfterShardId(String),
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp(i64),
    FromTimestamp(i64),
}

/// What a ListShards call asks for.
#[derive(Debug, Clone, Default)]
pub struct ListShardsRequest {
    pub stream: StreamRef,
    pub next_token: Option<String>,
    pub exclusive_start_shard_id: Option<String>,
    pub max_results: Option<usize>,
    pub filter: Option<ShardFilter>,
}

impl ShardFilter {
    fn admits(&self, state: &StreamState, shard: &ShardMeta, now_ms: i64) -> bool {
        let open_at = |time_ms: i64| {
            let created = shard.created_ms <= time_ms.max(state.meta.created_ms);
            created && shard.closed.is_none_or(|closure| closure.closed_ms > time_ms)
        };
        match self {
            ShardFilter::AfterShardId(after) => {
                ShardId::parse(after).is_none_or(|after_shard| shard.index > after_shard.0)
            }
            ShardFilter::FromTrimHorizon => true,
            ShardFilter::AtLatest => shard.is_open(),
            ShardFilter::AtTrimHorizon => {
                // The oldest shards still within retention: those whose parents have aged out.
                let listed = |index: Option<u32>| {
                    index
                        .and_then(|index| state.meta.shard(index))
                        .is_some_and(|parent| !state.is_expired(parent, now_ms))
                };
                !listed(shard.parent) && !listed(shard.adjacent_parent)
            }
            ShardFilter::AtTimestamp(time_ms) => open_at(*time_ms),
            ShardFilter::FromTimestamp(time_ms) => {
                shard.closed.is_none_or(|closure| closure.closed_ms >= *time_ms)
            }
        }
    }

    fn code(&self) -> (u8, &str, i64) {
        match self {
            ShardFilter::AfterShardId(id) => (1, id, 0),
            ShardFilter::AtTrimHorizon => (2, "", 0),
            ShardFilter::FromTrimHorizon => (3, "", 0),
            ShardFilter::AtLatest => (4, "", 0),
            ShardFilter::AtTimestamp(time) => (5, "", *time),
            ShardFilter::FromTimestamp(time) => (6, "", *time),
        }
    }

    fn from_code(code: u8, id: String, time: i64) -> Option<ShardFilter> {
        Some(match code {
            1 => ShardFilter::AfterShardId(id),
            2 => ShardFilter::AtTrimHorizon,
            3 => ShardFilter::FromTrimHorizon,
            4 => ShardFilter::AtLatest,
            5 => ShardFilter::AtTimestamp(time),
            6 => ShardFilter::FromTimestamp(time),
            _ => return None,
        })
    }
}

/// The state a ListShards NextToken carries.
struct ListShardsToken {
    stream: String,
    after_index: u32,
    filter: ShardFilter,
    issued_ms: i64,
}

impl Streams {
    /// DescribeStreamSummary.
    pub fn describe_stream_summary(&self, reference: &StreamRef) -> Result<StreamSummary, StreamError> {
        let stream = self.stream(reference)?;
        Ok(self.summary(&stream.read()))
    }

    /// DescribeStream: the summary and one page of shards.
    pub fn describe_stream(
        &self,
        reference: &StreamRef,
        limit: Option<usize>,
        exclusive_start_shard_id: Option<&str>,
    ) -> Result<StreamDescription, StreamError> {
        let stream = self.stream(reference)?;
        let state = stream.read();
        let now = self.now_ms();
        let limit = limit
            .unwrap_or(DESCRIBE_STREAM_MAX_SHARDS)
            .min(DESCRIBE_STREAM_MAX_SHARDS);
        let after = exclusive_start_shard_id.and_then(ShardId::parse);
        let mut shards = Vec::new();
        let mut has_more_shards = false;
        for shard in state
            .meta
            .shards
            .iter()
            .filter(|shard| !state.is_expired(shard, now))
        {
            if after.is_some_and(|after| shard.index <= after.0) {
                continue;
            }
            if shards.len() == limit {
                has_more_shards = true;
                break;
            }
            shards.push(state.describe_shard(shard)?);
        }
        Ok(StreamDescription {
            summary: self.summary(&state),
            shards,
            has_more_shards,
        })
    }

    /// ListShards: one page of shards and the token for the next.
    pub fn list_shards(
        &self,
        request: &ListShardsRequest,
    ) -> Result<(Vec<ShardDescription>, Option<String>), StreamError> {
        let now = self.now_ms();
        let named = request.stream.name.is_some() || request.stream.arn.is_some();
        let (reference, after_index, filter) = match (&request.next_token, named) {
            (Some(_), true) if request.stream.name.is_some() => {
                return Err(StreamError::InvalidArgument(
                    "NextToken and StreamName cannot be provided together.".into(),
                ));
            }
            (Some(token), _) => {
                let token = self.decode_shards_token(token, now)?;
                (
                    StreamRef::by_name(token.stream),
                    Some(token.after_index),
                    token.filter,
                )
            }
            (None, true) => {
                let after = request
                    .exclusive_start_shard_id
                    .as_ref()
                    .map(|text| ShardId::parse(text).map(|shard| shard.0).unwrap_or(0));
                (
                    request.stream.clone(),
                    after,
                    request.filter.clone().unwrap_or(ShardFilter::FromTrimHorizon),
                )
            }
            (None, false) => {
                return Err(StreamError::InvalidArgument(
                    "Either NextToken or StreamName should be provided.".into(),
                ));
            }
        };
        let stream = self.stream(&reference)?;
        let state = stream.read();
        let max_results = request.max_results.unwrap_or(LIST_SHARDS_DEFAULT).max(1);
        let mut page = Vec::new();
        let mut has_more = false;
        for shard in &state.meta.shards {
            if state.is_expired(shard, now) || after_index.is_some_and(|after| shard.index <= after) {
                continue;
            }
            if !filter.admits(&state, shard, now) {
                continue;
            }
            if page.len() == max_results {
                has_more = true;
                break;
            }
            page.push(state.describe_shard(shard)?);
        }
        let next_token = match (has_more, page.last()) {
            (true, Some(last)) => Some(self.encode_shards_token(&ListShardsToken {
                stream: stream.name.clone(),
                after_index: last.shard_id.0,
                filter,
                issued_ms: now,
            })),
            _ => None,
        };
        Ok((page, next_token))
    }

    fn encode_shards_token(&self, token: &ListShardsToken) -> String {
        let (code, id, time) = token.filter.code();
        let mut payload = vec![b'S', code];
        payload.extend_from_slice(&token.after_index.to_le_bytes());
        payload.extend_from_slice(&time.to_le_bytes());
        payload.extend_from_slice(&token.issued_ms.to_le_bytes());
        put_short_string(&mut payload, &token.stream);
        put_short_string(&mut payload, id);
        self.signer().sign(&payload)
    }

    fn decode_shards_token(&self, text: &str, now_ms: i64) -> Result<ListShardsToken, StreamError> {
        let invalid = || StreamError::InvalidArgument(format!("Invalid NextToken: {text}"));
        let payload = self.signer().verify(text).ok_or_else(invalid)?;
        let mut reader = PayloadReader::new(&payload);
        if reader.u8() != Some(b'S') {
            return Err(invalid());
        }
        let code = reader.u8().ok_or_else(invalid)?;
        let after_index = reader.u32().ok_or_else(invalid)?;
        let time = reader.i64().ok_or_else(invalid)?;
        let issued_ms = reader.i64().ok_or_else(invalid)?;
        let stream = reader.short_string().ok_or_else(invalid)?;
        let id = reader.short_string().ok_or_else(invalid)?;
        let filter = ShardFilter::from_code(code, id, time).ok_or_else(invalid)?;
        if now_ms - issued_ms > NEXT_TOKEN_LIFETIME_MS {
            return Err(StreamError::ExpiredNextToken(format!(
                "The timestamp of the NextToken {text} has expired; NextToken is valid for {} seconds.",
                NEXT_TOKEN_LIFETIME_MS / 1000
            )));
        }
        Ok(ListShardsToken {
            stream,
            after_index,
            filter,
            issued_ms,
        })
    }
}
