//! How many people a percentage stands for: the figure times the population of its age group,
//! from a population layer (CBS's key figures or a boundary file's populations), with how the
//! population was counted stated beside it.

use serde::Serialize;

use crate::{AgeGroup, AreaCode, Dataset, Indicator, Populations, QueryError, Unit, Wave};

/// A percentage as a number of people.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PeopleCount {
    /// The area.
    pub area: AreaCode,
    /// The people the figure stands for, rounded to tens (a model estimate times a count).
    pub people: f64,
    /// The population of the age group it was taken of.
    pub population: f64,
    /// Whether that population counts exactly the survey's age group; false where it is
    /// approximated (18+ from CBS's age bands, [`crate::ADULTS_APPROXIMATION`]).
    pub exact_age: bool,
    /// Where the population comes from (the file, and the table or property).
    pub source: String,
    /// How the population was counted: the source and the age basis, in words.
    pub basis: String,
    /// The year the population counts.
    pub year: Option<u16>,
}

impl Dataset {
    /// The people a percentage of `area` stands for: its figure × the population of `age` in
    /// the first of `populations` (one layer per level, as [`Populations::find`] gives them)
    /// that counts the area. `None` where the figure is no value, the indicator no
    /// percentage, or no layer has the area or the age group.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, Populations};
    /// let ds = omzien::demo::dataset();
    /// let wave = *ds.waves().last().unwrap();
    /// let g = omzien::AreaCode::Gemeente(omzien::demo::GEMEENTE);
    /// // Key figures as `omzien fetch kerncijfers` writes them.
    /// let dir = std::env::temp_dir().join(format!("omzien-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let file = dir.join("kerncijfers_2020.csv");
    /// std::fs::write(&file, format!("code,name,population,age_0_14,age_15_24,age_65plus\n\
    ///     {g},Omzienrade,20000,3000,2000,4000\n"))?;
    /// let pops = Populations::from_key_figures(&file)?;
    /// let c = ds.people(g, Indicator::LONELY, wave, AgeGroup::ADULTS, &[pops])?.unwrap();
    /// assert_eq!(c.population, 20000.0 - 3000.0 - 0.3 * 2000.0);
    /// assert!(!c.exact_age, "18+ is approximated from the age bands");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError`] for an area, wave, age group or indicator the data does not hold.
    pub fn people(
        &self,
        area: AreaCode,
        indicator: Indicator,
        wave: Wave,
        age: AgeGroup,
        populations: &[Populations],
    ) -> Result<Option<PeopleCount>, QueryError> {
        let Some(v) = self.figure(area, indicator, wave, age)?.value() else {
            return Ok(None);
        };
        if self.indicator_info(indicator).map(|i| i.unit) != Some(Unit::Percent) {
            return Ok(None);
        }
        for p in populations
            .iter()
            .filter(|p| p.level() == Some(area.level()))
        {
            let Ok(w) = p.weights_for(age) else { continue };
            // A population of all ages says nothing of how many are 18 or over: no count
            // rather than one too high.
            if w.age() != Some(age) {
                continue;
            }
            let Some(population) = w.get(area) else {
                continue;
            };
            let exact_age = !w.is_approximate();
            return Ok(Some(PeopleCount {
                area,
                people: (v / 100.0 * population / 10.0).round() * 10.0,
                population,
                exact_age,
                source: p.source().to_owned(),
                basis: w.source().to_owned(),
                year: w.year(),
            }));
        }
        Ok(None)
    }
}
