//! Stream tags: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, and the ARN-based
//! TagResource, UntagResource and ListTagsForResource.

use std::collections::BTreeMap;

use sluice_streams::StreamRef;

use crate::error::ApiError;
use crate::kinesis::common::{RESOURCE_ARN_PATTERN, blocking, is_kinesis_stream_arn, stream_ref};
use crate::kinesis::model::{
    AddTagsToStreamInput, ListTagsForResourceInput, ListTagsForResourceOutput, ListTagsForStreamInput,
    ListTagsForStreamOutput, RemoveTagsFromStreamInput, TagOut, TagResourceInput, UntagResourceInput,
};
use crate::operation::EmptyOutput;
use crate::server::AppState;
use crate::validation::Violations;

/// Most tags one ListTagsForStream page returns.
pub const LIST_TAGS_PAGE: usize = 50;

fn check_tags(violations: &mut Violations, tags: Option<&BTreeMap<String, String>>) {
    violations.not_null("tags", tags);
    if let Some(tags) = tags {
        violations.map_length_between("tags", tags.len(), 1, 200);
        violations.map_keys_length("tags", tags, 1, 128);
        for (key, value) in tags {
            violations.length_between(&format!("tags.{key}"), value, 0, 256);
        }
    }
}

fn check_tag_keys(violations: &mut Violations, keys: Option<&Vec<String>>) {
    violations.not_null("tagKeys", keys);
    if let Some(keys) = keys {
        violations.list_length_between("tagKeys", keys.len(), 1, 50);
    }
}

/// A ResourceARN must name a stream; consumers are not implemented, so their ARNs are not found.
fn resource_ref(violations: &mut Violations, arn: &Option<String>) -> StreamRef {
    violations.not_null("resourceARN", arn.as_ref());
    if let Some(arn) = arn {
        violations.length_between("resourceARN", arn, 1, 2048);
        violations.pattern("resourceARN", arn, RESOURCE_ARN_PATTERN, is_kinesis_stream_arn);
    }
    StreamRef {
        name: None,
        arn: arn.clone(),
    }
}

fn tags_out(tags: Vec<(String, String)>) -> Vec<TagOut> {
    tags.into_iter()
        .map(|(key, value)| TagOut { key, value })
        .collect()
}

pub async fn add_tags_to_stream(
    state: &AppState,
    input: AddTagsToStreamInput,
) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    check_tags(&mut violations, input.tags.as_ref());
    violations.into_result()?;
    let tags = input.tags.unwrap_or_default();
    blocking(state, move |streams| streams.add_tags(&reference, tags)).await?;
    Ok(EmptyOutput {})
}

pub async fn remove_tags_from_stream(
    state: &AppState,
    input: RemoveTagsFromStreamInput,
) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    check_tag_keys(&mut violations, input.tag_keys.as_ref());
    violations.into_result()?;
    let keys = input.tag_keys.unwrap_or_default();
    blocking(state, move |streams| streams.remove_tags(&reference, &keys)).await?;
    Ok(EmptyOutput {})
}

pub async fn list_tags_for_stream(
    state: &AppState,
    input: ListTagsForStreamInput,
) -> Result<ListTagsForStreamOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = stream_ref(&mut violations, &input.stream_name, &input.stream_arn);
    if let Some(limit) = input.limit {
        violations.value_between("limit", limit, 1, LIST_TAGS_PAGE as i64);
    }
    if let Some(key) = &input.exclusive_start_tag_key {
        violations.length_between("exclusiveStartTagKey", key, 1, 128);
    }
    violations.into_result()?;
    let limit = input
        .limit
        .and_then(|limit| usize::try_from(limit).ok())
        .unwrap_or(LIST_TAGS_PAGE);
    let start = input.exclusive_start_tag_key;
    let (tags, has_more_tags) = blocking(state, move |streams| {
        streams.list_tags(&reference, start.as_deref(), Some(limit))
    })
    .await?;
    Ok(ListTagsForStreamOutput {
        tags: tags_out(tags),
        has_more_tags,
    })
}

pub async fn tag_resource(state: &AppState, input: TagResourceInput) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = resource_ref(&mut violations, &input.resource_arn);
    check_tags(&mut violations, input.tags.as_ref());
    violations.into_result()?;
    let tags = input.tags.unwrap_or_default();
    blocking(state, move |streams| streams.add_tags(&reference, tags)).await?;
    Ok(EmptyOutput {})
}

pub async fn untag_resource(state: &AppState, input: UntagResourceInput) -> Result<EmptyOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = resource_ref(&mut violations, &input.resource_arn);
    check_tag_keys(&mut violations, input.tag_keys.as_ref());
    violations.into_result()?;
    let keys = input.tag_keys.unwrap_or_default();
    blocking(state, move |streams| streams.remove_tags(&reference, &keys)).await?;
    Ok(EmptyOutput {})
}

pub async fn list_tags_for_resource(
    state: &AppState,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, ApiError> {
    let mut violations = Violations::new();
    let reference = resource_ref(&mut violations, &input.resource_arn);
    violations.into_result()?;
    let (tags, _) = blocking(state, move |streams| streams.list_tags(&reference, None, None)).await?;
    Ok(ListTagsForResourceOutput { tags: tags_out(tags) })
}
