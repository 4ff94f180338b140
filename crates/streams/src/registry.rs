//! The stream registry: creates, loads, lists and deletes streams, and hands out the stream a
//! request names.
//!
//! On disk every stream is a directory `<data-dir>/streams/<name>/` holding `stream.json` and one
//! directory per shard. A stream becomes visible only once its `stream.json` is durable, so a
//! directory without one is the remains of an interrupted CreateStream and is removed at startup.
//! DeleteStream first renames the directory to a `.trash-*` name (atomic), then removes it; leftover
//! trash is removed at startup.

use rand::Rng;
use sluice_core::{HashKeyRange, SharedClock};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::arn::{StreamRef, resolve_name, stream_arn};
use crate::config::StreamsConfig;
use crate::error::StreamError;
use crate::metadata::{FORMAT_VERSION, STREAM_FILE, ShardMeta, StreamMeta, StreamMode};
use crate::model::{AccountLimits, StreamStatus, StreamSummary};
use crate::stream::{Stream, StreamState};
use crate::token::{PayloadReader, TokenSigner, put_short_string};

/// Default retention of a new stream.
pub const DEFAULT_RETENTION_HOURS: u32 = 24;
const TRASH_PREFIX: &str = ".trash-";

/// What CreateStream asks for (already shape-validated by the api layer).
#[derive(Debug, Clone)]
pub struct CreateStreamRequest {
    pub name: String,
    pub shard_count: Option<u32>,
    pub mode: StreamMode,
    pub tags: BTreeMap<String, String>,
}

/// Every stream of the account, and what they share.
#[derive(Debug, Clone)]
pub struct Streams {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub config: StreamsConfig,
    pub clock: SharedClock,
    pub signer: TokenSigner,
    pub streams_dir: PathBuf,
    pub streams: RwLock<BTreeMap<String, Arc<Stream>>>,
    /// Serialises control-plane changes (create, delete, reshard) across streams, so account-wide
    /// limits are checked against a stable picture.
    pub control: Mutex<()>,
}

impl Streams {
    /// Opens the registry in `config.data_dir`, recovering every stream found there.
    pub fn open(config: StreamsConfig, clock: SharedClock) -> Result<Streams, StreamError> {
        let streams_dir = config.data_dir.join("streams");
        std::fs::create_dir_all(&streams_dir).map_err(|error| {
            StreamError::Metadata(format!("cannot create {}: {error}", streams_dir.display()))
        })?;
        let signer = TokenSigner::load_or_create(&config.data_dir)?;
        let mut streams = BTreeMap::new();
        for entry in list_dir(&streams_dir)? {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if file_name.starts_with(TRASH_PREFIX) || !path.join(STREAM_FILE).exists() {
                tracing::warn!(dir = %path.display(), "removing remains of an interrupted create or delete");
                remove_dir(&path)?;
                continue;
            }
            let meta = StreamMeta::load(&path)?;
            let stream = Stream::open(path, meta, &config.log)?;
            streams.insert(stream.name.clone(), Arc::new(stream));
        }
        tracing::info!(streams = streams.len(), dir = %streams_dir.display(), "stream registry opened");
        Ok(Streams {
            inner: Arc::new(Inner {
                config,
                clock,
                signer,
                streams_dir,
                streams: RwLock::new(streams),
                control: Mutex::new(()),
            }),
        })
    }

    pub fn config(&self) -> &StreamsConfig {
        &self.inner.config
    }

    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    pub(crate) fn signer(&self) -> &TokenSigner {
        &self.inner.signer
    }

    pub(crate) fn control_lock(&self) -> MutexGuard<'_, ()> {
        match self.inner.control.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub(crate) fn all_streams(&self) -> Vec<Arc<Stream>> {
        match self.inner.streams.read() {
            Ok(map) => map.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        }
    }

    fn with_map<T>(&self, action: impl FnOnce(&mut BTreeMap<String, Arc<Stream>>) -> T) -> T {
        match self.inner.streams.write() {
            Ok(mut map) => action(&mut map),
            Err(poisoned) => action(&mut poisoned.into_inner()),
        }
    }

    pub fn arn(&self, name: &str) -> String {
        stream_arn(&self.inner.config.region, &self.inner.config.account_id, name)
    }

    pub fn account_id(&self) -> &str {
        &self.inner.config.account_id
    }

    pub(crate) fn not_found(&self, name: &str) -> StreamError {
        StreamError::StreamNotFound {
            stream: name.to_owned(),
            account: self.inner.config.account_id.clone(),
        }
    }

    /// The stream a request names, in any state.
    pub(crate) fn stream(&self, reference: &StreamRef) -> Result<Arc<Stream>, StreamError> {
        let name = resolve_name(
            reference,
            &self.inner.config.region,
            &self.inner.config.account_id,
        )?;
        let found = match self.inner.streams.read() {
            Ok(map) => map.get(&name).cloned(),
            Err(poisoned) => poisoned.into_inner().get(&name).cloned(),
        };
        found.ok_or_else(|| self.not_found(&name))
    }

    /// The stream a data operation names; streams that are not ACTIVE or UPDATING are reported as
    /// not found, as Kinesis does.
    pub(crate) fn data_stream(&self, reference: &StreamRef) -> Result<Arc<Stream>, StreamError> {
        let stream = self.stream(reference)?;
        if !stream.read().status(self.now_ms()).accepts_data() {
            return Err(self.not_found(&stream.name));
        }
        Ok(stream)
    }

    pub(crate) fn summary(&self, state: &StreamState) -> StreamSummary {
        StreamSummary {
            name: state.meta.name.clone(),
            arn: self.arn(&state.meta.name),
            status: state.status(self.now_ms()),
            mode: state.meta.mode,
            retention_hours: state.meta.retention_hours,
            created_ms: state.meta.created_ms,
            open_shard_count: state.meta.open_shard_count(),
        }
    }

    /// Open shards across the account.
    pub(crate) fn open_shards_in_account(&self) -> usize {
        self.all_streams()
            .iter()
            .map(|stream| stream.read().meta.open_shard_count())
            .sum()
    }

    pub(crate) fn check_shard_limit(&self, additional: usize) -> Result<(), StreamError> {
        let current = self.open_shards_in_account();
        let limit = self.inner.config.shard_limit as usize;
        if current + additional > limit {
            return Err(StreamError::LimitExceeded(format!(
                "This request would exceed the shard limit for the account {} in {}. Current shard count for the \
                 account: {current}. Limit: {limit}. Number of additional shards that would have resulted from this \
                 request: {additional}. Refer to the AWS Service Limits page \
                 (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how \
                 to request higher limits.",
                self.inner.config.account_id, self.inner.config.region
            )));
        }
        Ok(())
    }

    /// The busy deadline for a control-plane change made now.
    pub(crate) fn busy_until(&self) -> i64 {
        self.now_ms() + self.inner.config.control_plane_delay_ms
    }

    /// CreateStream.
    pub fn create_stream(&self, request: CreateStreamRequest) -> Result<(), StreamError> {
        let _control = self.control_lock();
        let account = self.inner.config.account_id.clone();
        if self.with_map(|map| map.contains_key(&request.name)) {
            return Err(StreamError::StreamExists {
                stream: request.name,
                account,
            });
        }
        let shard_count = match request.mode {
            StreamMode::OnDemand => {
                let on_demand = self
                    .all_streams()
                    .iter()
                    .filter(|stream| stream.read().meta.mode == StreamMode::OnDemand)
                    .count();
                if on_demand >= self.inner.config.on_demand_stream_limit as usize {
                    return Err(StreamError::LimitExceeded(format!(
                        "This request would exceed the on-demand stream count limit for the account {account}. \
                         Limit: {}.",
                        self.inner.config.on_demand_stream_limit
                    )));
                }
                self.inner.config.on_demand_shard_count
            }
            StreamMode::Provisioned => request.shard_count.ok_or_else(|| {
                StreamError::InvalidArgument("ShardCount is required for streams in PROVISIONED mode.".into())
            })?,
        };
        self.check_shard_limit(shard_count as usize)?;
        if request.tags.len() > crate::tags::MAX_TAGS_PER_STREAM {
            return Err(crate::tags::too_many_tags(&request.name, &account));
        }
        crate::tags::check_tag_characters(&request.tags)?;

        let now = self.now_ms();
        let shards = HashKeyRange::initial_split(shard_count)
            .into_iter()
            .zip(0u32..)
            .map(|(range, index)| ShardMeta::new(index, range, now))
            .collect();
        let meta = StreamMeta {
            version: FORMAT_VERSION,
            name: request.name.clone(),
            incarnation: rand::rng().random_range(1..=u32::MAX),
            created_ms: now,
            busy_until_ms: self.busy_until(),
            busy_is_creation: true,
            mode: request.mode,
            retention_hours: DEFAULT_RETENTION_HOURS,
            next_shard_index: shard_count,
            shards,
            tags: request.tags,
            scaling_history_ms: Vec::new(),
        };
        let dir = self.inner.streams_dir.join(&request.name);
        if dir.exists() {
            remove_dir(&dir)?;
        }
        std::fs::create_dir_all(&dir)
            .map_err(|error| StreamError::Metadata(format!("cannot create {}: {error}", dir.display())))?;
        let stream = Stream::open(dir.clone(), meta.clone(), &self.inner.config.log)?;
        meta.store(&dir)?;
        sluice_log::fs::sync_dir(&self.inner.streams_dir)?;
        self.with_map(|map| map.insert(request.name.clone(), Arc::new(stream)));
        tracing::info!(stream = %request.name, shards = shard_count, "stream created");
        Ok(())
    }

    /// DeleteStream. Consumers are not implemented, so `EnforceConsumerDeletion` has nothing to do.
    pub fn delete_stream(&self, reference: &StreamRef) -> Result<(), StreamError> {
        let _control = self.control_lock();
        let stream = self.stream(reference)?;
        let now = self.now_ms();
        {
            let mut state = stream.write();
            if state.deleted_at_ms.is_some() {
                return Err(self.not_found(&stream.name));
            }
            state.deleted_at_ms = Some(now);
        }
        // Renaming is the commit point: after it, a restart will not bring the stream back.
        let trash = self.inner.streams_dir.join(format!(
            "{TRASH_PREFIX}{}-{}",
            stream.name,
            rand::rng().random::<u64>()
        ));
        std::fs::rename(&stream.dir, &trash).map_err(|error| {
            StreamError::Metadata(format!("cannot remove {}: {error}", stream.dir.display()))
        })?;
        sluice_log::fs::sync_dir(&self.inner.streams_dir)?;
        remove_dir(&trash)?;
        if self.inner.config.control_plane_delay_ms == 0 {
            self.with_map(|map| map.remove(&stream.name));
        }
        tracing::info!(stream = %stream.name, "stream deleted");
        Ok(())
    }

    /// Drops streams whose emulated DELETING period is over.
    pub fn purge_deleted(&self) {
        let now = self.now_ms();
        let delay = self.inner.config.control_plane_delay_ms;
        self.with_map(|map| {
            map.retain(|_, stream| match stream.read().deleted_at_ms {
                Some(deleted_at) => now < deleted_at + delay,
                None => true,
            })
        });
    }

    /// ListStreams: one page of streams in name order.
    pub fn list_streams(
        &self,
        limit: usize,
        exclusive_start: Option<&str>,
        next_token: Option<&str>,
    ) -> Result<(Vec<StreamSummary>, bool, Option<String>), StreamError> {
        let after = match next_token {
            Some(token) => Some(self.decode_list_token(token)?),
            None => exclusive_start.map(str::to_owned),
        };
        let streams = self.all_streams();
        let mut page = Vec::new();
        let mut has_more = false;
        for stream in &streams {
            if after
                .as_deref()
                .is_some_and(|after| stream.name.as_str() <= after)
            {
                continue;
            }
            if page.len() == limit {
                has_more = true;
                break;
            }
            page.push(self.summary(&stream.read()));
        }
        let token = match (has_more, page.last()) {
            (true, Some(last)) => Some(self.encode_list_token(&last.name)),
            _ => None,
        };
        Ok((page, has_more, token))
    }

    fn encode_list_token(&self, last_name: &str) -> String {
        let mut payload = vec![b'L'];
        payload.extend_from_slice(&self.now_ms().to_le_bytes());
        put_short_string(&mut payload, last_name);
        self.signer().sign(&payload)
    }

    fn decode_list_token(&self, token: &str) -> Result<String, StreamError> {
        let invalid = || StreamError::InvalidArgument(format!("Invalid NextToken: {token}"));
        let payload = self.signer().verify(token).ok_or_else(invalid)?;
        let mut reader = PayloadReader::new(&payload);
        if reader.u8() != Some(b'L') {
            return Err(invalid());
        }
        reader.i64().ok_or_else(invalid)?;
        reader.short_string().ok_or_else(invalid)
    }

    /// DescribeLimits.
    pub fn describe_limits(&self) -> AccountLimits {
        let streams = self.all_streams();
        let on_demand = streams
            .iter()
            .filter(|stream| stream.read().meta.mode == StreamMode::OnDemand)
            .count();
        AccountLimits {
            shard_limit: self.inner.config.shard_limit,
            open_shard_count: self.open_shards_in_account() as u32,
            on_demand_stream_count: on_demand as u32,
            on_demand_stream_count_limit: self.inner.config.on_demand_stream_limit,
        }
    }

    /// The status of a stream, for waiters and tests.
    pub fn status(&self, reference: &StreamRef) -> Result<StreamStatus, StreamError> {
        Ok(self.stream(reference)?.read().status(self.now_ms()))
    }

    /// Makes every shard log durable; called on shutdown.
    pub fn sync_all(&self) -> Result<(), StreamError> {
        for stream in self.all_streams() {
            let state = stream.read();
            for runtime in state.shards.values() {
                runtime.log.sync_all()?;
            }
        }
        Ok(())
    }
}

fn list_dir(dir: &Path) -> Result<Vec<std::fs::DirEntry>, StreamError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| StreamError::Metadata(format!("cannot list {}: {error}", dir.display())))?;
    let mut list = Vec::new();
    for entry in entries {
        let entry = entry
            .map_err(|error| StreamError::Metadata(format!("cannot list {}: {error}", dir.display())))?;
        if entry.path().is_dir() {
            list.push(entry);
        }
    }
    list.sort_by_key(|entry| entry.file_name());
    Ok(list)
}

fn remove_dir(dir: &Path) -> Result<(), StreamError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(StreamError::Metadata(format!(
            "cannot remove {}: {error}",
            dir.display()
        ))),
    }
}
