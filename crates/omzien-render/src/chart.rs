//! Charts as a list of marks (rectangles, lines, circles, text) drawn two ways: SVG text with a
//! title and description for screen readers, and PNG through the same rasterizer and fonts as
//! the tiles and legends. The spine chart and the funnel plot are built from these.

use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::{BezPath, Circle, Rect, Shape as _, Stroke};
use vello_cpu::{Pixmap, RenderContext, Resources};

use crate::png::{EncodeError, encode};
use crate::text::{Fonts, draw_text, text_width};

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Where a text's x lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// x is the left end.
    Start,
    /// x is the middle.
    Middle,
    /// x is the right end.
    End,
}

/// One mark of a chart, in chart units (pixels at scale 1, y downwards).
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A filled rectangle.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// Fill.
        fill: Rgb,
    },
    /// A straight line.
    Line {
        /// Start.
        from: (f64, f64),
        /// End.
        to: (f64, f64),
        /// Colour.
        stroke: Rgb,
        /// Width.
        width: f64,
    },
    /// A polyline through points.
    Path {
        /// The points.
        points: Vec<(f64, f64)>,
        /// Colour.
        stroke: Rgb,
        /// Width.
        width: f64,
        /// Dashed.
        dashed: bool,
    },
    /// A filled circle with an outline, standing for a value (`label` names it for SVG
    /// readers and tests).
    Dot {
        /// Centre.
        at: (f64, f64),
        /// Radius.
        r: f64,
        /// Fill.
        fill: Rgb,
        /// Outline.
        stroke: Rgb,
        /// What it stands for (`WK036300: 53.2`).
        label: String,
    },
    /// A line of text, baseline at y.
    Text {
        /// Position.
        at: (f64, f64),
        /// Size, pixels.
        size: f64,
        /// The text.
        text: String,
        /// Where x lies.
        anchor: Anchor,
        /// Bold.
        bold: bool,
        /// Colour.
        fill: Rgb,
    },
}

/// A chart: its size, its marks in drawing order, and what it shows in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Width, pixels at scale 1.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// A title (SVG `<title>`).
    pub title: String,
    /// What it shows, for readers who cannot see it (SVG `<desc>`).
    pub description: String,
    /// The marks.
    pub marks: Vec<Mark>,
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Chart {
    /// The chart as an SVG document (text as text, DejaVu Sans or any sans-serif).
    #[must_use]
    pub fn svg(&self) -> String {
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"DejaVu Sans, sans-serif\">\n<title id=\"t\">{}</title>\n<desc id=\"d\">{}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
            esc(&self.title),
            esc(&self.description),
            w = self.width,
            h = self.height,
        );
        for m in &self.marks {
            match m {
                Mark::Rect { x, y, w, h, fill } => s.push_str(&format!(
                    "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"{}\"/>\n",
                    hex(*fill)
                )),
                Mark::Line {
                    from,
                    to,
                    stroke,
                    width,
                } => s.push_str(&format!(
                    "<line x1=\"{:.2}\" y1=\"{:.2}\" x2=\"{:.2}\" y2=\"{:.2}\" stroke=\"{}\" stroke-width=\"{width}\"/>\n",
                    from.0,
                    from.1,
                    to.0,
                    to.1,
                    hex(*stroke)
                )),
                Mark::Path {
                    points,
                    stroke,
                    width,
                    dashed,
                } => {
                    let d: Vec<String> = points
                        .iter()
                        .enumerate()
                        .map(|(i, (x, y))| format!("{}{x:.2},{y:.2}", if i == 0 { "M" } else { "L" }))
                        .collect();
                    s.push_str(&format!(
                        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{}/>\n",
                        d.join(" "),
                        hex(*stroke),
                        if *dashed { " stroke-dasharray=\"5 3\"" } else { "" }
                    ));
                }
                Mark::Dot {
                    at,
                    r,
                    fill,
                    stroke,
                    label,
                } => s.push_str(&format!(
                    "<circle cx=\"{:.3}\" cy=\"{:.3}\" r=\"{r}\" fill=\"{}\" stroke=\"{}\"><title>{}</title></circle>\n",
                    at.0,
                    at.1,
                    hex(*fill),
                    hex(*stroke),
                    esc(label)
                )),
                Mark::Text {
                    at,
                    size,
                    text,
                    anchor,
                    bold,
                    fill,
                } => s.push_str(&format!(
                    "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"{size}\"{}{} fill=\"{}\">{}</text>\n",
                    at.0,
                    at.1,
                    match anchor {
                        Anchor::Start => "",
                        Anchor::Middle => " text-anchor=\"middle\"",
                        Anchor::End => " text-anchor=\"end\"",
                    },
                    if *bold { " font-weight=\"bold\"" } else { "" },
                    hex(*fill),
                    esc(text)
                )),
            }
        }
        s.push_str("</svg>\n");
        s
    }

    /// The chart as a PNG at `scale` (1 or 2).
    ///
    /// # Errors
    /// [`EncodeError`] when the picture is too large or cannot be encoded.
    pub fn png(&self, scale: u32) -> Result<Vec<u8>, EncodeError> {
        let fonts = Fonts::load().map_err(|e| EncodeError::new(format!("font: {e}")))?;
        let k = f64::from(scale.clamp(1, 2));
        let too_large = || EncodeError::new("chart too large".into());
        let (pw, ph) = (
            u16::try_from((self.width * k).ceil() as u32).map_err(|_| too_large())?,
            u16::try_from((self.height * k).ceil() as u32).map_err(|_| too_large())?,
        );
        let mut pixmap = Pixmap::new(pw, ph);
        let mut ctx = RenderContext::new(pw, ph);
        let paint = |c: Rgb| AlphaColor::<Srgb>::from_rgba8(c[0], c[1], c[2], 255);
        ctx.set_paint(paint([255, 255, 255]));
        ctx.fill_rect(&Rect::new(0.0, 0.0, f64::from(pw), f64::from(ph)));
        for m in &self.marks {
            shape(&mut ctx, m, k);
        }
        ctx.flush();
        ctx.render(&mut pixmap, &mut Resources::new());
        for m in &self.marks {
            if let Mark::Text {
                at,
                size,
                text,
                anchor,
                bold,
                fill,
            } = m
            {
                let font = if *bold { &fonts.bold } else { &fonts.regular };
                let px = (size * k) as f32;
                let w = f64::from(text_width(font, px, text));
                let x = at.0 * k
                    - match anchor {
                        Anchor::Start => 0.0,
                        Anchor::Middle => w / 2.0,
                        Anchor::End => w,
                    };
                draw_text(
                    &mut pixmap,
                    font,
                    px,
                    (x as f32, (at.1 * k) as f32),
                    text,
                    *fill,
                );
            }
        }
        encode(&crate::Raster(pixmap))
    }
}

/// A mark's shape drawn at `k` pixels per unit (text is drawn afterwards, on the pixels).
fn shape(ctx: &mut RenderContext, m: &Mark, k: f64) {
    let paint = |c: Rgb| AlphaColor::<Srgb>::from_rgba8(c[0], c[1], c[2], 255);
    match m {
        Mark::Rect { x, y, w, h, fill } => {
            ctx.set_paint(paint(*fill));
            ctx.fill_rect(&Rect::new(x * k, y * k, (x + w) * k, (y + h) * k));
        }
        Mark::Line {
            from,
            to,
            stroke,
            width,
        } => {
            let mut p = BezPath::new();
            p.move_to((from.0 * k, from.1 * k));
            p.line_to((to.0 * k, to.1 * k));
            ctx.set_paint(paint(*stroke));
            ctx.set_stroke(Stroke::new(width * k));
            ctx.stroke_path(&p);
        }
        Mark::Path {
            points,
            stroke,
            width,
            dashed,
        } => {
            let mut p = BezPath::new();
            for (i, (x, y)) in points.iter().enumerate() {
                if i == 0 {
                    p.move_to((x * k, y * k));
                } else {
                    p.line_to((x * k, y * k));
                }
            }
            ctx.set_paint(paint(*stroke));
            let mut s = Stroke::new(width * k);
            if *dashed {
                s = s.with_dashes(0.0, [5.0 * k, 3.0 * k]);
            }
            ctx.set_stroke(s);
            ctx.stroke_path(&p);
        }
        Mark::Dot {
            at,
            r,
            fill,
            stroke,
            ..
        } => {
            let c = Circle::new((at.0 * k, at.1 * k), r * k).to_path(0.05);
            ctx.set_paint(paint(*fill));
            ctx.fill_path(&c);
            ctx.set_paint(paint(*stroke));
            ctx.set_stroke(Stroke::new(k));
            ctx.stroke_path(&c);
        }
        Mark::Text { .. } => {}
    }
}
