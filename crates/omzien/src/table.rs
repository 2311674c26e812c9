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
    /// list or object as its JSON text.
    ///
    /// # Errors
    /// A row that does not serialise to an object of fields.
    pub fn from_rows<T: Serialize>(rows: &[T]) -> Result<Self, serde_json::Error> {
        let mut t = Table::default();
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(fields) = serde_json::to_value(row)? else {
                return Err(serde::ser::Error::custom(format!(
                    "row {i} is not a struct of fields"
                )));
            };
            if i == 0 {
                t.headers = fields.keys().cloned().collect();
            }
            t.rows.push(
                t.headers
                    .iter()
                    .map(|h| fields.get(h).map(cell).unwrap_or_default())
                    .collect(),
            );
        }
        Ok(t)
    }

    /// Puts a column with the same value in every row in front of the others: what the
    /// rows describe (an area's code and name), so a saved file still says it.
    pub fn prepend_column(&mut self, header: &str, value: &str) {
        self.headers.insert(0, header.to_owned());
        for r in &mut self.rows {
            r.insert(0, value.to_owned());
        }
    }

    /// [`Table::write_csv`] with a first comment line `# SYNTHETIC …` for generated demo
    /// data, so no saved file of the demo can pass for real figures.
    ///
    /// # Errors
    /// Writing failed.
    pub fn write_csv_noting(&self, synthetic: bool, mut out: impl Write) -> std::io::Result<()> {
        if synthetic {
            writeln!(out, "# {}", crate::demo::LABEL)?;
        }
        self.write_csv(out)
    }

    /// RFC 4180 CSV: a header row, then the rows; fields quoted where they hold a comma, a
    /// quote or a line break.
    ///
    /// # Errors
    /// Writing failed.
    pub fn write_csv(&self, out: impl Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(&self.headers)?;
        for r in &self.rows {
            w.write_record(r)?;
        }
        w.flush()
    }
}

/// The CSV writer of every output: RFC 4180 quoting where needed, `\n` line ends.
pub(crate) fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// A JSON value as one cell.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
