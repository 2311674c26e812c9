//! A layer's legend as an image: title, one swatch per class with its range, then the
//! suppressed and not-measured classes, in exactly the colours the tiles use. Text is drawn
//! with DejaVu Sans (embedded) through `ab_glyph`.

use omzien::Legend;
use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::Rect;
use vello_cpu::{Pixmap, RenderContext, Resources};

use super::png::{EncodeError, encode};
use crate::text::{Fonts, draw_text, wrap};

/// Width of the legend at scale 1, in pixels.
pub const LEGEND_WIDTH: u32 = 240;

const PAD: f32 = 8.0;
const TITLE_PX: f32 = 13.0;
const TEXT_PX: f32 = 12.0;
const ROW: f32 = 18.0;
const SWATCH: (f32, f32) = (22.0, 13.0);

fn fonts() -> Result<Fonts, EncodeError> {
    Fonts::load().map_err(|e| EncodeError::new(format!("font: {e}")))
}

/// Draws a legend at `scale` (1 or 2) and encodes it as PNG.
///
/// # Errors
/// [`EncodeError`] when the image cannot be made or encoded.
///
/// ```
/// use omzien::{AgeGroup, Indicator, LayerSpec, Level, Wave};
/// let ds = omzien::demo::dataset();
/// let layer = ds.layer(&LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Wijk, Wave::new(2020)))?;
/// let png = omzien_render::legend_png(&layer.legend(), 2)?;
/// assert_eq!(&png[1..4], b"PNG");
/// // Twice the legend's width at scale 2 (the width is bytes 16–19 of the header).
/// let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
/// assert_eq!(width, 2 * omzien_render::LEGEND_WIDTH);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn legend_png(legend: &Legend, scale: u32) -> Result<Vec<u8>, EncodeError> {
    let fonts = fonts()?;
    let s = scale.clamp(1, 2) as f32;
    let width = LEGEND_WIDTH as f32 * s;
    let inner = width - 2.0 * PAD * s;
    let title = wrap(&fonts.bold, TITLE_PX * s, &legend.title, inner);
    let unit = format!("{} · {}", legend.unit.symbol(), legend.method);
    let notice = legend
        .synthetic
        .map(|n| wrap(&fonts.bold, TEXT_PX * s, n, inner))
        .unwrap_or_default();
    let line = TITLE_PX * 1.35 * s;
    let height = PAD * s
        + line * title.len() as f32
        + ROW * s
        + ROW * s * legend.entries.len() as f32
        + line * notice.len() as f32
        + PAD * s;
    let too_large = || EncodeError::new("legend too large".into());
    let (pw, ph) = (
        u16::try_from(width.ceil() as u32).map_err(|_| too_large())?,
        u16::try_from(height.ceil() as u32).map_err(|_| too_large())?,
    );
    let mut pixmap = Pixmap::new(pw, ph);
    // The first row of entries, below the title and the unit line.
    let entries_y = PAD * s + line * title.len() as f32 + ROW * s;
    let row_y = |i: usize| entries_y + ROW * s * i as f32;
    // White ground and swatches (a grey edge, then the class colour) first, text on top.
    let mut ctx = RenderContext::new(pw, ph);
    let opaque = |c: [u8; 3]| AlphaColor::<Srgb>::from_rgba8(c[0], c[1], c[2], 255);
    ctx.set_paint(opaque([255, 255, 255]));
    ctx.fill_rect(&Rect::new(0.0, 0.0, f64::from(pw), f64::from(ph)));
    for (i, e) in legend.entries.iter().enumerate() {
        let left = f64::from(PAD * s);
        let top = f64::from(row_y(i) + (ROW - SWATCH.1) * 0.5 * s);
        let (sw, sh) = (f64::from(SWATCH.0 * s), f64::from(SWATCH.1 * s));
        ctx.set_paint(opaque([0x88, 0x88, 0x88]));
        ctx.fill_rect(&Rect::new(
            left - 1.0,
            top - 1.0,
            left + sw + 1.0,
            top + sh + 1.0,
        ));
        let [r, g, b, _] = e.rgba.0;
        ctx.set_paint(opaque([r, g, b]));
        ctx.fill_rect(&Rect::new(left, top, left + sw, top + sh));
    }
    ctx.flush();
    ctx.render(&mut pixmap, &mut Resources::new());

    // Bold lines of wrapped text, one below the other from `y`.
    let paragraph = |pixmap: &mut Pixmap, y: &mut f32, lines: &[String], px: f32, rgb: [u8; 3]| {
        for l in lines {
            *y += line;
            draw_text(pixmap, &fonts.bold, px, (PAD * s, *y - 0.3 * line), l, rgb);
        }
    };
    let mut y = PAD * s;
    paragraph(
        &mut pixmap,
        &mut y,
        &title,
        TITLE_PX * s,
        [0x1d, 0x1d, 0x1d],
    );
    y += ROW * s;
    draw_text(
        &mut pixmap,
        &fonts.regular,
        TEXT_PX * s,
        (PAD * s, y - 0.35 * ROW * s),
        &unit,
        [0x55, 0x55, 0x55],
    );
    for (i, e) in legend.entries.iter().enumerate() {
        y = row_y(i + 1);
        draw_text(
            &mut pixmap,
            &fonts.regular,
            TEXT_PX * s,
            ((PAD + SWATCH.0 + 8.0) * s, y - 0.35 * ROW * s),
            &e.label,
            [0x1d, 0x1d, 0x1d],
        );
    }
    paragraph(
        &mut pixmap,
        &mut y,
        &notice,
        TEXT_PX * s,
        [0xb0, 0x00, 0x00],
    );
    encode(&crate::Raster(pixmap))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::text_width;

    #[test]
    fn wraps_at_words_within_the_width() {
        let f = fonts().expect("the embedded font parses");
        let lines = wrap(
            &f.regular,
            12.0,
            "Eenzaamheid/Eenzaam (%), 18 jaar of ouder, gemeente, 2020",
            120.0,
        );
        assert!(lines.len() >= 2);
        // Only a single word wider than the box may stick out.
        assert!(
            lines
                .iter()
                .all(|l| !l.contains(' ') || text_width(&f.regular, 12.0, l) <= 120.0)
        );
        assert!(lines.iter().any(|l| l.contains(' ')));
        assert_eq!(
            lines.join(" "),
            "Eenzaamheid/Eenzaam (%), 18 jaar of ouder, gemeente, 2020"
        );
    }
}
