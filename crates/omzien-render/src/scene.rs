//! Boundaries projected once to Web Mercator, so a tile only scales and shifts.

use omzien::{AreaCode, Boundaries, Level};

use super::tile::Projector;

/// One area's rings in world units (0–1 across the Web Mercator square).
#[derive(Debug, Clone)]
pub struct SceneShape {
    /// The area.
    pub code: AreaCode,
    /// Rings (outer and holes) of every polygon.
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// A level's boundaries ready for drawing; shape `i` is `boundaries.shapes()[i]`.
#[derive(Debug)]
pub struct Scene {
    boundaries: Boundaries,
    shapes: Vec<SceneShape>,
}

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
        Self { boundaries, shapes }
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
