//! Builds the log, the streams registry and the HTTP server, then runs until SIGTERM or SIGINT.
//!
//! Shutdown order: stop accepting connections, let in-flight requests finish, fsync every shard
//! log, exit 0.

use anyhow::Context;
use sluice_api::server::{ApiConfig, AppState};
use sluice_core::{ManualClock, SharedClock, SystemClock};
use sluice_log::{LogConfig, PersistPolicy};
use sluice_streams::{Streams, StreamsConfig};
use std::sync::Arc;
use std::time::Duration;

use crate::cli::serve::{FsyncPolicy, ServeArgs};

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_tracing();
    let manual_clock = args.test_clock.then(|| Arc::new(ManualClock::new()));
    let clock: SharedClock = match &manual_clock {
        Some(manual) => manual.clone(),
        None => Arc::new(SystemClock),
    };
    let streams = Streams::open(streams_config(&args)?, clock.clone())
        .with_context(|| format!("opening the data directory {}", args.data_dir.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sluice")
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let state = AppState {
            streams: streams.clone(),
            clock,
            manual_clock,
            config: ApiConfig::default(),
        };
        let maintenance = tokio::spawn(maintain(streams.clone(), Duration::from_millis(args.retention_sweep_ms.max(1))));
        let demo = if args.demo {
            let for_demo = streams.clone();
            tokio::task::spawn_blocking(move || crate::demo::ensure_stream(&for_demo))
                .await?
                .context("creating the demo stream")?;
            tracing::info!(stream = crate::demo::DEMO_STREAM, "demo: writing stock-ticker records; try `sluice tail demo`");
            Some(tokio::spawn(crate::demo::produce(streams.clone())))
        } else {
            None
        };
        tracing::info!(listen = %args.listen, data_dir = %args.data_dir.display(), fsync = ?args.fsync, "sluice is serving");
        sluice_api::server::serve(listener, state, shutdown_signal()).await.context("serving HTTP")?;
        maintenance.abort();
        if let Some(demo) = demo {
            demo.abort();
        }
        tracing::info!("in-flight requests finished; syncing shard logs");
        tokio::task::spawn_blocking(move || streams.sync_all()).await?.context("syncing shard logs")?;
        tracing::info!("stopped cleanly");
        Ok(())
    })
}

fn streams_config(args: &ServeArgs) -> anyhow::Result<StreamsConfig> {
    let persist = match args.fsync {
        FsyncPolicy::Always => PersistPolicy::Always,
        FsyncPolicy::Interval => {
            PersistPolicy::Interval(Duration::from_millis(args.fsync_interval_ms.max(1)))
        }
        FsyncPolicy::Never => PersistPolicy::Never,
    };
    let log = LogConfig {
        segment_bytes: args.segment_bytes,
        persist,
        ..LogConfig::default()
    };
    log.validate().context("invalid storage settings")?;
    let mut config = StreamsConfig::new(&args.data_dir);
    config.region = args.region.clone();
    config.account_id = args.account_id.clone();
    config.log = log;
    config.control_plane_delay_ms = i64::try_from(args.emulate_latency_ms).unwrap_or(i64::MAX);
    config.shard_limit = args.shard_limit;
    config.on_demand_shard_count = args.on_demand_shard_count.max(1);
    config.enforce_shard_limits = args.enforce_shard_limits;
    Ok(config)
}

/// Periodic housekeeping: retention by whole segments, and purging streams whose emulated
/// DELETING period has passed.
async fn maintain(streams: Streams, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let streams = streams.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            streams.purge_deleted();
            streams.enforce_retention()
        })
        .await;
        match outcome {
            Ok(Ok(0)) => {}
            Ok(Ok(deleted)) => tracing::info!(segments = deleted, "retention deleted expired segments"),
            Ok(Err(error)) => tracing::warn!(error = %error, "retention sweep failed"),
            Err(error) => tracing::warn!(error = %error, "retention sweep task failed"),
        }
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
