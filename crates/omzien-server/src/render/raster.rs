//! Polygons to pixels with tiny-skia: anti-aliased fills in class colours, thin outlines.

use omzien::Layer;
use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::{Scene, TileCoord};

/// Outline colour: dark grey, half transparent.
const OUTLINE: [u8; 4] = [40, 40, 40, 110];
/// Fill of a polygon whose area has no figures at this level.
const NO_FIGURES: [u8; 4] = [255, 255, 255, 0];

/// Tile size in pixels at scale 1; `@2x` tiles are twice as wide.
pub const TILE_SIZE: u32 = 256;

/// Renders the layer's areas that meet one tile. `None` when no polygon meets the tile.
///
/// Points closer than a third of a pixel to the previous one are dropped, which keeps low
/// zooms cheap without visible change.
#[must_use]
pub fn render(layer: &Layer, scene: &Scene, tile: TileCoord, scale: u32) -> Option<Pixmap> {
    let size = TILE_SIZE * scale.clamp(1, 2);
    let (w, s, e, n) = tile.bounds();
    // A margin of a few pixels so outlines of neighbours just outside are drawn too.
    let mx = (e - w) * 0.02;
    let my = (n - s) * 0.02;
    let shapes = scene.in_bbox([w - mx, s - my], [e + mx, n + my]);
    if shapes.is_empty() {
        return None;
    }
    let mut pixmap = Pixmap::new(size, size)?;
    let proj = tile.projector(size);
    let min_step = 0.33_f32;
    let mut fill = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    let mut line = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    line.set_color_rgba8(OUTLINE[0], OUTLINE[1], OUTLINE[2], OUTLINE[3]);
    let stroke = Stroke {
        width: 0.5 * scale as f32,
        ..Stroke::default()
    };
    // Which side of the tile (with a margin wider than the outline) a point lies beyond.
    let edge = 2.0 * scale as f32;
    let (lo, hi) = (-edge, size as f32 + edge);
    let outcode = |x: f32, y: f32| -> u8 {
        u8::from(x < lo) | u8::from(x > hi) << 1 | u8::from(y < lo) << 2 | u8::from(y > hi) << 3
    };
    let mut drawn = 0;
    // One path builder for the tile: its buffers are reused from shape to shape.
    let mut pb = PathBuilder::new();
    for shape in shapes {
        for ring in &shape.rings {
            let mut last: Option<(f32, f32)> = None;
            // A run of points beyond one side of the tile is replaced by its last point: the
            // straight segment stays beyond that side too, so nothing changes on the tile, and
            // a large area meeting the tile costs the vertices near the tile only.
            let mut outside = 0u8;
            let mut pending: Option<(f32, f32)> = None;
            for c in ring {
                let (x, y) = proj.pixel_of_world(c[0], c[1]);
                let code = outcode(x, y);
                match last {
                    None => {
                        pb.move_to(x, y);
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
                            pb.line_to(px, py);
                        } else if (x - lx).abs() + (y - ly).abs() < min_step {
                            continue;
                        }
                    }
                }
                pb.line_to(x, y);
                outside = code;
                last = Some((x, y));
            }
            if let Some((px, py)) = pending {
                pb.line_to(px, py);
            }
            if last.is_some() {
                pb.close();
            }
        }
        let Some(path) = std::mem::take(&mut pb).finish() else {
            continue;
        };
        let color = layer.color(shape.code).map_or(NO_FIGURES, |c| c.0);
        fill.set_color_rgba8(color[0], color[1], color[2], color[3]);
        pixmap.fill_path(&path, &fill, FillRule::EvenOdd, Transform::identity(), None);
        pixmap.stroke_path(&path, &line, &stroke, Transform::identity(), None);
        pb = path.clear();
        drawn += 1;
    }
    (drawn > 0).then_some(pixmap)
}
