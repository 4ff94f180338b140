//! The inspector behind `sluice log verify|dump DIR`: reads a shard directory without modifying it
//! (no recovery, no truncation) and reports what is there.
//!
//! [`verify`] walks every frame of every segment (it is the one tool allowed to read whole
//! segments), counting frames and records and collecting problems: CRC failures with segment and
//! position, unreadable regions, index entries that do not point at the batch they claim, offset
//! gaps between segments and a torn tail at the end of the last segment (what recovery would cut).
//! [`dump`] prints one line per record from an offset on.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::LogError;
use crate::index::{INDEX_ENTRY_LEN, SparseIndex};
use crate::recovery::list_dir;
use crate::segment::naming::{index_path, log_path};
use crate::segment::{read_frame, read_header};

mod dump;

pub use dump::dump;

/// One segment as seen by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentReport {
    /// The `.log` file.
    pub path: PathBuf,
    /// First offset (from the file name).
    pub base_offset: u64,
    /// Offset after the last readable record.
    pub end_offset: u64,
    /// Size of the `.log` file.
    pub bytes: u64,
    /// Frames whose CRC and structure are valid.
    pub frames: u64,
    /// Records in those frames.
    pub records: u64,
    /// Entries in the `.idx` file (its valid prefix).
    pub index_entries: usize,
    /// Timestamps of the first and last valid batch.
    pub timestamps: Option<(i64, i64)>,
}

/// Something wrong found by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A frame with a plausible header whose CRC or record structure is wrong.
    CrcFailure {
        segment: PathBuf,
        position: u64,
        reason: String,
    },
    /// Bytes that are not a frame header; the rest of the segment could not be walked.
    Unreadable {
        segment: PathBuf,
        position: u64,
        reason: String,
    },
    /// A frame whose first offset does not continue the previous one.
    OffsetMismatch {
        segment: PathBuf,
        position: u64,
        expected: u64,
        found: u64,
    },
    /// The `.idx` file is missing, has a damaged tail, or an entry disagrees with the log.
    IndexMismatch { segment: PathBuf, reason: String },
    /// A segment does not end where the next one starts.
    OffsetGap {
        segment: PathBuf,
        end_offset: u64,
        next_base_offset: u64,
    },
    /// The last segment ends with bytes that are not whole valid frames.
    TornTail {
        segment: PathBuf,
        position: u64,
        trailing_bytes: u64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::CrcFailure {
                segment,
                position,
                reason,
            } => {
                write!(
                    f,
                    "bad frame in {} at position {position}: {reason}",
                    segment.display()
                )
            }
            Problem::Unreadable {
                segment,
                position,
                reason,
            } => {
                write!(
                    f,
                    "unreadable from {} position {position}: {reason}",
                    segment.display()
                )
            }
            Problem::OffsetMismatch {
                segment,
                position,
                expected,
                found,
            } => write!(
                f,
                "frame in {} at position {position} starts at offset {found}, expected {expected}",
                segment.display()
            ),
            Problem::IndexMismatch { segment, reason } => {
                write!(f, "index of {}: {reason}", segment.display())
            }
            Problem::OffsetGap {
                segment,
                end_offset,
                next_base_offset,
            } => write!(
                f,
                "gap after {}: ends at offset {end_offset}, next segment starts at {next_base_offset}",
                segment.display()
            ),
            Problem::TornTail {
                segment,
                position,
                trailing_bytes,
            } => write!(
                f,
                "torn tail in {} at position {position}: {trailing_bytes} trailing bytes recovery would cut",
                segment.display()
            ),
        }
    }
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// The shard directory.
    pub dir: PathBuf,
    /// Segments, oldest first.
    pub segments: Vec<SegmentReport>,
    /// Everything found wrong.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when no problem was found.
    pub fn is_healthy(&self) -> bool {
        self.problems.is_empty()
    }

    /// Total valid frames.
    pub fn frames(&self) -> u64 {
        self.segments.iter().map(|segment| segment.frames).sum()
    }

    /// Total records in valid frames.
    pub fn records(&self) -> u64 {
        self.segments.iter().map(|segment| segment.records).sum()
    }

    /// The CRC failures, as `(segment, position)`.
    pub fn crc_failures(&self) -> Vec<(&Path, u64)> {
        let mut failures = Vec::new();
        for problem in &self.problems {
            if let Problem::CrcFailure {
                segment, position, ..
            } = problem
            {
                failures.push((segment.as_path(), *position));
            }
        }
        failures
    }

    /// The torn tail, as `(segment, position)`.
    pub fn torn_tail(&self) -> Option<(&Path, u64)> {
        self.problems.iter().find_map(|problem| match problem {
            Problem::TornTail {
                segment, position, ..
            } => Some((segment.as_path(), *position)),
            _ => None,
        })
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = self.segments.first().map_or(0, |segment| segment.base_offset);
        let end = self.segments.last().map_or(0, |segment| segment.end_offset);
        writeln!(
            f,
            "shard log {}: {} segments, {} frames, {} records, offsets [{start}, {end})",
            self.dir.display(),
            self.segments.len(),
            self.frames(),
            self.records(),
        )?;
        for segment in &self.segments {
            let name = segment.path.file_name().map_or_else(
                || segment.path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            );
            let times = segment.timestamps.map_or_else(
                || "no timestamps".to_string(),
                |(first, last)| format!("time [{first}, {last}]"),
            );
            writeln!(
                f,
                "  {name}  offsets [{}, {})  {} bytes  {} frames  {} records  {} index entries  {times}",
                segment.base_offset,
                segment.end_offset,
                segment.bytes,
                segment.frames,
                segment.records,
                segment.index_entries,
            )?;
        }
        if self.is_healthy() {
            write!(f, "healthy")
        } else {
            write!(f, "{} problems:", self.problems.len())?;
            for problem in &self.problems {
                write!(f, "\n  {problem}")?;
            }
            Ok(())
        }
    }
}

/// A valid frame found by the walk: position, first offset, timestamp.
type FrameMark = (u64, u64, i64);

/// Checks every segment and index of the shard directory `dir` without modifying anything.
pub fn verify(dir: &Path) -> Result<VerifyReport, LogError> {
    let listing = list_dir(dir)?;
    let mut report = VerifyReport {
        dir: dir.to_path_buf(),
        segments: Vec::new(),
        problems: Vec::new(),
    };
    for path in &listing.orphan_indexes {
        report.problems.push(Problem::IndexMismatch {
            segment: path.clone(),
            reason: "index without a segment".into(),
        });
    }
    let bases: Vec<u64> = listing.segments.keys().copied().collect();
    for (number, &base) in bases.iter().enumerate() {
        let is_last = number + 1 == bases.len();
        let (segment, marks) = verify_segment(dir, base, is_last, &mut report.problems)?;
        verify_index(dir, base, &marks, &mut report.problems)?;
        let next_base = bases.get(number + 1).copied();
        if let Some(next_base) = next_base.filter(|&next_base| next_base != segment.end_offset) {
            report.problems.push(Problem::OffsetGap {
                segment: segment.path.clone(),
                end_offset: segment.end_offset,
                next_base_offset: next_base,
            });
        }
        report.segments.push(segment);
    }
    Ok(report)
}

fn verify_segment(
    dir: &Path,
    base: u64,
    is_last: bool,
    problems: &mut Vec<Problem>,
) -> Result<(SegmentReport, Vec<FrameMark>), LogError> {
    let path = log_path(dir, base);
    let file = File::open(&path).map_err(|error| LogError::io(&path, error))?;
    let len = file.metadata().map_err(|error| LogError::io(&path, error))?.len();
    let mut segment = SegmentReport {
        path: path.clone(),
        base_offset: base,
        end_offset: base,
        bytes: len,
        frames: 0,
        records: 0,
        index_entries: 0,
        timestamps: None,
    };
    let mut marks = Vec::new();
    let mut segment_problems = Vec::new();
    let mut position = 0;
    let mut expected_offset = base;
    // End of the last valid frame: in the last segment, what follows it is a torn tail.
    let mut valid_end = 0;
    while position < len {
        let header = match read_header(&file, &path, position, len) {
            Ok(header) => header,
            Err(error) if error.is_corruption() => {
                if !is_last {
                    segment_problems.push(Problem::Unreadable {
                        segment: path.clone(),
                        position,
                        reason: reason_of(&error),
                    });
                }
                break;
            }
            Err(error) => return Err(error),
        };
        if header.first_offset != expected_offset {
            segment_problems.push(Problem::OffsetMismatch {
                segment: path.clone(),
                position,
                expected: expected_offset,
                found: header.first_offset,
            });
        }
        match read_frame(&file, &path, position, len) {
            Ok(_) => {
                segment.frames += 1;
                segment.records += u64::from(header.record_count);
                segment.end_offset = header.end_offset();
                let first = segment.timestamps.map_or(header.timestamp_ms, |(first, _)| first);
                segment.timestamps = Some((first, header.timestamp_ms));
                marks.push((position, header.first_offset, header.timestamp_ms));
                valid_end = position + header.frame_len();
            }
            Err(error) if error.is_corruption() => {
                segment_problems.push(Problem::CrcFailure {
                    segment: path.clone(),
                    position,
                    reason: reason_of(&error),
                });
            }
            Err(error) => return Err(error),
        }
        expected_offset = header.end_offset();
        position += header.frame_len();
    }
    if is_last && valid_end < len {
        // Whatever follows the last valid frame is what recovery cuts; earlier bad frames stay.
        segment_problems.retain(|problem| match problem {
            Problem::CrcFailure { position, .. } | Problem::OffsetMismatch { position, .. } => {
                *position < valid_end
            }
            _ => true,
        });
        segment_problems.push(Problem::TornTail {
            segment: path,
            position: valid_end,
            trailing_bytes: len - valid_end,
        });
    }
    problems.append(&mut segment_problems);
    Ok((segment, marks))
}

fn reason_of(error: &LogError) -> String {
    match error {
        LogError::Corrupt { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

fn verify_index(
    dir: &Path,
    base: u64,
    marks: &[FrameMark],
    problems: &mut Vec<Problem>,
) -> Result<(), LogError> {
    let path = index_path(dir, base);
    let segment = log_path(dir, base);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            problems.push(Problem::IndexMismatch {
                segment,
                reason: "index file is missing".into(),
            });
            return Ok(());
        }
        Err(error) => return Err(LogError::io(&path, error)),
    };
    let index = SparseIndex::parse_prefix(&bytes);
    if index.len() * INDEX_ENTRY_LEN != bytes.len() {
        let reason = format!(
            "{} bytes after the {} valid entries are not valid entries",
            bytes.len() - index.len() * INDEX_ENTRY_LEN,
            index.len()
        );
        problems.push(Problem::IndexMismatch {
            segment: segment.clone(),
            reason,
        });
    }
    if index.is_empty() && !marks.is_empty() {
        problems.push(Problem::IndexMismatch {
            segment: segment.clone(),
            reason: "index has no entries".into(),
        });
    }
    for (number, entry) in index.entries().iter().enumerate() {
        let position = u64::from(entry.position);
        let offset = base + u64::from(entry.relative_offset);
        let agrees = marks
            .binary_search_by_key(&position, |mark| mark.0)
            .ok()
            .and_then(|at| marks.get(at))
            .is_some_and(|mark| mark.1 == offset && mark.2 == entry.timestamp_ms);
        if !agrees {
            let reason = format!(
                "entry {number} (offset {offset}, position {position}, time {}) does not match a valid batch",
                entry.timestamp_ms
            );
            problems.push(Problem::IndexMismatch {
                segment: segment.clone(),
                reason,
            });
        }
    }
    Ok(())
}
