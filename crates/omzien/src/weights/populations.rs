//! Population layers: the inhabitants (and households, urbanity, age bands) per area from a
//! boundary file or CBS's key figures, found beside the figures and matched to them.

use super::*;

/// Populations per area from a CBS GeoJSON layer, with the share aged 65 and over.
///
/// Gives weights matching an age group: all inhabitants for 18+ (the nearest figure these
/// files carry), inhabitants × share 65+ for 65+.
#[derive(Debug, Clone)]
pub struct Populations {
    source: String,
    rows: Vec<PopulationRow>,
    /// The year the populations count (`JAAR` of the features, else the file name's).
    year: Option<u16>,
    /// The properties households and urbanity were read from, where the file had them.
    extra: (Option<String>, Option<String>),
}

/// Which properties of a GeoJSON layer hold the code, the population and the share 65+ (%).
#[derive(Debug, Clone, Copy)]
pub struct PopulationProperties<'a> {
    /// Area code property (`GM_CODE`).
    pub code: &'a str,
    /// Inhabitants property (`Aantal inwoners`).
    pub population: &'a str,
    /// Percentage aged 65 and over (`Personen 65 jaar en ouder (%)`).
    pub share_65plus: &'a str,
}

impl PopulationProperties<'static> {
    /// CBS wijk- en buurtkaart 2020, gemeente layer (`gemeenten_2020.geojson`).
    pub const CBS_GEMEENTEN_2020: Self = Self {
        code: "GM_CODE",
        population: "Aantal inwoners",
        share_65plus: "Personen 65 jaar en ouder (%)",
    };
    /// CBS wijken 2022 with population (`wijken_2022_population.geojson`).
    pub const CBS_WIJKEN_2022: Self = Self {
        code: "code",
        population: "population",
        share_65plus: "pop_65plus",
    };
}

/// One area of a population layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PopulationRow {
    pub(crate) code: AreaCode,
    pub(crate) population: f64,
    pub(crate) share_65plus: Option<f64>,
    pub(crate) households: Option<f64>,
    pub(crate) urbanity: Option<f64>,
    /// Inhabitants aged 18 and over, where a source counts age bands (approximated: see
    /// [`Populations::weights_for`]).
    pub(crate) adults: Option<f64>,
}

/// Names of the number of households in boundary files (CBS long Dutch names, CBS shapefile,
/// PDOK OGC API, PDOK WFS, generic), read beside the population where a file has them.
pub const HOUSEHOLD_PROPERTIES: &[&str] = &[
    "Aantal huishoudens",
    "AANT_HH",
    "aantalHuishoudens",
    "aantal_huishoudens",
    "households",
];

/// Names of the degree of urbanity in boundary files: CBS's class (1 = very strongly urban
/// to 5 = not urban) or the address density it is made from; only distances within one file
/// are taken, so either serves.
pub const URBANITY_PROPERTIES: &[&str] = &[
    "Stedelijkheid (1=zeer sterk stedelijk, 5=niet stedelijk)",
    "STED",
    "stedelijkheid",
    "mateVanStedelijkheid",
    "mate_van_stedelijkheid",
    "Omgevingsadressendichtheid (per km2)",
    "OAD",
    "omgevingsadressendichtheid",
    "urbanity",
];

/// The population properties omzien recognises in boundary files, a row each: the inhabitants
/// and the percentage aged 65 and over, under the names each publisher uses. The code is the
/// feature's most specific code property (`BU_CODE` before `WK_CODE` before `GM_CODE`, and
/// the PDOK and generic names), so one row serves every level.
pub const POPULATION_PROPERTIES: &[(&str, &str)] = &[
    // CBS wijk- en buurtkaart exported with its long Dutch names (as ../shared's 2020 layer).
    ("Aantal inwoners", "Personen 65 jaar en ouder (%)"),
    // CBS wijk- en buurtkaart as CBS distributes it (shapefile, GeoPackage).
    ("AANT_INW", "P_65_EO_JR"),
    // PDOK's CBS Wijken en Buurten OGC API Features (what `omzien fetch` saves).
    ("aantalInwoners", "percentagePersonen65JaarEnOuder"),
    // PDOK's CBS Wijken en Buurten WFS.
    ("aantal_inwoners", "percentage_personen_65_jaar_en_ouder"),
    // Generic English names (../shared's wijken_2022_population.geojson).
    ("population", "pop_65plus"),
];

type FeatureCollection = crate::load::geojson::Collection<serde::de::IgnoredAny>;

fn read_collection(path: &Path) -> Result<FeatureCollection, WeightsError> {
    use crate::load::geojson::{self, ReadError};
    // Geometries are skipped, not parsed: only the properties are needed.
    geojson::read(path).map_err(|e| match e {
        ReadError::Io(source) => WeightsError::Io {
            path: path.to_owned(),
            source,
        },
        ReadError::Json { line, message } => WeightsError::Line {
            path: path.to_owned(),
            line,
            message: format!("not a GeoJSON FeatureCollection: {message}"),
        },
    })
}

/// The key-figures CSV files of `paths`: files as given that are key figures, the
/// `kerncijfers_*.csv` files of folders in name order.
fn key_figure_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, WeightsError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| WeightsError::Io {
                    path: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy().to_lowercase();
                        n.starts_with("kerncijfers") && n.ends_with(".csv")
                    }) && Populations::is_key_figures(f)
                })
                .collect();
            inside.sort();
            files.extend(inside);
        } else if Populations::is_key_figures(p) {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// The GeoJSON files of `paths`: files as given, the `.geojson` and `.json` files of folders
/// in name order.
fn geojson_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, WeightsError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let inside =
                crate::load::geojson::files_in(p, &["geojson", "json"]).map_err(|source| {
                    WeightsError::Io {
                        path: p.clone(),
                        source,
                    }
                })?;
            files.extend(inside.into_iter().filter(|f| f.is_file()));
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

impl Populations {
    /// Reads populations from a GeoJSON FeatureCollection.
    ///
    /// # Errors
    /// A [`WeightsError`] for unreadable JSON, or a feature whose code or population is missing
    /// or invalid (named by its index). A missing share 65+ is allowed and gives no 65+ weight.
    pub fn from_geojson(
        path: &Path,
        props: PopulationProperties<'_>,
    ) -> Result<Self, WeightsError> {
        Self::from_collection(path, &read_collection(path)?, props)
    }

    /// Every population layer among boundary files and folders: each GeoJSON file whose
    /// features carry a code and one of the [`POPULATION_PROPERTIES`], with the level of its
    /// codes. Files without populations (or that are not GeoJSON) are passed over: a folder of
    /// boundaries usually holds some.
    ///
    /// # Errors
    /// A [`WeightsError`] for a folder that cannot be listed, or a file with population
    /// properties whose features are not all usable.
    pub fn find(paths: &[PathBuf]) -> Result<Vec<Self>, WeightsError> {
        let mut found = Vec::new();
        // Key figures first (`kerncijfers_YEAR.csv`): every level, with households and
        // urbanity, counted by CBS for the classification year.
        for file in key_figure_files(paths)? {
            let p = Self::from_key_figures(&file)?;
            // One layer per level, as a population layer of boundary files is one level.
            for level in [
                crate::Level::Land,
                crate::Level::Gemeente,
                crate::Level::Wijk,
                crate::Level::Buurt,
            ] {
                let rows: Vec<PopulationRow> = p
                    .rows
                    .iter()
                    .filter(|r| r.code.level() == level)
                    .copied()
                    .collect();
                if !rows.is_empty() {
                    found.push(Self {
                        source: p.source.clone(),
                        rows,
                        year: p.year,
                        extra: p.extra.clone(),
                    });
                }
            }
        }
        for file in geojson_files(paths)? {
            let Ok(fc) = read_collection(&file) else {
                continue;
            };
            let Some(first) = fc.features.iter().find_map(|f| f.properties.as_ref()) else {
                continue;
            };
            let code = crate::load::CODE_PROPERTIES.iter().copied().find(|k| {
                first
                    .get(*k)
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|v| v.trim().parse::<AreaCode>().is_ok())
            });
            let layout = POPULATION_PROPERTIES
                .iter()
                .find(|(pop, _)| first.contains_key(*pop));
            if let (Some(code), Some(&(population, share_65plus))) = (code, layout) {
                let props = PopulationProperties {
                    code,
                    population,
                    share_65plus,
                };
                let mut p = Self::from_collection(&file, &fc, props)?;
                let named =
                    |names: &[&'static str]| names.iter().copied().find(|k| first.contains_key(*k));
                p.read_extra(
                    &fc,
                    props.code,
                    named(HOUSEHOLD_PROPERTIES),
                    named(URBANITY_PROPERTIES),
                );
                found.push(p);
            }
        }
        Ok(found)
    }

    /// Whether a file is a key-figures CSV (`omzien fetch kerncijfers`): a `.csv` whose
    /// header starts `code,name,population`.
    #[must_use]
    pub fn is_key_figures(path: &Path) -> bool {
        use std::io::BufRead as _;
        if !path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("csv"))
        {
            return false;
        }
        let Ok(f) = std::fs::File::open(path) else {
            return false;
        };
        let mut first = String::new();
        if std::io::BufReader::new(f).read_line(&mut first).is_err() {
            return false;
        }
        first
            .trim_start_matches('\u{feff}')
            .starts_with("code,name,population")
    }

    /// Reads the key figures `omzien fetch kerncijfers` writes (`kerncijfers_YEAR.csv`:
    /// code, name, population, the age bands 0–14, 15–24, 25–44, 45–64 and 65+, households,
    /// household size, urbanity, land area, table): the share 65+ from the 65+ band, the
    /// inhabitants aged 18+ by [`ADULTS_APPROXIMATION`], households and urbanity as the
    /// similar gemeenten take them. Areas without a population are no weight and left out.
    ///
    /// # Errors
    /// A [`WeightsError`] naming the line of a bad code or number, or a file without the
    /// `code` and `population` columns.
    pub fn from_key_figures(path: &Path) -> Result<Self, WeightsError> {
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_path(path)
            .map_err(|e| WeightsError::Io {
                path: path.to_owned(),
                source: std::io::Error::other(e),
            })?;
        let line_err = |line: usize, message: String| WeightsError::Line {
            path: path.to_owned(),
            line,
            message,
        };
        let headers = r.headers().map_err(|e| line_err(1, e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
        };
        let (Some(code_col), Some(pop_col)) = (col("code"), col("population")) else {
            return Err(line_err(
                1,
                "no code and population columns: not the key figures omzien fetch kerncijfers writes".to_owned(),
            ));
        };
        let cols = [
            "age_0_14",
            "age_15_24",
            "age_65plus",
            "households",
            "urbanity",
        ]
        .map(col);
        let mut rows = Vec::new();
        let mut table = None;
        for (i, rec) in r.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| line_err(line, e.to_string()))?;
            let number = |c: Option<usize>| -> Result<Option<f64>, WeightsError> {
                match c.and_then(|c| rec.get(c)).map(str::trim) {
                    None | Some("") => Ok(None),
                    Some(t) => t
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .map(|v| (v >= 0.0).then_some(v))
                        .ok_or_else(|| line_err(line, format!("{t:?} is not a number"))),
                }
            };
            let code: AreaCode = rec
                .get(code_col)
                .unwrap_or_default()
                .parse()
                .map_err(|e: crate::CodeError| line_err(line, e.to_string()))?;
            if table.is_none() {
                table = col("table").and_then(|c| rec.get(c)).map(str::to_owned);
            }
            // CBS leaves unknown figures empty: an unknown population is no weight.
            let Some(population) = number(Some(pop_col))? else {
                continue;
            };
            let [young, teen, old, households, urbanity] = cols;
            let (young, teen, old) = (number(young)?, number(teen)?, number(old)?);
            rows.push(PopulationRow {
                code,
                population,
                share_65plus: old
                    .filter(|_| population > 0.0)
                    .map(|o| (100.0 * o / population).min(100.0)),
                households: number(households)?,
                urbanity: number(urbanity)?,
                adults: young
                    .zip(teen)
                    .map(|(y, t)| (population - y - 0.3 * t).max(0.0)),
            });
        }
        if rows.is_empty() {
            return Err(WeightsError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(Self {
            source: match table {
                Some(t) if !t.is_empty() => format!("{} (CBS {t})", path.display()),
                _ => path.display().to_string(),
            },
            rows,
            year: year_in_name(path),
            extra: (Some("households".to_owned()), Some("urbanity".to_owned())),
        })
    }

    /// The names of the areas in the key-figures files among `paths` (as [`Populations::find`]
    /// finds them): CBS names every gemeente, wijk and buurt of the classification there.
    ///
    /// # Errors
    /// A [`WeightsError`] for a folder that cannot be listed or a file that cannot be read.
    pub fn key_figure_names(paths: &[PathBuf]) -> Result<Vec<(AreaCode, String)>, WeightsError> {
        let mut out = Vec::new();
        for file in key_figure_files(paths)? {
            let mut r = csv::Reader::from_path(&file).map_err(|e| WeightsError::Io {
                path: file.clone(),
                source: std::io::Error::other(e),
            })?;
            for rec in r.records().flatten() {
                if let (Some(Ok(code)), Some(name)) =
                    (rec.get(0).map(str::parse::<AreaCode>), rec.get(1))
                    && !name.trim().is_empty()
                {
                    out.push((code, name.trim().to_owned()));
                }
            }
        }
        Ok(out)
    }

    /// The level of the areas, from the first one's code.
    #[must_use]
    pub fn level(&self) -> Option<crate::Level> {
        self.rows.first().map(|r| r.code.level())
    }

    /// The year the populations count, where the file says.
    #[must_use]
    pub fn year(&self) -> Option<u16> {
        self.year
    }

    /// Where the populations come from: the file and the property read.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The codes that have a population.
    pub fn codes(&self) -> impl Iterator<Item = AreaCode> + '_ {
        self.rows.iter().map(|r| r.code)
    }

    /// The areas with their figures.
    pub(crate) fn rows(&self) -> &[PopulationRow] {
        &self.rows
    }

    /// The properties households and urbanity came from, where the file had them.
    #[must_use]
    pub fn extra_properties(&self) -> (Option<&str>, Option<&str>) {
        (self.extra.0.as_deref(), self.extra.1.as_deref())
    }

    /// Reads households and urbanity beside the populations (unknown or negative values stay
    /// unknown).
    fn read_extra(
        &mut self,
        fc: &FeatureCollection,
        code: &str,
        households: Option<&str>,
        urbanity: Option<&str>,
    ) {
        if households.is_none() && urbanity.is_none() {
            return;
        }
        let number = |f: &crate::load::geojson::Feature<serde::de::IgnoredAny>, k: Option<&str>| {
            k.and_then(|k| f.property(k))
                .and_then(serde_json::Value::as_f64)
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        let mut found: HashMap<AreaCode, (Option<f64>, Option<f64>)> = HashMap::new();
        for f in &fc.features {
            let Some(c) = f
                .property(code)
                .and_then(|v| v.as_str())
                .and_then(|v| v.trim().parse::<AreaCode>().ok())
            else {
                continue;
            };
            found.insert(c, (number(f, households), number(f, urbanity)));
        }
        for r in &mut self.rows {
            if let Some(&(h, u)) = found.get(&r.code) {
                r.households = h;
                r.urbanity = u;
            }
        }
        self.extra = (households.map(str::to_owned), urbanity.map(str::to_owned));
    }

    fn from_collection(
        path: &Path,
        fc: &FeatureCollection,
        props: PopulationProperties<'_>,
    ) -> Result<Self, WeightsError> {
        let mut rows = Vec::with_capacity(fc.features.len());
        for (i, f) in fc.features.iter().enumerate() {
            let bad = |message: String| WeightsError::Feature {
                path: path.to_owned(),
                location: format!("$.features[{i}].properties"),
                message,
            };
            let code = f
                .property(props.code)
                .and_then(|v| v.as_str())
                .ok_or_else(|| bad(format!("no string property {:?}", props.code)))?
                .parse::<AreaCode>()
                .map_err(|e| bad(e.to_string()))?;
            let pop = f
                .property(props.population)
                .and_then(serde_json::Value::as_f64)
                .filter(|p| p.is_finite() && *p >= 0.0);
            // CBS writes negative sentinels for unknown figures; an unknown population is no weight.
            let Some(pop) = pop else { continue };
            let share = f
                .property(props.share_65plus)
                .and_then(serde_json::Value::as_f64)
                .filter(|s| (0.0..=100.0).contains(s));
            rows.push(PopulationRow {
                code,
                population: pop,
                share_65plus: share,
                households: None,
                urbanity: None,
                adults: None,
            });
        }
        if rows.is_empty() {
            return Err(WeightsError::Empty {
                path: path.to_owned(),
            });
        }
        let year = fc
            .features
            .iter()
            .find_map(|f| {
                ["JAAR", "jaar", "jaarcode", "year"]
                    .iter()
                    .find_map(|k| f.property(k))
                    .and_then(|v| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok()))
            })
            .and_then(|y| u16::try_from(y).ok())
            .filter(|y| (1990..2100).contains(y))
            .or_else(|| year_in_name(path));
        Ok(Self {
            source: format!("{} ({:?})", path.display(), props.population),
            rows,
            year,
            extra: (None, None),
        })
    }

    /// Weights for an age group: inhabitants for 18+, inhabitants × share 65+ for 65+.
    ///
    /// # Errors
    /// [`WeightsError::AgeGroup`] for another age group.
    pub fn weights_for(&self, age: AgeGroup) -> Result<Weights, WeightsError> {
        let source = &self.source;
        let adults = self.rows.iter().all(|r| r.adults.is_some()) && !self.rows.is_empty();
        if age == AgeGroup::ADULTS && adults {
            Ok(Weights::from_pairs(
                &format!("{source} (18+: {ADULTS_APPROXIMATION})"),
                self.rows
                    .iter()
                    .filter_map(|r| r.adults.map(|a| (r.code, a))),
            )
            .with_year(self.year)
            .with_age(Some(age))
            .approximated())
        } else if age == AgeGroup::ADULTS {
            Ok(Weights::from_pairs(
                &format!("{source} (all inhabitants)"),
                self.rows.iter().map(|r| (r.code, r.population)),
            )
            .with_year(self.year))
        } else if age == AgeGroup::SENIORS {
            Ok(Weights::from_pairs(
                &format!("{source} (inhabitants × share 65+)"),
                self.rows
                    .iter()
                    .filter_map(|r| r.share_65plus.map(|s| (r.code, r.population * s / 100.0))),
            )
            .with_year(self.year)
            .with_age(Some(age)))
        } else {
            Err(WeightsError::AgeGroup {
                source_name: source.clone(),
                age,
            })
        }
    }

    /// Number of areas with a population.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Sum of inhabitants.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.rows.iter().map(|r| r.population).sum()
    }
}
