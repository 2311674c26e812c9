//! OData JSON (`{"value": [{"WijkenEnBuurten": "GM0363    ", …}]}`), `null` for missing.

use std::path::Path;

use serde_json::Value;

use super::error::{LoadError, Location};
use super::table::{Cell, Naming, ParsedFile, RawTable, detect_naming};

fn json_err(path: &Path, location: Location, message: impl Into<String>) -> LoadError {
    LoadError::Json {
        path: path.to_owned(),
        location,
        message: message.into(),
    }
}

/// Reads an OData JSON document (or a bare array of records) into typed rows.
pub(crate) fn read(path: &Path, text: &str) -> Result<ParsedFile, LoadError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_eof() {
            "the file ends early (truncated download?)".to_owned()
        } else {
            format!("invalid JSON: {e}")
        };
        json_err(path, Location::Line(e.line().max(1)), what)
    })?;
    let (records, base) = match &doc {
        Value::Array(a) => (a, "$"),
        Value::Object(o) => match o.get("value") {
            Some(Value::Array(a)) => (a, "$.value"),
            _ => {
                return Err(json_err(
                    path,
                    Location::JsonPath("$".into()),
                    "expected an OData document with a \"value\" array",
                ));
            }
        },
        _ => {
            return Err(json_err(
                path,
                Location::JsonPath("$".into()),
                "expected an object with a \"value\" array",
            ));
        }
    };
    if records.is_empty() {
        return Err(LoadError::NoRows {
            path: path.to_owned(),
        });
    }
    let mut headers: Vec<String> = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        let Value::Object(o) = rec else {
            return Err(json_err(
                path,
                Location::JsonPath(format!("{base}[{i}]")),
                "expected an object",
            ));
        };
        for k in o.keys() {
            if !headers.iter().any(|h| h == k) {
                headers.push(k.clone());
            }
        }
    }
    let unknown = || LoadError::UnknownKeys {
        path: path.to_owned(),
        location: Location::JsonPath(format!("{base}[*]")),
        found: headers.join(", ").chars().take(80).collect(),
    };
    let naming = detect_naming(&headers).ok_or_else(unknown)?;
    if naming != Naming::OData {
        return Err(unknown());
    }
    let mut columns = Vec::with_capacity(headers.len());
    for h in &headers {
        let mut col = Vec::with_capacity(records.len());
        for (i, rec) in records.iter().enumerate() {
            col.push(match rec.get(h) {
                None | Some(Value::Null) => Cell::Missing,
                Some(Value::String(s)) => Cell::Text(s),
                Some(Value::Number(n)) => n.as_f64().map_or(Cell::Missing, Cell::Number),
                Some(_) => {
                    return Err(json_err(
                        path,
                        Location::JsonPath(format!("{base}[{i}].{h}")),
                        "expected a string, a number or null",
                    ));
                }
            });
        }
        columns.push(col);
    }
    let locate = move |row: usize, col: Option<&str>| {
        Location::JsonPath(match col {
            Some(c) => format!("{base}[{row}].{c}"),
            None => format!("{base}[{row}]"),
        })
    };
    RawTable {
        path,
        naming,
        headers,
        cells: &columns,
        rows: records.len(),
        locate: &locate,
    }
    .interpret()
}
