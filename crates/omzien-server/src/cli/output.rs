//! Tables for people and CSV / JSON for tools.

use std::io::Write;

use omzien::{Dataset, Figure};
use serde_json::{Value, json};

use super::Format;

/// Rows of text under a header.
#[derive(Debug, Default)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names.
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

    /// Aligned columns; numbers right-aligned.
    pub fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                    .chain([self.headers[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String], out: &mut dyn Write| -> std::io::Result<()> {
            let mut s = String::new();
            for (i, w) in widths.iter().enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let numeric = !c.is_empty()
                    && c.trim_start_matches(['+', '-'])
                        .chars()
                        .next()
                        .is_some_and(|ch| ch.is_ascii_digit());
                let pad = w.saturating_sub(c.chars().count());
                if i > 0 {
                    s.push_str("  ");
                }
                if numeric {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < widths.len() {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(&self.headers, out)?;
        for r in &self.rows {
            line(r, out)?;
        }
        Ok(())
    }

    /// RFC 4180 CSV.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let field = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        for r in std::iter::once(&self.headers).chain(&self.rows) {
            writeln!(
                out,
                "{}",
                r.iter().map(|c| field(c)).collect::<Vec<_>>().join(",")
            )?;
        }
        Ok(())
    }
}

/// Where the figures come from, for every JSON document.
pub fn dataset_json(ds: &Dataset) -> Value {
    json!({
        "synthetic": ds.is_synthetic(),
        "notice": ds.is_synthetic().then_some(omzien::demo::LABEL),
        "classification_year": ds.classification_year(),
        "sources": ds.sources().iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    })
}

/// Writes a result: the table (with a banner for synthetic data) or CSV, or `json` wrapped
/// with the dataset's provenance.
pub fn emit(
    ds: &Dataset,
    format: Format,
    title: &str,
    table: &Table,
    json: Value,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => {
            if ds.is_synthetic() {
                writeln!(out, "*** {} ***", omzien::demo::LABEL)?;
            }
            if !title.is_empty() {
                writeln!(out, "{title}")?;
            }
            table.write_text(out)
        }
        Format::Csv => {
            if ds.is_synthetic() {
                writeln!(out, "# {}", omzien::demo::LABEL)?;
            }
            table.write_csv(out)
        }
        Format::Json => {
            let doc = json!({ "dataset": dataset_json(ds), "title": title, "rows": json });
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
            writeln!(out)
        }
    }
}

/// A figure for a table cell: one decimal, `.` for suppressed, `–` for not measured.
pub fn fig(f: Figure) -> String {
    match f {
        Figure::Value(v) => format!("{v:.1}"),
        Figure::Suppressed => ".".to_owned(),
        Figure::NotMeasured => "–".to_owned(),
    }
}

/// An optional number with one decimal, empty when absent.
pub fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// A signed change with one decimal.
pub fn delta(v: Option<f64>) -> String {
    v.map(|v| format!("{v:+.1}")).unwrap_or_default()
}
