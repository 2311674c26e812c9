//! The 11-item De Jong-Gierveld loneliness scale: items, answers, and the scoring rules.
//!
//! Six items ask about emotional loneliness and are worded negatively ("I miss having a really
//! close friend"): **ja** and **min of meer** count as a lonely answer. Five ask about social
//! loneliness and are worded positively ("There are plenty of people I can lean on"): **nee**
//! and **min of meer** count. The total (0–11) is the number of lonely answers: lonely from 3,
//! severely lonely from 9 (the definitions behind StatLine 50090NED's `Eenzaam_28` and
//! `ErnstigZeerErnstigEenzaam_29`).
//!
//! **Subscale thresholds.** RIVM's notes on these figures give "2 or more" unfavourable items
//! of a subscale in one place and "3 or more" in another. The default here is **3**, the same
//! cut as the total scale's "lonely", so a respondent who is emotionally or socially lonely by
//! this rule has at least the answers that make a respondent lonely overall; both thresholds
//! are parameters ([`ScoringRules::with_subscale_thresholds`]).
//!
//! **Missing items.** A measure is scored only when at most [`ScoringRules::max_missing`]
//! of *its* items are unanswered (default 0: complete answers only, the rule the published
//! figures follow for the scale as a whole). Where missing items are allowed, they count as
//! not lonely, so a flag is set only when the answered items alone reach the threshold: a
//! respondent is never made lonely by an assumption. Each measure is judged on its own items:
//! a respondent who skipped one social item can still be scored on the emotional subscale.

use serde::Serialize;

/// One answer to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// "nee".
    Nee,
    /// "min of meer".
    MinOfMeer,
    /// "ja".
    Ja,
    /// Not answered.
    Missing,
}

impl Answer {
    /// The three answers, then missing.
    pub const ALL: [Self; 4] = [Self::Nee, Self::MinOfMeer, Self::Ja, Self::Missing];
}

/// The two subscales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subscale {
    /// Emotional loneliness: negatively worded items.
    Emotional,
    /// Social loneliness: positively worded items.
    Social,
}

/// One item of the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Item {
    /// Its number in the questionnaire, 1–11.
    pub number: u8,
    /// Its subscale.
    pub subscale: Subscale,
    /// The Dutch wording.
    pub text_nl: &'static str,
}

impl Item {
    /// Whether an answer to this item counts as lonely.
    #[must_use]
    pub const fn is_lonely(self, a: Answer) -> bool {
        matches!(
            (self.subscale, a),
            (Subscale::Emotional, Answer::Ja | Answer::MinOfMeer)
                | (Subscale::Social, Answer::Nee | Answer::MinOfMeer)
        )
    }
}

const fn item(number: u8, subscale: Subscale, text_nl: &'static str) -> Item {
    Item {
        number,
        subscale,
        text_nl,
    }
}

/// The 11 items in questionnaire order.
pub const ITEMS: [Item; 11] = [
    item(
        1,
        Subscale::Social,
        "Er is altijd wel iemand in mijn omgeving bij wie ik met mijn dagelijkse problemen terecht kan",
    ),
    item(
        2,
        Subscale::Emotional,
        "Ik mis een echt goede vriend of vriendin",
    ),
    item(3, Subscale::Emotional, "Ik ervaar een leegte om mij heen"),
    item(
        4,
        Subscale::Social,
        "Er zijn genoeg mensen op wie ik in geval van narigheid kan terugvallen",
    ),
    item(5, Subscale::Emotional, "Ik mis gezelligheid om mij heen"),
    item(
        6,
        Subscale::Emotional,
        "Ik vind mijn kring van kennissen te beperkt",
    ),
    item(
        7,
        Subscale::Social,
        "Ik heb veel mensen op wie ik volledig kan vertrouwen",
    ),
    item(
        8,
        Subscale::Social,
        "Er zijn voldoende mensen met wie ik me nauw verbonden voel",
    ),
    item(9, Subscale::Emotional, "Ik mis mensen om mij heen"),
    item(
        10,
        Subscale::Emotional,
        "Vaak voel ik me in de steek gelaten",
    ),
    item(
        11,
        Subscale::Social,
        "Wanneer ik daar behoefte aan heb, kan ik altijd bij mijn vrienden terecht",
    ),
];

/// The measures computed per respondent, in the order of [`Flags`] and of the indicators they
/// become (`Eenzaam_28`, `ErnstigZeerErnstigEenzaam_29`, `EmotioneelEenzaam_30`,
/// `SociaalEenzaam_31`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Total score at or above [`ScoringRules::lonely_from`].
    Lonely,
    /// Total score at or above [`ScoringRules::severe_from`].
    Severe,
    /// Emotional subscale at or above its threshold.
    Emotional,
    /// Social subscale at or above its threshold.
    Social,
}

impl Measure {
    /// The four measures.
    pub const ALL: [Self; 4] = [Self::Lonely, Self::Severe, Self::Emotional, Self::Social];

    /// The name written in `estimates.csv` (`Lonely`) and, in lower case, the key of the
    /// summary (`lonely`).
    #[must_use]
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Lonely => ("Lonely", "lonely"),
            Self::Severe => ("Severe", "severe"),
            Self::Emotional => ("Emotional", "emotional"),
            Self::Social => ("Social", "social"),
        }
    }
}

/// One respondent's lonely and unanswered items per subscale (index 0 emotional, 1 social).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items answered lonely.
    pub lonely: [u8; 2],
    /// Items not answered.
    pub missing: [u8; 2],
}

impl Counts {
    /// Counts the answers.
    #[must_use]
    pub fn of(answers: &[Answer; 11]) -> Self {
        let mut c = Self::default();
        for (item, &a) in ITEMS.iter().zip(answers) {
            let s = item.subscale as usize;
            if a == Answer::Missing {
                c.missing[s] += 1;
            } else if item.is_lonely(a) {
                c.lonely[s] += 1;
            }
        }
        c
    }
}

/// Per measure: `Some(true)` lonely, `Some(false)` not, `None` not scored (too many items
/// missing).
pub type Flags = [Option<bool>; 4];

/// How answers become flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScoringRules {
    /// Lonely from this total (default 3).
    pub lonely_from: u8,
    /// Severely lonely from this total (default 9).
    pub severe_from: u8,
    /// Emotionally lonely from this subscale score, 0–6 (default 3).
    pub emotional_from: u8,
    /// Socially lonely from this subscale score, 0–5 (default 3).
    pub social_from: u8,
    /// At most this many unanswered items per measure (default 0).
    pub max_missing: u8,
}

impl Default for ScoringRules {
    fn default() -> Self {
        Self {
            lonely_from: 3,
            severe_from: 9,
            emotional_from: 3,
            social_from: 3,
            max_missing: 0,
        }
    }
}

impl ScoringRules {
    /// Other subscale thresholds (e.g. 2 and 2).
    #[must_use]
    pub fn with_subscale_thresholds(mut self, emotional: u8, social: u8) -> Self {
        self.emotional_from = emotional;
        self.social_from = social;
        self
    }

    /// Allow up to `n` unanswered items per measure, counted as not lonely.
    #[must_use]
    pub fn with_max_missing(mut self, n: u8) -> Self {
        self.max_missing = n;
        self
    }

    /// Scores one respondent.
    ///
    /// ```
    /// use omzien::microdata::{Answer::*, ScoringRules};
    /// // Items 2 and 3 (emotional) "ja", item 1 (social) "nee": 3 lonely answers.
    /// let answers = [Nee, Ja, Ja, Ja, Nee, Nee, Ja, Ja, Nee, Nee, Ja];
    /// let [lonely, severe, emotional, social] = ScoringRules::default().score(&answers);
    /// assert_eq!((lonely, severe), (Some(true), Some(false)));
    /// assert_eq!((emotional, social), (Some(false), Some(false)));
    /// ```
    #[must_use]
    pub fn score(&self, answers: &[Answer; 11]) -> Flags {
        self.flags(Counts::of(answers))
    }

    /// Flags from a respondent's counts of lonely and unanswered items per subscale.
    #[must_use]
    pub fn flags(&self, counts: Counts) -> Flags {
        let Counts { lonely, missing } = counts;
        let total = lonely[0] + lonely[1];
        let total_missing = missing[0] + missing[1];
        let flag =
            |score: u8, miss: u8, from: u8| (miss <= self.max_missing).then_some(score >= from);
        [
            flag(total, total_missing, self.lonely_from),
            flag(total, total_missing, self.severe_from),
            flag(lonely[0], missing[0], self.emotional_from),
            flag(lonely[1], missing[1], self.social_from),
        ]
    }
}

/// The flags of every possible count of lonely and unanswered items (emotional 0–6, social
/// 0–5), as bits: bit m scored on measure m, bit 4 + m lonely on it.
pub(super) struct FlagTable(Vec<u8>);

impl FlagTable {
    pub(super) fn new(rules: &ScoringRules) -> Self {
        let mut t = vec![0u8; 7 * 6 * 7 * 6];
        for le in 0..7u8 {
            for ls in 0..6u8 {
                for me in 0..7u8 {
                    for ms in 0..6u8 {
                        let flags = rules.flags(Counts {
                            lonely: [le, ls],
                            missing: [me, ms],
                        });
                        t[Self::index(le, ls, me, ms)] = Self::bits(&flags);
                    }
                }
            }
        }
        Self(t)
    }
    fn index(le: u8, ls: u8, me: u8, ms: u8) -> usize {
        ((usize::from(le) * 6 + usize::from(ls)) * 7 + usize::from(me)) * 6 + usize::from(ms)
    }
    fn bits(flags: &Flags) -> u8 {
        flags.iter().enumerate().fold(0u8, |b, (m, f)| match f {
            Some(y) => b | (1 << m) | (u8::from(*y) << (m + 4)),
            None => b,
        })
    }
    /// The flag bits of a respondent's counts.
    #[inline]
    pub(super) fn get(&self, c: Counts, rules: &ScoringRules) -> u8 {
        let [le, ls] = c.lonely;
        let [me, ms] = c.missing;
        if le < 7 && ls < 6 && me < 7 && ms < 6 {
            self.0[Self::index(le, ls, me, ms)]
        } else {
            Self::bits(&rules.flags(c))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_emotional_and_five_social_items() {
        let e = ITEMS
            .iter()
            .filter(|i| i.subscale == Subscale::Emotional)
            .map(|i| i.number)
            .collect::<Vec<_>>();
        assert_eq!(e, [2, 3, 5, 6, 9, 10]);
        assert_eq!(
            ITEMS.iter().map(|i| i.number).collect::<Vec<_>>(),
            (1..=11).collect::<Vec<_>>()
        );
    }
}
