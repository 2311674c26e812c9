//! The language of everything the crate writes in words (reports, summaries, charts): Dutch or
//! English, the texts in it ([`T`]) and the indicators' labels for people.

use std::str::FromStr;

use omzien::{Dataset, Figure, Indicator, Verdict};

/// The language of a report, summary or chart.
///
/// ```
/// use omzien_render::Lang;
/// assert_eq!("EN".parse::<Lang>()?, Lang::En);
/// assert_eq!(" nederlands ".parse::<Lang>()?, Lang::Nl);
/// assert_eq!(Lang::default(), Lang::Nl);
/// assert_eq!("fr".parse::<Lang>().unwrap_err().to_string(), "language \"fr\": use nl or en");
/// # Ok::<(), omzien_render::LangError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Dutch (the default).
    #[default]
    Nl,
    /// English.
    En,
}

/// A language that is neither Dutch nor English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("language {0:?}: use nl or en")]
pub struct LangError(pub String);

impl FromStr for Lang {
    type Err = LangError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "nl" | "dutch" | "nederlands" => Ok(Lang::Nl),
            "en" | "english" | "engels" => Ok(Lang::En),
            other => Err(LangError(other.to_owned())),
        }
    }
}

/// Texts of the report (and its charts) in its language.
pub(crate) struct T {
    pub(crate) lang: Lang,
}

impl T {
    pub(crate) fn s(&self, nl: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    pub(crate) fn num(&self, v: f64) -> String {
        let s = format!("{v:.1}");
        match self.lang {
            Lang::Nl => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A number with `places` decimals, with a decimal comma in Dutch.
    pub(crate) fn decimals(&self, v: f64, places: usize) -> String {
        let s = format!("{v:.places$}");
        match self.lang {
            Lang::Nl => s.replace('.', ","),
            Lang::En => s,
        }
    }

    pub(crate) fn signed(&self, v: f64) -> String {
        let s = self.num(v.abs());
        if v > 0.0 {
            format!("+{s}")
        } else if v < 0.0 {
            format!("−{s}")
        } else {
            s
        }
    }

    pub(crate) fn figure(&self, f: Figure) -> String {
        match f {
            Figure::Value(v) => self.num(v),
            Figure::Suppressed => self.s("onderdrukt", "suppressed").into(),
            Figure::NotMeasured => "–".into(),
        }
    }

    /// A verdict as read for an indicator's polarity: worse/better where a direction is
    /// good, higher/lower where not.
    pub(crate) fn verdict(&self, v: Verdict, ind: Indicator) -> &'static str {
        match v.reads(ind.polarity()) {
            omzien::Reading::Unknown => "–",
            r => self.reading(r),
        }
    }

    /// A verdict as read, in the language.
    pub(crate) fn reading(&self, r: omzien::Reading) -> &'static str {
        match self.lang {
            Lang::Nl => r.as_str_nl(),
            Lang::En => r.as_str(),
        }
    }

    pub(crate) fn level(&self, l: omzien::Level, plural: bool) -> &'static str {
        match (l, plural) {
            (omzien::Level::Buurt, false) => self.s("buurt", "neighbourhood"),
            (omzien::Level::Buurt, true) => self.s("buurten", "neighbourhoods"),
            (_, false) => self.s("wijk", "district"),
            (_, true) => self.s("wijken", "districts"),
        }
    }
}

/// The short label of an indicator for people (`Eenzaam`), from the dataset's info.
pub(crate) fn label(ds: &Dataset, ind: Indicator, lang: Lang) -> String {
    ds.indicator_info(ind).map_or_else(
        || ind.to_string(),
        |i| match lang {
            // Without the topic path of StatLine's Dutch label:
            // `Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)` → `Ernstig/zeer ernstig eenzaam`.
            Lang::Nl => {
                let l = &i.label_nl;
                let short = l.split_once('/').map_or(l.as_str(), |(_, rest)| rest);
                short.trim_end_matches("(%)").trim().to_owned()
            }
            // The English labels carry no topic path ("Walks and/or cycles" stays whole).
            Lang::En => i.label_en.trim_end_matches("(%)").trim().to_owned(),
        },
    )
}
