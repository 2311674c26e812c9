//! Indicators: one schema table with the OData key, Dutch and English label and unit of each.

use std::fmt;

use serde::Serialize;

/// The unit of an indicator's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Unit {
    /// Percentage of the age group.
    Percent,
    /// A difference of two percentages, in percentage points.
    PercentagePoints,
    /// A number whose unit the schema does not know (extra columns).
    Number,
}

impl Unit {
    /// Short symbol: `%`, `pp`, or empty.
    ///
    /// ```
    /// use omzien::Unit;
    /// assert_eq!(Unit::Percent.symbol(), "%");
    /// assert_eq!(Unit::Percent.change().symbol(), "pp");
    /// assert_eq!(Unit::Number.change().symbol(), "");
    /// ```
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Percent => "%",
            Self::PercentagePoints => "pp",
            Self::Number => "",
        }
    }

    /// Serialises a unit as its [`symbol`](Unit::symbol), for `#[serde(serialize_with)]`.
    ///
    /// # Errors
    /// Those of the serializer.
    pub fn serialize_symbol<S: serde::Serializer>(u: &Unit, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(u.symbol())
    }

    /// The unit of a difference between two figures of this unit.
    #[must_use]
    pub fn change(self) -> Unit {
        match self {
            Self::Percent | Self::PercentagePoints => Self::PercentagePoints,
            Self::Number => Self::Number,
        }
    }
}

/// One row of the schema table.
struct Row {
    /// The OData key without its position suffix (`Eenzaam` for `Eenzaam_28`).
    stem: &'static str,
    /// The key in table 50090NED.
    key: &'static str,
    /// StatLine's Dutch column label, topic path included.
    nl: &'static str,
    en: &'static str,
    unit: Unit,
    polarity: Polarity,
}

impl Row {
    /// A row whose higher figures are worse (loneliness, smoking).
    const fn worse(mut self) -> Row {
        self.polarity = Polarity::HigherIsWorse;
        self
    }
    /// A row whose higher figures are better (good health, meeting a guideline).
    const fn better(mut self) -> Row {
        self.polarity = Polarity::HigherIsBetter;
        self
    }
}

/// Whether a higher figure of an indicator is worse, better or neither, so that a comparison
/// reads worse/similar/better where a direction is good and higher/similar/lower where not.
///
/// ```
/// use omzien::{Indicator, Polarity};
/// assert_eq!(Indicator::LONELY.polarity(), Polarity::HigherIsWorse);
/// let health = Indicator::from_key("ErvarenGezondheidGoedZeerGoed_4").unwrap();
/// assert_eq!(health.polarity(), Polarity::HigherIsBetter);
/// let carers = Indicator::from_key("Mantelzorger_32").unwrap();
/// assert_eq!(carers.polarity(), Polarity::Neither);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Polarity {
    /// A higher figure is worse.
    HigherIsWorse,
    /// A higher figure is better.
    HigherIsBetter,
    /// Neither direction is good in itself (informal care, volunteering, drinking at all), or
    /// the schema does not know the column.
    Neither,
}

const fn row(stem: &'static str, key: &'static str, nl: &'static str, en: &'static str) -> Row {
    Row {
        stem,
        key,
        nl,
        en,
        unit: Unit::Percent,
        polarity: Polarity::Neither,
    }
}

/// Every indicator of table 50090NED, in table order after the four loneliness indicators.
/// The only place raw column names appear. A new indicator is a new row.
/// The stems of [`Indicator::related_to_loneliness`].
const RELATED_STEMS: [&str; 6] = [
    "MoeiteMetRondkomen",
    "Mantelzorger",
    "BeperktVanwegeGezondheid",
    "HoogRisicoOpAngstOfDepressie",
    "ErvarenGezondheidGoedZeerGoed",
    "Vrijwilligerswerk",
];

/// Names later tables give a schema indicator: (their key stem, their Dutch label, the stem of
/// the indicator in [`SCHEMA`]). 50150NED calls 9+ of 11 items "sterk eenzaam" where 50090NED
/// and 50120NED say "ernstig/zeer ernstig eenzaam": the same measure. A rename is a row.
const ALIASES: &[(&str, &str, &str)] = &[(
    "SterkEenzaam",
    "Eenzaamheid/Sterk eenzaam (%)",
    "ErnstigZeerErnstigEenzaam",
)];

const SCHEMA: &[Row] = &[
    row(
        "Eenzaam",
        "Eenzaam_28",
        "Eenzaamheid/Eenzaam (%)",
        "Lonely (score 3+ of 11)",
    )
    .worse(),
    row(
        "ErnstigZeerErnstigEenzaam",
        "ErnstigZeerErnstigEenzaam_29",
        "Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)",
        "Severely or very severely lonely (score 9+)",
    )
    .worse(),
    row(
        "EmotioneelEenzaam",
        "EmotioneelEenzaam_30",
        "Eenzaamheid/Emotioneel eenzaam (%)",
        "Emotionally lonely",
    )
    .worse(),
    row(
        "SociaalEenzaam",
        "SociaalEenzaam_31",
        "Eenzaamheid/Sociaal eenzaam (%)",
        "Socially lonely",
    )
    .worse(),
    row(
        "ErvarenGezondheidGoedZeerGoed",
        "ErvarenGezondheidGoedZeerGoed_4",
        "Ervaren gezondheid/Ervaren gezondheid goed/zeer goed (%)",
        "Perceived health good or very good",
    )
    .better(),
    row(
        "VoldoetAanBeweegrichtlijn",
        "VoldoetAanBeweegrichtlijn_5",
        "Sport en bewegen/Voldoet aan beweegrichtlijn (%)",
        "Meets the physical activity guideline",
    )
    .better(),
    row(
        "WekelijkseSporters",
        "WekelijkseSporters_6",
        "Sport en bewegen/Wekelijkse sporters (%)",
        "Plays sport weekly",
    )
    .better(),
    row(
        "Ondergewicht",
        "Ondergewicht_7",
        "Gewicht/Ondergewicht (%)",
        "Underweight",
    )
    .worse(),
    row(
        "NormaalGewicht",
        "NormaalGewicht_8",
        "Gewicht/Normaal gewicht (%)",
        "Normal weight",
    )
    .better(),
    row(
        "Overgewicht",
        "Overgewicht_9",
        "Gewicht/Overgewicht (%)",
        "Overweight",
    )
    .worse(),
    row(
        "ErnstigOvergewicht",
        "ErnstigOvergewicht_10",
        "Gewicht/Ernstig overgewicht (%)",
        "Obese",
    )
    .worse(),
    row("Roker", "Roker_11", "Roken/Roker (%)", "Smoker").worse(),
    row(
        "VoldoetAanAlcoholRichtlijn",
        "VoldoetAanAlcoholRichtlijn_12",
        "Alcoholgebruik/Voldoet aan alcoholrichtlijn (%)",
        "Meets the alcohol guideline",
    )
    .better(),
    row(
        "Drinker",
        "Drinker_13",
        "Alcoholgebruik/Drinker (%)",
        "Drinker",
    ),
    row(
        "ZwareDrinker",
        "ZwareDrinker_14",
        "Alcoholgebruik/Zware drinker (%)",
        "Heavy drinker",
    )
    .worse(),
    row(
        "OvermatigeDrinker",
        "OvermatigeDrinker_15",
        "Alcoholgebruik/Overmatige drinker (%)",
        "Excessive drinker",
    )
    .worse(),
    row(
        "EenOfMeerLangdurigeAandoeningen",
        "EenOfMeerLangdurigeAandoeningen_16",
        "Langdurige ziekten en beperkingen/Eén of meer langdurige aandoeningen (%)",
        "One or more chronic conditions",
    )
    .worse(),
    row(
        "BeperktVanwegeGezondheid",
        "BeperktVanwegeGezondheid_17",
        "Langdurige ziekten en beperkingen/Beperkt vanwege gezondheid (%)",
        "Limited because of health",
    )
    .worse(),
    row(
        "ErnstigBeperktVanwegeGezondheid",
        "ErnstigBeperktVanwegeGezondheid_18",
        "Langdurige ziekten en beperkingen/Ernstig beperkt vanwege gezondheid (%)",
        "Severely limited because of health",
    )
    .worse(),
    row(
        "LangdurigeZiekteEnBeperkt",
        "LangdurigeZiekteEnBeperkt_19",
        "Langdurige ziekten en beperkingen/Langdurige ziekte en beperkt (%)",
        "Chronic illness and limited",
    )
    .worse(),
    row(
        "EenOfMeerLichamelijkeBeperkingen",
        "EenOfMeerLichamelijkeBeperkingen_20",
        "Langdurige ziekten en beperkingen/Eén of meer lichamelijke beperkingen (%)",
        "One or more physical disabilities",
    )
    .worse(),
    row(
        "BeperkingInHoren",
        "BeperkingInHoren_21",
        "Langdurige ziekten en beperkingen/Beperking in horen (%)",
        "Hearing impairment",
    )
    .worse(),
    row(
        "BeperkingInZien",
        "BeperkingInZien_22",
        "Langdurige ziekten en beperkingen/Beperking in zien (%)",
        "Visual impairment",
    )
    .worse(),
    row(
        "BeperkingInBewegen",
        "BeperkingInBewegen_23",
        "Langdurige ziekten en beperkingen/Beperking in bewegen (%)",
        "Mobility impairment",
    )
    .worse(),
    row(
        "MatigHoogRisicoOpAngstOfDepressie",
        "MatigHoogRisicoOpAngstOfDepressie_24",
        "Psychische gezondheid/Matig hoog risico op angst of depressie (%)",
        "Moderate or high risk of anxiety or depression",
    )
    .worse(),
    row(
        "HoogRisicoOpAngstOfDepressie",
        "HoogRisicoOpAngstOfDepressie_25",
        "Psychische gezondheid/Hoog risico op angst of depressie (%)",
        "High risk of anxiety or depression",
    )
    .worse(),
    row(
        "HeelVeelStressInAfgelopen4Weken",
        "HeelVeelStressInAfgelopen4Weken_26",
        "Psychische gezondheid/Heel veel stress in afgelopen 4 weken (%)",
        "A great deal of stress in the past 4 weeks",
    )
    .worse(),
    row(
        "MatigVeelRegieOverEigenLeven",
        "MatigVeelRegieOverEigenLeven_27",
        "Psychische gezondheid/Matig veel regie over eigen leven (%)",
        "Moderate or much control over own life",
    )
    .better(),
    row(
        "Mantelzorger",
        "Mantelzorger_32",
        "Mantelzorg/Mantelzorger (%)",
        "Informal carer",
    ),
    row(
        "Vrijwilligerswerk",
        "Vrijwilligerswerk_33",
        "Vrijwilligerswerk/Vrijwilligerswerk (%)",
        "Does volunteer work",
    ),
    row(
        "LopenEnOfFietsenNaarSchoolOfWerk",
        "LopenEnOfFietsenNaarSchoolOfWerk_34",
        "Actief transport/Lopen en/of fietsen naar school of werk (%)",
        "Walks and/or cycles to school or work",
    )
    .better(),
    row(
        "LopenNaarSchoolOfWerk",
        "LopenNaarSchoolOfWerk_35",
        "Actief transport/Lopen naar school of werk (%)",
        "Walks to school or work",
    )
    .better(),
    row(
        "FietsenNaarSchoolOfWerk",
        "FietsenNaarSchoolOfWerk_36",
        "Actief transport/Fietsen naar school of werk (%)",
        "Cycles to school or work",
    )
    .better(),
    row(
        "ErnstigeGeluidhinderDoorBuren",
        "ErnstigeGeluidhinderDoorBuren_37",
        "Geluidhinder/Ernstige geluidhinder door buren (%)",
        "Severe noise nuisance from neighbours",
    )
    .worse(),
    row(
        "MoeiteMetRondkomen",
        "MoeiteMetRondkomen_38",
        "Financiële situatie/Moeite met rondkomen (%)",
        "Difficulty making ends meet",
    )
    .worse(),
];

/// How many indicators the schema table defines.
pub(crate) const SCHEMA_LEN: usize = SCHEMA.len();

/// The longest extra column header an indicator carries, in bytes: the header is held in the
/// indicator itself (no table of names outside the dataset), and CBS's keys are far shorter.
pub const MAX_EXTRA_KEY: usize = 62;

/// An indicator's identity: a row of the schema table, or an extra column's header held inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Schema(u16),
    Extra(ExtraKey),
}

/// An extra column's header, at most [`MAX_EXTRA_KEY`] bytes of UTF-8.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ExtraKey {
    len: u8,
    bytes: [u8; MAX_EXTRA_KEY],
}

impl ExtraKey {
    fn new(key: &str) -> Option<Self> {
        let len = u8::try_from(key.len())
            .ok()
            .filter(|&l| l > 0 && usize::from(l) <= MAX_EXTRA_KEY)?;
        let mut bytes = [0u8; MAX_EXTRA_KEY];
        bytes[..key.len()].copy_from_slice(key.as_bytes());
        Some(Self { len, bytes })
    }

    fn as_str(&self) -> &str {
        // Made from a `&str` only, cut at its own length: always UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// Extra columns order by their header.
impl Ord for ExtraKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for ExtraKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// An indicator: a row of the schema table, or an extra column a loaded file brought.
///
/// It prints (and serialises) as its OData key, for extra columns too. Extra indicators get
/// their labels from the [`Dataset`](crate::Dataset) that found them
/// ([`Dataset::indicator_info`](crate::Dataset::indicator_info)).
///
/// ```
/// use omzien::Indicator;
/// let i = Indicator::from_key("Eenzaam_28").unwrap();
/// assert_eq!(i, Indicator::LONELY);
/// assert_eq!(i.key(), Some("Eenzaam_28"));
/// assert!(i.is_loneliness());
/// // Another table numbers its columns differently: the stem decides.
/// assert_eq!(Indicator::from_key("Eenzaam_31"), Some(Indicator::LONELY));
/// assert_eq!(Indicator::from_key("MoeiteMetRondkomen_38").unwrap().label_en(), Some("Difficulty making ends meet"));
/// assert_eq!(Indicator::schema().count(), 35);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Indicator(Repr);

impl Indicator {
    /// Lonely: 3 or more of the 11 De Jong-Gierveld items (`Eenzaam_28`).
    pub const LONELY: Indicator = Indicator(Repr::Schema(0));
    /// Severely or very severely lonely: 9 or more items (`ErnstigZeerErnstigEenzaam_29`).
    pub const SEVERELY_LONELY: Indicator = Indicator(Repr::Schema(1));
    /// Emotionally lonely (`EmotioneelEenzaam_30`).
    pub const EMOTIONALLY_LONELY: Indicator = Indicator(Repr::Schema(2));
    /// Socially lonely (`SociaalEenzaam_31`).
    pub const SOCIALLY_LONELY: Indicator = Indicator(Repr::Schema(3));
    /// The four loneliness indicators.
    pub const LONELINESS: [Indicator; 4] = [
        Self::LONELY,
        Self::SEVERELY_LONELY,
        Self::EMOTIONALLY_LONELY,
        Self::SOCIALLY_LONELY,
    ];

    /// Indicators of the schema that go with loneliness in a risk profile: money worries,
    /// informal care, limited by health, risk of anxiety or depression, perceived health,
    /// volunteering (in that order).
    ///
    /// ```
    /// use omzien::Indicator;
    /// let keys: Vec<_> = Indicator::related_to_loneliness().filter_map(|i| i.key()).collect();
    /// assert_eq!(keys[0], "MoeiteMetRondkomen_38");
    /// assert_eq!(keys.len(), 6);
    /// ```
    pub fn related_to_loneliness() -> impl Iterator<Item = Indicator> {
        RELATED_STEMS.iter().filter_map(|stem| {
            SCHEMA
                .iter()
                .position(|r| r.stem == *stem)
                .map(|i| Indicator(Repr::Schema(i as u16)))
        })
    }

    /// Every indicator of the schema table, loneliness first.
    pub fn schema() -> impl Iterator<Item = Indicator> {
        (0..SCHEMA.len()).map(|i| Indicator(Repr::Schema(i as u16)))
    }

    /// Finds a schema indicator by OData key (`Eenzaam_28`), ignoring the position suffix.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Indicator> {
        let key = key.trim();
        let stem = key_stem(key);
        let stem = ALIASES
            .iter()
            .find(|(alias, _, _)| *alias == stem)
            .map_or(stem, |(_, _, canonical)| canonical);
        SCHEMA
            .iter()
            .position(|r| r.stem == stem || r.key == key)
            .map(|i| Indicator(Repr::Schema(i as u16)))
    }

    /// The table's own Dutch label of a key that is an alias of a schema indicator
    /// (`SterkEenzaam_26` of 50150NED: `"Eenzaamheid/Sterk eenzaam (%)"`).
    ///
    /// ```
    /// use omzien::Indicator;
    /// assert_eq!(Indicator::alias_label("SterkEenzaam_26"), Some("Eenzaamheid/Sterk eenzaam (%)"));
    /// assert_eq!(Indicator::alias_label("Eenzaam_25"), None);
    /// ```
    #[must_use]
    pub fn alias_label(key: &str) -> Option<&'static str> {
        let stem = key_stem(key.trim());
        ALIASES
            .iter()
            .find(|(alias, _, _)| *alias == stem)
            .map(|(_, label, _)| *label)
    }

    /// Finds a schema indicator by StatLine's Dutch column label, with or without its topic
    /// path (`"Eenzaamheid/Eenzaam (%)"`, `"Eenzaam (%)"`), case-insensitive.
    ///
    /// ```
    /// use omzien::Indicator;
    /// assert_eq!(Indicator::from_label("Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)"), Some(Indicator::SEVERELY_LONELY));
    /// assert_eq!(Indicator::from_label("eenzaam (%)"), Some(Indicator::LONELY));
    /// assert_eq!(Indicator::from_label("Sociaal eenzaam"), Some(Indicator::SOCIALLY_LONELY));
    /// assert_eq!(Indicator::from_label("Aantal inwoners"), None);
    /// ```
    #[must_use]
    pub fn from_label(label: &str) -> Option<Indicator> {
        let want = fold_label(label);
        if let Some((_, _, canonical)) = ALIASES.iter().find(|(_, l, _)| {
            let full = fold_label(l);
            want == full || want == short_label(&full)
        }) {
            return Self::from_key(canonical);
        }
        // Exact full label first, then the part after the topic path.
        SCHEMA
            .iter()
            .position(|r| fold_label(r.nl) == want)
            .or_else(|| {
                SCHEMA.iter().position(|r| {
                    let full = fold_label(r.nl);
                    let short = short_label(&full);
                    want == short || want.ends_with(&format!("/{short}"))
                })
            })
            .map(|i| Indicator(Repr::Schema(i as u16)))
    }

    /// The indicator of an extra column with this header; the same key gives the same
    /// indicator, in any dataset. `None` for an empty header or one longer than
    /// [`MAX_EXTRA_KEY`] bytes.
    pub(crate) fn extra(key: &str) -> Option<Indicator> {
        ExtraKey::new(key.trim()).map(|k| Indicator(Repr::Extra(k)))
    }

    /// The schema row's place; `usize::MAX` for an extra column (no row).
    pub(crate) fn index(self) -> usize {
        match self.0 {
            Repr::Schema(i) => usize::from(i),
            Repr::Extra(_) => usize::MAX,
        }
    }

    fn row(self) -> Option<&'static Row> {
        SCHEMA.get(self.index())
    }

    /// True for a row of the schema table, false for an extra column.
    #[must_use]
    pub fn is_schema(self) -> bool {
        self.row().is_some()
    }

    /// True for the four loneliness indicators.
    #[must_use]
    pub fn is_loneliness(self) -> bool {
        Self::LONELINESS.contains(&self)
    }

    /// The OData key in table 50090NED, for schema indicators.
    #[must_use]
    pub fn key(self) -> Option<&'static str> {
        self.row().map(|r| r.key)
    }

    /// StatLine's Dutch label, for schema indicators.
    #[must_use]
    pub fn label_nl(self) -> Option<&'static str> {
        self.row().map(|r| r.nl)
    }

    /// English label, for schema indicators.
    #[must_use]
    pub fn label_en(self) -> Option<&'static str> {
        self.row().map(|r| r.en)
    }

    /// Unit, for schema indicators.
    #[must_use]
    pub fn unit(self) -> Option<Unit> {
        self.row().map(|r| r.unit)
    }

    /// Whether a higher figure is worse, better or neither; [`Polarity::Neither`] for an
    /// extra column.
    #[must_use]
    pub fn polarity(self) -> Polarity {
        self.row().map_or(Polarity::Neither, |r| r.polarity)
    }

    /// The schema description of this indicator; `None` for an extra column.
    #[must_use]
    pub fn info(self) -> Option<IndicatorInfo> {
        self.row().map(|r| IndicatorInfo {
            indicator: self,
            key: r.key.to_owned(),
            label_nl: r.nl.to_owned(),
            label_en: r.en.to_owned(),
            unit: r.unit,
            polarity: r.polarity,
            loneliness: self.is_loneliness(),
        })
    }
}

/// The OData key: the schema's for schema indicators, the column header for extra columns.
impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0, self.key()) {
            (_, Some(k)) => f.write_str(k),
            (Repr::Extra(k), None) => f.write_str(k.as_str()),
            // Unreachable: a schema indicator is made from a row of the table.
            (Repr::Schema(i), None) => write!(f, "schema:{i}"),
        }
    }
}

/// `Indicator(Eenzaam_28)`: its key, for schema and extra columns alike.
impl fmt::Debug for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Indicator({self})")
    }
}

/// Serialises as its OData key, like [`Display`](fmt::Display).
impl Serialize for Indicator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a dataset knows of an indicator: key, labels and unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IndicatorInfo {
    /// The handle.
    #[serde(skip)]
    pub indicator: Indicator,
    /// OData key, or the column header for an extra column.
    pub key: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label (the Dutch label for extras the schema does not know).
    pub label_en: String,
    /// Unit.
    pub unit: Unit,
    /// Whether a higher figure is worse, better or neither.
    pub polarity: Polarity,
    /// One of the four loneliness indicators.
    pub loneliness: bool,
}

/// `Eenzaam_28` → `Eenzaam`; keys without a numeric suffix stay whole. One rule for the
/// figures' columns and CBS's key figures (`k_65JaarOfOuder_12` → `k_65JaarOfOuder`).
pub(crate) fn key_stem(key: &str) -> &str {
    match key.rsplit_once('_') {
        Some((stem, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => stem,
        _ => key,
    }
}

fn fold_label(s: &str) -> String {
    let t = s.trim().to_lowercase();
    let t = t.strip_suffix("(%)").unwrap_or(&t).trim_end();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The label after the topic (`eenzaamheid/ernstig/zeer ernstig eenzaam` → `ernstig/zeer ernstig eenzaam`).
fn short_label(full: &str) -> &str {
    full.split_once('/').map_or(full, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_tables_keys_and_the_sterk_eenzaam_rename_resolve() {
        // 50120NED and 50150NED renumber the keys; 50150NED renames severe loneliness.
        assert_eq!(Indicator::from_key("Eenzaam_27"), Some(Indicator::LONELY));
        assert_eq!(Indicator::from_key("Eenzaam_25"), Some(Indicator::LONELY));
        assert_eq!(
            Indicator::from_key("ErnstigZeerErnstigEenzaam_28"),
            Some(Indicator::SEVERELY_LONELY)
        );
        assert_eq!(
            Indicator::from_key("SterkEenzaam_26"),
            Some(Indicator::SEVERELY_LONELY)
        );
        assert_eq!(
            Indicator::from_key("EmotioneelEenzaam_27"),
            Some(Indicator::EMOTIONALLY_LONELY)
        );
        assert_eq!(
            Indicator::from_key("SociaalEenzaam_28"),
            Some(Indicator::SOCIALLY_LONELY)
        );
        assert_eq!(
            Indicator::from_label("Eenzaamheid/Sterk eenzaam (%)"),
            Some(Indicator::SEVERELY_LONELY)
        );
        assert_eq!(
            Indicator::from_label("Sterk eenzaam"),
            Some(Indicator::SEVERELY_LONELY)
        );
        assert_eq!(Indicator::from_key("SterkGeluk_26"), None);
    }

    #[test]
    fn every_row_resolves_by_key_and_label() {
        for ind in Indicator::schema() {
            let r = ind.row().unwrap();
            assert_eq!(Indicator::from_key(r.key), Some(ind), "{}", r.key);
            assert_eq!(Indicator::from_label(r.nl), Some(ind), "{}", r.nl);
            assert!(r.key.starts_with(r.stem));
        }
    }

    #[test]
    fn a_key_s_stem_is_the_key_without_its_number() {
        assert_eq!(key_stem("Eenzaam_28"), "Eenzaam");
        assert_eq!(key_stem("k_65JaarOfOuder_12"), "k_65JaarOfOuder");
        assert_eq!(key_stem("AantalInwoners_5"), "AantalInwoners");
        assert_eq!(key_stem("WijkenEnBuurten"), "WijkenEnBuurten");
        assert_eq!(key_stem("Eenzaam_"), "Eenzaam_");
    }

    #[test]
    fn extra_columns_print_their_own_key() {
        let a = Indicator::extra("AantalInwoners_99").unwrap();
        assert_eq!(a.to_string(), "AantalInwoners_99");
        assert_eq!(Indicator::extra(" AantalInwoners_99 "), Some(a));
        let b = Indicator::extra("Oppervlakte_100").unwrap();
        assert_ne!(a, b);
        // Held in the indicator: no table of names, and headers order by their text.
        assert!(a < b && Indicator::LONELY < a);
        let long = "K".repeat(MAX_EXTRA_KEY);
        assert_eq!(Indicator::extra(&long).unwrap().to_string(), long);
        assert_eq!(Indicator::extra(&format!("{long}K")), None);
        assert_eq!(Indicator::extra("  "), None);
        assert_eq!(
            Indicator::extra("Ééndags_1").unwrap().to_string(),
            "Ééndags_1"
        );
        assert_eq!(format!("{a:?}"), "Indicator(AantalInwoners_99)");
        assert!(!a.is_schema());
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"Oppervlakte_100\"");
        assert_eq!(Indicator::LONELY.to_string(), "Eenzaam_28");
    }

    #[test]
    fn stems_are_unique() {
        for (i, a) in SCHEMA.iter().enumerate() {
            for b in &SCHEMA[i + 1..] {
                assert_ne!(a.stem, b.stem);
                assert_ne!(fold_label(a.nl), fold_label(b.nl));
            }
        }
    }

    #[test]
    fn non_indicator_columns_do_not_match() {
        for k in [
            "ID",
            "Leeftijd",
            "WijkenEnBuurten",
            "Codering_3",
            "SoortRegio_2",
        ] {
            assert_eq!(Indicator::from_key(k), None, "{k}");
        }
    }
}
