//! PNG encoding: an indexed (palette) image, quantized to at most 256 colours, with the
//! smallest bit depth that holds the palette.

use std::collections::HashMap;

use tiny_skia::Pixmap;

/// Encoding failed (the `png` crate's message).
#[derive(Debug, thiserror::Error)]
#[error("cannot encode PNG: {0}")]
pub struct EncodeError(String);

impl EncodeError {
    pub(crate) fn new(message: String) -> Self {
        Self(message)
    }
}

fn err(e: impl std::fmt::Display) -> EncodeError {
    EncodeError(e.to_string())
}

fn distance(a: [u8; 4], b: [u8; 4]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (i32::from(x) - i32::from(y)).unsigned_abs().pow(2))
        .sum()
}

/// Encodes a pixmap as an indexed PNG.
///
/// The palette holds every colour when there are at most 256; otherwise the 256 most frequent
/// (the class fills dominate) and every other pixel takes its nearest palette colour, so the
/// class colours themselves are always exact.
///
/// # Errors
/// [`EncodeError`] when the PNG writer fails.
pub fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, EncodeError> {
    let pixels: Vec<[u8; 4]> = pixmap
        .pixels()
        .iter()
        .map(|p| {
            let c = p.demultiply();
            if c.alpha() == 0 {
                [0, 0, 0, 0]
            } else {
                [c.red(), c.green(), c.blue(), c.alpha()]
            }
        })
        .collect();
    // Runs of one colour are the rule in a choropleth: count runs, not pixels.
    let mut counts: HashMap<[u8; 4], u32> = HashMap::new();
    for run in pixels.chunk_by(|a, b| a == b) {
        *counts.entry(run[0]).or_default() += run.len() as u32;
    }
    let mut by_count: Vec<([u8; 4], u32)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let palette: Vec<[u8; 4]> = by_count.iter().take(256).map(|(c, _)| *c).collect();
    let mut index: HashMap<[u8; 4], u8> = palette
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i as u8))
        .collect();
    let mut indices: Vec<u8> = Vec::with_capacity(pixels.len());
    for run in pixels.chunk_by(|a, b| a == b) {
        let p = run[0];
        let i = *index.entry(p).or_insert_with(|| {
            palette
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| distance(**c, p))
                .map_or(0, |(i, _)| i as u8)
        });
        indices.extend(std::iter::repeat_n(i, run.len()));
    }
    let depth = match palette.len() {
        0..=2 => 1u8,
        3..=4 => 2,
        5..=16 => 4,
        _ => 8,
    };
    let (w, h) = (pixmap.width(), pixmap.height());
    let per_byte = 8 / usize::from(depth);
    let row_bytes = (w as usize).div_ceil(per_byte);
    let mut packed = vec![0u8; row_bytes * h as usize];
    for (y, row) in indices.chunks(w as usize).enumerate() {
        for (x, &i) in row.iter().enumerate() {
            let byte = &mut packed[y * row_bytes + x / per_byte];
            let shift = 8 - usize::from(depth) * (x % per_byte + 1);
            *byte |= i << shift;
        }
    }
    let mut out = Vec::with_capacity(2048);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(match depth {
            1 => png::BitDepth::One,
            2 => png::BitDepth::Two,
            4 => png::BitDepth::Four,
            _ => png::BitDepth::Eight,
        });
        enc.set_compression(png::Compression::Fast);
        enc.set_palette(
            palette
                .iter()
                .flat_map(|c| [c[0], c[1], c[2]])
                .collect::<Vec<u8>>(),
        );
        let alphas: Vec<u8> = palette.iter().map(|c| c[3]).collect();
        if alphas.iter().any(|&a| a < 255) {
            enc.set_trns(alphas);
        }
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&packed).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
        dec.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn round_trips_exact_colours() {
        let mut pm = Pixmap::new(7, 3).unwrap();
        pm.fill(tiny_skia::Color::from_rgba8(200, 10, 30, 255));
        let bytes = encode(&pm).unwrap();
        let (w, h, rgba) = decode(&bytes);
        assert_eq!((w, h), (7, 3));
        assert_eq!(&rgba[..4], &[200, 10, 30, 255]);
        assert!(rgba.chunks(4).all(|p| p == [200, 10, 30, 255]));
    }

    #[test]
    fn many_colours_are_quantized_to_nearest() {
        let mut pm = Pixmap::new(40, 40).unwrap();
        for (i, p) in pm.pixels_mut().iter_mut().enumerate() {
            let v = (i % 251) as u8;
            *p = tiny_skia::ColorU8::from_rgba(v, 255 - v, (i / 7 % 256) as u8, 255).premultiply();
        }
        let bytes = encode(&pm).unwrap();
        let (_, _, rgba) = decode(&bytes);
        let unique: std::collections::HashSet<&[u8]> = rgba.chunks(4).collect();
        assert!(unique.len() <= 256);
    }
}
