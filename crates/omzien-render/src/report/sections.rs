//! The report's sections in order: title and summary, the gemeente beside the country, the
//! maps, the areas ranked (with the funnel plot), the risk profiles, the method; and the
//! footers.

use super::*;

/// The title, the survey and the areas, and the summary in words ("In het kort").
pub(super) fn title(l: &mut Layout, c: &Ctx<'_>) {
    let &Ctx {
        ds,
        r,
        lang,
        ref t,
        level_pl,
        ref wave_list,
        ..
    } = c;
    let title = format!("{} {}", t.s("Eenzaamheid in", "Loneliness in"), r.name);
    l.begin(Role::Heading(1, title.clone()));
    for line in l.m.wrap(&title, 20.0, true, BODY_W) {
        let y = l.y + 20.0;
        l.text_at(MARGIN, y, 20.0, true, INK, &line);
        l.y += 26.0;
    }
    l.end();
    l.y += 4.0;
    let sub = format!(
        "{} · {} {} · {} {}",
        t.s(
            "Gezondheidsmonitor Volwassenen en Ouderen",
            "Health Monitor Adults and Elderly"
        ),
        t.s("golven", "waves"),
        wave_list,
        r.gemeente,
        t.s("en zijn", "and its")
    ) + " "
        + level_pl;
    l.paragraph(&sub, 10.0, GREY);
    brief_section(l, ds, r, lang);
}

/// Section 1: the gemeente beside the country, every indicator and age group per wave, the
/// people it comes to, and the chart.
pub(super) fn gemeente_and_country(l: &mut Layout, c: &Ctx<'_>) {
    let &Ctx {
        ds,
        r,
        lang,
        ref t,
        ref ind_label,
        ..
    } = c;
    // 1. The gemeente beside the country.
    l.heading(&format!(
        "1. {} {}",
        r.name,
        t.s("en Nederland", "and the Netherlands")
    ));
    l.paragraph(
        &format!(
            "{} {}",
            t.s(
                "Percentage inwoners per golf; tussen haakjes het 95%-betrouwbaarheidsinterval waar de data het heeft.",
                "Percentage of residents per wave; in brackets the 95% confidence interval where the data has it."
            ),
            t.s("NL: Nederland.", "NL: the Netherlands.")
        ),
        8.5,
        GREY,
    );
    let mut headers = vec![
        t.s("Indicator", "Indicator").to_owned(),
        t.s("Leeftijd", "Age").to_owned(),
    ];
    for w in ds.waves() {
        headers.push(w.to_string());
    }
    let mut rows = Vec::new();
    for &i in &r.indicators {
        for &a in &r.ages {
            let mut gm = vec![label(ds, i, lang), a.short().to_owned()];
            let mut nl = vec![String::new(), "NL".to_owned()];
            for &w in ds.waves() {
                let p = r.point(i, a, w);
                gm.push(p.map_or_else(String::new, |p| {
                    let v = t.figure(p.gemeente);
                    match p.gemeente_interval {
                        Some((lo, hi)) => format!("{v} ({}–{})", t.num(lo), t.num(hi)),
                        None => v,
                    }
                }));
                nl.push(p.map_or_else(String::new, |p| t.figure(p.national)));
            }
            rows.push(gm);
            if r.series
                .iter()
                .any(|p| p.indicator == i && p.age == a && p.national.value().is_some())
            {
                rows.push(nl);
            }
        }
    }
    let wave_w = (BODY_W - 190.0) / ds.waves().len().max(1) as f32;
    let mut widths = vec![150.0, 40.0];
    let mut align = vec![Align::Left, Align::Left];
    for _ in ds.waves() {
        widths.push(wave_w);
        align.push(Align::Right);
    }
    l.table(&headers, &rows, &widths, &align);
    if let Some(c) = &r.people {
        l.paragraph(
            &people_sentence(t, c, &r.name, ind_label, r.age(), r.latest),
            9.0,
            INK,
        );
    }
    chart(l, t, ds, r, ind_label);
}

/// Section 2: the maps of the latest wave and of the change since the first, in the classes
/// of the tiles; areas without a boundary named.
pub(super) fn maps(l: &mut Layout, c: &Ctx<'_>, boundaries: Option<&Boundaries>) {
    let &Ctx {
        ds,
        r,
        ref t,
        ref ind_label,
        ..
    } = c;
    let (ind, age) = (r.indicator(), r.age());
    // 2. Maps.
    l.new_page();
    l.heading(&format!(
        "2. {} {} {}",
        ind_label,
        t.s("per", "by"),
        t.level(r.level, false)
    ));
    let level_spec = LayerSpec::level(ind, age, r.level, r.latest);
    let maps: Vec<(String, LayerSpec)> = std::iter::once((
        format!("{ind_label} ({}), {}", age.short(), r.latest),
        level_spec,
    ))
    .chain((r.first != r.latest).then(|| {
        (
            format!(
                "{} {} → {} ({}, {})",
                t.s("Verandering", "Change"),
                r.first,
                r.latest,
                age.short(),
                t.s("procentpunt", "percentage points")
            ),
            LayerSpec::delta(ind, age, r.level, r.first, r.latest),
        )
    }))
    .collect();
    let codes: Vec<AreaCode> = r.areas.iter().map(|a| a.code).collect();
    for (title, spec) in &maps {
        map(l, t, ds, boundaries, &codes, spec, title);
    }
    let missing: Vec<&str> = r
        .areas
        .iter()
        .filter(|a| boundaries.is_none_or(|b| b.shape(a.code).is_none()))
        .map(|a| a.name.as_str())
        .collect();
    if !missing.is_empty() {
        l.paragraph(
            &format!(
                "{} {}",
                t.s(
                    "Zonder grens op de kaart:",
                    "Without a boundary on the map:"
                ),
                missing.join(", ")
            ),
            8.0,
            GREY,
        );
    }
}

/// Section 3, its head: the rules of the marks, what was tested and, with intervals, what the
/// probabilities rest on.
pub(super) fn ranked_notes(l: &mut Layout, c: &Ctx<'_>) {
    let &Ctx {
        r,
        ref t,
        level_pl,
        ref ind_label,
        ..
    } = c;
    let age = r.age();
    // 3. The areas ranked.
    l.new_page();
    l.heading(&format!(
        "3. {} {} ({}, {})",
        t.s("De", "The"),
        level_pl,
        ind_label,
        age.short()
    ));
    // The rules as `omzien risk` applies them, with the base of the rises stated.
    let marks = format!(
        "{} {}% {} {} {} {} {} {} {}).",
        t.s("H: bij de hoogste", "H: among the highest"),
        t.num(r.risk_rule.0 * 100.0),
        t.s(
            "in de gemeente (alleen bij 10 of meer gebieden); S: sinds",
            "in the gemeente (only with 10 or more areas); R: since"
        ),
        r.first,
        t.s("meer dan", "more than"),
        t.num(r.risk_rule.1),
        t.s(
            "pp meer gestegen dan Nederland, en significant waar er grenzen zijn (omzien risk --since",
            "pp more risen than the Netherlands, and significant where there are bounds (omzien risk --since"
        ),
        r.first,
        t.s("--against national", "--against national"),
    );
    // A missing star must not read as "tested, not significant": say which changes were tested.
    let any_tested = r.areas.iter().any(|a| a.significant.is_some());
    l.paragraph(
        &format!(
            "{} {} {} {marks}",
            t.s(
                "Hoogste waarde in de laatste golf eerst. Verandering in procentpunt sinds",
                "Highest value in the latest wave first. Change in percentage points since"
            ),
            r.first,
            if any_tested {
                t.s(
                    "(* significant op 95%; ° niet getoetst: geen 95%-grenzen). Rang: in de gemeente en in Nederland.",
                    "(* significant at 95%; ° not tested: no 95% bounds). Rank: in the gemeente and in the Netherlands.",
                )
            } else {
                t.s(
                    "(niet op significantie getoetst: de cijfers hebben geen 95%-grenzen). Rang: in de gemeente en in Nederland.",
                    "(not tested for significance: the figures carry no 95% bounds). Rank: in the gemeente and in the Netherlands.",
                )
            },
        ),
        8.5,
        GREY,
    );
    // Where the figures carry intervals, how sure each mark is.
    if let Some((draws, seed)) = r.probability {
        l.paragraph(
            &format!(
                "{} {}% {} {} {} {} {} {draws} {} {seed}{}",
                t.s(
                    "P(H): de kans dat het gebied werkelijk bij de hoogste",
                    "P(H): the probability that the area is truly among the highest"
                ),
                t.num(r.risk_rule.0 * 100.0),
                t.s("hoort; P(S): dat het sinds", "; P(R): that it truly rose since"),
                r.first,
                t.s("werkelijk meer dan", "by more than"),
                t.num(r.risk_rule.1),
                t.s(
                    "pp meer steeg dan Nederland. Getrokken uit de 95%-intervallen (normaal op de logitschaal, gebieden en golven onafhankelijk verondersteld),",
                    "pp beyond the Netherlands. Drawn from the 95% intervals (normal on the logit scale, areas and waves assumed independent),"
                ),
                t.s("trekkingen, zaad", "draws, seed"),
                t.s(
                    ". Een kans van 0,80 of meer geldt als zeker genoeg (omzien risk --by probability --min-prob 0.8).",
                    ". A probability of 0.80 or more counts as sure enough (omzien risk --by probability --min-prob 0.8)."
                ),
            ),
            8.5,
            GREY,
        );
    }
}

/// Section 3, the table: the areas ranked, with their waves, change, ranks, probabilities and
/// marks; then the funnel plot.
pub(super) fn ranked_table(l: &mut Layout, c: &Ctx<'_>) {
    let &Ctx {
        ds, r, lang, ref t, ..
    } = c;
    // A missing star must not read as "tested, not significant" (see the notes above).
    let any_tested = r.areas.iter().any(|a| a.significant.is_some());
    let mut headers = vec![t.level(r.level, false).to_owned()];
    for w in &r.waves {
        headers.push(w.to_string());
    }
    headers.push(t.s("Verschil", "Change").to_owned());
    headers.push(t.s("Rang gem.", "Rank gem.").to_owned());
    headers.push(t.s("Rang NL", "Rank NL").to_owned());
    let with_p = r.probability.is_some();
    if with_p {
        headers.push("P(H)".to_owned());
        headers.push(t.s("P(S)", "P(R)").to_owned());
    }
    headers.push(String::new());
    let p = |p: Option<f64>| p.map_or_else(String::new, |p| t.decimals(p, 2));
    let rows: Vec<Vec<String>> = r
        .areas
        .iter()
        .map(|a| {
            let mut row = vec![a.name.clone()];
            row.extend(a.values.iter().map(|f| t.figure(*f)));
            row.push(a.change.map_or_else(String::new, |d| {
                format!(
                    "{}{}",
                    t.signed(d),
                    match a.significant {
                        Some(true) => "*",
                        Some(false) => "",
                        None if any_tested => "°",
                        None => "",
                    }
                )
            }));
            row.push(
                a.rank_gemeente
                    .map_or_else(String::new, |k| format!("{}/{}", k.rank, k.of)),
            );
            row.push(
                a.rank_country
                    .map_or_else(String::new, |k| format!("{}/{}", k.rank, k.of)),
            );
            if with_p {
                row.push(p(a.p_top));
                row.push(p(a.p_rise));
            }
            let marks = match (a.high, a.rising) {
                (true, true) => format!("H {}", t.s("S", "R")),
                (true, false) => "H".into(),
                (false, true) => t.s("S", "R").into(),
                (false, false) => String::new(),
            };
            row.push(marks);
            row
        })
        .collect();
    let n = r.waves.len() as f32;
    let mut widths = vec![150.0];
    let mut align = vec![Align::Left];
    let p_w = if with_p { 2.0 * 34.0 } else { 0.0 };
    let rest = BODY_W - 150.0 - 50.0 - 55.0 - 60.0 - 25.0 - p_w;
    for _ in &r.waves {
        widths.push(rest / n.max(1.0));
        align.push(Align::Right);
    }
    widths.extend([50.0, 55.0, 60.0]);
    align.extend([Align::Right, Align::Right, Align::Right]);
    if with_p {
        widths.extend([34.0, 34.0]);
        align.extend([Align::Right, Align::Right]);
    }
    widths.push(25.0);
    align.push(Align::Left);
    l.table(&headers, &rows, &widths, &align);
    funnel_section(l, ds, r, lang);
}

/// Section 4, its head: what a risk profile compares and by which rule.
pub(super) fn profiles_heading(l: &mut Layout, c: &Ctx<'_>) {
    let &Ctx { r, ref t, .. } = c;
    // 4. Risk profile. The heading and its note stay with the first profile (never alone at the
    // foot of a page).
    let first = r
        .profiles
        .first()
        .map_or(0.0, |p| 40.0 + 13.0 * p.rows.len() as f32);
    l.ensure(60.0 + 45.0 + first);
    l.heading(&format!(
        "4. {} ({} {})",
        t.s("Risicoprofiel", "Risk profile"),
        r.profiles.len(),
        t.s("hoogste", "highest")
    ));
    l.paragraph(
        &format!(
            "{} {} {} {} {}",
            t.s(
                "Eenzaamheid naast verwante indicatoren in de laatste golf, vergeleken met de gemeente en Nederland.",
                "Loneliness beside related indicators in the latest wave, compared with the gemeente and the Netherlands."
            ),
            t.s(
                "Slechter of beter waar een richting beter is (minder eenzaamheid, meer goede gezondheid), anders hoger of lager. Waar het cijfer een 95%-interval heeft: als het interval geheel boven of onder het vergelijkingscijfer ligt.",
                "Worse or better where a direction is good (less loneliness, more good health), else higher or lower. Where the figure has a 95% interval: when the interval lies wholly above or below the reference."
            ),
            t.s("Zonder interval: bij meer dan", "Without an interval: by more than"),
            t.num(r.band),
            t.s(
                "procentpunt verschil: een afstand, geen significantietoets.",
                "percentage points apart: a distance, not a significance test."
            )
        ),
        8.5,
        GREY,
    );
}

/// One risk profile: the area beside its gemeente and the country in related indicators, and
/// the same as a spine chart.
pub(super) fn profile(l: &mut Layout, c: &Ctx<'_>, p: &omzien::RiskProfile) {
    let &Ctx {
        ds,
        r,
        lang,
        ref t,
        ref ind_label,
        ..
    } = c;
    l.ensure(40.0 + 13.0 * p.rows.len() as f32);
    let y = l.y + 10.0;
    l.begin(Role::Heading(3, p.name.clone()));
    l.text_at(MARGIN, y, 10.0, true, INK, &p.name);
    l.end();
    l.y += 16.0;
    if let Some(c) = &p.people {
        l.paragraph(
            &people_sentence(t, c, &p.name, ind_label, r.age(), r.latest),
            8.5,
            GREY,
        );
    }
    let headers = vec![
        t.s("Indicator", "Indicator").to_owned(),
        t.level(r.level, false).to_owned(),
        t.s("gemeente", "gemeente").to_owned(),
        "NL".to_owned(),
        t.s("t.o.v. gemeente", "vs gemeente").to_owned(),
        t.s("t.o.v. NL", "vs NL").to_owned(),
        t.s("regel", "rule").to_owned(),
    ];
    let rows: Vec<Vec<String>> = p
        .rows
        .iter()
        .map(|c| {
            vec![
                label(ds, c.indicator, lang),
                t.figure(c.value),
                t.figure(c.gemeente),
                t.figure(c.national),
                t.verdict(c.vs_gemeente, c.indicator).to_owned(),
                t.verdict(c.vs_national, c.indicator).to_owned(),
                match c.rule {
                    Rule::Interval => t.s("95%-interval", "95% interval").to_owned(),
                    // A distance, not a significance test, and said so.
                    Rule::Band(b) => {
                        format!("±{} pp, {}", t.num(b), t.s("geen toets", "no test"))
                    }
                },
            ]
        })
        .collect();
    l.table(
        &headers,
        &rows,
        &[145.0, 38.0, 50.0, 32.0, 80.0, 62.0, 88.0],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
    );
    // The same indicators as a spine chart against the country (the gemeente without
    // national figures): the area's dot on the spread of all areas of its level.
    let benchmark = if ds.national().is_some() {
        omzien::Benchmark::National
    } else {
        omzien::Benchmark::Gemeente
    };
    let q = omzien::CompareQuery::new(p.code, benchmark, r.latest)
        .with_indicators(p.rows.iter().map(|c| c.indicator).collect())
        .with_age(r.age())
        .with_band(r.band);
    if let Ok(spine) = q.spine(ds) {
        let chart = crate::comparison::spine_chart_in(ds, &spine, lang, &crate::SpineLayout::PAGE);
        place_chart(l, &chart, figures::spine_alt(t, ds, &spine, lang));
    }
}

/// Section 5: the method notes, the source and licence.
pub(super) fn method(l: &mut Layout, c: &Ctx<'_>) {
    let &Ctx { ds, r, ref t, .. } = c;
    // 5. Method.
    l.heading(&format!("5. {}", t.s("Methode", "Method")));
    let notes: Vec<String> = vec![
        t.s(
            "Eenzaamheid is gemeten met de schaal van De Jong-Gierveld (11 vragen). Eenzaam: een score van 3 of meer; ernstig of zeer ernstig eenzaam: 9 of meer. Emotionele eenzaamheid (6 vragen) is het missen van een hechte band, sociale eenzaamheid (5 vragen) het missen van een breder netwerk.",
            "Loneliness is measured with the De Jong-Gierveld scale (11 questions). Lonely: a score of 3 or more; severely or very severely lonely: 9 or more. Emotional loneliness (6 questions) is missing a close bond, social loneliness (5 questions) missing a wider network.",
        ).to_owned(),
        t.s(
            "Cijfers per wijk en buurt zijn modelschattingen (RIVM, kleine-gebiedsschatting uit de Gezondheidsmonitor Volwassenen en Ouderen van de GGD'en, CBS en RIVM), geen tellingen: kleine verschillen zeggen weinig. Cijfers met te weinig waarnemingen zijn onderdrukt.",
            "Figures per district and neighbourhood are model estimates (RIVM small-area estimation from the Health Monitor Adults and Elderly of the GGDs, Statistics Netherlands and RIVM), not counts: small differences say little. Figures with too few observations are suppressed.",
        ).to_owned(),
        t.s(
            "Tot en met 2016 zijn personen van 19 jaar en ouder ondervraagd, vanaf 2020 van 18 jaar en ouder: een verandering tussen 2016 en 2020 kan deels daaruit komen.",
            "Up to 2016 people aged 19 and over were surveyed, from 2020 aged 18 and over: part of a change between 2016 and 2020 can come from that.",
        ).to_owned(),
        format!(
            "{} {}. {} {}. {}",
            t.s("Gebiedsindeling van", "Area classification of"),
            ds.classification_year()
                .map_or_else(|| t.s("onbekend jaar", "unknown year").to_owned(), |y| y.to_string()),
            t.s("Bron: RIVM/CBS StatLine, tabel", "Source: RIVM/Statistics Netherlands StatLine, table"),
            r.table.as_deref().unwrap_or("–"),
            t.s(
                "Licentie: CC BY 4.0. Kaarten: CBS Wijk- en buurtkaart. Gemaakt met omzien.",
                "Licence: CC BY 4.0. Maps: CBS district and neighbourhood map. Made with omzien."
            ),
        ),
    ];
    for n in &notes {
        l.paragraph(n, 8.5, INK);
    }
    if r.provenance.synthetic {
        l.paragraph(omzien::demo::LABEL, 9.0, ACCENT);
    }
}

/// Every page with its footer (table, waves, date, page of pages; on synthetic data the notice).
pub(super) fn with_footers(pages: Vec<Vec<Op>>, c: &Ctx<'_>, date: &str) -> Vec<Vec<Op>> {
    let &Ctx {
        r,
        ref t,
        ref wave_list,
        ..
    } = c;
    let total = pages.len();
    let footer = |page: usize| {
        format!(
            "{} {} · {} {} · {} {} · {} {} {} {}",
            t.s("Tabel", "Table"),
            r.table.as_deref().unwrap_or("–"),
            t.s("golven", "waves"),
            wave_list,
            t.s("gemaakt", "made"),
            date,
            t.s("pagina", "page"),
            page,
            t.s("van", "of"),
            total
        )
    };
    pages
        .into_iter()
        .enumerate()
        .map(|(i, mut ops)| {
            ops.push(Op::Begin(Role::Furniture(Furniture::Footer)));
            ops.push(Op::Line {
                points: vec![(MARGIN, PAGE_H - 45.0), (PAGE_W - MARGIN, PAGE_H - 45.0)],
                color: RULE,
                width: 0.5,
                dashed: false,
            });
            ops.push(Op::Text {
                x: MARGIN,
                y: PAGE_H - 33.0,
                size: 7.5,
                bold: false,
                color: GREY,
                text: footer(i + 1),
            });
            if r.provenance.synthetic {
                ops.push(Op::Text {
                    x: MARGIN,
                    y: PAGE_H - 22.0,
                    size: 7.5,
                    bold: true,
                    color: ACCENT,
                    text: omzien::demo::LABEL.to_owned(),
                });
            }
            ops.push(Op::End);
            ops
        })
        .collect()
}

/// "About 4,300 people aged 18+ in Voorhof: lonely 43.1 % of about 10,000 …", with how the
/// population was counted.
pub(super) fn people_sentence(
    t: &T,
    c: &omzien::PeopleCount,
    name: &str,
    indicator: &str,
    age: omzien::AgeGroup,
    wave: omzien::Wave,
) -> String {
    let whole = |v: f64| {
        let s = format!("{:.0}", v);
        // Thousands grouped: 4.300 in Dutch, 4,300 in English.
        let sep = t.s(".", ",");
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(ch);
        }
        out
    };
    let population = (c.population / 10.0).round() * 10.0;
    format!(
        "{indicator} {} {wave}: {} {} {} {} {} {} {} {name}. {} {}{}{}.",
        t.s("in", "in"),
        t.s("ongeveer", "about"),
        whole(c.people),
        t.s("van de ongeveer", "of the about"),
        whole(population),
        t.s("inwoners van", "people aged"),
        age.short(),
        t.s("in", "in"),
        t.s("Bevolking:", "Population:"),
        // The file's name, not where it lies on this machine.
        c.source.rsplit(['/', '\\']).next().unwrap_or(&c.source),
        c.year
            .map(|y| format!(", {} {y}", t.s("geteld in", "counted in")))
            .unwrap_or_default(),
        if c.exact_age {
            String::new()
        } else {
            t.s(
                "; 18+ is benaderd uit de leeftijdsklassen van het CBS (alle inwoners min de 0-14-jarigen en 3/10 van de 15-24-jarigen), dus het aantal is een benadering",
                "; 18+ is approximated from CBS's age bands (all inhabitants less the 0-14 and 3/10 of the 15-24), so the count is an approximation",
            )
            .to_owned()
        }
    )
}

/// The report opens with the council summary's words (`omzien brief`): the same sentences,
/// lists and notes, then the figures behind them on the next page.
pub(super) fn brief_section(l: &mut Layout, ds: &Dataset, r: &GemeenteReport, lang: Lang) {
    let t = T { lang };
    let q = omzien::SummaryQuery::new(ds, r.gemeente)
        .with_indicator(r.indicator())
        .with_ages(r.ages.clone())
        .with_level(r.level);
    let Ok(summary) = q.run(ds) else {
        return;
    };
    let b = crate::brief(ds, &summary, lang);
    l.heading(t.s("In het kort", "In brief"));
    for p in &b.paragraphs {
        for block in crate::Brief::blocks(p) {
            match block {
                crate::Block::Sentences(run) => {
                    let line = crate::brief::joined(&run, str::to_owned, |n| format!(" [{n}]"));
                    l.paragraph(&line, 9.5, INK);
                }
                crate::Block::List(items) => {
                    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
                    l.list(&items, 9.0, INK);
                }
            }
        }
    }
    for (i, n) in b.notes.iter().enumerate() {
        l.paragraph(&format!("[{}] {n}", i + 1), 7.5, GREY);
    }
    l.new_page();
}

/// The gemeente's areas in a funnel plot against the country (or the gemeente without
/// national figures), where the figures carry intervals; else a sentence saying why there is
/// none.
pub(super) fn funnel_section(l: &mut Layout, ds: &Dataset, r: &GemeenteReport, lang: Lang) {
    let t = T { lang };
    let benchmark = if ds.national().is_some() {
        omzien::Benchmark::National
    } else {
        omzien::Benchmark::Gemeente
    };
    let q = omzien::FunnelQuery::new(r.level, r.latest)
        .with_measure(r.indicator(), r.age())
        .with_benchmark(benchmark)
        .within(r.gemeente);
    match q.run(ds) {
        Ok(f) if !f.points.is_empty() => {
            let outside: Vec<String> = f
                .points
                .iter()
                .filter(|p| {
                    matches!(
                        p.verdict_998,
                        omzien::Verdict::Higher | omzien::Verdict::Lower
                    )
                })
                .map(|p| ds.area_name(p.area))
                .collect();
            l.ensure(60.0 + 0.55 * BODY_W);
            l.paragraph(
                &format!(
                    "{} {} {}",
                    t.s(
                        "Trechterdiagram: elk gebied naar de precisie van zijn schatting tegen de vergelijkingswaarde, met de grenzen waarbinnen 95% (gestreept) en 99,8% (doorgetrokken) van de gebieden vallen als ze niet echt verschillen. Buiten de 99,8%-grens:",
                        "Funnel plot: each area by the precision of its estimate against the benchmark, with the limits within which 95% (dashed) and 99.8% (solid) of areas fall when they do not truly differ. Outside the 99.8% limit:"
                    ),
                    if outside.is_empty() {
                        t.s("geen.", "none.").to_owned()
                    } else {
                        format!("{}.", outside.join(", "))
                    },
                    if f.without_interval > 0 {
                        format!(
                            "({} {})",
                            f.without_interval,
                            t.s("gebieden zonder interval staan er niet in", "areas without an interval are not in it")
                        )
                    } else {
                        String::new()
                    }
                ),
                8.5,
                GREY,
            );
            let mut chart = crate::comparison::funnel_chart(ds, &f, lang);
            // Drawn for a screen 960 wide, set at the text width: the labels larger.
            for m in &mut chart.marks {
                if let crate::chart::Mark::Text { size, bold: false, .. } = m {
                    *size *= 1.4;
                }
            }
            place_chart(l, &chart, figures::funnel_alt(&t, ds, &f));
        }
        Ok(_) => {}
        Err(omzien::CompareError::NoIntervals { .. }) => l.paragraph(
            t.s(
                "Geen trechterdiagram (gebieden naar de precisie van hun schatting): deze cijfers hebben geen 95%-intervallen (de landelijke 50090NED-bestanden publiceren er geen), dus er is geen precisie om uit te zetten.",
                "No funnel plot (areas by the precision of their estimate): these figures carry no 95% intervals (the national 50090NED files publish none), so there is no precision to plot.",
            ),
            8.5,
            GREY,
        ),
        Err(e) => l.paragraph(
            &format!(
                "{} {e}",
                t.s("Geen trechterdiagram:", "No funnel plot:")
            ),
            8.5,
            GREY,
        ),
    }
}
