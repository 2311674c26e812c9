//! Output in the shapes the rest of omzien reads: the OData CSV of table 50090NED (value,
//! `MOG0095` and `MBG0095` rows per cell, `.` for suppressed), and every estimate with its n.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{Estimate, MicrodataError, Prevalence, Unit, indicators};
use crate::{AgeGroup, AreaCode, Level, Wave};

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
    let mut by_cell: BTreeMap<(AreaCode, Wave, AgeGroup), [Option<&Estimate>; 4]> = BTreeMap::new();
    for e in &p.estimates {
        if let Unit::Area(code) = e.unit {
            by_cell.entry((code, e.wave, e.age)).or_default()[e.measure as usize] = Some(e);
        }
    }
    let mut out = String::from(
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Gemeentenaam_1,SoortRegio_2,Codering_3",
    );
    for i in inds {
        out.push(',');
        out.push_str(i.key().unwrap_or("?"));
    }
    out.push('\n');
    let mut id = 0usize;
    for ((code, wave, age), es) in &by_cell {
        for (margin, pick) in [("MW00000", 0usize), ("MOG0095", 1), ("MBG0095", 2)] {
            let _ = write!(
                out,
                "{id},{},{margin},{code},{},,{},{code}",
                age.code(),
                wave.period_code(),
                level_label(code.level())
            );
            id += 1;
            for e in es {
                let v = e.and_then(|e| match pick {
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
    std::fs::write(path, out).map_err(|e| write_err(path, e))
}

/// Writes every estimate (areas and groups) with its n, effective n, interval and the reason
/// for suppression.
///
/// # Errors
/// [`MicrodataError::Write`] when the file cannot be written.
pub fn write_estimates_csv(p: &Prevalence, path: &Path) -> Result<(), MicrodataError> {
    let mut out = String::new();
    if p.summary.synthetic {
        out.push_str("# SYNTHETIC respondents: not real survey data\n");
    }
    out.push_str("unit,level,wave,age,measure,n,n_eff,value,lower,upper,suppressed\n");
    for e in &p.estimates {
        let level = match &e.unit {
            Unit::Area(c) => level_label(c.level()),
            Unit::Group(_) => "group",
        };
        let unit = match &e.unit {
            Unit::Group(g) if g.contains([',', '"']) => format!("\"{}\"", g.replace('"', "\"\"")),
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
    std::fs::write(path, out).map_err(|e| write_err(path, e))
}
