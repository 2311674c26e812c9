//! PNG encoding: an indexed (palette) image, quantized to at most 256 colours, with the
//! smallest bit depth that holds the palette.

use std::borrow::Cow;
use std::collections::HashMap;

use vello_cpu::Pixmap;

use crate::Raster;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A premultiplied pixel (as `u32`, RGBA bytes in memory order) as straight RGBA.
fn demultiply(c: u32) -> [u8; 4] {
    let [r, g, b, a] = c.to_ne_bytes();
    if a == 0 {
        return [0, 0, 0, 0];
    }
    let un = |v: u8| ((u32::from(v) * 255 + u32::from(a) / 2) / u32::from(a)).min(255) as u8;
    [un(r), un(g), un(b), a]
}

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

/// The most frequent colours of a tile are kept exact (fills and their main outline blends).
const KEEP_TOP: usize = 16;

/// A premultiplied colour with each channel rounded to one of 8 levels (0, 32, …, 224, 255),
/// channels kept within alpha.
fn round_blend(c: u32) -> u32 {
    let level = |v: u8| -> u8 {
        let r = (u16::from(v) + 16) & 0x1E0;
        if r >= 256 { 255 } else { r as u8 }
    };
    let [r, g, b, a] = c.to_ne_bytes();
    let a = level(a);
    u32::from_ne_bytes([level(r).min(a), level(g).min(a), level(b).min(a), a])
}

/// Encodes a raster as an indexed PNG, every colour exact where there are at most 256.
///
/// Beyond 256 colours the 256 most frequent are kept and every other pixel takes its nearest
/// palette colour.
///
/// # Errors
/// [`EncodeError`] when the PNG writer fails.
pub fn encode(raster: &Raster) -> Result<Vec<u8>, EncodeError> {
    encode_with(&raster.0, None)
}

/// Encodes a map tile of a layer as an indexed PNG: the layer's class, suppressed and
/// not-measured colours and the tile's most frequent colours stay exact; anti-aliasing blends
/// are rounded to 8 levels per channel (at most 16 of 255 off, invisible at tile scale), which
/// makes tiles about a quarter smaller and faster to compress (benches/mapnik).
///
/// # Errors
/// [`EncodeError`] when the PNG writer fails.
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
/// let raster = omzien_render::render(&layer, &scene, tile, 1).unwrap();
/// let png = omzien_render::encode_tile(&raster, &layer)?;
/// assert_eq!(&png[1..4], b"PNG");
/// // Smaller than the same pixels encoded without the layer's palette in mind.
/// assert!(png.len() <= omzien_render::encode(&raster)?.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_tile(raster: &Raster, layer: &omzien::Layer) -> Result<Vec<u8>, EncodeError> {
    let p = layer.palette();
    let exact: Vec<u32> = p
        .classes
        .iter()
        .chain([&p.suppressed, &p.not_measured])
        .map(|c| {
            let [r, g, b, a] = c.0;
            let pm = |v: u8| ((u16::from(v) * u16::from(a) + 127) / 255) as u8;
            u32::from_ne_bytes([pm(r), pm(g), pm(b), a])
        })
        .collect();
    encode_with(&raster.0, Some(&exact))
}

/// `blends`: colours to keep exact while the other blends are rounded; `None`: no rounding.
fn encode_with(pixmap: &Pixmap, blends: Option<&[u32]>) -> Result<Vec<u8>, EncodeError> {
    // Premultiplied RGBA pixels; fully transparent ones are all zero. Runs of one colour are
    // the rule in a choropleth: find runs eight pixels at a time, and count runs, not pixels.
    // Pixels as `u32` (RGBA bytes in memory order), compared whole; read in place when the
    // buffer is aligned for `u32`, as an allocation of this size is.
    let px: Cow<'_, [u32]> = match bytemuck::try_cast_slice(pixmap.data_as_u8_slice()) {
        Ok(px) => Cow::Borrowed(px),
        Err(_) => pixmap
            .data()
            .iter()
            .map(|p| u32::from_ne_bytes(p.to_u8_array()))
            .collect(),
    };
    let n = px.len();
    let Runs {
        runs,
        colors,
        counts,
    } = runs(&px);
    let (finals, final_counts, to_final) = match blends {
        Some(exact) => round_blends(colors, &counts, exact),
        None => {
            let to_final = (0..colors.len() as u32).collect();
            (colors, counts, to_final)
        }
    };
    let (palette, final_index) = palette(&finals, &final_counts);
    let mut indices: Vec<u8> = Vec::with_capacity(n);
    for (id, len) in runs.iter().copied() {
        let i = final_index[to_final[id as usize] as usize];
        indices.extend(std::iter::repeat_n(i, len as usize));
    }
    let depth = match palette.len() {
        0..=2 => 1u8,
        3..=4 => 2,
        5..=16 => 4,
        _ => 8,
    };
    let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    let packed = pack(indices, w as usize, depth);
    write_png(w, h, depth, &palette, &packed)
}

/// A tile's pixels as runs of one colour: each run's colour id and length, the distinct
/// colours in order of first appearance, and each colour's pixel count.
struct Runs {
    runs: Vec<(u32, u32)>,
    colors: Vec<u32>,
    counts: Vec<u32>,
}

/// The runs of `px`, found eight pixels at a time.
fn runs(px: &[u32]) -> Runs {
    let n = px.len();
    // The colour of the run before is looked up without hashing (a run of
    // an edge blend is mostly followed by a fill colour seen just before).
    let mut runs: Vec<(u32, u32)> = Vec::with_capacity(1024);
    let mut ids: FastMap<u32, u32> = FastMap::default();
    let mut colors: Vec<u32> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut recent: [Option<(u32, u32)>; 2] = [None; 2];
    let mut i = 0;
    while i < n {
        let c = px[i];
        let mut j = i + 1;
        while j + 8 <= n && px[j..j + 8].iter().all(|p| *p == c) {
            j += 8;
        }
        while j < n && px[j] == c {
            j += 1;
        }
        let len = (j - i) as u32;
        let k = c;
        let id = match recent {
            [Some((c0, id)), _] if c0 == k => id,
            [_, Some((c1, id))] if c1 == k => {
                recent.swap(0, 1);
                id
            }
            _ => {
                let id = *ids.entry(k).or_insert_with(|| {
                    colors.push(k);
                    counts.push(0);
                    (colors.len() - 1) as u32
                });
                recent = [Some((k, id)), recent[0]];
                id
            }
        };
        counts[id as usize] += len;
        runs.push((id, len));
        i = j;
    }
    Runs {
        runs,
        colors,
        counts,
    }
}

// The `keep` most frequent colours, most frequent first (ties by colour). The rest need no
// order, so they are set apart before sorting (tiles often have hundreds of blends).
fn by_count(colors: &[u32], counts: &[u32], keep: usize) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = colors.iter().copied().zip(counts.iter().copied()).collect();
    let order = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    if v.len() > keep {
        v.select_nth_unstable_by(keep, order);
        v.truncate(keep);
    }
    v.sort_unstable_by(order);
    v
}

/// Every colour but the exact ones and the most frequent rounded to 8 levels per
/// premultiplied channel (anti-aliasing blends collapse into few palette entries): the final
/// colours in order of first appearance, their pixel counts, and each colour's final id.
fn round_blends(colors: Vec<u32>, counts: &[u32], exact: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut to_final: Vec<u32> = (0..colors.len() as u32).collect();
    let top: Vec<u32> = by_count(&colors, counts, KEEP_TOP)
        .iter()
        .map(|(c, _)| *c)
        .collect();
    let mut final_ids: FastMap<u32, u32> = FastMap::default();
    let mut finals: Vec<u32> = Vec::new();
    let mut final_counts: Vec<u32> = Vec::new();
    for (id, (&c, &count)) in colors.iter().zip(counts).enumerate() {
        let f = if top.contains(&c) || exact.contains(&c) {
            c
        } else {
            round_blend(c)
        };
        let fid = *final_ids.entry(f).or_insert_with(|| {
            finals.push(f);
            final_counts.push(0);
            (finals.len() - 1) as u32
        });
        final_counts[fid as usize] += count;
        to_final[id] = fid;
    }
    (finals, final_counts, to_final)
}

/// The palette (the 256 most frequent final colours, demultiplied) and each final colour's
/// index in it: a colour beyond the palette takes its nearest palette colour (blends that
/// differ only in the lowest bits share one search).
fn palette(finals: &[u32], final_counts: &[u32]) -> (Vec<[u8; 4]>, Vec<u8>) {
    let ranked = by_count(finals, final_counts, 256);
    let palette: Vec<[u8; 4]> = ranked.iter().map(|(c, _)| demultiply(*c)).collect();
    let in_palette: FastMap<u32, u8> = ranked
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, i as u8))
        .collect();
    let mut near: FastMap<u32, u8> = FastMap::default();
    let final_index: Vec<u8> = finals
        .iter()
        .map(|&c| match in_palette.get(&c) {
            Some(i) => *i,
            None => {
                let coarse = c & 0xF8F8_F8F8;
                *near.entry(coarse).or_insert_with(|| {
                    let p = demultiply(c);
                    palette
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, q)| distance(**q, p))
                        .map_or(0, |(i, _)| i as u8)
                })
            }
        })
        .collect();
    (palette, final_index)
}

/// Palette indices packed at `depth` bits a pixel, each row starting on a byte.
fn pack(indices: Vec<u8>, w: usize, depth: u8) -> Vec<u8> {
    let per_byte = 8 / usize::from(depth);
    if depth == 8 {
        indices
    } else {
        let mut packed = Vec::with_capacity(w.div_ceil(per_byte) * (indices.len() / w.max(1)));
        for row in indices.chunks(w) {
            let mut groups = row.chunks_exact(per_byte);
            match depth {
                // Two pixels a byte (palettes of 5–16 colours, the usual tile): no inner loop.
                4 => packed.extend(groups.by_ref().map(|g| (g[0] << 4) | g[1])),
                _ => packed.extend(
                    groups
                        .by_ref()
                        .map(|g| g.iter().fold(0u8, |byte, &i| (byte << depth) | i)),
                ),
            }
            let rest = groups.remainder();
            if !rest.is_empty() {
                let byte = rest.iter().fold(0u8, |byte, &i| (byte << depth) | i);
                packed.push(byte << (depth as usize * (per_byte - rest.len())));
            }
        }
        packed
    }
}

/// The indexed PNG: palette, transparency where a colour is not opaque, the packed rows.
fn write_png(
    w: u32,
    h: u32,
    depth: u8,
    palette: &[[u8; 4]],
    packed: &[u8],
) -> Result<Vec<u8>, EncodeError> {
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
        // Palette rows compress best unfiltered; deflate level 1 (zlib-rs) is a sixth smaller
        // than fdeflate's ultra-fast mode at nearly its speed (benches/mapnik).
        enc.set_filter(png::Filter::NoFilter);
        enc.set_deflate_compression(png::DeflateCompression::Level(1));
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
        writer.write_image_data(packed).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vello_cpu::color::{AlphaColor, PremulRgba8, Srgb};

    /// A straight RGBA colour as a premultiplied pixel.
    fn premul(c: [u8; 4]) -> PremulRgba8 {
        AlphaColor::<Srgb>::from_rgba8(c[0], c[1], c[2], c[3])
            .premultiply()
            .to_rgba8()
    }

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
        let mut pm = Pixmap::new(7, 3);
        pm.data_mut().fill(premul([200, 10, 30, 255]));
        let bytes = encode(&Raster(pm)).unwrap();
        let (w, h, rgba) = decode(&bytes);
        assert_eq!((w, h), (7, 3));
        assert_eq!(&rgba[..4], &[200, 10, 30, 255]);
        assert!(rgba.chunks(4).all(|p| p == [200, 10, 30, 255]));
    }

    #[test]
    fn white_and_transparent_pixels_round_trip() {
        // Opaque white is the all-ones pixel: it must be a colour like any other.
        let mut pm = Pixmap::new(9, 4);
        for (i, p) in pm.data_mut().iter_mut().enumerate() {
            let c = if i % 3 == 0 {
                [255u8, 255, 255, 255]
            } else {
                [0, 0, 0, 0]
            };
            *p = premul(c);
        }
        let (_, _, rgba) = decode(&encode_with(&pm, Some(&[])).unwrap());
        for (i, p) in rgba.chunks(4).enumerate() {
            let want: &[u8] = if i % 3 == 0 {
                &[255, 255, 255, 255]
            } else {
                &[0, 0, 0, 0]
            };
            assert_eq!(p, want, "pixel {i}");
        }
    }

    #[test]
    fn rare_class_colours_stay_exact_and_blends_stay_close() {
        // 40 frequent colours, then one pixel of a class colour and one of a blend.
        let mut pm = Pixmap::new(64, 64);
        let class = [17u8, 201, 99, 255];
        let blend = [123u8, 45, 67, 255];
        for (i, p) in pm.data_mut().iter_mut().enumerate() {
            let c = match i {
                0 => class,
                1 => blend,
                _ => [(i / 100 * 6) as u8, 90, 200, 255],
            };
            *p = premul(c);
        }
        let key = u32::from_ne_bytes(class);
        let bytes = encode_with(&pm, Some(&[key])).unwrap();
        let (_, _, rgba) = decode(&bytes);
        assert_eq!(&rgba[..4], &class, "a class colour is exact however rare");
        for (got, want) in rgba[4..8].iter().zip(blend) {
            assert!(got.abs_diff(want) <= 16, "{got} vs {want}");
        }
        // The frequent colours are exact too.
        assert_eq!(&rgba[4 * 500..4 * 500 + 4], &[30, 90, 200, 255]);
    }

    #[test]
    fn many_colours_are_quantized_to_nearest() {
        let mut pm = Pixmap::new(40, 40);
        for (i, p) in pm.data_mut().iter_mut().enumerate() {
            let v = (i % 251) as u8;
            *p = premul([v, 255 - v, (i / 7 % 256) as u8, 255]);
        }
        let bytes = encode(&Raster(pm)).unwrap();
        let (_, _, rgba) = decode(&bytes);
        let unique: std::collections::HashSet<&[u8]> = rgba.chunks(4).collect();
        assert!(unique.len() <= 256);
    }
}
