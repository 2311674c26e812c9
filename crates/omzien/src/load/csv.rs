//! CSV files (OData export and StatLine web download) through the `csv` crate.

use std::path::Path;

use super::error::{LoadError, Location};
use super::table::{Cell, Grid, ParsedFile, RawTable, detect_naming};

/// The shape of a CSV file, found by one quote-aware pass over its bytes.
struct Layout {
    separator: u8,
    headers: Vec<String>,
    /// The 1-based line on which each data record starts.
    record_lines: Vec<usize>,
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

/// The separator (`;` when the first line has more fields by it, else `,`) and the header.
fn header(text: &str) -> (u8, Vec<String>) {
    let first_line = text.lines().next().unwrap_or("");
    let count = |sep: char| split_header(first_line, sep).len();
    let (separator, sep) = if count(';') > count(',') {
        (b';', ';')
    } else {
        (b',', ',')
    };
    (separator, split_header(first_line, sep))
}

/// Checks that every record has as many fields as the header and finds their lines.
fn scan(path: &Path, text: &str) -> Result<Layout, LoadError> {
    let (separator, headers) = header(text);

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
    for &b in bytes {
        if at_record_start && b != b'\n' && b != b'\r' {
            record_start = line;
            at_record_start = false;
        }
        match b {
            b'"' => quoted = !quoted,
            b'\n' => {
                if !quoted {
                    // A blank line is no record (the reader skips it too).
                    if !at_record_start {
                        end_record(record_start, fields, header_done, &mut record_lines)?;
                        header_done = true;
                    }
                    fields = 1;
                    at_record_start = true;
                }
                line += 1;
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
    })
}

/// The records as read, cells borrowed from them.
struct Records<'r>(&'r [csv::StringRecord]);

impl<'r> Grid<'r> for Records<'r> {
    fn cell(&self, row: usize, col: usize) -> Cell<'r> {
        // Every record has the header's width (checked by the scan and the reader).
        self.0[row].get(col).map_or(Cell::Missing, Cell::Text)
    }
}

fn csv_err(path: &Path, e: impl std::fmt::Display) -> LoadError {
    LoadError::Csv {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// The layout without the byte-by-byte scan, for the common file: no quote and no carriage
/// return outside a CRLF pair, where every field boundary is a separator and every record a
/// line, so the reader and the scan cannot disagree. `None` when the file is not such a file or
/// a record's width is wrong: the scan then finds (and names) the problem.
fn plain_layout(text: &str) -> Option<(Layout, Vec<csv::StringRecord>)> {
    let bytes = text.as_bytes();
    if memchr::memchr(b'"', bytes).is_some()
        || memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
    {
        return None;
    }
    let (separator, headers) = header(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        if record.len() != headers.len() {
            return None;
        }
        records.push(record);
    }
    // Without quotes a record is a line that is not blank; the first is the header. (The
    // reader's own positions do not count the blank lines it skips.)
    let record_lines: Vec<usize> = text
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && *l != "\r")
        .skip(1)
        .map(|(i, _)| i + 1)
        .collect();
    if record_lines.len() != records.len() {
        return None;
    }
    Some((
        Layout {
            separator,
            headers,
            record_lines,
        },
        records,
    ))
}

/// Reads a CSV table (BOM already removed) into typed rows.
pub(crate) fn read(path: &Path, text: &str) -> Result<ParsedFile, LoadError> {
    let (layout, read) = match plain_layout(text) {
        Some((layout, records)) => (layout, Some(records)),
        None => (scan(path, text)?, None),
    };
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
    // Every cell as text: padding, "." and empty cells are interpreted by us, not guessed.
    // Blank lines are skipped by the reader as by the scan, so row i is record i of the scan.
    let records = match read {
        Some(records) => records,
        None => {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(layout.separator)
                .has_headers(true)
                .flexible(false)
                .from_reader(text.as_bytes());
            let mut records = Vec::with_capacity(layout.record_lines.len());
            for record in reader.records() {
                records.push(record.map_err(|e| csv_err(path, e))?);
            }
            records
        }
    };
    if records.len() != layout.record_lines.len() {
        return Err(csv_err(
            path,
            format!(
                "read {} rows, expected {}",
                records.len(),
                layout.record_lines.len()
            ),
        ));
    }
    let lines = &layout.record_lines;
    let locate =
        move |row: usize, _col: Option<&str>| Location::Line(lines.get(row).copied().unwrap_or(1));
    RawTable {
        path,
        naming,
        headers: layout.headers.clone(),
        cells: &Records(&records),
        rows: records.len(),
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
    fn blank_lines_and_crlf_are_no_rows() {
        let head = "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28";
        let text = format!(
            "{head}\r\n1,53105,MW00000,GM0363    ,2020JJ00,53.2\r\n\r\n\n2,53105,MW00000,GM0599    ,2020JJ00,\".\"\r\n"
        );
        let parsed = read(Path::new("t.csv"), &text).unwrap();
        assert_eq!(parsed.rows.len(), 2, "{:?}", parsed.rows);
    }

    #[test]
    fn plain_files_skip_the_scan_with_the_same_lines() {
        for text in [
            "a,b\n1,2\n\n3,4",
            "a,b\r\n1,2\r\n\r\n\r\n3,4\r\n",
            "a;b\n\n1;2\n3;4\n\n",
            "a,b\n1,\n,\n",
        ] {
            let (fast, records) = plain_layout(text).expect(text);
            let slow = scan(Path::new("t.csv"), text).unwrap();
            assert_eq!(fast.record_lines, slow.record_lines, "{text:?}");
            assert_eq!(fast.headers, slow.headers);
            assert_eq!(fast.separator, slow.separator);
            assert_eq!(records.len(), slow.record_lines.len());
        }
        // Quotes, a bare carriage return or a ragged row: the scan decides.
        for text in [
            "a,b\n\"1\",2\n",
            "a,b\r1,2\n",
            "a,b\n1,2,3\n",
            "a,b\n1,2\n3",
        ] {
            assert!(plain_layout(text).is_none(), "{text:?}");
        }
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
