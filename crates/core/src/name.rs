//! Names of resources and their validation.
//!
//! Stream names (and the other `[a-zA-Z0-9_.-]+` identifiers) are used as directory names, so the
//! pattern doubles as a path guard: no separators, no NUL. The names `.` and `..` match the AWS
//! pattern but are refused here because they would escape the data directory.

/// The AWS pattern for stream, consumer and shard names.
pub const NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";

/// True when `name` matches `[a-zA-Z0-9_.-]+`.
pub fn matches_name_pattern(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-'))
}

/// True when a name that matches the pattern is also safe as a single directory name.
pub fn is_safe_directory_name(name: &str) -> bool {
    matches_name_pattern(name) && name != "." && name != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(matches_name_pattern("events_1.v2-x"));
        assert!(!matches_name_pattern("bad name!"));
        assert!(!matches_name_pattern(""));
        assert!(!matches_name_pattern("a/b"));
        assert!(matches_name_pattern(".."));
        assert!(!is_safe_directory_name(".."));
    }
}
