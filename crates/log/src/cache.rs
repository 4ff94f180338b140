//! Drop-behind: once appended bytes are durable and older than a window behind the write head,
//! tell the kernel their page-cache pages are no longer needed.
//!
//! An append-only log writes every byte exactly once; left alone, those pages fill the page cache
//! and every new write has to find fresh memory. Dropping clean pages that are far enough behind
//! the head returns them to the free lists, where the next writes reuse them. Readers that keep up
//! read the window from cache; readers far behind read from disk, as they would after eviction
//! anyway. On the benchmark machine (a VM whose host backs guest memory lazily) this is the
//! difference between about 140 MB/s and about 1 GB/s of sustained writes (see BENCHMARKS.md).
//!
//! Advice is best effort: a failure is logged and ignored, it never affects correctness.

use std::fs::File;
use std::num::NonZeroU64;

/// Advises the kernel that `[offset, offset + len)` of `file` will not be needed soon.
pub(crate) fn drop_cached_range(file: &File, offset: u64, len: u64) {
    let Some(len) = NonZeroU64::new(len) else { return };
    if let Err(error) = rustix::fs::fadvise(file, offset, Some(len), rustix::fs::Advice::DontNeed) {
        tracing::debug!(error = %error, offset, len = len.get(), "page-cache drop-behind advice failed");
    }
}

/// Advises the kernel that none of `file` will be needed soon.
pub(crate) fn drop_cached_file(file: &File) {
    if let Err(error) = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed) {
        tracing::debug!(error = %error, "page-cache drop-behind advice failed");
    }
}
