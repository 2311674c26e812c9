//! Tables for people and CSV / JSON for tools.

use std::io::Write;

use omzien::{Dataset, Figure, Table};
use serde::Serialize;

use super::Format;

/// Aligned columns for people: numbers right-aligned, text left-aligned.
pub fn write_text(table: &Table, out: &mut dyn Write) -> std::io::Result<()> {
    let widths: Vec<usize> = (0..table.headers.len())
        .map(|i| {
            table
                .rows
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([table.headers[i].chars().count()])
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
    line(&table.headers, out)?;
    for r in &table.rows {
        line(r, out)?;
    }
    Ok(())
}

/// Where the figures come from, with the files read, for every JSON document.
#[derive(Serialize)]
struct Provenance {
    #[serde(flatten)]
    dataset: omzien::Provenance,
    sources: Vec<String>,
}

/// A command's JSON output: provenance, the title, the result.
#[derive(Serialize)]
struct Document<'a, T: Serialize> {
    dataset: Provenance,
    title: &'a str,
    rows: &'a T,
}

/// Writes a result: the table (with a banner for synthetic data) or CSV, or `json` wrapped
/// with the dataset's provenance.
pub fn emit(
    ds: &Dataset,
    format: Format,
    title: &str,
    table: &Table,
    json: &impl Serialize,
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
            write_text(table, out)
        }
        Format::Csv => {
            note_synthetic(ds);
            table.write_csv_noting(ds.is_synthetic(), out)
        }
        Format::Md | Format::Html | Format::Txt | Format::Docx => Err(text_format()),
        Format::Json => {
            let doc = Document {
                dataset: Provenance {
                    dataset: ds.provenance(),
                    sources: ds
                        .sources()
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                },
                title,
                rows: json,
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
            writeln!(out)
        }
    }
}

/// Says on stderr that a CSV about to be written holds the synthetic demo (its rows say so in
/// their `note` column too).
fn note_synthetic(ds: &Dataset) {
    if ds.is_synthetic() {
        eprintln!("note: {}", omzien::demo::LABEL);
    }
}

/// Writes an answer the HTTP API also gives: the table for people (with a banner for
/// synthetic data), or exactly the API's CSV of `rows` (with its `lead` columns) or JSON of
/// `answer`, so a script reads the command's output and the API's alike.
pub fn emit_answer<A: Serialize, R: Serialize + utoipa::ToSchema>(
    ds: &Dataset,
    format: Format,
    title: &str,
    table: &Table,
    answer: &A,
    (rows, lead): (&[R], &[(&str, String)]),
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => emit(ds, format, title, table, answer, out),
        Format::Csv => {
            note_synthetic(ds);
            out.write_all(&crate::answer::rows_csv(ds, rows, lead)?)
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, answer).map_err(std::io::Error::other)?;
            writeln!(out)
        }
        Format::Md | Format::Html | Format::Txt | Format::Docx => Err(text_format()),
    }
}

/// A text format given to a command of tables (`run` refuses it before; kept for the match).
fn text_format() -> std::io::Error {
    std::io::Error::other("md, html, txt and docx are the formats of omzien brief")
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

/// The lower and upper bound of a 95 % interval as two CSV cells (empty without one).
pub(super) fn bounds(interval: Option<(f64, f64)>) -> [String; 2] {
    interval.map_or([String::new(), String::new()], |(l, h)| {
        [format!("{l:.1}"), format!("{h:.1}")]
    })
}
