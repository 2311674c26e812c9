//! Text shared by the legend picture and the report: the embedded DejaVu Sans faces and
//! breaking text into lines.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use vello_cpu::Pixmap;
use vello_cpu::color::PremulRgba8;

/// DejaVu Sans and DejaVu Sans Bold, as embedded in the binary.
pub(crate) struct Fonts {
    pub regular: FontRef<'static>,
    pub bold: FontRef<'static>,
}

impl Fonts {
    /// Parses the embedded faces.
    ///
    /// # Errors
    /// The parser's message when a face cannot be read (a build defect).
    pub(crate) fn load() -> Result<Self, String> {
        let load = |b: &'static [u8]| FontRef::try_from_slice(b).map_err(|e| e.to_string());
        Ok(Self {
            regular: load(dejavu::sans::regular())?,
            bold: load(dejavu::sans::bold())?,
        })
    }
}

/// Breaks text into lines no wider than `max` by `width` (at word boundaries; a long word
/// stays whole).
pub(crate) fn wrap_by(text: &str, max: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width(&candidate) > max {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Width of a line of text at a size, in pixels.
pub(crate) fn text_width(font: &FontRef<'_>, px: f32, text: &str) -> f32 {
    let f = font.as_scaled(PxScale::from(px));
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern(p, id);
        }
        w += f.h_advance(id);
        prev = Some(id);
    }
    w
}

/// Breaks text into lines no wider than `max` pixels at `px`.
pub(crate) fn wrap(font: &FontRef<'_>, px: f32, text: &str, max: f32) -> Vec<String> {
    wrap_by(text, max, |t| text_width(font, px, t))
}

/// Draws one line with its baseline at `y`, blending coverage over the pixmap.
pub(crate) fn draw_text(
    pixmap: &mut Pixmap,
    font: &FontRef<'_>,
    px: f32,
    (x, y): (f32, f32),
    text: &str,
    rgb: [u8; 3],
) {
    let f = font.as_scaled(PxScale::from(px));
    let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    let stride = w as usize;
    let pixels = pixmap.data_mut();
    let mut caret = x;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            caret += f.kern(p, id);
        }
        let glyph = id.with_scale_and_position(PxScale::from(px), point(caret, y));
        caret += f.h_advance(id);
        prev = Some(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let px_x = bounds.min.x as i64 + i64::from(gx);
            let px_y = bounds.min.y as i64 + i64::from(gy);
            if px_x < 0 || px_y < 0 || px_x >= i64::from(w) || px_y >= i64::from(h) {
                return;
            }
            let Some(p) = pixels.get_mut(px_y as usize * stride + px_x as usize) else {
                return;
            };
            let a = coverage.clamp(0.0, 1.0);
            let blend =
                |dst: u8, src: u8| (f32::from(src) * a + f32::from(dst) * (1.0 - a)).round() as u8;
            // The legend's background is opaque, so premultiplied equals straight colour.
            *p = PremulRgba8 {
                r: blend(p.r, rgb[0]),
                g: blend(p.g, rgb[1]),
                b: blend(p.b, rgb[2]),
                a: 255,
            };
        });
    }
}
