//! The sentences of a council summary, one writer method per kind of statement, with the
//! notes that state the rule behind each verdict.

use super::*;

/// How an indicator is said of people: Dutch verb and rest ("voelt", "zich eenzaam"), English.
pub(super) fn phrase(ind: Indicator, lang: Lang) -> (String, String) {
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
pub(super) fn label(ind: Indicator, lang: Lang) -> String {
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
pub(super) fn people(age: AgeGroup, lang: Lang) -> String {
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

pub(super) fn areas_word(level: Level, plural: bool, lang: Lang) -> &'static str {
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
pub(super) struct Writer<'a> {
    pub(super) t: T,
    pub(super) lang: Lang,
    pub(super) name: &'a str,
    pub(super) notes: Vec<String>,
    /// Whether "procentpunt" has been explained.
    pub(super) pp_explained: bool,
}

impl Writer<'_> {
    pub(super) fn s(&self, nl: &'static str, en: &'static str) -> &'static str {
        self.t.s(nl, en)
    }

    pub(super) fn pct(&self, v: f64) -> String {
        format!("{}%", self.t.num(v))
    }

    /// "6,8 procentpunt" (explained the first time), "6.8 percentage points".
    pub(super) fn pp(&mut self, v: f64) -> String {
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
    pub(super) fn pp_short(&self, v: f64) -> String {
        let n = self.t.num(v);
        match self.lang {
            Lang::Nl => format!("{n} procentpunt"),
            Lang::En => format!("{n} percentage points"),
        }
    }

    pub(super) fn note(&mut self, text: String) -> Option<usize> {
        if let Some(i) = self.notes.iter().position(|n| *n == text) {
            return Some(i + 1);
        }
        self.notes.push(text);
        Some(self.notes.len())
    }

    pub(super) fn rule_note(
        &mut self,
        rule: Rule,
        interval: Option<(f64, f64)>,
        what: &str,
    ) -> Option<usize> {
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
    pub(super) fn listed(
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

    pub(super) fn sentence(&self, statement: usize, text: String, note: Option<usize>) -> Part {
        Part::Sentence(Sentence {
            text,
            statement,
            note,
        })
    }

    /// The names of areas, each with its value.
    pub(super) fn names(&self, areas: &[NamedArea]) -> Vec<String> {
        areas
            .iter()
            .map(|a| format!("{} ({})", a.name, self.pct(a.value)))
            .collect()
    }

    /// The level of the gemeente and, where there is one, beside the Netherlands.
    pub(super) fn level(
        &mut self,
        i: usize,
        st: &Statement,
        (verb, rest): (&str, &str),
    ) -> Vec<Part> {
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
    pub(super) fn change(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
    pub(super) fn no_change(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
    pub(super) fn risk_areas(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
            let words = (one, many, against_nl, against_en);
            out.extend(self.rising(i, *since, rising, rules, words));
            if *high_applies {
                out.extend(self.both(i, both, one, many));
            }
        }
        out
    }

    /// The areas risen more than their reference since `since`, with their change.
    fn rising(
        &self,
        i: usize,
        since: omzien::Wave,
        rising: &[NamedArea],
        rules: Option<usize>,
        (one, many, against_nl, against_en): (&str, &str, &str, &str),
    ) -> Vec<Part> {
        if rising.is_empty() {
            let text = match self.lang {
                Lang::Nl => {
                    format!("Geen {one} is sinds {since} duidelijk sterker gestegen {against_nl}.")
                }
                Lang::En => format!("No {one} has risen clearly more {against_en} since {since}."),
            };
            return vec![self.sentence(i, text, rules)];
        }
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
        let items = rising
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
            .collect();
        Vec::from(self.listed(i, text, rules, items))
    }

    /// The areas both high and rising, or that there are none.
    fn both(&self, i: usize, both: &[NamedArea], one: &str, many: &str) -> Vec<Part> {
        let text = match (self.lang, both.len()) {
            (Lang::Nl, 0) => format!("Geen {one} is zowel hoog als sterk gestegen."),
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
        let mut out = vec![self.sentence(i, text, None)];
        if !both.is_empty() {
            out.push(Part::List {
                items: both.iter().map(|a| a.name.clone()).collect(),
                statement: i,
            });
        }
        out
    }

    /// The highest and the lowest area.
    pub(super) fn extremes(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
    pub(super) fn factors(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
    pub(super) fn no_areas(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
    pub(super) fn caveat(&mut self, i: usize, st: &Statement) -> Vec<Part> {
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
