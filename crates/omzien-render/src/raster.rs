//! Polygons to pixels with vello_cpu: anti-aliased fills in class colours, thin outlines.

use std::sync::{Mutex, PoisonError};

use omzien::Layer;
use vello_cpu::color::{AlphaColor, Srgb};

use crate::scene::NO_SLOT;
use vello_cpu::kurbo::{BezPath, Stroke};
use vello_cpu::peniko::Fill;
use vello_cpu::{Pixmap, RenderContext, Resources};

use super::{Scene, TileCoord};

/// Outline colour: dark grey, half transparent.
const OUTLINE: [u8; 4] = [40, 40, 40, 110];
/// Fill of a polygon whose area has no figures at this level.
const NO_FIGURES: [u8; 4] = [255, 255, 255, 0];

/// Tile size in pixels at scale 1; `@2x` tiles are twice as wide.
pub const TILE_SIZE: u32 = 256;

fn rgba(c: [u8; 4]) -> AlphaColor<Srgb> {
    AlphaColor::from_rgba8(c[0], c[1], c[2], c[3])
}

/// A drawing context and its buffers. Contexts are kept for the next tile: a context holds its
/// strip and tile buffers, which a tile would otherwise allocate afresh.
///
/// Contexts use the best SIMD level of the CPU. Output is the same from run to run on one
/// machine (stable ETags across restarts), but on x86 the levels up to SSE4.2 draw a few
/// anti-aliased edge pixels one step apart from AVX2 and AVX-512 (17 of the 1,059 tiles of the
/// buurt benchmark set; the demo snapshots are the same at every level). Capping the level at
/// SSE4.2 would make tiles the same on every x86-64 machine but cost 5–7 % (benches/mapnik).
struct Painter {
    ctx: RenderContext,
    resources: Resources,
    path: BezPath,
}

/// Painters not in use. A render takes one and puts it back, so there are never more than the
/// most renders that ran at once (the server limits those to its worker count).
static PAINTERS: Mutex<Vec<Painter>> = Mutex::new(Vec::new());

/// Runs `draw` with a reset painter of `size` pixels.
fn with_painter<R>(size: u16, draw: impl FnOnce(&mut Painter) -> R) -> R {
    let pool = || PAINTERS.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = {
        let mut painters = pool();
        let i = painters.iter().position(|p| p.ctx.width() == size);
        i.map(|i| painters.swap_remove(i))
    };
    let mut p = match kept {
        Some(mut p) => {
            p.ctx.reset();
            p
        }
        None => Painter {
            ctx: RenderContext::new(size, size),
            resources: Resources::new(),
            path: BezPath::new(),
        },
    };
    let out = draw(&mut p);
    pool().push(p);
    out
}

/// A drawn tile: premultiplied RGBA pixels, row by row, ready for [`encode_tile`](crate::encode_tile).
///
/// ```
/// let empty = omzien_render::Raster::transparent(256);
/// assert_eq!((empty.width(), empty.height()), (256, 256));
/// assert_eq!(empty.pixel(10, 10), Some([0, 0, 0, 0]));
/// assert_eq!(empty.pixel(256, 0), None);
/// ```
#[derive(Clone)]
pub struct Raster(pub(crate) Pixmap);

impl std::fmt::Debug for Raster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Raster")
            .field("width", &self.width())
            .field("height", &self.height())
            .finish_non_exhaustive()
    }
}

impl Raster {
    /// A fully transparent square of `side` pixels (the tile with nothing on it).
    #[must_use]
    pub fn transparent(side: u16) -> Self {
        Self(Pixmap::new(side, side))
    }

    /// Width in pixels.
    #[must_use]
    pub fn width(&self) -> u16 {
        self.0.width()
    }

    /// Height in pixels.
    #[must_use]
    pub fn height(&self) -> u16 {
        self.0.height()
    }

    /// The premultiplied RGBA of a pixel, `None` outside the raster.
    #[must_use]
    pub fn pixel(&self, x: u16, y: u16) -> Option<[u8; 4]> {
        if x >= self.width() || y >= self.height() {
            return None;
        }
        let i = usize::from(y) * usize::from(self.width()) + usize::from(x);
        self.0.data().get(i).map(|p| [p.r, p.g, p.b, p.a])
    }
}

/// Renders the layer's areas that meet one tile. `None` when no polygon meets the tile.
///
/// Each area is filled in its class colour and outlined, in the order of the boundaries, so a
/// shared border shows both outlines the same way on every tile. Points closer than a third of
/// a pixel to the previous one are dropped, which keeps low zooms cheap without visible change.
///
/// ```
/// use omzien::{AgeGroup, Indicator, LayerSpec, Level, Wave};
/// use omzien_render::{Scene, TileCoord};
/// let ds = omzien::demo::dataset();
/// let [_, _, buurten] = omzien::demo::boundaries();
/// let layer = ds.layer(&LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Buurt, Wave::new(2020)))?;
/// let scene = Scene::new(buurten);
/// let [w, s, e, n] = scene.boundaries().extent().unwrap();
/// let tile = TileCoord::containing((w + e) / 2.0, (s + n) / 2.0, 13).unwrap();
/// let raster = omzien_render::render(&layer, &scene, tile, 1).expect("the buurten meet the tile");
/// assert_eq!((raster.width(), raster.height()), (256, 256));
/// // A retina tile has twice the pixels; a tile far away draws nothing.
/// assert_eq!(omzien_render::render(&layer, &scene, tile, 2).unwrap().width(), 512);
/// assert!(omzien_render::render(&layer, &scene, TileCoord::new_checked(13, 0, 0).unwrap(), 1).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn render(layer: &Layer, scene: &Scene, tile: TileCoord, scale: u32) -> Option<Raster> {
    let size = TILE_SIZE * scale.clamp(1, 2);
    let (w, s, e, n) = tile.bounds();
    // A margin of a few pixels so outlines of neighbours just outside are drawn too.
    let mx = (e - w) * 0.02;
    let my = (n - s) * 0.02;
    let shapes = scene.indices_in_bbox([w - mx, s - my], [e + mx, n + my]);
    if shapes.is_empty() {
        return None;
    }
    let slots = scene.slots(layer.areas());
    let side = u16::try_from(size).ok()?;
    let proj = tile.projector(size);
    let min_step = 0.33_f32;
    // Which side of the tile (with a margin wider than the outline) a point lies beyond.
    let edge = 2.0 * scale as f32;
    let (lo, hi) = (-edge, size as f32 + edge);
    let outcode = |x: f32, y: f32| -> u8 {
        u8::from(x < lo) | u8::from(x > hi) << 1 | u8::from(y < lo) << 2 | u8::from(y > hi) << 3
    };
    let at = |x: f32, y: f32| (f64::from(x), f64::from(y));
    with_painter(side, |p| {
        p.ctx.set_fill_rule(Fill::EvenOdd);
        p.ctx.set_stroke(Stroke::new(0.5 * f64::from(scale)));
        let mut drawn = 0;
        for i in shapes {
            let Some(shape) = scene.shape(i) else {
                continue;
            };
            p.path.truncate(0);
            for ring in &shape.rings {
                let mut last: Option<(f32, f32)> = None;
                // A run of points beyond one side of the tile is replaced by its last point:
                // the straight segment stays beyond that side too, so nothing changes on the
                // tile, and a large area meeting the tile costs the vertices near the tile only.
                let mut outside = 0u8;
                let mut pending: Option<(f32, f32)> = None;
                for c in ring {
                    let (x, y) = proj.pixel_of_world(c[0], c[1]);
                    let code = outcode(x, y);
                    match last {
                        None => {
                            p.path.move_to(at(x, y));
                            outside = code;
                            last = Some((x, y));
                            continue;
                        }
                        Some(_) if outside & code != 0 => {
                            outside &= code;
                            pending = Some((x, y));
                            continue;
                        }
                        Some((lx, ly)) => {
                            if let Some((px, py)) = pending.take() {
                                p.path.line_to(at(px, py));
                            } else if (x - lx).abs() + (y - ly).abs() < min_step {
                                continue;
                            }
                        }
                    }
                    p.path.line_to(at(x, y));
                    outside = code;
                    last = Some((x, y));
                }
                if let Some((px, py)) = pending {
                    p.path.line_to(at(px, py));
                }
                if last.is_some() {
                    p.path.close_path();
                }
            }
            if p.path.elements().is_empty() {
                continue;
            }
            let color = slots
                .get(i)
                .filter(|s| **s != NO_SLOT)
                .and_then(|s| layer.color_at(*s as usize))
                .map_or(NO_FIGURES, |c| c.0);
            p.ctx.set_paint(rgba(color));
            p.ctx.fill_path(&p.path);
            p.ctx.set_paint(rgba(OUTLINE));
            p.ctx.stroke_path(&p.path);
            drawn += 1;
        }
        if drawn == 0 {
            return None;
        }
        let mut pixmap = Pixmap::new(side, side);
        p.ctx.flush();
        p.ctx.render(&mut pixmap, &mut p.resources);
        Some(Raster(pixmap))
    })
}
