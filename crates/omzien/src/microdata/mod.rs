//! Respondent microdata: De Jong-Gierveld scoring and weighted prevalence per buurt, wijk,
//! gemeente and user-defined groups, per wave and age group, with rayon.
//!
//! The result is the same [`Dataset`](crate::Dataset) the published figures load into, with the 95% bounds as
//! the table's `MOG0095`/`MBG0095` margins, so trends, risk lists and tiles work on it
//! unchanged.
//!
//! **Estimates.** The prevalence of a cell is the weighted share `Σwy / Σw` of its scored
//! respondents. Its precision is judged on Kish's effective sample size `n_eff = (Σw)² / Σw²`,
//! which discounts unequal weights.
//!
//! **Interval: Wilson on `n_eff`.** The Wilson score interval stays inside 0–100 %, keeps
//! close to its nominal 95 % coverage at the small samples of buurten and for shares near 0 or
//! 1 (where the Wald interval fails), and is closed-form. Using `n_eff` in place of `n` carries
//! the design effect of the weights into it (Kish). A logit interval behaves alike but is
//! undefined at 0 and 100 %, which small buurten reach.
//!
//! **Suppression.** A cell with fewer than [`MicrodataOptions::min_respondents`] scored
//! respondents (default 50) is written as suppressed (`.`), with the reason kept in
//! [`Estimate::suppressed`]; no figure below the threshold is ever written.
//!
//! **Never a silent drop.** A record that cannot be used is excluded and counted in
//! [`Summary::excluded`] with its reason and the first rows concerned: unknown wave, invalid or
//! unknown area code, missing or non-positive weight, missing age or an age outside every age
//! group, an answer code the mapping does not know, a respondent id repeated within a wave (all
//! copies). A respondent with too many unanswered items for a measure is kept for the other
//! measures and counted in [`Summary::not_scored`].

//!
//! The modules: [`Mapping`] (column names and codes), scoring ([`ScoringRules`]), the
//! respondent types and options, the row pass and its driver (`pipeline`), repeated ids
//! (`dedupe`), the estimates (`estimate`: Wilson on Kish's n_eff, roll-up), the estimates as
//! published figures (`figures`), the CSV outputs and synthetic respondents.

mod decode;
mod dedupe;
mod estimate;
mod figures;
mod mapping;
mod pipeline;
mod score;
mod synth;
mod types;
mod write;

/// A hash map with a fast, non-cryptographic hasher (keys are the file's own codes).
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use estimate::wilson;
pub use figures::indicators;
pub(crate) use mapping::normalize;
pub use mapping::{Answers, Columns, Mapping};
pub use pipeline::aggregate_file;
pub use score::{Answer, Counts, Flags, ITEMS, Item, Measure, ScoringRules, Subscale};
pub use synth::{SYNTHETIC_COLUMN, SynthOptions, SynthReport, synthetic_respondents};
pub use types::{
    Estimate, Exclusion, ExclusionCount, MAX_AGE_GROUPS, MicrodataError, MicrodataOptions,
    OptionError, Prevalence, Summary, Suppression, Unit,
};
pub use write::{write_estimates_csv, write_odata_csv};
