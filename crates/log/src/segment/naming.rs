//! Segment file names: `<first-offset>.log` and `<first-offset>.idx`, the first offset zero-padded to
//! 20 digits so that lexical order is offset order (`00000000000000000042.log`).
//!
//! Only names of exactly that shape are recognised; anything else in a shard directory is not a
//! segment file.

use std::path::{Path, PathBuf};

/// Extension of segment (log) files.
pub const LOG_EXTENSION: &str = "log";
/// Extension of index files.
pub const INDEX_EXTENSION: &str = "idx";
/// Digits in the zero-padded base offset (`u64::MAX` has 20).
pub const OFFSET_DIGITS: usize = 20;

/// What a file in a shard directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentFileKind {
    /// A `.log` file.
    Log,
    /// An `.idx` file.
    Index,
}

/// `00000000000000000042.log` for base offset 42.
pub fn log_file_name(base_offset: u64) -> String {
    format!("{base_offset:0width$}.{LOG_EXTENSION}", width = OFFSET_DIGITS)
}

/// `00000000000000000042.idx` for base offset 42.
pub fn index_file_name(base_offset: u64) -> String {
    format!("{base_offset:0width$}.{INDEX_EXTENSION}", width = OFFSET_DIGITS)
}

/// Path of the log file of the segment starting at `base_offset` in `dir`.
pub fn log_path(dir: &Path, base_offset: u64) -> PathBuf {
    dir.join(log_file_name(base_offset))
}

/// Path of the index file of the segment starting at `base_offset` in `dir`.
pub fn index_path(dir: &Path, base_offset: u64) -> PathBuf {
    dir.join(index_file_name(base_offset))
}

/// Parses a file name produced by [`log_file_name`] or [`index_file_name`].
pub fn parse_file_name(name: &str) -> Option<(u64, SegmentFileKind)> {
    let (stem, extension) = name.split_once('.')?;
    let kind = match extension {
        LOG_EXTENSION => SegmentFileKind::Log,
        INDEX_EXTENSION => SegmentFileKind::Index,
        _ => return None,
    };
    if stem.len() != OFFSET_DIGITS || !stem.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let base_offset = stem.parse::<u64>().ok()?;
    Some((base_offset, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_zero_padded_and_parse_back() {
        assert_eq!(log_file_name(42), "00000000000000000042.log");
        assert_eq!(index_file_name(0), "00000000000000000000.idx");
        assert_eq!(log_file_name(u64::MAX), "18446744073709551615.log");
        assert_eq!(
            parse_file_name("00000000000000000042.log"),
            Some((42, SegmentFileKind::Log))
        );
        assert_eq!(
            parse_file_name("18446744073709551615.idx"),
            Some((u64::MAX, SegmentFileKind::Index))
        );
    }

    #[test]
    fn other_names_are_not_segments() {
        for name in [
            "42.log",
            "0000000000000000042.log",
            "000000000000000000042.log",
            "00000000000000000042.txt",
            "00000000000000000042.log.tmp",
            "-0000000000000000042.log",
            "+0000000000000000042.log",
            "99999999999999999999.log",
            "stream.json",
            "",
        ] {
            assert_eq!(parse_file_name(name), None, "{name}");
        }
    }

    #[test]
    fn lexical_order_is_offset_order() {
        let mut names = vec![log_file_name(1000), log_file_name(2), log_file_name(30)];
        names.sort();
        assert_eq!(
            names,
            vec![log_file_name(2), log_file_name(30), log_file_name(1000)]
        );
    }
}
