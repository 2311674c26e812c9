//! Boundaries projected once to Web Mercator, so a tile only scales and shifts.

use std::sync::Arc;

use omzien::{AreaCode, Boundaries, Level};

use super::tile::Projector;

/// One area's rings in world units (0–1 across the Web Mercator square).
#[derive(Debug, Clone)]
pub struct SceneShape {
    /// The area.
    pub code: AreaCode,
    /// Rings (outer and holes) of every polygon.
    pub rings: Vec<Vec<[f64; 2]>>,
    /// Per ring, whether it is a hole (each polygon's outer ring comes first, then its holes).
    pub holes: Vec<bool>,
}

/// A level's boundaries ready for drawing; shape `i` is `boundaries.shapes()[i]`.
#[derive(Debug)]
pub struct Scene {
    boundaries: Boundaries,
    shapes: Vec<SceneShape>,
    /// Per shape, its position in a layer's area list (`u32::MAX`: not there), for the area
    /// list last drawn (every layer of a level shares one list).
    slots: std::sync::Mutex<Option<Slots>>,
}

/// An area list and the positions of the scene's shapes in it.
type Slots = (Arc<[AreaCode]>, Arc<[u32]>);

/// A shape without a figure in the layer.
pub(crate) const NO_SLOT: u32 = u32::MAX;

impl Scene {
    /// Projects every vertex once.
    #[must_use]
    pub fn new(boundaries: Boundaries) -> Self {
        let unit = Projector::world_unit();
        let shapes = boundaries
            .shapes()
            .iter()
            .map(|s| SceneShape {
                code: s.code,
                holes: s
                    .geometry
                    .0
                    .iter()
                    .flat_map(|p| std::iter::once(false).chain(p.interiors().iter().map(|_| true)))
                    .collect(),
                rings: s
                    .geometry
                    .0
                    .iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .map(|r| {
                        r.0.iter()
                            .map(|c| {
                                let (x, y) = unit.world(c.x, c.y);
                                [x, y]
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        Self {
            boundaries,
            shapes,
            slots: std::sync::Mutex::new(None),
        }
    }

    /// Per shape, its position in `areas` (a layer's [`omzien::Layer::areas`]), looked up
    /// once per area list rather than once per shape and tile.
    pub(crate) fn slots(&self, areas: &Arc<[AreaCode]>) -> Arc<[u32]> {
        let mut cached = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((a, s)) = cached.as_ref()
            && Arc::ptr_eq(a, areas)
        {
            return s.clone();
        }
        let slots: Arc<[u32]> = self
            .shapes
            .iter()
            .map(|s| {
                areas
                    .binary_search(&s.code)
                    .ok()
                    .and_then(|i| u32::try_from(i).ok())
                    .unwrap_or(NO_SLOT)
            })
            .collect();
        *cached = Some((areas.clone(), slots.clone()));
        slots
    }

    /// Positions of the shapes whose bounding box meets a lon/lat box.
    pub(crate) fn indices_in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<usize> {
        self.boundaries.indices_in_bbox(min, max)
    }

    /// Shape `i`.
    pub(crate) fn shape(&self, i: usize) -> Option<&SceneShape> {
        self.shapes.get(i)
    }

    /// The level drawn.
    #[must_use]
    pub fn level(&self) -> Level {
        self.boundaries.level()
    }

    /// The boundaries behind the scene.
    #[must_use]
    pub fn boundaries(&self) -> &Boundaries {
        &self.boundaries
    }

    /// Shapes whose bounding box meets a lon/lat box.
    #[must_use]
    pub fn in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<&SceneShape> {
        self.boundaries
            .indices_in_bbox(min, max)
            .into_iter()
            .filter_map(|i| self.shapes.get(i))
            .collect()
    }
}
