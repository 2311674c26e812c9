//! Text shared by the legend picture and the report: the embedded DejaVu Sans faces and
//! breaking text into lines.

use ab_glyph::FontRef;

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
pub(crate) fn wrap(text: &str, max: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
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
