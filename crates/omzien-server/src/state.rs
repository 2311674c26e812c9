//! Shared state: the dataset, the boundaries per level, and bounded caches.

use std::sync::Arc;

use moka::sync::Cache;
use omzien::{Boundaries, Dataset, Layer, Level};

use omzien_render::Scene;

/// A rendered tile with its strong ETag, both computed once on the miss.
#[derive(Debug)]
pub struct CachedTile {
    /// The PNG bytes; cloning shares them.
    pub png: axum::body::Bytes,
    /// The quoted ETag of `png`.
    pub etag: String,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The figures.
    pub dataset: Arc<Dataset>,
    /// Boundaries ready for drawing, at most one set per level.
    pub scenes: Arc<Vec<Scene>>,
    /// Classified layers by their canonical key.
    pub layers: Cache<String, Arc<Layer>>,
    /// Encoded tiles by layer key and tile address; bounded in bytes.
    pub tiles: Cache<String, Arc<CachedTile>>,
    /// Renders running at once are limited to this many.
    pub renders: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// State with a tile cache of `cache_bytes` bytes.
    ///
    /// Wijk and buurt names that the boundary files carry (`WK_NAAM`, `BU_NAAM`) name the
    /// dataset's areas, which OData files leave unnamed.
    #[must_use]
    pub fn new(mut dataset: Dataset, boundaries: Vec<Boundaries>, cache_bytes: u64) -> Self {
        dataset.name_from(&boundaries);
        let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            dataset: Arc::new(dataset),
            scenes: Arc::new(boundaries.into_iter().map(Scene::new).collect()),
            layers: Cache::new(256),
            tiles: Cache::builder()
                .weigher(|k: &String, v: &Arc<CachedTile>| {
                    u32::try_from(k.len() + v.png.len() + v.etag.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(cache_bytes)
                .build(),
            renders: Arc::new(tokio::sync::Semaphore::new(workers)),
        }
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
