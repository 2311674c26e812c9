//! Colours of classes: ColorBrewer ramps from colorgrad, colour-blind safe by default.

use colorgrad::Gradient;

use super::Classes;

/// An sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Color(pub [u8; 4]);

impl Color {
    /// `#rrggbb` (alpha left out when opaque).
    ///
    /// ```
    /// assert_eq!(omzien::classify::Color([255, 0, 16, 255]).hex(), "#ff0010");
    /// ```
    #[must_use]
    pub fn hex(self) -> String {
        let [r, g, b, a] = self.0;
        if a == 255 {
            format!("#{r:02x}{g:02x}{b:02x}")
        } else {
            format!("#{r:02x}{g:02x}{b:02x}{a:02x}")
        }
    }
}

/// Style of a suppressed figure: mid grey.
pub const SUPPRESSED: Color = Color([150, 150, 150, 255]);
/// Style of a not-measured figure: pale grey.
pub const NOT_MEASURED: Color = Color([225, 225, 225, 255]);

/// Which ramp a layer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ramp {
    /// ColorBrewer YlOrRd: levels, higher is darker red.
    Sequential,
    /// ColorBrewer RdBu, centred on 0: rising is red (warm), falling blue.
    Diverging,
}

/// The colours of a layer's classes and of its special classes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Palette {
    /// One colour per class.
    pub classes: Vec<Color>,
    /// Suppressed figures.
    pub suppressed: Color,
    /// Not-measured figures.
    pub not_measured: Color,
}

fn rgba(c: &colorgrad::Color) -> Color {
    Color(c.to_rgba8())
}

impl Palette {
    /// Colours for these classes.
    ///
    /// Sequential ramps spread the classes over YlOrRd from light to dark. Diverging ramps place
    /// each class by the midpoint of its range relative to the largest absolute bound, so 0 is
    /// the neutral middle colour and a rise is always warm.
    ///
    /// ```
    /// use omzien::classify::{Classes, Method, Palette, Ramp};
    /// let c = Classes::new(&Method::Fixed(vec![-2.0, 2.0]), &[-6.0, 0.0, 6.0], 3, 1)?;
    /// let p = Palette::new(Ramp::Diverging, &c);
    /// let [r0, _, b0, _] = p.classes[0].0; // falling
    /// let [r2, _, b2, _] = p.classes[2].0; // rising
    /// assert!(b0 > r0 && r2 > b2);
    /// # Ok::<(), omzien::classify::ClassifyError>(())
    /// ```
    #[must_use]
    pub fn new(ramp: Ramp, classes: &Classes) -> Self {
        let n = classes.len();
        let colors = match ramp {
            Ramp::Sequential => {
                let g = colorgrad::preset::yl_or_rd();
                (0..n)
                    .map(|i| {
                        let t = if n == 1 {
                            0.5
                        } else {
                            0.08 + 0.9 * i as f32 / (n - 1) as f32
                        };
                        rgba(&g.at(t))
                    })
                    .collect()
            }
            Ramp::Diverging => {
                // RdBu runs red (0) → blue (1): rising (positive) maps below 0.5.
                let g = colorgrad::preset::rd_bu();
                let ranges = classes.ranges();
                let extent = ranges
                    .iter()
                    .flat_map(|&(a, b)| [a.abs(), b.abs()])
                    .fold(0.0_f64, f64::max)
                    .max(1e-9);
                ranges
                    .iter()
                    .map(|&(a, b)| {
                        let mid = (a + b) / 2.0;
                        let t = 0.5 - 0.45 * (mid / extent).clamp(-1.0, 1.0);
                        rgba(&g.at(t as f32))
                    })
                    .collect()
            }
        };
        Self {
            classes: colors,
            suppressed: SUPPRESSED,
            not_measured: NOT_MEASURED,
        }
    }
}
