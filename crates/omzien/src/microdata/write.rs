//! Output in the shapes the rest of omzien reads, through the one CSV writer (that of
//! [`crate::Table`]): the OData CSV of table 50090NED (value,
//! `MOG0095` and `MBG0095` rows per cell, `.` for suppressed), and every estimate with its n.

use rayon::prelude::*;
use std::path::Path;

use super::{Estimate, MicrodataError, Prevalence, Unit, indicators};
use crate::Level;
use crate::table::CsvWriter;

fn write_err(path: &Path, e: impl std::fmt::Display) -> MicrodataError {
    MicrodataError::Write {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

fn level_label(l: Level) -> &'static str {
    match l {
        Level::Land => "Land",
        Level::Gemeente => "Gemeente",
        Level::Wijk => "Wijk",
        Level::Buurt => "Buurt",
    }
}

/// Appends `v` with `decimals` digits after the point, rounded half away from zero, as
/// `format!("{v:.N}")` would for the magnitudes written here, without going through the
/// general float formatter (the output has millions of figures).
fn push_fixed(out: &mut Vec<u8>, v: f64, decimals: u32) {
    let scale = 10f64.powi(decimals as i32);
    let scaled = (v.abs() * scale).round();
    if !v.is_finite() || scaled >= 1e15 {
        out.extend_from_slice(format!("{v:.*}", decimals as usize).as_bytes());
        return;
    }
    let scaled = scaled as u64;
    if v < 0.0 && scaled > 0 {
        out.push(b'-');
    }
    // The digits of the scaled integer, with the point set `decimals` from the end.
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(scaled).as_bytes();
    let d = decimals as usize;
    if d == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > d {
        let (int, frac) = digits.split_at(digits.len() - d);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else {
        out.extend_from_slice(b"0.");
        for _ in digits.len()..d {
            out.push(b'0');
        }
        out.extend_from_slice(digits);
    }
}

/// A part of a file: records written with the one CSV writer into memory, so parts can be
/// made side by side and written in order.
struct Part {
    w: CsvWriter,
}

impl Part {
    fn new(capacity: usize) -> Self {
        Self {
            w: CsvWriter::with_capacity(capacity),
        }
    }

    #[inline]
    fn field(&mut self, f: impl AsRef<[u8]>) {
        self.w.field(f);
    }

    /// A number with `decimals` digits, or an empty field.
    #[inline]
    fn fixed(&mut self, v: Option<f64>, decimals: u32) {
        // Digits, a sign and a point never need quoting.
        self.w.plain_field(|out| {
            if let Some(v) = v {
                push_fixed(out, v, decimals);
            }
        });
    }

    #[inline]
    fn end(&mut self) {
        self.w.end();
    }

    fn bytes(self) -> Vec<u8> {
        self.w.into_bytes()
    }
}

/// Writes the area estimates as an OData CSV of table 50090NED, which
/// [`Loader`](crate::Loader) reads back: per area, wave and age group a value row and the
/// `MOG0095`/`MBG0095` bound rows; suppressed cells are `.` in all three.
///
/// # Errors
/// [`MicrodataError::Write`] when the file cannot be written.
pub fn write_odata_csv(p: &Prevalence, path: &Path) -> Result<(), MicrodataError> {
    let inds = indicators();
    let mut header = Part::new(256);
    for h in [
        "ID",
        "Leeftijd",
        "Marges",
        "WijkenEnBuurten",
        "Perioden",
        "Gemeentenaam_1",
        "SoortRegio_2",
        "Codering_3",
    ] {
        header.field(h);
    }
    for i in inds {
        header.field(i.key().unwrap_or("?"));
    }
    header.end();
    // The estimates come unit by unit, per unit by wave, age group and measure: one cell is a
    // run.
    let cells: Vec<&[Estimate]> = p
        .estimates
        .chunk_by(|a, b| a.unit == b.unit && a.wave == b.wave && a.age == b.age)
        .filter(|run| matches!(run[0].unit, Unit::Area(_)))
        .collect();
    let parts: Vec<Vec<u8>> = cells
        .par_chunks(4096)
        .enumerate()
        .map(|(ci, chunk)| {
            let mut out = Part::new(chunk.len() * 3 * 90);
            let mut ids = itoa::Buffer::new();
            for (k, run) in chunk.iter().enumerate() {
                let Unit::Area(code) = run[0].unit else {
                    continue;
                };
                let mut by_measure: [Option<&Estimate>; 4] = [None; 4];
                for e in *run {
                    by_measure[e.measure as usize] = Some(e);
                }
                let level = level_label(code.level());
                let code = code.to_string();
                let age = run[0].age.code().to_string();
                let period = run[0].wave.period_code();
                for (mi, margin) in ["MW00000", "MOG0095", "MBG0095"].iter().enumerate() {
                    let id = (ci * 4096 + k) * 3 + mi;
                    for f in [
                        ids.format(id),
                        &age,
                        margin,
                        &code,
                        &period,
                        "",
                        level,
                        &code,
                    ] {
                        out.field(f);
                    }
                    for e in by_measure {
                        let v = e.and_then(|e| match mi {
                            0 => e.value,
                            1 => e.lower,
                            _ => e.upper,
                        });
                        match v {
                            Some(_) => out.fixed(v, 1),
                            None => out.field("."),
                        }
                    }
                    out.end();
                }
            }
            out.bytes()
        })
        .collect();
    let header = header.bytes();
    write_parts(path, &header, &parts)
}

fn write_parts(path: &Path, header: &[u8], parts: &[Vec<u8>]) -> Result<(), MicrodataError> {
    use std::io::Write as _;
    // The parts are large: written as they are, without a buffer in between.
    let mut file = std::fs::File::create(path).map_err(|e| write_err(path, e))?;
    file.write_all(header).map_err(|e| write_err(path, e))?;
    for p in parts {
        file.write_all(p).map_err(|e| write_err(path, e))?;
    }
    file.flush().map_err(|e| write_err(path, e))
}

/// Writes every estimate (areas and groups) with its n, effective n, interval and the reason
/// for suppression.
///
/// # Errors
/// [`MicrodataError::Write`] when the file cannot be written.
pub fn write_estimates_csv(p: &Prevalence, path: &Path) -> Result<(), MicrodataError> {
    let mut header = Vec::new();
    if p.summary.synthetic {
        header.extend_from_slice(b"# SYNTHETIC respondents: not real survey data\n");
    }
    let mut columns = Part::new(128);
    for h in [
        "unit",
        "level",
        "wave",
        "age",
        "measure",
        "n",
        "n_eff",
        "value",
        "lower",
        "upper",
        "lower_998",
        "upper_998",
        "suppressed",
    ] {
        columns.field(h);
    }
    columns.end();
    header.extend(columns.bytes());
    let parts: Vec<Vec<u8>> = p
        .estimates
        .par_chunks(8192)
        .map(|chunk| {
            let mut out = Part::new(chunk.len() * 70);
            let mut n = itoa::Buffer::new();
            // Consecutive estimates share unit, wave and age: their text is made once.
            let mut last: Option<(&Unit, crate::Wave, crate::AgeGroup, Vec<u8>)> = None;
            for e in chunk {
                let prefix = match &last {
                    Some((u, w, a, text)) if *u == &e.unit && *w == e.wave && *a == e.age => text,
                    _ => {
                        let level = match &e.unit {
                            Unit::Area(c) => level_label(c.level()),
                            Unit::Group(_) => "group",
                        };
                        let mut text = CsvWriter::with_capacity(64);
                        text.field(e.unit.to_string());
                        text.field(level);
                        text.field(e.wave.to_string());
                        text.field(e.age.short());
                        &last.insert((&e.unit, e.wave, e.age, text.into_bytes())).3
                    }
                };
                out.w.encoded_fields(prefix, 4);
                out.field(e.measure.names().0);
                out.field(n.format(e.n));
                out.fixed(Some(e.n_eff), 1);
                let (lo8, hi8) = (e.interval_998.map(|i| i.0), e.interval_998.map(|i| i.1));
                for v in [e.value, e.lower, e.upper, lo8, hi8] {
                    out.fixed(v, 2);
                }
                match e.suppressed {
                    Some(s) => out.field(s.to_string()),
                    None => out.field(""),
                }
                out.end();
            }
            out.bytes()
        })
        .collect();
    write_parts(path, &header, &parts)
}

#[cfg(test)]
mod tests {
    use super::push_fixed;

    #[test]
    fn fixed_point_matches_the_float_formatter() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for i in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = match i % 4 {
                0 => (state % 100_000) as f64 / 1000.0,
                1 => (state % 10_000_000) as f64 / 99_991.0,
                2 => -((state % 5000) as f64) / 77.0,
                _ => (state % 1000) as f64 / 10.0 + 0.05,
            };
            for d in [1u32, 2] {
                let mut got = Vec::new();
                push_fixed(&mut got, v, d);
                let got = String::from_utf8(got).unwrap_or_default();
                // The formatter writes `-0.0` for a tiny negative value; a figure of zero is
                // written without a sign.
                let want = format!("{v:.*}", d as usize);
                let want = want
                    .strip_prefix('-')
                    .filter(|w| w.bytes().all(|b| b == b'0' || b == b'.'))
                    .map_or(want.clone(), str::to_owned);
                // The formatter rounds the exact binary value; both must agree except where
                // v lies within a rounding error of a half.
                if got != want {
                    let scaled = v.abs() * 10f64.powi(d as i32);
                    assert!(
                        (scaled.fract() - 0.5).abs() < 1e-6,
                        "{v} {d}: {got} vs {want}"
                    );
                }
            }
        }
    }
}
