//! A council summary in words: deterministic Dutch (B1: short sentences, everyday words,
//! "procentpunt" spelled out and explained once, decimal commas, the rule behind a verdict in
//! a note) and English, each sentence from one statement of
//! [`Dataset::council_summary`](omzien::Dataset::council_summary) and its numbers only from
//! that statement's facts; as plain text, Markdown or HTML.

use omzien::{
    AgeGroup, CouncilSummary, Dataset, Indicator, Level, NamedArea, Rule, Statement, SummaryCaveat,
    Verdict,
};
use serde::Serialize;

use crate::Lang;
use crate::report::T;

/// A sentence of the main text, traced to its statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Sentence {
    /// The text, without note markers.
    pub text: String,
    /// The index of the statement it says.
    pub statement: usize,
    /// The note (1-based) that gives the rule behind it, if any.
    pub note: Option<usize>,
}

/// A part of a paragraph: a sentence, or a list of names after one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Part {
    /// A sentence.
    Sentence(Sentence),
    /// A list (the areas a sentence counts), traced to its statement.
    List {
        /// The items.
        items: Vec<String>,
        /// The statement.
        statement: usize,
    },
}

/// A council summary in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Brief {
    /// The title.
    pub title: String,
    /// The paragraphs: the gemeente, 65+, the areas, then "keep in mind".
    pub paragraphs: Vec<Vec<Part>>,
    /// The notes: the rule behind a verdict, numbered from 1.
    pub notes: Vec<String>,
    /// Where the figures come from.
    pub source: String,
}

impl Brief {
    /// Every sentence of the main text, in order.
    pub fn sentences(&self) -> impl Iterator<Item = &Sentence> {
        self.paragraphs.iter().flatten().filter_map(|p| match p {
            Part::Sentence(s) => Some(s),
            Part::List { .. } => None,
        })
    }

    /// A paragraph's parts as its writers take them: runs of sentences (written as one
    /// paragraph, each followed by its note marker) and the lists between them.
    #[must_use]
    pub fn blocks(paragraph: &[Part]) -> Vec<Block<'_>> {
        let mut out: Vec<Block<'_>> = Vec::new();
        for part in paragraph {
            match part {
                Part::Sentence(s) => match out.last_mut() {
                    Some(Block::Sentences(run)) => run.push(s),
                    _ => out.push(Block::Sentences(vec![s])),
                },
                Part::List { items, .. } => out.push(Block::List(items)),
            }
        }
        out
    }

    /// Plain text: paragraphs, lists as indented lines, notes as `[1] …` at the end.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.title);
        for p in &self.paragraphs {
            for b in Self::blocks(p) {
                match b {
                    Block::Sentences(run) => {
                        out.push_str(&joined(&run, str::to_owned, |n| format!(" [{n}]")));
                        out.push('\n');
                    }
                    Block::List(items) => {
                        for i in items {
                            out.push_str(&format!("  - {i}\n"));
                        }
                    }
                }
            }
            out.push('\n');
        }
        for (i, n) in self.notes.iter().enumerate() {
            out.push_str(&format!("[{}] {n}\n", i + 1));
        }
        out.push_str(&format!("\n{}\n", self.source));
        out
    }

    /// Markdown: a heading, paragraphs, lists, notes as footnotes (`[^1]`).
    #[must_use]
    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('*', "\\*").replace('_', "\\_");
        let mut out = format!("# {}\n\n", esc(&self.title));
        for p in &self.paragraphs {
            for b in Self::blocks(p) {
                match b {
                    Block::Sentences(run) => {
                        out.push_str(&joined(&run, esc, |n| format!("[^{n}]")));
                        out.push_str("\n\n");
                    }
                    Block::List(items) => {
                        for i in items {
                            out.push_str(&format!("- {}\n", esc(i)));
                        }
                        out.push('\n');
                    }
                }
            }
        }
        out.push_str(&format!("{}\n\n", esc(&self.source)));
        for (i, n) in self.notes.iter().enumerate() {
            out.push_str(&format!("[^{}]: {}\n", i + 1, esc(n)));
        }
        out
    }

    /// A whole HTML page (`lang` set, one `h1`, notes as an ordered list linked both ways),
    /// with no script and no outside resource.
    #[must_use]
    pub fn html(&self, lang: Lang) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let (code, note_word) = match lang {
            Lang::Nl => ("nl", "noot"),
            Lang::En => ("en", "note"),
        };
        let mut body = format!("<h1>{}</h1>\n", esc(&self.title));
        for p in &self.paragraphs {
            for b in Self::blocks(p) {
                match b {
                    Block::Sentences(run) => {
                        let para = joined(&run, esc, |n| {
                            format!(
                                "<sup><a href=\"#note-{n}\" aria-label=\"{note_word} {n}\">{n}</a></sup>"
                            )
                        });
                        body.push_str(&format!("<p>{para}</p>\n"));
                    }
                    Block::List(items) => {
                        body.push_str("<ul>\n");
                        for i in items {
                            body.push_str(&format!("<li>{}</li>\n", esc(i)));
                        }
                        body.push_str("</ul>\n");
                    }
                }
            }
        }
        body.push_str(&format!("<p class=\"source\">{}</p>\n", esc(&self.source)));
        if !self.notes.is_empty() {
            body.push_str(&format!(
                "<h2>{}</h2>\n<ol class=\"notes\">\n",
                match lang {
                    Lang::Nl => "Noten",
                    Lang::En => "Notes",
                }
            ));
            for (i, n) in self.notes.iter().enumerate() {
                body.push_str(&format!("<li id=\"note-{}\">{}</li>\n", i + 1, esc(n)));
            }
            body.push_str("</ol>\n");
        }
        format!(
            "<!doctype html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <link rel=\"icon\" href=\"data:,\">\n<title>{}</title>\n<style>\n\
             body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}}\n\
             .source,.notes{{font-size:.9rem;color:#333}}\n\
             a{{color:#0b4f8a}}\n\
             </style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
            esc(&self.title)
        )
    }
}

/// A paragraph's sentences in a run, or a list ([`Brief::blocks`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Block<'a> {
    /// Sentences written as one paragraph.
    Sentences(Vec<&'a Sentence>),
    /// A list.
    List(&'a [String]),
}

/// Sentences joined by spaces, each written by `text` and followed by `marker` of its note.
pub(crate) fn joined(
    run: &[&Sentence],
    text: impl Fn(&str) -> String,
    marker: impl Fn(usize) -> String,
) -> String {
    run.iter()
        .map(|s| {
            let mut t = text(&s.text);
            if let Some(n) = s.note {
                t.push_str(&marker(n));
            }
            t
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How an indicator is said of people: Dutch verb and rest ("voelt", "zich eenzaam"), English.
fn phrase(ind: Indicator, lang: Lang) -> (String, String) {
    let known = |nl: (&str, &str), en: &str| match lang {
        Lang::Nl => (nl.0.to_owned(), nl.1.to_owned()),
        Lang::En => (en.to_owned(), String::new()),
    };
    if ind == Indicator::LONELY {
        known(("voelt", "zich eenzaam"), "feel lonely")
    } else if ind == Indicator::SEVERELY_LONELY {
        known(
            ("voelt", "zich ernstig of zeer ernstig eenzaam"),
            "feel severely or very severely lonely",
        )
    } else if ind == Indicator::EMOTIONALLY_LONELY {
        known(
            ("voelt", "zich emotioneel eenzaam"),
            "feel emotionally lonely",
        )
    } else if ind == Indicator::SOCIALLY_LONELY {
        known(("voelt", "zich sociaal eenzaam"), "feel socially lonely")
    } else {
        let label = label(ind, lang);
        match lang {
            Lang::Nl => ("valt".to_owned(), format!("onder \"{label}\"")),
            Lang::En => (format!("are counted under \"{label}\""), String::new()),
        }
    }
}

/// An indicator's label, lower case, without its unit.
fn label(ind: Indicator, lang: Lang) -> String {
    let l = match lang {
        Lang::Nl => ind.label_nl(),
        Lang::En => ind.label_en(),
    }
    .map_or_else(|| ind.to_string(), str::to_owned);
    // "Eenzaamheid/Eenzaam (%)" → "eenzaam": after the group, no unit.
    let last = l.split_once('/').map_or(l.as_str(), |(_, rest)| rest);
    let bare = last.trim_end_matches(" (%)").trim();
    let mut c = bare.chars();
    match c.next() {
        Some(f) if c.clone().next().is_some_and(char::is_lowercase) => {
            f.to_lowercase().chain(c).collect()
        }
        _ => bare.to_owned(),
    }
}

/// "volwassenen (18 jaar en ouder)", "older people (65 and over)".
fn people(age: AgeGroup, lang: Lang) -> String {
    let (nl, en) = if age == AgeGroup::ADULTS {
        ("volwassenen (18 jaar en ouder)", "adults (18 and over)")
    } else if age == AgeGroup::SENIORS {
        ("ouderen (65 jaar en ouder)", "older people (65 and over)")
    } else {
        return match lang {
            Lang::Nl => format!("inwoners van {}", age.short()),
            Lang::En => format!("people aged {}", age.short()),
        };
    };
    match lang {
        Lang::Nl => nl.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn areas_word(level: Level, plural: bool, lang: Lang) -> &'static str {
    match (level, plural, lang) {
        (Level::Buurt, false, Lang::Nl) => "buurt",
        (Level::Buurt, true, Lang::Nl) => "buurten",
        (Level::Buurt, false, Lang::En) => "neighbourhood",
        (Level::Buurt, true, Lang::En) => "neighbourhoods",
        (_, false, Lang::Nl) => "wijk",
        (_, true, Lang::Nl) => "wijken",
        (_, false, Lang::En) => "district",
        (_, true, Lang::En) => "districts",
    }
}

/// Writes the words as the statements say.
struct Writer<'a> {
    t: T,
    lang: Lang,
    name: &'a str,
    notes: Vec<String>,
    /// Whether "procentpunt" has been explained.
    pp_explained: bool,
}

impl Writer<'_> {
    fn s(&self, nl: &'static str, en: &'static str) -> &'static str {
        self.t.s(nl, en)
    }

    fn pct(&self, v: f64) -> String {
        format!("{}%", self.t.num(v))
    }

    /// "6,8 procentpunt" (explained the first time), "6.8 percentage points".
    fn pp(&mut self, v: f64) -> String {
        let n = self.t.num(v.abs());
        match self.lang {
            Lang::Nl if !self.pp_explained => {
                self.pp_explained = true;
                format!("{n} procentpunt (het verschil tussen twee percentages)")
            }
            Lang::Nl => format!("{n} procentpunt"),
            Lang::En => format!("{n} percentage points"),
        }
    }

    /// "12,3 procentpunt" without the explanation (in a list).
    fn pp_short(&self, v: f64) -> String {
        let n = self.t.num(v);
        match self.lang {
            Lang::Nl => format!("{n} procentpunt"),
            Lang::En => format!("{n} percentage points"),
        }
    }

    fn note(&mut self, text: String) -> Option<usize> {
        if let Some(i) = self.notes.iter().position(|n| *n == text) {
            return Some(i + 1);
        }
        self.notes.push(text);
        Some(self.notes.len())
    }

    fn rule_note(&mut self, rule: Rule, interval: Option<(f64, f64)>, what: &str) -> Option<usize> {
        let text = match (rule, interval) {
            (Rule::Interval, Some((lo, hi))) => match self.lang {
                Lang::Nl => format!(
                    "Vergeleken met het 95%-betrouwbaarheidsinterval van {what} ({}–{}%): meer of minder als het landelijke cijfer erbuiten ligt.",
                    self.t.num(lo),
                    self.t.num(hi)
                ),
                Lang::En => format!(
                    "Compared by the 95% confidence interval of {what} ({}–{}%): more or less when the national figure lies outside it.",
                    self.t.num(lo),
                    self.t.num(hi)
                ),
            },
            (Rule::Band(_), _) | (Rule::Interval, None) => {
                let b = if let Rule::Band(b) = rule {
                    b
                } else {
                    omzien::CompareQuery::DEFAULT_BAND
                };
                match self.lang {
                    Lang::Nl => format!(
                        "Deze cijfers hebben geen betrouwbaarheidsinterval: meer dan {} procentpunt verschil telt als meer of minder. Dit is geen significantietoets.",
                        self.t.num(b)
                    ),
                    Lang::En => format!(
                        "These figures carry no confidence interval: a difference of more than {} percentage points counts as more or less. This is not a significance test.",
                        self.t.num(b)
                    ),
                }
            }
        };
        self.note(text)
    }

    /// A sentence and the list it introduces.
    fn listed(
        &self,
        statement: usize,
        text: String,
        note: Option<usize>,
        items: Vec<String>,
    ) -> [Part; 2] {
        [
            self.sentence(statement, text, note),
            Part::List { items, statement },
        ]
    }

    fn sentence(&self, statement: usize, text: String, note: Option<usize>) -> Part {
        Part::Sentence(Sentence {
            text,
            statement,
            note,
        })
    }

    /// The names of areas, each with its value.
    fn names(&self, areas: &[NamedArea]) -> Vec<String> {
        areas
            .iter()
            .map(|a| format!("{} ({})", a.name, self.pct(a.value)))
            .collect()
    }

    /// The level of the gemeente and, where there is one, beside the Netherlands.
    fn level(&mut self, i: usize, st: &Statement, (verb, rest): (&str, &str)) -> Vec<Part> {
        let Statement::Level {
            age,
            fact,
            national,
            verdict,
            rule,
            ..
        } = st
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let text = match self.lang {
            Lang::Nl => format!(
                "In {} {verb} {} van de {} {rest} ({}).",
                self.name,
                self.pct(fact.value),
                people(*age, self.lang),
                fact.wave
            ),
            Lang::En => format!(
                "In {}, {} of {} {verb} ({}).",
                self.name,
                self.pct(fact.value),
                people(*age, self.lang),
                fact.wave
            ),
        };
        let p = self.sentence(i, text, None);
        out.push(p);
        if let Some(nl) = national {
            let how = match verdict {
                Verdict::Higher => self.s("meer dan", "more than"),
                Verdict::Lower => self.s("minder dan", "less than"),
                _ => self.s("ongeveer even veel als", "about the same as"),
            };
            let text = match self.lang {
                Lang::Nl => format!("Dat is {how} in heel Nederland ({}).", self.pct(*nl)),
                Lang::En => {
                    format!(
                        "That is {how} in the Netherlands as a whole ({}).",
                        self.pct(*nl)
                    )
                }
            };
            let note = self.rule_note(*rule, fact.interval, &fact.name);
            let p = self.sentence(i, text, note);
            out.push(p);
        }
        out
    }

    /// A change since an earlier wave, tested where both waves have bounds.
    fn change(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::Change {
            from,
            delta,
            significant,
            since_first,
            band,
            ..
        } = st
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let moved = match significant {
            Some(s) => *s,
            None => delta.abs() > *band,
        };
        let what = if !moved {
            self.s("ongeveer gelijk gebleven", "stayed about the same")
                .to_owned()
        } else if *delta > 0.0 {
            format!("{} {}", self.s("gestegen met", "risen by"), self.pp(*delta))
        } else {
            format!("{} {}", self.s("gedaald met", "fallen by"), self.pp(*delta))
        };
        let text = match (self.lang, since_first) {
            (Lang::Nl, true) => format!(
                "In {} was dat {}. Het aandeel is sindsdien {what}.",
                from.wave,
                self.pct(from.value)
            ),
            (Lang::En, true) => format!(
                "In {} it was {}. The share has since {what}.",
                from.wave,
                self.pct(from.value)
            ),
            (Lang::Nl, false) => format!(
                "Sinds {} ({}) is het aandeel {what}.",
                from.wave,
                self.pct(from.value)
            ),
            (Lang::En, false) => format!(
                "Since {} ({}) the share has {what}.",
                from.wave,
                self.pct(from.value)
            ),
        };
        let note = self.note(match (significant, self.lang) {
            (Some(_), Lang::Nl) => "Een verandering is getoetst met de 95%-grenzen van beide jaren (MOVER, Newcombe 1998); zonder significant verschil heet ze gelijk gebleven.".to_owned(),
            (Some(_), Lang::En) => "A change is tested with the 95% bounds of both years (MOVER, Newcombe 1998); without a significant difference it is called the same.".to_owned(),
            (None, Lang::Nl) => format!("Niet getoetst: deze cijfers hebben geen grenzen. Meer dan {} procentpunt verschil telt als stijging of daling.", self.t.num(*band)),
            (None, Lang::En) => format!("Not tested: these figures carry no bounds. More than {} percentage points counts as a rise or a fall.", self.t.num(*band)),
        });
        let p = self.sentence(i, text, note);
        out.push(p);
        out
    }

    /// A change that cannot be given.
    fn no_change(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::NoChange { from, .. } = st else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let text = match self.lang {
            Lang::Nl => format!(
                "Een verandering sinds {from} is niet te geven: een van de cijfers ontbreekt."
            ),
            Lang::En => {
                format!("No change since {from} can be given: one of the figures is missing.")
            }
        };
        let p = self.sentence(i, text, None);
        out.push(p);
        out
    }

    /// The areas that are high, rising, or both, by `omzien risk`'s rules.
    fn risk_areas(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::RiskAreas {
            level,
            ranked,
            top_share,
            high_applies,
            min_rise,
            since,
            reference,
            high,
            rising,
            both,
        } = st
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let (against_nl, against_en) = match reference {
            omzien::RiseReference::Gemeente => {
                ("dan in de hele gemeente", "than the gemeente as a whole")
            }
            omzien::RiseReference::None => ("dan eerder", "than before"),
            _ => ("dan in heel Nederland", "than the Netherlands"),
        };
        let (one, many) = (
            areas_word(*level, false, self.lang),
            areas_word(*level, true, self.lang),
        );
        let rules = self.note(match self.lang {
            Lang::Nl => format!(
                "Zoals omzien risk ze aanwijst: hoog is bij de hoogste {}% van de {many} van de gemeente (alleen bij 10 of meer {many} met een cijfer); gestegen is meer dan {} procentpunt sterker gestegen {against_nl}, en significant waar de cijfers grenzen hebben.",
                self.t.num(top_share * 100.0),
                self.t.num(*min_rise)
            ),
            Lang::En => format!(
                "As omzien risk marks them: high is among the highest {}% of the gemeente's {many} (only with 10 or more {many} with a figure); rising is more than {} percentage points more {against_en}, and significant where the figures carry bounds.",
                self.t.num(top_share * 100.0),
                self.t.num(*min_rise)
            ),
        });
        if !high_applies {
            let text = match self.lang {
                Lang::Nl => format!(
                    "{} heeft {ranked} {} met een cijfer. Dat is te weinig om de hoogste aan te wijzen.",
                    self.name,
                    if *ranked == 1 { one } else { many }
                ),
                Lang::En => format!(
                    "{} has {ranked} {} with a figure. That is too few to single out the highest.",
                    self.name,
                    if *ranked == 1 { one } else { many }
                ),
            };
            out.push(self.sentence(i, text, rules));
        } else {
            let text = match self.lang {
                Lang::Nl => format!(
                    "Van de {ranked} {many} met een cijfer hebben er {} een hoog aandeel:",
                    high.len()
                ),
                Lang::En => format!(
                    "Of the {ranked} {many} with a figure, {} have a high share:",
                    high.len()
                ),
            };
            out.extend(self.listed(i, text, rules, self.names(high)));
        }
        if let Some(since) = since {
            if rising.is_empty() {
                let text = match self.lang {
                    Lang::Nl => format!(
                        "Geen {one} is sinds {since} duidelijk sterker gestegen {against_nl}."
                    ),
                    Lang::En => {
                        format!("No {one} has risen clearly more {against_en} since {since}.")
                    }
                };
                out.push(self.sentence(i, text, rules));
            } else {
                let text = match self.lang {
                    Lang::Nl => format!(
                        "In {} {} steeg het aandeel sinds {since} duidelijk sterker {against_nl}:",
                        rising.len(),
                        if rising.len() == 1 { one } else { many }
                    ),
                    Lang::En => format!(
                        "In {} {} the share has risen clearly more {against_en} since {since}:",
                        rising.len(),
                        if rising.len() == 1 { one } else { many }
                    ),
                };
                out.extend(
                    self.listed(
                        i,
                        text,
                        rules,
                        rising
                            .iter()
                            .map(|a| match a.change {
                                Some(d) => format!(
                                    "{} ({}{})",
                                    a.name,
                                    if d > 0.0 { "+" } else { "" },
                                    self.pp_short(d)
                                ),
                                None => a.name.clone(),
                            })
                            .collect(),
                    ),
                );
            }
            if *high_applies {
                let text = match (self.lang, both.len()) {
                    (Lang::Nl, 0) => {
                        format!("Geen {one} is zowel hoog als sterk gestegen.")
                    }
                    (Lang::En, 0) => format!("No {one} is both high and rising."),
                    (Lang::Nl, n) => format!(
                        "In {n} {} is het aandeel hoog en stijgt het ook:",
                        if n == 1 { one } else { many },
                    ),
                    (Lang::En, n) => format!(
                        "In {n} {} the share is high and rising:",
                        if n == 1 { one } else { many },
                    ),
                };
                out.push(self.sentence(i, text, None));
                if !both.is_empty() {
                    out.push(Part::List {
                        items: both.iter().map(|a| a.name.clone()).collect(),
                        statement: i,
                    });
                }
            }
        }
        out
    }

    /// The highest and the lowest area.
    fn extremes(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::Extremes {
            highest, lowest, ..
        } = st
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let text = match self.lang {
            Lang::Nl => format!(
                "Het hoogst is het aandeel in {} ({}), het laagst in {} ({}).",
                highest.name,
                self.pct(highest.value),
                lowest.name,
                self.pct(lowest.value)
            ),
            Lang::En => format!(
                "The share is highest in {} ({}) and lowest in {} ({}).",
                highest.name,
                self.pct(highest.value),
                lowest.name,
                self.pct(lowest.value)
            ),
        };
        out.push(self.sentence(i, text, None));
        out
    }

    /// Related problems that are more (or less) common in the highest areas.
    fn factors(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::Factors {
            level,
            areas: top,
            factors,
        } = st
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let many = areas_word(*level, true, self.lang);
        let note = self.note(match self.lang {
            Lang::Nl => "Per wijk vergeleken met heel Nederland (95%-interval, of meer dan 2 procentpunt zonder interval); genoemd als het in minstens de helft van deze wijken slechter is.".to_owned(),
            Lang::En => "Each area compared with the Netherlands (95% interval, or more than 2 percentage points without one); named when it is worse in at least half of these areas.".to_owned(),
        });
        let label_of = |ind: Indicator, n: usize| match self.lang {
            Lang::Nl => format!("{} (in {n} van de {})", label(ind, self.lang), top.len()),
            Lang::En => format!("{} (in {n} of {})", label(ind, self.lang), top.len()),
        };
        // Worse reads "more common" where higher is worse, "less common" where higher
        // is better.
        let more: Vec<String> = factors
            .iter()
            .filter(|(ind, _)| ind.polarity() != omzien::Polarity::HigherIsBetter)
            .map(|(ind, n)| label_of(*ind, *n))
            .collect();
        let less: Vec<String> = factors
            .iter()
            .filter(|(ind, _)| ind.polarity() == omzien::Polarity::HigherIsBetter)
            .map(|(ind, n)| label_of(*ind, *n))
            .collect();
        if factors.is_empty() {
            let text = match self.lang {
                Lang::Nl => format!(
                    "In de {} {many} met het hoogste aandeel valt geen ander probleem vaker op dan landelijk.",
                    top.len()
                ),
                Lang::En => format!(
                    "In the {} {many} with the highest share, no other problem stands out more than nationally.",
                    top.len()
                ),
            };
            out.push(self.sentence(i, text, note));
        }
        if !more.is_empty() {
            let text = match self.lang {
                Lang::Nl => format!(
                    "In de {} {many} met het hoogste aandeel komt dit vaker voor dan landelijk:",
                    top.len()
                ),
                Lang::En => format!(
                    "In the {} {many} with the highest share, these are more common than nationally:",
                    top.len()
                ),
            };
            out.extend(self.listed(i, text, note, more));
        }
        if !less.is_empty() {
            let text = match self.lang {
                Lang::Nl => {
                    format!("En dit komt in die {many} minder vaak voor dan landelijk:")
                }
                Lang::En => {
                    format!("And these are less common in those {many} than nationally:")
                }
            };
            out.extend(self.listed(i, text, note, less));
        }
        out
    }

    /// No figures for the gemeente's areas.
    fn no_areas(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::NoAreas { level } = st else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let many = areas_word(*level, true, self.lang);
        let text = match self.lang {
            Lang::Nl => format!(
                "Voor de {many} van {} zijn geen cijfers gepubliceerd. Hier staat daarom alleen het cijfer van de gemeente.",
                self.name
            ),
            Lang::En => format!(
                "No figures are published for the {many} of {}. So only the gemeente's figure is given here.",
                self.name
            ),
        };
        out.push(self.sentence(i, text, None));
        out
    }

    /// What to keep in mind.
    fn caveat(&mut self, i: usize, st: &Statement) -> Vec<Part> {
        let Statement::Caveat { caveat: c } = st else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let text = match (c, self.lang) {
            (SummaryCaveat::Synthetic, Lang::Nl) => {
                "Let op: dit zijn verzonnen cijfers voor een demo, geen echte.".to_owned()
            }
            (SummaryCaveat::Synthetic, Lang::En) => {
                "Note: these are made-up figures for a demo, not real ones.".to_owned()
            }
            (SummaryCaveat::ModelEstimates, Lang::Nl) => {
                "De cijfers per wijk en buurt zijn schattingen met een rekenmodel, geen tellingen."
                    .to_owned()
            }
            (SummaryCaveat::ModelEstimates, Lang::En) => {
                "The figures per district and neighbourhood are model estimates, not counts."
                    .to_owned()
            }
            (
                SummaryCaveat::AgeRangeChanged {
                    from,
                    to,
                    from_min_age,
                    to_min_age,
                },
                Lang::Nl,
            ) => format!(
                "In {from} zijn mensen vanaf {from_min_age} jaar ondervraagd, in {to} vanaf {to_min_age} jaar. Een deel van de verandering kan daaruit komen."
            ),
            (
                SummaryCaveat::AgeRangeChanged {
                    from,
                    to,
                    from_min_age,
                    to_min_age,
                },
                Lang::En,
            ) => format!(
                "In {from} people from age {from_min_age} were asked, in {to} from age {to_min_age}. Part of the change may come from that."
            ),
            (SummaryCaveat::Suppressed { areas }, Lang::Nl) => format!(
                "Van {areas} {} is geen cijfer gepubliceerd, omdat te weinig mensen meededen.",
                if *areas == 1 { "gebied" } else { "gebieden" }
            ),
            (SummaryCaveat::Suppressed { areas }, Lang::En) => format!(
                "For {areas} {} no figure is published, because too few people took part.",
                if *areas == 1 { "area" } else { "areas" }
            ),
            (SummaryCaveat::NotMeasured { areas }, Lang::Nl) => format!(
                "Van {areas} {} is niets gemeten.",
                if *areas == 1 { "gebied" } else { "gebieden" }
            ),
            (SummaryCaveat::NotMeasured { areas }, Lang::En) => format!(
                "For {areas} {} nothing was measured.",
                if *areas == 1 { "area" } else { "areas" }
            ),
            (SummaryCaveat::Classification { year, earlier }, Lang::Nl) => format!(
                "De cijfers van {} zijn opnieuw berekend voor de indeling van {year}.",
                join(
                    &earlier.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    self.lang
                )
            ),
            (SummaryCaveat::Classification { year, earlier }, Lang::En) => format!(
                "The figures of {} were estimated again for the {year} map.",
                join(
                    &earlier.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    self.lang
                )
            ),
            (SummaryCaveat::NoIntervals { band }, Lang::Nl) => format!(
                "De cijfers hebben geen foutmarge. Meer dan {} procentpunt verschil noemen we meer of minder.",
                self.t.num(*band)
            ),
            (SummaryCaveat::NoIntervals { band }, Lang::En) => format!(
                "The figures carry no margin of error. We call more than {} percentage points more or less.",
                self.t.num(*band)
            ),
            (_, _) => return Vec::new(),
        };
        out.push(self.sentence(i, text, None));
        out
    }
}

/// A council summary in words.
///
/// ```
/// use omzien::SummaryQuery;
/// use omzien_render::{Lang, brief};
/// let ds = omzien::demo::dataset();
/// let s = ds.council_summary(&SummaryQuery::new(&ds, omzien::demo::GEMEENTE))?;
/// let b = brief(&ds, &s, Lang::Nl);
/// assert!(b.text().contains("verzonnen cijfers"));
/// # Ok::<(), omzien::QueryError>(())
/// ```
#[must_use]
pub fn brief(ds: &Dataset, s: &CouncilSummary, lang: Lang) -> Brief {
    let mut w = Writer {
        t: T { lang },
        lang,
        name: &s.name,
        notes: Vec::new(),
        pp_explained: false,
    };
    let (verb, rest) = phrase(s.indicator, lang);
    let mut main: Vec<Part> = Vec::new();
    let mut older: Vec<Part> = Vec::new();
    let mut areas: Vec<Part> = Vec::new();
    let mut keep: Vec<Part> = Vec::new();
    let first_age = s.statements.iter().find_map(|st| match st {
        Statement::Level { age, .. } | Statement::Change { age, .. } => Some(*age),
        _ => None,
    });
    for (i, st) in s.statements.iter().enumerate() {
        match st {
            Statement::Level { age, .. }
            | Statement::Change { age, .. }
            | Statement::NoChange { age, .. } => {
                let parts = match st {
                    Statement::Level { .. } => w.level(i, st, (&verb, &rest)),
                    Statement::Change { .. } => w.change(i, st),
                    _ => w.no_change(i, st),
                };
                // The first age group's sentences open the summary; the others follow.
                if Some(*age) == first_age {
                    main.extend(parts);
                } else {
                    older.extend(parts);
                }
            }
            Statement::RiskAreas { .. } => areas.extend(w.risk_areas(i, st)),
            Statement::Extremes { .. } => areas.extend(w.extremes(i, st)),
            Statement::Factors { .. } => areas.extend(w.factors(i, st)),
            Statement::NoAreas { .. } => areas.extend(w.no_areas(i, st)),
            Statement::Caveat { caveat } => {
                let parts = w.caveat(i, st);
                // That the figures are made up comes first; the rest closes the summary.
                if matches!(caveat, SummaryCaveat::Synthetic) {
                    main.splice(0..0, parts);
                } else {
                    keep.extend(parts);
                }
            }
            _ => {}
        }
    }
    if let Some(Part::Sentence(first)) = keep.first() {
        let at = first.statement;
        keep.insert(
            0,
            w.sentence(
                at,
                w.s("Houd hier rekening mee.", "Keep in mind.").to_owned(),
                None,
            ),
        );
    }
    let prov = ds.provenance();
    let source = match lang {
        Lang::Nl => format!(
            "Bron: Gezondheidsmonitor Volwassenen en Ouderen (GGD'en, CBS en RIVM){}, golf {}. Gemaakt met omzien.",
            ds.table()
                .map(|t| format!(", tabel {t}"))
                .unwrap_or_default(),
            s.latest
        ),
        Lang::En => format!(
            "Source: Health Monitor Adults and Elderly (GGDs, Statistics Netherlands and RIVM){}, wave {}. Made with omzien.",
            ds.table()
                .map(|t| format!(", table {t}"))
                .unwrap_or_default(),
            s.latest
        ),
    };
    let source = if prov.synthetic {
        format!("{source} {}", omzien::demo::LABEL)
    } else {
        source
    };
    Brief {
        title: match lang {
            Lang::Nl => format!("Eenzaamheid in {}", s.name),
            Lang::En => format!("Loneliness in {}", s.name),
        },
        paragraphs: [main, older, areas, keep]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect(),
        notes: w.notes,
        source,
    }
}

/// "A, B en C" / "A, B and C".
fn join(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!(
            "{} {} {last}",
            rest.join(", "),
            match lang {
                Lang::Nl => "en",
                Lang::En => "and",
            }
        ),
    }
}

/// A council summary as a Word document (DOCX): the title as a heading, the paragraphs and
/// lists, each verdict's rule as a real footnote (Word and LibreOffice show them at the foot
/// of the page), the source at the end.
///
/// # Errors
/// [`crate::ReportPdfError::Docx`] when the package cannot be written.
pub fn brief_docx(b: &Brief, lang: Lang) -> Result<Vec<u8>, crate::ReportPdfError> {
    use docx_rs::{Docx, Footnote, Paragraph, Run, Style, StyleType};
    let _ = lang;
    let run = |text: &str| Run::new().add_text(text);
    let note = |n: usize| {
        let text = b.notes.get(n - 1).cloned().unwrap_or_default();
        Run::new().add_footnote_reference(
            Footnote::new().add_content(Paragraph::new().add_run(Run::new().add_text(text))),
        )
    };
    let mut doc = Docx::new()
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(32)
                .bold(),
        )
        .default_fonts(docx_rs::RunFonts::new().ascii("Calibri").hi_ansi("Calibri"))
        .add_paragraph(Paragraph::new().style("Heading1").add_run(run(&b.title)));
    for p in &b.paragraphs {
        for block in Brief::blocks(p) {
            match block {
                Block::Sentences(sentences) => {
                    let mut para = Paragraph::new();
                    for (k, s) in sentences.iter().enumerate() {
                        if k > 0 {
                            para = para.add_run(run(" "));
                        }
                        para = para.add_run(run(&s.text));
                        if let Some(n) = s.note {
                            para = para.add_run(note(n));
                        }
                    }
                    doc = doc.add_paragraph(para);
                }
                Block::List(items) => {
                    for i in items {
                        doc = doc.add_paragraph(
                            Paragraph::new()
                                .indent(Some(360), None, None, None)
                                .add_run(run(&format!("• {i}"))),
                        );
                    }
                }
            }
        }
    }
    doc = doc.add_paragraph(Paragraph::new().add_run(run(&b.source).size(18)));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| crate::ReportPdfError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
