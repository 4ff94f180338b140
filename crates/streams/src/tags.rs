//! Stream tags: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream and the ARN-based
//! TagResource, UntagResource, ListTagsForResource.

use std::collections::BTreeMap;

use crate::arn::StreamRef;
use crate::error::StreamError;
use crate::registry::Streams;

/// Tags a stream may carry.
pub const MAX_TAGS_PER_STREAM: usize = 50;

pub(crate) fn too_many_tags(stream: &str, account: &str) -> StreamError {
    StreamError::InvalidArgument(format!(
        "Failed to add tags to stream {stream} under account {account} because a given stream cannot have more than \
         {MAX_TAGS_PER_STREAM} tags associated with it."
    ))
}

/// Tag keys and values may hold Unicode letters, digits, white space and `_ . / = + - % @`.
pub(crate) fn check_tag_characters(tags: &BTreeMap<String, String>) -> Result<(), StreamError> {
    let valid = |text: &str| {
        text.chars().all(|character| {
            character.is_alphanumeric() || character.is_whitespace() || "_./=+-%@:".contains(character)
        })
    };
    if tags.iter().all(|(key, value)| valid(key) && valid(value)) {
        Ok(())
    } else {
        Err(StreamError::InvalidArgument(
            "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - \
             % @."
                .into(),
        ))
    }
}

impl Streams {
    /// AddTagsToStream / TagResource: adds or overwrites tags.
    pub fn add_tags(&self, reference: &StreamRef, tags: BTreeMap<String, String>) -> Result<(), StreamError> {
        check_tag_characters(&tags)?;
        let stream = self.stream(reference)?;
        let mut state = stream.write();
        let mut merged = state.meta.tags.clone();
        merged.extend(tags);
        if merged.len() > MAX_TAGS_PER_STREAM {
            return Err(too_many_tags(&stream.name, self.account_id()));
        }
        let mut meta = state.meta.clone();
        meta.tags = merged;
        meta.store(&stream.dir)?;
        state.set_meta(meta)?;
        Ok(())
    }

    /// RemoveTagsFromStream / UntagResource: removes the named tags; unknown keys are ignored.
    pub fn remove_tags(&self, reference: &StreamRef, keys: &[String]) -> Result<(), StreamError> {
        let stream = self.stream(reference)?;
        let mut state = stream.write();
        let mut meta = state.meta.clone();
        for key in keys {
            meta.tags.remove(key);
        }
        meta.store(&stream.dir)?;
        state.set_meta(meta)?;
        Ok(())
    }

    /// ListTagsForStream: tags in key order after `exclusive_start_key`, at most `limit`; the flag
    /// says whether more remain. `limit: None` lists all (ListTagsForResource).
    pub fn list_tags(
        &self,
        reference: &StreamRef,
        exclusive_start_key: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(Vec<(String, String)>, bool), StreamError> {
        let stream = self.stream(reference)?;
        let state = stream.read();
        let remaining: Vec<(String, String)> = state
            .meta
            .tags
            .iter()
            .filter(|(key, _)| exclusive_start_key.is_none_or(|start| key.as_str() > start))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let limit = limit.unwrap_or(usize::MAX);
        let has_more = remaining.len() > limit;
        Ok((remaining.into_iter().take(limit).collect(), has_more))
    }
}
