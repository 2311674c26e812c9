//! Output in the shapes the rest of omzien reads: the OData CSV of table 50090NED (value,
//! `MOG0095` and `MBG0095` rows per cell, `.` for suppressed), and every estimate with its n.

use std::fmt::Write as _;

use rayon::prelude::*;
use std::path::Path;

use super::{Estimate, MicrodataError, Prevalence, Unit, indicators};
use crate::Level;

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

fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| ".".to_owned(), |v| format!("{v:.1}"))
}

/// Writes the area estimates as an OData CSV of table 50090NED, which
/// [`Loader`](crate::Loader) reads back: per area, wave and age group a value row and the
/// `MOG0095`/`MBG0095` bound rows; suppressed cells are `.` in all three.
///
/// # Errors
/// [`MicrodataError::Write`] when the file cannot be written.
pub fn write_odata_csv(p: &Prevalence, path: &Path) -> Result<(), MicrodataError> {
    let inds = indicators();
    let mut header = String::from(
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Gemeentenaam_1,SoortRegio_2,Codering_3",
    );
    for i in inds {
        header.push(',');
        header.push_str(i.key().unwrap_or("?"));
    }
    header.push('\n');
    // The estimates are sorted by unit, wave, age group and measure: one cell is a run.
    let cells: Vec<&[Estimate]> = p
        .estimates
        .chunk_by(|a, b| a.unit == b.unit && a.wave == b.wave && a.age == b.age)
        .filter(|run| matches!(run[0].unit, Unit::Area(_)))
        .collect();
    let parts: Vec<String> = cells
        .par_chunks(4096)
        .enumerate()
        .map(|(ci, chunk)| {
            let mut out = String::with_capacity(chunk.len() * 3 * 90);
            for (k, run) in chunk.iter().enumerate() {
                let Unit::Area(code) = run[0].unit else {
                    continue;
                };
                let mut by_measure: [Option<&Estimate>; 4] = [None; 4];
                for e in *run {
                    by_measure[e.measure as usize] = Some(e);
                }
                for (mi, margin) in ["MW00000", "MOG0095", "MBG0095"].iter().enumerate() {
                    let id = (ci * 4096 + k) * 3 + mi;
                    let _ = write!(
                        out,
                        "{id},{},{margin},{code},{},,{},{code}",
                        run[0].age.code(),
                        run[0].wave.period_code(),
                        level_label(code.level())
                    );
                    for e in by_measure {
                        let v = e.and_then(|e| match mi {
                            0 => e.value,
                            1 => e.lower,
                            _ => e.upper,
                        });
                        out.push(',');
                        out.push_str(&cell(v));
                    }
                    out.push('\n');
                }
            }
            out
        })
        .collect();
    write_parts(path, &header, &parts)
}

fn write_parts(path: &Path, header: &str, parts: &[String]) -> Result<(), MicrodataError> {
    use std::io::Write as _;
    let file = std::fs::File::create(path).map_err(|e| write_err(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    w.write_all(header.as_bytes())
        .map_err(|e| write_err(path, e))?;
    for p in parts {
        w.write_all(p.as_bytes()).map_err(|e| write_err(path, e))?;
    }
    w.flush().map_err(|e| write_err(path, e))
}

/// Writes every estimate (areas and groups) with its n, effective n, interval and the reason
/// for suppression.
///
/// # Errors
/// [`MicrodataError::Write`] when the file cannot be written.
pub fn write_estimates_csv(p: &Prevalence, path: &Path) -> Result<(), MicrodataError> {
    let mut header = String::new();
    if p.summary.synthetic {
        header.push_str("# SYNTHETIC respondents: not real survey data\n");
    }
    header.push_str("unit,level,wave,age,measure,n,n_eff,value,lower,upper,suppressed\n");
    let parts: Vec<String> = p
        .estimates
        .par_chunks(8192)
        .map(|chunk| {
            let mut out = String::with_capacity(chunk.len() * 70);
            for e in chunk {
                let level = match &e.unit {
                    Unit::Area(c) => level_label(c.level()),
                    Unit::Group(_) => "group",
                };
                let unit = match &e.unit {
                    Unit::Group(g) if g.contains([',', '"']) => {
                        format!("\"{}\"", g.replace('"', "\"\""))
                    }
                    u => u.to_string(),
                };
                let f = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.2}"));
                let _ = writeln!(
                    out,
                    "{unit},{level},{},{},{:?},{},{:.1},{},{},{},{}",
                    e.wave,
                    e.age.short(),
                    e.measure,
                    e.n,
                    e.n_eff,
                    f(e.value),
                    f(e.lower),
                    f(e.upper),
                    e.suppressed.map(|s| s.to_string()).unwrap_or_default()
                );
            }
            out
        })
        .collect();
    write_parts(path, &header, &parts)
}
