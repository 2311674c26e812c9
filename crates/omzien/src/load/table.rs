//! From raw cells to typed rows: one interpreter for every format.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::{LoadError, Location};
use crate::indicator::key_stem;
use crate::{AgeGroup, AreaCode, Figure, Indicator, Level, Margin, Wave};

/// A raw cell as a reader delivers it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    /// JSON `null` or an absent key.
    Missing,
    /// Text, padding included.
    Text(&'a str),
    /// A JSON number.
    Number(f64),
}

/// How a file names its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// OData keys (`WijkenEnBuurten`, `Eenzaam_28`).
    OData,
    /// StatLine web-download labels (`Wijken en buurten`, `Eenzaamheid/Eenzaam (%)`).
    Labels,
}

/// The columns that describe a row rather than hold figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Id,
    Age,
    Margin,
    /// OData: the area code. Web download: the area's name.
    Area,
    Period,
    GemeenteName,
    Level,
    /// The area code again (`Codering_3` / `Regioaanduiding/Codering (code)`).
    Code,
}

/// Each role with its OData key stem and its web-download label. A new column is a row.
const ROLES: &[(Role, &str, &str)] = &[
    (Role::Id, "ID", "ID"),
    (Role::Age, "Leeftijd", "Leeftijd"),
    (Role::Margin, "Marges", "Marges"),
    (Role::Area, "WijkenEnBuurten", "Wijken en buurten"),
    (Role::Period, "Perioden", "Perioden"),
    (
        Role::GemeenteName,
        "Gemeentenaam",
        "Regioaanduiding/Gemeentenaam (naam)",
    ),
    (
        Role::Level,
        "SoortRegio",
        "Regioaanduiding/Soort regio (omschrijving)",
    ),
    (Role::Code, "Codering", "Regioaanduiding/Codering (code)"),
];

fn role_of(header: &str, naming: Naming) -> Option<Role> {
    let h = header.trim();
    ROLES
        .iter()
        .find(|(_, key, label)| match naming {
            Naming::OData => key_stem(h) == *key,
            Naming::Labels => h.eq_ignore_ascii_case(label),
        })
        .map(|&(r, _, _)| r)
}

/// Decides from a header whether it is OData keys, web labels, or neither.
pub(crate) fn detect_naming(headers: &[String]) -> Option<Naming> {
    [Naming::OData, Naming::Labels].into_iter().find(|&n| {
        headers
            .iter()
            .any(|h| matches!(role_of(h, n), Some(Role::Area | Role::Code)))
            && headers.iter().any(|h| role_of(h, n) == Some(Role::Period))
    })
}

/// Cells by row and column, as a reader holds them (no copy into another layout).
pub(crate) trait Grid<'a> {
    /// The cell at `row`, `col` (both in range).
    fn cell(&self, row: usize, col: usize) -> Cell<'a>;
}

/// Columns of cells (the JSON reader's layout).
impl<'a> Grid<'a> for Vec<Vec<Cell<'a>>> {
    fn cell(&self, row: usize, col: usize) -> Cell<'a> {
        self[col][row]
    }
}

/// A table of raw cells.
pub(crate) struct RawTable<'a> {
    pub path: &'a Path,
    pub naming: Naming,
    pub headers: Vec<String>,
    pub cells: &'a dyn Grid<'a>,
    pub rows: usize,
    /// Where row `i` is: a CSV line, or a JSON path.
    pub locate: &'a (dyn Fn(usize, Option<&str>) -> Location + Sync),
}

/// Where an indicator column goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Schema(Indicator),
    Extra { key: String },
}

/// One row's description.
#[derive(Debug, Clone)]
pub(crate) struct RowKey {
    pub code: AreaCode,
    pub area_name: Option<String>,
    pub gemeente_name: Option<String>,
    pub wave: Wave,
    pub age: AgeGroup,
    pub margin: Margin,
}

/// A file read and checked, ready to merge.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub path: PathBuf,
    pub rows: Vec<RowKey>,
    pub columns: Vec<(Target, Vec<Figure>)>,
    /// The table its column keys identify (`Eenzaam_25` is 50150NED's), if any.
    pub table: Option<&'static super::Table>,
    /// The file's own name of each schema indicator: its OData key, or its label in a web
    /// download (kept for display: 50150NED's `SterkEenzaam_26`, "Sterk eenzaam").
    pub own: Vec<(Indicator, OwnName)>,
}

/// What a file calls a schema indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OwnName {
    /// An OData key (`SterkEenzaam_26`), with the table's label where the key is an alias.
    Key(String, Option<&'static str>),
    /// A StatLine label (`"Eenzaamheid/Sterk eenzaam (%)"`).
    Label(String),
}

/// `str::trim`, sooner for the ASCII padding of OData files: only text that still starts or
/// ends with a byte ASCII trimming leaves (vertical tab, non-ASCII) takes the Unicode path.
pub(crate) fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    let odd = |b: Option<u8>| b.is_some_and(|b| b == 0x0B || b >= 0x80);
    if odd(t.bytes().next()) || odd(t.bytes().next_back()) {
        t.trim()
    } else {
        t
    }
}

fn text<'a>(c: Cell<'a>) -> Option<&'a str> {
    match c {
        Cell::Text(t) => {
            let t = trim(t);
            (!t.is_empty()).then_some(t)
        }
        _ => None,
    }
}

fn parse_figure(c: Cell<'_>) -> Result<Figure, ()> {
    match c {
        Cell::Missing => Ok(Figure::NotMeasured),
        Cell::Number(v) if v.is_finite() => Ok(Figure::Value(v)),
        Cell::Number(_) => Err(()),
        Cell::Text(t) => match trim(t) {
            "" => Ok(Figure::NotMeasured),
            "." => Ok(Figure::Suppressed),
            s => match s.parse::<f64>() {
                Ok(v)
                    if v.is_finite()
                        && s.bytes()
                            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) =>
                {
                    Ok(Figure::Value(v))
                }
                _ => Err(()),
            },
        },
    }
}

fn cell_string(c: Cell<'_>) -> String {
    match c {
        Cell::Missing => "null".to_owned(),
        Cell::Text(t) => trim(t).to_owned(),
        Cell::Number(v) => v.to_string(),
    }
}

/// The columns of a table by what they hold ([`RawTable::interpret`]).
struct Columns {
    roles: HashMap<Role, usize>,
    figures: Vec<(usize, Target)>,
    own: Vec<(Indicator, OwnName)>,
    table: Option<&'static super::Table>,
}

/// The columns that key a row.
#[derive(Clone, Copy)]
struct KeyColumns {
    code: usize,
    age: usize,
    period: usize,
    margin: Option<usize>,
    level: Option<usize>,
    gemeente_name: Option<usize>,
    second_code: Option<usize>,
    area_name: Option<usize>,
}

/// The row where each key was first seen.
type FirstSeen = HashMap<(AreaCode, Wave, AgeGroup, Margin), usize>;

impl RawTable<'_> {
    fn loc(&self, row: usize, col: usize) -> Location {
        (self.locate)(row, self.headers.get(col).map(String::as_str))
    }

    fn err_dim(&self, row: usize, col: usize, message: String) -> LoadError {
        LoadError::Dimension {
            path: self.path.to_owned(),
            location: self.loc(row, col),
            column: self.headers[col].clone(),
            message,
        }
    }

    /// Checks and types every row and figure.
    pub(crate) fn interpret(&self) -> Result<ParsedFile, LoadError> {
        let path = self.path.to_owned();
        if self.rows == 0 {
            return Err(LoadError::NoRows { path });
        }
        let Columns {
            roles,
            figures,
            own,
            table,
        } = self.columns()?;
        let keys = self.key_columns(&roles)?;
        let (rows, first_seen) = self.row_keys(&keys)?;
        let values = self.figures(&figures)?;
        self.check_bounds(&rows, &first_seen, &figures, &values)?;
        Ok(ParsedFile {
            path,
            rows,
            columns: figures.into_iter().map(|(_, t)| t).zip(values).collect(),
            table,
            own,
        })
    }

    /// The columns by what they hold: the roles (area, code, age, period, margin, …), the
    /// figures (of the schema, or extra columns whose every cell is a figure), each schema
    /// column's own key or label, and the table its keys belong to.
    fn columns(&self) -> Result<Columns, LoadError> {
        let path = self.path.to_owned();
        let mut roles: HashMap<Role, usize> = HashMap::new();
        let mut figures: Vec<(usize, Target)> = Vec::new();
        let mut seen_targets: HashMap<Indicator, usize> = HashMap::new();
        let mut own = Vec::new();
        let table = match self.naming {
            Naming::OData => super::table_of_keys(self.headers.iter().map(|h| trim(h))),
            Naming::Labels => None,
        };
        for (i, h) in self.headers.iter().enumerate() {
            if let Some(role) = role_of(h, self.naming) {
                if roles.insert(role, i).is_some() {
                    return Err(LoadError::DuplicateColumn {
                        path,
                        column: h.clone(),
                    });
                }
                continue;
            }
            let schema = match self.naming {
                Naming::OData => Indicator::from_key(h),
                Naming::Labels => Indicator::from_label(h),
            };
            match schema {
                Some(ind) => {
                    if seen_targets.insert(ind, i).is_some() {
                        return Err(LoadError::DuplicateColumn {
                            path,
                            column: h.clone(),
                        });
                    }
                    figures.push((i, Target::Schema(ind)));
                    let h = trim(h).to_owned();
                    own.push((
                        ind,
                        match self.naming {
                            Naming::OData => {
                                let label = Indicator::alias_label(&h);
                                OwnName::Key(h, label)
                            }
                            Naming::Labels => OwnName::Label(h),
                        },
                    ));
                }
                // Unknown columns are kept when every cell is a figure.
                None if (0..self.rows).all(|r| parse_figure(self.cells.cell(r, i)).is_ok()) => {
                    figures.push((
                        i,
                        Target::Extra {
                            key: h.trim().to_owned(),
                        },
                    ));
                }
                None => {}
            }
        }
        Ok(Columns {
            roles,
            figures,
            own,
            table,
        })
    }

    /// The columns that key a row, the required ones found or named as missing.
    fn key_columns(&self, role_col: &HashMap<Role, usize>) -> Result<KeyColumns, LoadError> {
        let name = |r: Role| {
            ROLES
                .iter()
                .find(|(x, _, _)| *x == r)
                .map_or(
                    "",
                    |(_, k, l)| if self.naming == Naming::OData { k } else { l },
                )
                .to_owned()
        };
        let need = |r: Role| {
            role_col
                .get(&r)
                .copied()
                .ok_or_else(|| LoadError::MissingColumn {
                    path: self.path.to_owned(),
                    location: (self.locate)(0, None).header(),
                    column: name(r),
                })
        };
        Ok(KeyColumns {
            age: need(Role::Age)?,
            period: need(Role::Period)?,
            code: match self.naming {
                Naming::OData => need(Role::Area)?,
                Naming::Labels => need(Role::Code)?,
            },
            margin: role_col.get(&Role::Margin).copied(),
            level: role_col.get(&Role::Level).copied(),
            gemeente_name: role_col.get(&Role::GemeenteName).copied(),
            second_code: match self.naming {
                Naming::OData => role_col.get(&Role::Code).copied(),
                Naming::Labels => None,
            },
            area_name: match self.naming {
                Naming::OData => None,
                Naming::Labels => role_col.get(&Role::Area).copied(),
            },
        })
    }

    /// Every row's key (area, wave, age group, margin) typed and checked, each key once; with
    /// the row where each key was first seen.
    fn row_keys(&self, k: &KeyColumns) -> Result<(Vec<RowKey>, FirstSeen), LoadError> {
        let path = self.path.to_owned();
        let KeyColumns {
            code: code_col,
            age: age_col,
            period: period_col,
            margin: margin_col,
            level: level_col,
            gemeente_name: gm_name_col,
            second_code: second_code_col,
            area_name: area_name_col,
        } = *k;
        let mut rows = Vec::with_capacity(self.rows);
        let mut first_seen: HashMap<(AreaCode, Wave, AgeGroup, Margin), usize> =
            HashMap::with_capacity(self.rows);
        for r in 0..self.rows {
            let cell = |c: usize| self.cells.cell(r, c);
            let code_text = text(cell(code_col)).unwrap_or("");
            let code: AreaCode = code_text.parse().map_err(|source| LoadError::Code {
                path: path.clone(),
                location: self.loc(r, code_col),
                column: self.headers[code_col].clone(),
                source,
            })?;
            if let Some(c2) = second_code_col
                && let Some(t) = text(cell(c2))
                && t != code_text
            {
                return Err(self.err_dim(
                    r,
                    c2,
                    format!(
                        "code {t:?} differs from {code} in {}",
                        self.headers[code_col]
                    ),
                ));
            }
            let age_raw = cell_string(cell(age_col));
            let age = match self.naming {
                Naming::OData => age_raw.parse::<AgeGroup>(),
                Naming::Labels => AgeGroup::from_label(&age_raw),
            }
            .map_err(|e| self.err_dim(r, age_col, e.to_string()))?;
            let period_raw = cell_string(cell(period_col));
            let wave: Wave = period_raw
                .parse()
                .map_err(|e: crate::WaveError| self.err_dim(r, period_col, e.to_string()))?;
            let margin = match margin_col {
                None => Margin::Value,
                Some(c) => {
                    let raw = cell_string(cell(c));
                    Margin::parse(&raw).ok_or_else(|| {
                        self.err_dim(r, c, format!("unknown margin {raw:?}: expected MW00000, MOG0095 or MBG0095 (Waarde, Ondergrens, Bovengrens)"))
                    })?
                }
            };
            if let Some(c) = level_col
                && let Some(t) = text(cell(c))
            {
                let level: Level = t
                    .parse()
                    .map_err(|e: crate::LevelError| self.err_dim(r, c, e.to_string()))?;
                if level != code.level() {
                    return Err(self.err_dim(
                        r,
                        c,
                        format!(
                            "level {t:?} does not match code {code} (a {})",
                            code.level()
                        ),
                    ));
                }
            }
            let key = (code, wave, age, margin);
            if let Some(&first) = first_seen.get(&key) {
                return Err(LoadError::DuplicateRow {
                    path,
                    location: self.loc(r, code_col),
                    first: self.loc(first, code_col),
                    code,
                    wave,
                    age,
                });
            }
            first_seen.insert(key, r);
            rows.push(RowKey {
                code,
                area_name: area_name_col.and_then(|c| text(cell(c))).map(str::to_owned),
                gemeente_name: gm_name_col.and_then(|c| text(cell(c))).map(str::to_owned),
                wave,
                age,
                margin,
            });
        }
        Ok((rows, first_seen))
    }

    /// Every figure column's cells as figures, percentages within 0–100.
    fn figures(&self, figure_cols: &[(usize, Target)]) -> Result<Vec<Vec<Figure>>, LoadError> {
        let path = self.path.to_owned();
        // Row by row, as readers hold their cells (a CSV record is one allocation): the common,
        // good file is read in one pass. A problem sends it to the column-by-column pass below,
        // which names the first problem of the first column as it always has.
        let percent =
            |t: &Target| matches!(t, Target::Schema(i) if i.unit() == Some(crate::Unit::Percent));
        let mut good: Vec<Vec<Figure>> = figure_cols
            .iter()
            .map(|_| Vec::with_capacity(self.rows))
            .collect();
        let all_good = (0..self.rows).all(|r| {
            figure_cols
                .iter()
                .zip(&mut good)
                .all(
                    |((c, target), figs)| match parse_figure(self.cells.cell(r, *c)) {
                        Ok(Figure::Value(v)) if percent(target) && !(0.0..=100.0).contains(&v) => {
                            false
                        }
                        Ok(f) => {
                            figs.push(f);
                            true
                        }
                        Err(()) => false,
                    },
                )
        });
        if all_good {
            return Ok(good);
        }
        let mut columns = Vec::with_capacity(figure_cols.len());
        for (c, target) in figure_cols {
            let c = *c;
            // A percentage of the schema lies within 0–100; anything else is a broken file,
            // never a figure to show.
            let percent =
                matches!(target, Target::Schema(i) if i.unit() == Some(crate::Unit::Percent));
            let mut figs = Vec::with_capacity(self.rows);
            for r in 0..self.rows {
                let cell = self.cells.cell(r, c);
                let f = parse_figure(cell).map_err(|()| LoadError::Number {
                    path: path.clone(),
                    location: self.loc(r, c),
                    column: self.headers[c].clone(),
                    value: cell_string(cell),
                })?;
                if let (true, Figure::Value(v)) = (percent, f)
                    && !(0.0..=100.0).contains(&v)
                {
                    return Err(LoadError::OutOfRange {
                        path,
                        location: self.loc(r, c),
                        column: self.headers[c].clone(),
                        message: format!("{v} is not a percentage (0–100)"),
                    });
                }
                figs.push(f);
            }
            columns.push(figs);
        }
        Ok(columns)
    }

    /// Checks every published 95 % interval of the file against its value: the lower bound
    /// at most the value, the upper at least it. A bound on the wrong side is a broken file
    /// (or columns swapped), never an interval to compare by; the error names the bound's line.
    fn check_bounds(
        &self,
        rows: &[RowKey],
        first_seen: &HashMap<(AreaCode, Wave, AgeGroup, Margin), usize>,
        cols: &[(usize, Target)],
        figs: &[Vec<Figure>],
    ) -> Result<(), LoadError> {
        for (r, row) in rows.iter().enumerate() {
            if row.margin != Margin::Value {
                continue;
            }
            let at = |m: Margin| first_seen.get(&(row.code, row.wave, row.age, m)).copied();
            let (Some(lo_r), Some(hi_r)) = (at(Margin::Lower95), at(Margin::Upper95)) else {
                continue;
            };
            for ((c, _), col) in cols.iter().zip(figs) {
                let (Some(v), Some(lo), Some(hi)) =
                    (col[r].value(), col[lo_r].value(), col[hi_r].value())
                else {
                    continue;
                };
                let wrong = if lo > v {
                    Some((lo_r, format!("lower bound {lo} lies above its value {v}")))
                } else if hi < v {
                    Some((hi_r, format!("upper bound {hi} lies below its value {v}")))
                } else {
                    None
                };
                if let Some((bad_r, what)) = wrong {
                    return Err(LoadError::OutOfRange {
                        path: self.path.to_owned(),
                        location: self.loc(bad_r, *c),
                        column: self.headers[*c].clone(),
                        message: format!(
                            "{what} ({} {} {}, value at {}): a 95% interval must hold its value",
                            row.code,
                            row.wave,
                            row.age.short(),
                            self.loc(r, *c)
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

impl Location {
    /// The header's location for a CSV file (line 1); a JSON path stays as it is.
    fn header(self) -> Location {
        match self {
            Location::Line(_) => Location::Line(1),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "  53.2 ",
            "\t53\r\n",
            "\u{a0}53\u{a0}",
            "\u{b}x\u{b}",
            " \u{2003}GM0363 ",
            "",
            "   ",
            "é ",
            " é",
            "a b",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn figures_parse_strictly() {
        assert_eq!(
            parse_figure(Cell::Text("    47.0")),
            Ok(Figure::Value(47.0))
        );
        assert_eq!(parse_figure(Cell::Text("       .")), Ok(Figure::Suppressed));
        assert_eq!(parse_figure(Cell::Text("")), Ok(Figure::NotMeasured));
        assert_eq!(parse_figure(Cell::Missing), Ok(Figure::NotMeasured));
        assert_eq!(parse_figure(Cell::Number(53.2)), Ok(Figure::Value(53.2)));
        for bad in ["4,7", "NaN", "inf", "47%", "x", ".."] {
            assert!(parse_figure(Cell::Text(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_by_naming() {
        assert_eq!(
            role_of("Gemeentenaam_1", Naming::OData),
            Some(Role::GemeenteName)
        );
        assert_eq!(
            role_of("Regioaanduiding/Codering (code)", Naming::Labels),
            Some(Role::Code)
        );
        assert_eq!(
            role_of("Wijken en buurten", Naming::Labels),
            Some(Role::Area)
        );
        assert_eq!(role_of("Eenzaam_28", Naming::OData), None);
    }
}
