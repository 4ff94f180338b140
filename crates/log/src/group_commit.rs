//! fsync batching: the persist policy, the written and synced watermarks, leader-based group commit
//! and the background syncer of `PersistPolicy::Interval`.
//!
//! Two watermarks describe the active segment: `written` (every append that returned) and `synced`
//! (what an fsync is known to cover). With [`PersistPolicy::Always`], `ShardLog::sync` waits until
//! `synced` covers the caller's receipt. The first caller that finds no fsync in progress becomes the
//! leader: it snapshots the active file handle and the `written` watermark, releases the lock, calls
//! `sync_data`, publishes the snapshot as the new `synced` watermark and wakes every waiter. A
//! waiter whose offsets the finished fsync covered returns; the others elect the next leader. One
//! fsync therefore covers every append that returned before it started, however many callers wait
//! on it.
//!
//! Rolling to a new segment fsyncs the old one, so a roll moves both watermarks to the start of the
//! new segment. An fsync failure poisons the log: after a failed fsync the kernel may have dropped
//! the dirty pages, so a later successful fsync would prove nothing (the "fsyncgate" lesson).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::LogError;
use crate::segment::SegmentCore;

/// When appended data is fsynced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersistPolicy {
    /// `ShardLog::sync` blocks until the caller's records are fsynced (group commit), and readers
    /// only see fsynced records. Acknowledged means on disk.
    Always,
    /// A background thread fsyncs the active segment every interval; `sync` returns at once and
    /// readers see every written record. A crash may lose up to one interval of acknowledged data.
    Interval(Duration),
    /// Only rolling and `close` fsync; `sync` returns at once and readers see every written record.
    Never,
}

/// A position in the log: everything before `offset` is covered. `position` is the byte end of that
/// data in the segment starting at `segment_base` (the active segment when it was taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Watermark {
    pub offset: u64,
    pub segment_base: u64,
    pub position: u64,
    /// Timestamp of the newest record before `offset`.
    pub timestamp_ms: Option<i64>,
}

#[derive(Debug)]
struct CommitState {
    written: Watermark,
    synced: Watermark,
    active: Arc<SegmentCore>,
    sync_in_progress: bool,
    failure: Option<String>,
    /// Bytes of the active segment already dropped from the page cache.
    dropped_until: u64,
}

/// Watermarks, group commit and poisoning of one shard log.
#[derive(Debug)]
pub(crate) struct GroupCommit {
    policy: PersistPolicy,
    page_cache_window: Option<u64>,
    state: Mutex<CommitState>,
    synced_changed: Condvar,
}

impl GroupCommit {
    /// Starts with everything recovered counted as written and synced (recovery fsyncs the tail).
    pub fn new(
        policy: PersistPolicy,
        page_cache_window: Option<u64>,
        active: Arc<SegmentCore>,
        recovered: Watermark,
    ) -> GroupCommit {
        let state = CommitState {
            written: recovered,
            synced: recovered,
            active,
            sync_in_progress: false,
            failure: None,
            dropped_until: 0,
        };
        GroupCommit {
            policy,
            page_cache_window,
            state: Mutex::new(state),
            synced_changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, CommitState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn policy(&self) -> PersistPolicy {
        self.policy
    }

    /// What readers may see: synced data with `Always`, written data otherwise.
    pub fn visible(&self) -> Watermark {
        let state = self.lock();
        match self.policy {
            PersistPolicy::Always => state.synced,
            PersistPolicy::Interval(_) | PersistPolicy::Never => state.written,
        }
    }

    pub fn written(&self) -> Watermark {
        self.lock().written
    }

    /// Fails once the log is poisoned.
    pub fn check_healthy(&self) -> Result<(), LogError> {
        match &self.lock().failure {
            Some(reason) => Err(LogError::Poisoned {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Refuses every later write and sync, and wakes waiters so they see it.
    pub fn poison(&self, reason: String) {
        let mut state = self.lock();
        state.failure.get_or_insert(reason);
        drop(state);
        self.synced_changed.notify_all();
    }

    /// Publishes a completed append.
    pub fn publish_written(&self, written: Watermark) {
        let mut state = self.lock();
        debug_assert!(written.offset >= state.written.offset);
        state.written = written;
    }

    /// Publishes a roll: the old segment is fsynced, so everything before `start` is durable and the
    /// new active segment is where appends and fsyncs go.
    pub fn publish_roll(&self, new_active: Arc<SegmentCore>, start: Watermark) {
        let mut state = self.lock();
        state.active = new_active;
        state.written = start;
        state.synced = start;
        state.dropped_until = 0;
        drop(state);
        self.synced_changed.notify_all();
    }

    /// Publishes an fsync of everything written so far, done by a caller that holds off appends.
    pub fn publish_synced_written(&self) {
        let mut state = self.lock();
        state.synced = state.written;
        drop(state);
        self.synced_changed.notify_all();
    }

    /// Blocks until everything before `target_offset` (capped at the written end) is fsynced,
    /// leading an fsync or waiting for the one in progress.
    pub fn sync_until(&self, target_offset: u64) -> Result<(), LogError> {
        let mut state = self.lock();
        let target_offset = target_offset.min(state.written.offset);
        loop {
            if let Some(reason) = &state.failure {
                return Err(LogError::Poisoned {
                    reason: reason.clone(),
                });
            }
            if state.synced.offset >= target_offset {
                return Ok(());
            }
            if state.sync_in_progress {
                state = self
                    .synced_changed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state = self.lead_one_sync(state)?;
        }
    }

    /// fsyncs everything written so far (used by the interval syncer).
    pub fn sync_written(&self) -> Result<(), LogError> {
        let written = self.written().offset;
        self.sync_until(written)
    }

    /// Drops durable bytes of the active segment that are more than the window behind `synced_position`.
    /// Done in steps of at least a window, so the advice costs one call per window written.
    fn drop_behind(&self, state: &mut CommitState, synced_segment: &Arc<SegmentCore>, synced_position: u64) {
        let Some(window) = self.page_cache_window else {
            return;
        };
        if !Arc::ptr_eq(&state.active, synced_segment) {
            return;
        }
        let drop_until = synced_position.saturating_sub(window);
        if drop_until >= state.dropped_until.saturating_add(window.max(1)) {
            crate::cache::drop_cached_range(
                &synced_segment.file,
                state.dropped_until,
                drop_until - state.dropped_until,
            );
            state.dropped_until = drop_until;
        }
    }

    fn lead_one_sync<'a>(
        &'a self,
        mut state: MutexGuard<'a, CommitState>,
    ) -> Result<MutexGuard<'a, CommitState>, LogError> {
        state.sync_in_progress = true;
        let snapshot = state.written;
        let active = Arc::clone(&state.active);
        drop(state);

        let result = active.file.sync_data();

        let mut state = self.lock();
        state.sync_in_progress = false;
        let outcome = match result {
            Ok(()) => {
                if snapshot.offset > state.synced.offset {
                    state.synced = snapshot;
                }
                self.drop_behind(&mut state, &active, snapshot.position);
                Ok(state)
            }
            Err(error) => {
                let error = LogError::io(&active.log_path, error);
                state
                    .failure
                    .get_or_insert_with(|| format!("fsync failed: {error}"));
                Err(error)
            }
        };
        self.synced_changed.notify_all();
        outcome
    }
}

/// The background thread of [`PersistPolicy::Interval`]; stopped and joined on drop.
#[derive(Debug)]
pub(crate) struct IntervalSyncer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

impl IntervalSyncer {
    pub fn spawn(commit: Arc<GroupCommit>, interval: Duration) -> std::io::Result<IntervalSyncer> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let thread_stop = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("sluice-log-sync".to_string())
            .spawn(move || run_interval_syncer(&commit, &thread_stop, interval))?;
        Ok(IntervalSyncer {
            stop,
            handle: Some(handle),
        })
    }

    /// Stops the thread and waits for it (an fsync in progress finishes first).
    pub fn stop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        let panicked = self.handle.take().is_some_and(|handle| handle.join().is_err());
        if panicked {
            tracing::error!("interval syncer thread panicked");
        }
    }
}

impl Drop for IntervalSyncer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run_interval_syncer(commit: &GroupCommit, stop: &(Mutex<bool>, Condvar), interval: Duration) {
    let (stopped, wake) = stop;
    loop {
        let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = wake
            .wait_timeout_while(guard, interval, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        if *guard {
            return;
        }
        drop(guard);
        if let Err(error) = commit.sync_written() {
            tracing::warn!(error = %error, "interval fsync failed");
            if matches!(error, LogError::Poisoned { .. }) {
                return;
            }
        }
    }
}
