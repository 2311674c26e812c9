//! Shared state: the dataset, the boundaries per level, and bounded caches.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use moka::sync::Cache;
use omzien::{Boundaries, Dataset, Layer, LayerSpec, Level};

use omzien_render::{Scene, TileCoord};

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue};

use crate::error::ApiError;

/// A rendered tile with its strong ETag, both computed once on the miss.
#[derive(Debug)]
pub struct CachedTile {
    /// The PNG bytes; cloning shares them.
    pub png: axum::body::Bytes,
    /// The quoted ETag of `png`.
    pub etag: String,
}

/// The share of the memory budget that classified layers get (one part in this many); tiles
/// get the rest after layers and answers.
pub const LAYER_SHARE: u64 = 4;

/// The share of the memory budget that encoded API answers get (one part in this many).
pub const ANSWER_SHARE: u64 = 8;

/// Renders that may wait or run at once before tile misses are refused with 503: a few
/// hundred, far above what a busy map server sees, so only real overload is turned away.
pub const DEFAULT_RENDER_QUEUE: usize = 512;

/// Bytes a cache entry costs beside its key and value: the cache's own node, the key's and
/// the value's allocations and the allocator's rounding (measured on the soak: ~51,000 tile
/// entries).
pub const ENTRY_OVERHEAD: usize = 320;

/// Hits and misses of the caches, for `/metrics`.
#[derive(Debug, Default)]
pub struct CacheCounters {
    /// Tiles answered from the cache.
    pub tile_hits: AtomicU64,
    /// Tiles rendered.
    pub tile_misses: AtomicU64,
    /// Layers taken from the cache.
    pub layer_hits: AtomicU64,
    /// Layers classified.
    pub layer_misses: AtomicU64,
    /// API answers sent from the cache.
    pub answer_hits: AtomicU64,
    /// API answers computed.
    pub answer_misses: AtomicU64,
}

impl CacheCounters {
    /// Counts one lookup.
    pub fn count(hit: &AtomicU64, miss: &AtomicU64, was_hit: bool) {
        if was_hit { hit } else { miss }.fetch_add(1, Ordering::Relaxed);
    }
}

/// The address of a cached tile: its layer, place and pixel scale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// The layer drawn.
    pub layer: LayerSpec,
    /// Where.
    pub coord: TileCoord,
    /// 1 or 2 (`@2x`).
    pub scale: u32,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The figures.
    pub dataset: Arc<Dataset>,
    /// Boundaries ready for drawing, at most one set per level.
    pub scenes: Arc<Vec<Scene>>,
    /// Classified layers by their canonical key; weighed in bytes, within
    /// 1/[`LAYER_SHARE`] of the budget.
    pub layers: Cache<LayerSpec, Arc<Layer>>,
    /// Encoded tiles by layer key and tile address; weighed in bytes, within the rest of the
    /// budget.
    pub tiles: Cache<TileKey, Arc<CachedTile>>,
    /// Encoded API answers (and their gzip forms) by path and normalised query; weighed in
    /// bytes, within 1/[`ANSWER_SHARE`] of the budget.
    pub answers: Cache<String, Arc<CachedAnswer>>,
    /// Which other sites' pages may read the answers.
    pub cors: Arc<crate::cors::Cors>,
    /// The population layers among the boundary files, read when first needed (similar
    /// gemeenten).
    pub populations: Arc<LazyPopulations>,
    /// Renders running at once are limited to this many.
    pub renders: Arc<tokio::sync::Semaphore>,
    /// The number of render slots.
    pub render_slots: usize,
    /// Renders waiting or running; beyond this many a tile miss is answered 503 with
    /// `Retry-After` at once.
    pub queue: Arc<tokio::sync::Semaphore>,
    /// The byte budget of large answers ([`crate::bulk::DEFAULT_RATE`] while small answers are
    /// asked for), so that tiles and small answers keep their share of the machine under bulk
    /// downloads.
    pub bulk: Arc<crate::bulk::Bulk>,
    /// The memory budget of the caches, bytes.
    pub budget: u64,
    /// Cache hits and misses.
    pub counters: Arc<CacheCounters>,
}

impl AppState {
    /// State whose caches together hold at most `cache_bytes` bytes: classified layers
    /// 1/[`LAYER_SHARE`] of it, encoded answers 1/[`ANSWER_SHARE`], encoded tiles the rest,
    /// all weighed in bytes. Any origin may read the answers ([`AppState::with_cors`]).
    ///
    /// Wijk and buurt names that the boundary files carry (`WK_NAAM`, `BU_NAAM`) name the
    /// dataset's areas, which OData files leave unnamed.
    #[must_use]
    pub fn new(mut dataset: Dataset, boundaries: Vec<Boundaries>, cache_bytes: u64) -> Self {
        dataset.name_from(&boundaries);
        let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let layer_bytes = cache_bytes / LAYER_SHARE;
        let answer_bytes = cache_bytes / ANSWER_SHARE;
        let weigh = |bytes: usize| u32::try_from(bytes).unwrap_or(u32::MAX);
        Self {
            dataset: Arc::new(dataset),
            scenes: Arc::new(boundaries.into_iter().map(Scene::new).collect()),
            layers: Cache::builder()
                .weigher(move |_: &LayerSpec, v: &Arc<Layer>| {
                    weigh(size_of::<LayerSpec>() + v.heap_bytes() + ENTRY_OVERHEAD)
                })
                .max_capacity(layer_bytes)
                .build(),
            tiles: Cache::builder()
                .weigher(move |_: &TileKey, v: &Arc<CachedTile>| {
                    weigh(size_of::<TileKey>() + v.png.len() + v.etag.len() + ENTRY_OVERHEAD)
                })
                .max_capacity(cache_bytes - layer_bytes - answer_bytes)
                .build(),
            answers: Cache::builder()
                .weigher(move |k: &String, v: &Arc<CachedAnswer>| {
                    weigh(k.len() + v.weight() + ENTRY_OVERHEAD)
                })
                .max_capacity(answer_bytes)
                .build(),
            cors: Arc::new(crate::cors::Cors::default()),
            populations: Arc::new(LazyPopulations::default()),
            renders: Arc::new(tokio::sync::Semaphore::new(workers)),
            render_slots: workers,
            queue: Arc::new(tokio::sync::Semaphore::new(DEFAULT_RENDER_QUEUE)),
            bulk: Arc::new(crate::bulk::Bulk::new(crate::bulk::DEFAULT_RATE)),
            budget: cache_bytes,
            counters: Arc::new(CacheCounters::default()),
        }
    }

    /// The same state with room for `renders` waiting or running renders (and at most
    /// `slots` running at once).
    #[must_use]
    pub fn with_render_limits(mut self, slots: usize, renders: usize) -> Self {
        self.render_slots = slots.max(1);
        self.renders = Arc::new(tokio::sync::Semaphore::new(self.render_slots));
        self.queue = Arc::new(tokio::sync::Semaphore::new(renders.max(self.render_slots)));
        self
    }

    /// The same state letting `cors` decide which other sites' pages may read the answers.
    #[must_use]
    pub fn with_cors(mut self, cors: crate::cors::Cors) -> Self {
        self.cors = Arc::new(cors);
        self
    }

    /// The same state letting large answers together send at most `bytes_per_s` while small
    /// answers are asked for (0: no limit).
    #[must_use]
    pub fn with_bulk_rate(mut self, bytes_per_s: u64) -> Self {
        self.bulk = Arc::new(crate::bulk::Bulk::new(bytes_per_s));
        self
    }

    /// The same state reading populations (for similar gemeenten) from these boundary files
    /// and folders when first asked.
    #[must_use]
    pub fn with_population_paths(mut self, paths: Vec<PathBuf>) -> Self {
        self.populations = Arc::new(LazyPopulations {
            paths,
            found: OnceLock::new(),
        });
        self
    }

    /// The boundaries of a level, if loaded.
    #[must_use]
    pub fn boundaries(&self, level: Level) -> Option<&Boundaries> {
        self.scene(level).map(Scene::boundaries)
    }

    /// The scene of a level, if loaded.
    #[must_use]
    pub fn scene(&self, level: Level) -> Option<&Scene> {
        self.scenes.iter().find(|s| s.level() == level)
    }
}

/// The population layers among the boundary files, read once when first asked for.
#[derive(Debug, Default)]
pub struct LazyPopulations {
    paths: Vec<PathBuf>,
    found: OnceLock<Result<Vec<omzien::Populations>, String>>,
}

impl LazyPopulations {
    /// The layers (read on the first call; blocking).
    ///
    /// # Errors
    /// Why the files could not be read, the same message on every call.
    pub fn get(&self) -> Result<&[omzien::Populations], omzien::SimilarError> {
        self.found
            .get_or_init(|| omzien::Populations::find(&self.paths).map_err(|e| e.to_string()))
            .as_deref()
            .map_err(|e| omzien::SimilarError::Unreadable(e.clone()))
    }
}

/// An encoded answer kept as bytes in the answer cache: its body, its gzip form where that is
/// worth it, their strong ETags and the headers it is served with (made and served by
/// `routes::answers`).
#[derive(Debug)]
pub struct CachedAnswer {
    pub(crate) body: Bytes,
    pub(crate) gzip: Option<Bytes>,
    pub(crate) content_type: &'static str,
    pub(crate) etag: String,
    pub(crate) gzip_etag: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl CachedAnswer {
    /// The bytes it holds, for the cache's weigher.
    #[must_use]
    pub fn weight(&self) -> usize {
        self.body.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.etag.len()
            + self.gzip_etag.len()
            + self
                .headers
                .iter()
                .map(|(k, v)| k.as_str().len() + v.len())
                .sum::<usize>()
    }
}

/// How long a render may wait for a slot before the client is told to retry.
const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// The `Retry-After` of a busy answer, seconds.
const RETRY_AFTER_SECS: u32 = 1;

/// A render slot and the place in the queue that led to it; both are given back on drop.
pub(crate) type RenderSlot = (
    tokio::sync::OwnedSemaphorePermit,
    tokio::sync::OwnedSemaphorePermit,
);

impl AppState {
    /// Waits for a render slot: a place in the queue first (when more renders wait than the queue
    /// holds, the client is told to come back instead of waiting without bound), then a slot
    /// within [`QUEUE_WAIT`].
    ///
    /// # Errors
    /// [`ApiError::Busy`] when the queue is full or no slot comes in time.
    pub(crate) async fn render_slot(&self) -> Result<RenderSlot, ApiError> {
        let busy = || ApiError::Busy {
            retry_after: RETRY_AFTER_SECS,
        };
        let queued = self.queue.clone().try_acquire_owned().map_err(|_| busy())?;
        let permit = tokio::time::timeout(QUEUE_WAIT, self.renders.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(ApiError::internal)?;
        Ok((permit, queued))
    }
}
