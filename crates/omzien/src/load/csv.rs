//! CSV files (OData export and StatLine web download) through polars.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::{CsvParseOptions, CsvReadOptions, DataFrame, SerReader};

use super::error::{LoadError, Location};
use super::table::{Cell, ParsedFile, RawTable, detect_naming};

/// The shape of a CSV file, found by one quote-aware pass over its bytes.
struct Layout {
    separator: u8,
    headers: Vec<String>,
    /// The 1-based line on which each data record starts.
    record_lines: Vec<usize>,
    /// Byte ranges of blank lines outside quotes, which the CSV reader would take as rows.
    blank: Vec<std::ops::Range<usize>>,
}

/// Splits the first line into fields (quotes removed) for the given separator.
fn split_header(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_owned()).collect()
}

/// Checks that every record has as many fields as the header and finds their lines.
fn scan(path: &Path, text: &str) -> Result<Layout, LoadError> {
    let first_line = text.lines().next().unwrap_or("");
    let count = |sep: char| split_header(first_line, sep).len();
    let (separator, sep) = if count(';') > count(',') {
        (b';', ';')
    } else {
        (b',', ',')
    };
    let headers = split_header(first_line, sep);

    let expected = headers.len();
    let mut record_lines = Vec::new();
    let bytes = text.as_bytes();
    let mut line = 1usize;
    let mut quoted = false;
    let mut fields = 1usize;
    let mut record_start = 1usize;
    let mut at_record_start = true;
    let mut header_done = false;
    // Ends a record; every data record must have the header's number of fields.
    let end_record = |start: usize, fields: usize, header_done: bool, lines: &mut Vec<usize>| {
        if header_done {
            if fields != expected {
                return Err(LoadError::FieldCount {
                    path: path.to_owned(),
                    line: start,
                    expected,
                    found: fields,
                });
            }
            lines.push(start);
        }
        Ok(())
    };
    let mut blank = Vec::new();
    let mut line_start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if at_record_start && b != b'\n' && b != b'\r' {
            record_start = line;
            at_record_start = false;
        }
        match b {
            b'"' => quoted = !quoted,
            b'\n' => {
                if !quoted {
                    if at_record_start {
                        blank.push(line_start..i + 1);
                    } else {
                        end_record(record_start, fields, header_done, &mut record_lines)?;
                        header_done = true;
                    }
                    fields = 1;
                    at_record_start = true;
                }
                line += 1;
                line_start = i + 1;
            }
            b if b == separator && !quoted => fields += 1,
            _ => {}
        }
    }
    // A file cut inside a quoted field, or a last record cut short, is truncated.
    if quoted || (!at_record_start && header_done && fields < expected) {
        return Err(LoadError::Truncated {
            path: path.to_owned(),
            line: record_start,
        });
    }
    if !at_record_start {
        end_record(record_start, fields, header_done, &mut record_lines)?;
    }
    Ok(Layout {
        separator,
        headers,
        record_lines,
        blank,
    })
}

fn polars_err(path: &Path, e: impl std::fmt::Display) -> LoadError {
    LoadError::Csv {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Reads a CSV table (BOM already removed) into typed rows.
pub(crate) fn read(path: &Path, text: &str) -> Result<ParsedFile, LoadError> {
    let layout = scan(path, text)?;
    let Some(naming) = detect_naming(&layout.headers) else {
        return Err(LoadError::UnknownFormat {
            path: path.to_owned(),
            found: text.lines().next().unwrap_or("").chars().take(80).collect(),
        });
    };
    if layout.record_lines.is_empty() {
        return Err(LoadError::NoRows {
            path: path.to_owned(),
        });
    }
    for (i, h) in layout.headers.iter().enumerate() {
        if layout.headers[..i].contains(h) {
            return Err(LoadError::DuplicateColumn {
                path: path.to_owned(),
                column: h.clone(),
            });
        }
    }
    // Blank lines out, so that row i of the reader is record i of the scan.
    let compact: std::borrow::Cow<'_, str> = if layout.blank.is_empty() {
        text.into()
    } else {
        let mut kept = String::with_capacity(text.len());
        let mut from = 0;
        for r in &layout.blank {
            kept.push_str(text.get(from..r.start).unwrap_or(""));
            from = r.end;
        }
        kept.push_str(text.get(from..).unwrap_or(""));
        kept.into()
    };
    // Every column as text: padding, "." and empty cells are interpreted by us, not guessed.
    let parse = CsvParseOptions::default()
        .with_separator(layout.separator)
        .with_quote_char(Some(b'"'))
        .with_missing_is_null(false)
        .with_truncate_ragged_lines(false);
    let df: DataFrame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_parse_options(parse)
        .with_rechunk(true)
        .into_reader_with_file_handle(Cursor::new(compact.as_bytes()))
        .finish()
        .map_err(|e| polars_err(path, e))?;
    if df.height() != layout.record_lines.len() || df.width() != layout.headers.len() {
        return Err(polars_err(
            path,
            format!(
                "read {} rows × {} columns, expected {} × {}",
                df.height(),
                df.width(),
                layout.record_lines.len(),
                layout.headers.len()
            ),
        ));
    }
    let mut columns = Vec::with_capacity(df.width());
    for col in df.columns() {
        let ca = col.str().map_err(|e| polars_err(path, e))?;
        columns.push(
            ca.iter()
                .map(|v| v.map_or(Cell::Missing, Cell::Text))
                .collect::<Vec<_>>(),
        );
    }
    let lines = &layout.record_lines;
    let locate =
        move |row: usize, _col: Option<&str>| Location::Line(lines.get(row).copied().unwrap_or(1));
    RawTable {
        path,
        naming,
        headers: layout.headers.clone(),
        columns,
        rows: df.height(),
        locate: &locate,
    }
    .interpret()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_split_handles_quotes() {
        assert_eq!(
            split_header("\"a;b\";\"c\"\"d\";e", ';'),
            ["a;b", "c\"d", "e"]
        );
        assert_eq!(split_header("ID,Leeftijd", ','), ["ID", "Leeftijd"]);
    }

    #[test]
    fn scan_finds_record_lines_and_ragged_rows() {
        let p = Path::new("t.csv");
        let l = scan(p, "a,b\n1,2\n\n3,4").unwrap();
        assert_eq!(l.record_lines, [2, 4]);
        assert!(matches!(
            scan(p, "a,b\n1,2,3\n"),
            Err(LoadError::FieldCount {
                line: 2,
                found: 3,
                ..
            })
        ));
        assert!(matches!(
            scan(p, "a,b\n1,2\n3"),
            Err(LoadError::Truncated { line: 3, .. })
        ));
        assert!(matches!(
            scan(p, "a,b\n1,\"2\n"),
            Err(LoadError::Truncated { line: 2, .. })
        ));
    }
}
