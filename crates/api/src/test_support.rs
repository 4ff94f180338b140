//! Helpers shared by the unit tests of this crate.

use std::sync::Arc;

use crate::server::{ApiConfig, AppState};

/// An [`AppState`] over an empty registry in a temporary directory, which lives as long as the
/// returned guard.
pub(crate) fn test_state() -> (tempfile::TempDir, AppState) {
    let data_dir = tempfile::tempdir().expect("create a temporary data directory");
    let clock: sluice_core::SharedClock = Arc::new(sluice_core::SystemClock);
    let streams =
        sluice_streams::Streams::open(sluice_streams::StreamsConfig::new(data_dir.path()), clock.clone())
            .expect("open an empty stream registry");
    let state = AppState {
        streams,
        clock,
        manual_clock: None,
        config: ApiConfig::default(),
    };
    (data_dir, state)
}
