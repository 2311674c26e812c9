//! The answer of `omzien brief --format json` and `/api/areas/{gemeente}/summary?format=json`:
//! a gemeente's council summary, its statements (the facts) and its words (each sentence with
//! the statement it says).

use omzien::{CouncilSummary, Dataset, Provenance};
use serde::Serialize;
use utoipa::ToSchema;

/// A council summary: statements and words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The gemeente's code.
    pub gemeente: String,
    /// Its name.
    pub name: String,
    /// The title.
    pub title: String,
    /// The statements, in order, each with the facts it rests on (`kind`: level, change,
    /// no_change, risk_areas, extremes, factors, no_areas, caveat).
    #[schema(value_type = Vec<Object>)]
    pub statements: Vec<omzien::Statement>,
    /// The paragraphs: parts that are sentences (`text`, `statement`: the index of the
    /// statement it says, `note`) or lists of areas (`items`, `statement`).
    #[schema(value_type = Vec<Vec<Object>>)]
    pub paragraphs: Vec<Vec<omzien_render::Part>>,
    /// The notes: the rule behind each verdict, numbered from 1.
    pub notes: Vec<String>,
    /// Where the figures come from.
    pub source: String,
}

impl BriefAnswer {
    /// The answer of a summary and its words.
    #[must_use]
    pub fn new(ds: &Dataset, s: &CouncilSummary, words: &omzien_render::Brief) -> Self {
        Self {
            dataset: ds.provenance(),
            gemeente: s.gemeente.to_string(),
            name: s.name.clone(),
            title: words.title.clone(),
            statements: s.statements.clone(),
            paragraphs: words.paragraphs.clone(),
            notes: words.notes.clone(),
            source: words.source.clone(),
        }
    }
}
