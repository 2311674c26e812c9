//! Where a dataset's figures come from, stated beside every answer and output.

use serde::Serialize;

use crate::Dataset;

/// Where the figures come from: part of every JSON answer of the API and every JSON output of
/// the command line, so no saved answer of the demo can pass for real figures.
///
/// ```
/// let p = omzien::demo::dataset().provenance();
/// assert!(p.synthetic);
/// assert_eq!(p.notice, Some(omzien::demo::LABEL));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Provenance {
    /// True for the built-in synthetic demo.
    pub synthetic: bool,
    /// The synthetic notice, for demo data.
    pub notice: Option<&'static str>,
    /// The area classification year of the codes, where known.
    pub classification_year: Option<u16>,
    /// The StatLine table (`50150NED`), where known.
    pub table: Option<&'static str>,
}

impl Provenance {
    /// Where the figures come from, in one line for a map's description or a report's source:
    /// the demo's notice, or the survey and the StatLine table (`RIVM StatLine 50150NED`).
    ///
    /// ```
    /// let p = omzien::demo::dataset().provenance();
    /// assert_eq!(p.source(), omzien::demo::LABEL);
    /// ```
    #[must_use]
    pub fn source(&self) -> String {
        match (self.notice, self.table) {
            (Some(n), _) => n.to_owned(),
            (None, Some(t)) => format!("GGD Gezondheidsmonitor, RIVM StatLine {t}"),
            (None, None) => {
                "GGD Gezondheidsmonitor, RIVM StatLine (table not named by the files)".to_owned()
            }
        }
    }

    /// The attribution a map shows beside these figures (TileJSON's `attribution`, an
    /// archive's metadata, the static site): the figures' source and licence and the
    /// boundaries' makers, or, for the demo, that it is synthetic.
    ///
    /// ```
    /// let p = omzien::demo::dataset().provenance();
    /// assert_eq!(p.attribution(), "SYNTHETIC DEMO DATA");
    /// ```
    #[must_use]
    pub fn attribution(&self) -> String {
        if self.synthetic {
            "SYNTHETIC DEMO DATA".into()
        } else {
            format!("{} (CC BY 4.0); boundaries CBS, Kadaster", self.source())
        }
    }
}

impl Dataset {
    /// Where the figures come from.
    #[must_use]
    pub fn provenance(&self) -> Provenance {
        Provenance {
            synthetic: self.is_synthetic(),
            notice: self.is_synthetic().then_some(crate::demo::LABEL),
            classification_year: self.classification_year(),
            table: self.table(),
        }
    }
}
