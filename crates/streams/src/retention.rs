//! Retention: Increase/DecreaseStreamRetentionPeriod, and the sweep that deletes whole expired
//! segments. Reads skip expired records on their own (see `read.rs`), so the sweep only frees disk.

use crate::arn::StreamRef;
use crate::error::StreamError;
use crate::registry::Streams;

pub const MIN_RETENTION_HOURS: u32 = 24;
pub const MAX_RETENTION_HOURS: u32 = 8760;

fn check_bounds(hours: i64) -> Result<u32, StreamError> {
    if hours < i64::from(MIN_RETENTION_HOURS) {
        return Err(StreamError::InvalidArgument(format!(
            "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} \
             hours) is too short."
        )));
    }
    if hours > i64::from(MAX_RETENTION_HOURS) {
        return Err(StreamError::InvalidArgument(format!(
            "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} \
             hours) is too long."
        )));
    }
    Ok(hours as u32)
}

impl Streams {
    /// IncreaseStreamRetentionPeriod (`increase`) or DecreaseStreamRetentionPeriod.
    pub fn change_retention(
        &self,
        reference: &StreamRef,
        hours: i64,
        increase: bool,
    ) -> Result<(), StreamError> {
        let stream = self.stream(reference)?;
        let mut state = stream.write();
        let current = state.meta.retention_hours;
        let requested = check_bounds(hours)?;
        if increase && requested < current {
            return Err(StreamError::InvalidArgument(format!(
                "Requested retention period ({requested} hours) for stream {} can not be shorter than existing \
                 retention period ({current} hours). Use DecreaseRetentionPeriod API.",
                stream.name
            )));
        }
        if !increase && requested > current {
            return Err(StreamError::InvalidArgument(format!(
                "Requested retention period ({requested} hours) for stream {} can not be longer than existing \
                 retention period ({current} hours). Use IncreaseRetentionPeriod API.",
                stream.name
            )));
        }
        let mut meta = state.meta.clone();
        meta.retention_hours = requested;
        meta.store(&stream.dir)?;
        state.set_meta(meta)?;
        Ok(())
    }

    /// Deletes the segments of every shard whose records are all older than their stream's
    /// retention. Returns the number of segments deleted.
    pub fn enforce_retention(&self) -> Result<usize, StreamError> {
        let now = self.now_ms();
        let mut deleted = 0;
        for stream in self.all_streams() {
            let state = stream.read();
            if state.deleted_at_ms.is_some() {
                continue;
            }
            let horizon = now - i64::from(state.meta.retention_hours) * 3_600_000;
            for runtime in state.shards.values() {
                deleted += runtime.log.enforce_retention(horizon)?.deleted_segments;
            }
        }
        Ok(deleted)
    }
}
