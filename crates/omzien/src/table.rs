//! Rows of text under named columns, and the one CSV writer every output uses (the command
//! line, the API's `?format=csv`, microdata estimates), so quoting is the same everywhere.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

/// A table of text cells: what a CSV file or an aligned listing shows.
///
/// ```
/// use omzien::Table;
/// #[derive(serde::Serialize)]
/// struct Row { code: &'static str, name: &'static str, value: Option<f64>, bbox: [f64; 2] }
/// let mut t = Table::from_rows(&[
///     Row { code: "GM0363", name: "Amsterdam", value: Some(53.2), bbox: [4.7, 52.3] },
///     Row { code: "GM0599", name: "Rotterdam, stad", value: None, bbox: [4.3, 51.8] },
/// ])?;
/// t.prepend_column("level", "gemeente");
/// let mut out = Vec::new();
/// t.write_csv(&mut out)?;
/// assert_eq!(
///     String::from_utf8(out)?,
///     "level,code,name,value,bbox\ngemeente,GM0363,Amsterdam,53.2,\"[4.7,52.3]\"\ngemeente,GM0599,\"Rotterdam, stad\",,\"[4.3,51.8]\"\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Cells, one vector per row, as many as there are headers.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column names.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Self {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// A table of structs: their fields are the columns (in the order of the first row),
    /// each value one cell: text as it is, numbers as JSON writes them, `null` empty, and a
    /// list or object as its JSON text. A 95 % interval (a field `interval` or `…_interval`,
    /// `[lower, upper]` or `null`) is two columns, `lower` and `upper` (`from_lower`, …).
    ///
    /// # Errors
    /// A row that does not serialise to an object of fields.
    pub fn from_rows<T: Serialize>(rows: &[T]) -> Result<Self, serde_json::Error> {
        let mut t = Table::default();
        let mut fields_of_first: Vec<String> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(fields) = serde_json::to_value(row)? else {
                return Err(serde::ser::Error::custom(format!(
                    "row {i} is not a struct of fields"
                )));
            };
            if i == 0 {
                fields_of_first = fields.keys().cloned().collect();
                t.headers = Table::from_fields(&fields_of_first).headers;
            }
            let mut cells = Vec::with_capacity(t.headers.len());
            for k in &fields_of_first {
                let v = fields.get(k);
                if interval_prefix(k).is_some() {
                    let bound = |j: usize| v.and_then(|v| v.get(j)).map(cell).unwrap_or_default();
                    cells.push(bound(0));
                    cells.push(bound(1));
                } else {
                    cells.push(v.map(cell).unwrap_or_default());
                }
            }
            t.rows.push(cells);
        }
        Ok(t)
    }

    /// The empty table of rows with these fields (in order), each `…interval` field as its
    /// two bound columns, as [`Table::from_rows`] writes them: the header of a list with no
    /// row.
    ///
    /// ```
    /// let t = omzien::Table::from_fields(["code", "value", "interval", "to_interval"]);
    /// assert_eq!(t.headers, ["code", "value", "lower", "upper", "to_lower", "to_upper"]);
    /// assert!(t.rows.is_empty());
    /// ```
    #[must_use]
    pub fn from_fields<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Self {
        let mut t = Table::default();
        for f in fields {
            let f = f.as_ref();
            match interval_prefix(f) {
                Some(p) => {
                    t.headers.push(format!("{p}lower"));
                    t.headers.push(format!("{p}upper"));
                }
                None => t.headers.push(f.to_owned()),
            }
        }
        t
    }

    /// Puts a column with the same value in every row in front of the others: what the
    /// rows describe (an area's code and name), so a saved file still says it.
    pub fn prepend_column(&mut self, header: &str, value: &str) {
        self.headers.insert(0, header.to_owned());
        for r in &mut self.rows {
            r.insert(0, value.to_owned());
        }
    }

    /// [`Table::write_csv`] with a last column `note` holding [`crate::demo::LABEL`] in every
    /// row for generated demo data, so no saved file of the demo can pass for real figures,
    /// while every CSV reader still finds the header on the first line.
    ///
    /// ```
    /// let mut t = omzien::Table::new(["code"]);
    /// t.push(vec!["GM9999".into()]);
    /// let mut out = Vec::new();
    /// t.write_csv_noting(true, &mut out)?;
    /// let text = String::from_utf8(out).unwrap_or_default();
    /// assert!(text.starts_with("code,note\nGM9999,\"SYNTHETIC DEMO DATA"), "{text}");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Writing failed.
    pub fn write_csv_noting(&self, synthetic: bool, out: impl Write) -> std::io::Result<()> {
        if !synthetic {
            return self.write_csv(out);
        }
        let mut noted = self.clone();
        noted.headers.push("note".to_owned());
        for r in &mut noted.rows {
            r.push(crate::demo::LABEL.to_owned());
        }
        noted.write_csv(out)
    }

    /// RFC 4180 CSV: a header row, then the rows; fields quoted where they hold a comma, a
    /// quote or a line break.
    ///
    /// ```
    /// let mut t = omzien::Table::new(["code", "name"]);
    /// t.push(vec!["GM0363".into(), "Amsterdam, de hoofdstad".into()]);
    /// let mut out = Vec::new();
    /// t.write_csv(&mut out)?;
    /// assert_eq!(String::from_utf8(out)?, "code,name\nGM0363,\"Amsterdam, de hoofdstad\"\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Writing failed.
    pub fn write_csv(&self, mut out: impl Write) -> std::io::Result<()> {
        let mut w = CsvWriter::with_capacity(4096);
        for r in std::iter::once(&self.headers).chain(&self.rows) {
            for f in r {
                w.field(f);
            }
            w.end();
            if w.len() >= 1 << 16 {
                out.write_all(&w.take())?;
            }
        }
        out.write_all(&w.take())?;
        out.flush()
    }
}

/// The CSV writer of every output (tables of the API and the command line, the microdata
/// files): records into memory, fields quoted as RFC 4180 asks where they hold a comma, a
/// quote or a line break (quotes doubled), records ended by `\n`; a record of one empty field
/// is written `""` so that it is no blank line. Read back by any CSV reader as written (see
/// the tests, which use the `csv` crate's reader). Written for speed: millions of number
/// fields go through it in the microdata benchmark.
#[derive(Debug, Default)]
pub(crate) struct CsvWriter {
    buf: Vec<u8>,
    /// Fields of the record being written.
    fields: usize,
    /// Where the record being written starts in `buf`.
    start: usize,
}

impl CsvWriter {
    /// A writer with room for `bytes` bytes before it grows.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Self {
            buf: Vec::with_capacity(bytes),
            fields: 0,
            start: 0,
        }
    }

    /// Appends a field to the record.
    #[inline]
    pub(crate) fn field(&mut self, f: impl AsRef<[u8]>) {
        let f = f.as_ref();
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
        if f.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.buf.push(b'"');
            for &b in f {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(f);
        }
    }

    /// Appends a field written by `write` straight into the buffer, for text that never needs
    /// quoting (numbers: digits, a sign, a point).
    #[cfg(feature = "microdata")] // its only users are the microdata files
    #[inline]
    pub(crate) fn plain_field(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
        let from = self.buf.len();
        write(&mut self.buf);
        debug_assert!(
            !self.buf[from..]
                .iter()
                .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')),
            "a plain field needs quoting"
        );
    }

    /// Appends `n` fields already encoded by another writer (the bytes of a record without its
    /// line end), for a run of fields repeated on many records.
    #[cfg(feature = "microdata")] // its only users are the microdata files
    #[inline]
    pub(crate) fn encoded_fields(&mut self, encoded: &[u8], n: usize) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += n;
        self.buf.extend_from_slice(encoded);
    }

    /// Ends the record.
    #[inline]
    pub(crate) fn end(&mut self) {
        if self.fields == 1 && self.buf.len() == self.start {
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.push(b'\n');
        self.fields = 0;
        self.start = self.buf.len();
    }

    /// Bytes written and not yet taken.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// The records written so far (whole records only, when called between them).
    pub(crate) fn take(&mut self) -> Vec<u8> {
        self.start = 0;
        std::mem::take(&mut self.buf)
    }

    /// Everything written.
    #[cfg(feature = "microdata")] // its only users are the microdata files
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// A JSON value as one cell.
/// `Some("")` for a field `interval`, `Some("from_")` for `from_interval`.
fn interval_prefix(field: &str) -> Option<&str> {
    if field == "interval" {
        Some("")
    } else {
        field.strip_suffix("interval").filter(|p| p.ends_with('_'))
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_through_the_csv_crate() {
        let rows: Vec<Vec<String>> = vec![
            vec!["plain".into(), "".into(), "a,b".into(), "say \"hi\"".into()],
            vec![
                "two\nlines".into(),
                "cr\rhere".into(),
                " padded ".into(),
                "\"".into(),
            ],
            vec!["".into(), "".into(), "".into(), "".into()],
            vec![
                "43 respondents, fewer than 50".into(),
                "é ü".into(),
                ";".into(),
                "x".into(),
            ],
        ];
        let t = Table {
            headers: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            rows: rows.clone(),
        };
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        let mut r = csv::Reader::from_reader(out.as_slice());
        assert_eq!(r.headers().unwrap(), vec!["a", "b", "c", "d"]);
        let back: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(back, rows);
    }

    #[test]
    fn a_record_of_one_empty_field_is_no_blank_line() {
        let t = Table {
            headers: vec!["only".into()],
            rows: vec![vec![String::new()], vec!["x".into()]],
        };
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        assert_eq!(String::from_utf8(out.clone()).unwrap(), "only\n\"\"\nx\n");
        let n = csv::Reader::from_reader(out.as_slice()).records().count();
        assert_eq!(n, 2);
    }
}
