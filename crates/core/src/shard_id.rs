//! Shard ids: `shardId-` followed by a 12-digit zero-padded index.

use std::fmt;

/// A shard's index within its stream; displayed as `shardId-000000000007`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl ShardId {
    /// Parses a shard id the way Kinesis resolves it: `shardId-000000000001`, or leniently any text
    /// whose part after the last `-` is a decimal index (`1`, `shard-1`).
    pub fn parse(text: &str) -> Option<ShardId> {
        let digits = text.rsplit('-').next().unwrap_or(text);
        if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u32>().ok().map(ShardId)
    }
}

impl fmt::Display for ShardId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "shardId-{:012}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(ShardId(0).to_string(), "shardId-000000000000");
        assert_eq!(ShardId(12).to_string(), "shardId-000000000012");
        assert_eq!(ShardId::parse("shardId-000000000012"), Some(ShardId(12)));
        assert_eq!(ShardId::parse("3"), Some(ShardId(3)));
        assert_eq!(ShardId::parse("shardId-"), None);
        assert_eq!(ShardId::parse("shardId-abc"), None);
    }
}
