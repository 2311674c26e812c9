//! Respondent microdata: exhaustive scoring, weighted prevalence with intervals, suppression,
//! exclusions, and synthetic respondents calibrated to the published buurt figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use omzien::microdata::{
    Answer, Estimate, Exclusion, Mapping, Measure, MicrodataOptions, Prevalence, ScoringRules,
    Suppression, SynthOptions, Unit, aggregate_file, synthetic_respondents, write_estimates_csv,
    write_odata_csv,
};
use omzien::{AgeGroup, AreaCode, Figure, Indicator, Level, Loader, Wave};
use omzien_tests::national_dataset;

/// Item numbers of the emotional subscale (negatively worded), as the scale's manual lists
/// them; the other five are social (positively worded). Written out here on purpose, apart
/// from the library's table.
const EMOTIONAL: [usize; 6] = [2, 3, 5, 6, 9, 10];

fn oracle(answers: &[Answer; 11], rules: &ScoringRules) -> [Option<bool>; 4] {
    let (mut emo, mut soc, mut miss_e, mut miss_s) = (0u8, 0u8, 0u8, 0u8);
    for (i, a) in answers.iter().enumerate() {
        let emotional = EMOTIONAL.contains(&(i + 1));
        match (emotional, a) {
            (true, Answer::Missing) => miss_e += 1,
            (false, Answer::Missing) => miss_s += 1,
            (true, Answer::Ja | Answer::MinOfMeer) => emo += 1,
            (false, Answer::Nee | Answer::MinOfMeer) => soc += 1,
            _ => {}
        }
    }
    let ok = |m: u8| m <= rules.max_missing;
    let total = emo + soc;
    [
        ok(miss_e + miss_s).then_some(total >= 3),
        ok(miss_e + miss_s).then_some(total >= 9),
        ok(miss_e).then_some(emo >= rules.emotional_from),
        ok(miss_s).then_some(soc >= rules.social_from),
    ]
}

#[test]
fn scoring_is_right_for_every_answer_pattern() {
    // 4^11 = 4,194,304 patterns: the 3^11 = 177,147 complete ones and every way of leaving
    // items unanswered, under three rule sets.
    let rule_sets = [
        ScoringRules::default(),
        ScoringRules::default().with_max_missing(1),
        ScoringRules::default()
            .with_subscale_thresholds(2, 2)
            .with_max_missing(2),
    ];
    let mut complete = 0usize;
    let mut lonely_complete = 0usize;
    for code in 0..4u32.pow(11) {
        let mut c = code;
        let answers: [Answer; 11] = std::array::from_fn(|_| {
            let a = Answer::ALL[(c % 4) as usize];
            c /= 4;
            a
        });
        for rules in &rule_sets {
            assert_eq!(
                rules.score(&answers),
                oracle(&answers, rules),
                "{answers:?} {rules:?}"
            );
        }
        if !answers.contains(&Answer::Missing) {
            complete += 1;
            if rule_sets[0].score(&answers)[0] == Some(true) {
                lonely_complete += 1;
            }
        }
    }
    assert_eq!(complete, 177_147);
    // Each item has 2 lonely answers of 3; fewer than 3 lonely items: Σ_{k<3} C(11,k)·2^k·1^(11-k).
    let not_lonely: usize = [1, 11 * 2, 55 * 4].iter().sum();
    assert_eq!(lonely_complete, 177_147 - not_lonely);
}

#[test]
fn every_complete_answer_pattern_through_a_file_gives_the_combinatorial_shares() {
    // All 3^11 complete patterns, one respondent each, weight 1, in one buurt: the file path
    // (CSV through polars, answer codes, per-item tables) must count exactly what combinatorics
    // says. Each item has 2 lonely answers of 3.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::with_capacity(177_147 * 40);
    csv.push_str(HEADER);
    for code in 0..3u32.pow(11) {
        let mut c = code;
        let mut items = String::new();
        for k in 0..11 {
            if k > 0 {
                items.push(',');
            }
            items.push(char::from(b'1' + (c % 3) as u8));
            c /= 3;
        }
        writeln!(csv, "{code},2020,BU03630001,40,1,1,{items}").unwrap();
    }
    let input = write_csv(dir.path(), "all.csv", &csv);
    let p = aggregate_file(&input, &Mapping::default(), &MicrodataOptions::default()).unwrap();
    let choose = |n: u64, k: u64| (1..=k).fold(1u64, |acc, i| acc * (n + 1 - i) / i);
    let at_least =
        |items: u64, from: u64| (from..=items).map(|k| choose(items, k) << k).sum::<u64>();
    let expected = [
        (Measure::Lonely, at_least(11, 3)),
        (Measure::Severe, at_least(11, 9)),
        (Measure::Emotional, at_least(6, 3) * 3u64.pow(5)),
        (Measure::Social, at_least(5, 3) * 3u64.pow(6)),
    ];
    assert_eq!(expected[1].1, 41_472);
    for (m, count) in expected {
        let e = estimate(&p, &area("BU03630001"), 2020, m, AgeGroup::ADULTS);
        assert_eq!(e.n, 177_147, "{m:?}");
        let want = 100.0 * count as f64 / 177_147.0;
        assert!(
            (e.value.unwrap() - want).abs() < 1e-9,
            "{m:?}: {:?} vs {want}",
            e.value
        );
    }
}

#[test]
fn answers_as_words_and_a_gemeente_code_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    // Score 3 in words: items 2 and 3 "ja", item 1 "min of meer".
    let words = "min of meer,ja,ja,ja,nee,nee,ja,ja,nee,nee,ja";
    for i in 0..50 {
        writeln!(csv, "r{i},2016,GM0599,70,2,1.5,{words}").unwrap();
    }
    let input = write_csv(dir.path(), "w.csv", &csv);
    let p = aggregate_file(&input, &Mapping::default(), &MicrodataOptions::default()).unwrap();
    assert_eq!(p.summary.used, 50, "{:?}", p.summary.excluded);
    let e = estimate(
        &p,
        &area("GM0599"),
        2016,
        Measure::Lonely,
        AgeGroup::SENIORS,
    );
    assert_eq!((e.n, e.value), (50, Some(100.0)));
    // Only the gemeente: no wijk or buurt figures are invented.
    assert!(
        p.estimates
            .iter()
            .all(|e| matches!(e.unit, Unit::Area(c) if c.level() == Level::Gemeente))
    );
}

/// The estimate of one unit, measure and age group.
fn estimate<'a>(
    p: &'a Prevalence,
    unit: &Unit,
    wave: u16,
    m: Measure,
    age: AgeGroup,
) -> &'a Estimate {
    p.estimates
        .iter()
        .find(|e| e.unit == *unit && e.wave == Wave::new(wave) && e.measure == m && e.age == age)
        .unwrap_or_else(|| panic!("no estimate for {unit} {wave} {m:?} {age}"))
}

fn area(code: &str) -> Unit {
    Unit::Area(code.parse().unwrap())
}

fn write_csv(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const HEADER: &str = "id,wave,area,age,sex,weight,dj1,dj2,dj3,dj4,dj5,dj6,dj7,dj8,dj9,dj10,dj11\n";
/// Not lonely at all: emotional items "nee" (1), social items "ja" (3).
const CALM: &str = "3,1,1,3,1,1,3,3,1,1,3";
/// Lonely on every item: emotional "ja", social "nee" (score 11).
const LONELY: &str = "1,3,3,1,3,3,1,1,3,3,1";

#[test]
fn weighted_prevalence_effective_n_and_wilson_interval_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    // BU03630001: 20 lonely respondents of weight 2, 40 calm ones of weight 1.
    for i in 0..60 {
        let (w, items) = if i < 20 { (2.0, LONELY) } else { (1.0, CALM) };
        writeln!(csv, "{i},2020,BU03630001,40,1,{w},{items}").unwrap();
    }
    // A second buurt of the same wijk with 10 respondents: suppressed on its own.
    for i in 60..70 {
        writeln!(csv, "{i},2020,BU03630002,70,2,1,{LONELY}").unwrap();
    }
    let input = write_csv(dir.path(), "r.csv", &csv);
    // User-defined groups: a respondent joins the group of its buurt, else of its wijk, else
    // of its gemeente.
    let groups = omzien::Groups::from_pairs([
        ("BU03630002".parse().unwrap(), "Noord".to_owned()),
        ("GM0363".parse().unwrap(), "Regio".to_owned()),
    ]);
    let options = MicrodataOptions::default().with_groups(groups);
    let p = aggregate_file(&input, &Mapping::default(), &options).unwrap();
    assert_eq!((p.summary.read, p.summary.used), (70, 70));
    let group = |g: &str| {
        estimate(
            &p,
            &Unit::Group(g.into()),
            2020,
            Measure::Lonely,
            AgeGroup::ADULTS,
        )
    };
    assert_eq!(group("Regio").n, 60);
    assert!((group("Regio").value.unwrap() - 50.0).abs() < 1e-9);
    assert_eq!((group("Noord").n, group("Noord").value), (10, None));
    assert!(p.summary.excluded.is_empty());
    let find = |code: &str, m: Measure, age: AgeGroup| estimate(&p, &area(code), 2020, m, age);
    let e = find("BU03630001", Measure::Lonely, AgeGroup::ADULTS);
    assert_eq!(e.n, 60);
    assert!((e.value.unwrap() - 50.0).abs() < 1e-9, "40 / 80 weighted");
    let n_eff = 80.0 * 80.0 / (20.0 * 4.0 + 40.0);
    assert!((e.n_eff - n_eff).abs() < 1e-9);
    let (lo, hi) = omzien::microdata::wilson(0.5, n_eff);
    assert!((e.lower.unwrap() - 100.0 * lo).abs() < 1e-9);
    assert!((e.upper.unwrap() - 100.0 * hi).abs() < 1e-9);
    assert!(e.lower.unwrap() < 50.0 && e.upper.unwrap() > 50.0);
    // 65+ and the small buurt: below 50 respondents, suppressed with the reason kept.
    let small = find("BU03630002", Measure::Lonely, AgeGroup::ADULTS);
    assert_eq!(small.value, None);
    assert_eq!(
        small.suppressed.unwrap().to_string(),
        "10 respondents, fewer than 50"
    );
    // The wijk and the gemeente pool both buurten: (40 + 10) / (80 + 10).
    for code in ["WK036300", "GM0363"] {
        let e = find(code, Measure::Lonely, AgeGroup::ADULTS);
        assert_eq!(e.n, 70);
        assert!(
            (e.value.unwrap() - 50.0 / 90.0 * 100.0).abs() < 1e-9,
            "{code}"
        );
    }
    // The dataset holds the same figures, with the interval as MOG0095/MBG0095.
    let ds = &p.dataset().unwrap();
    let bu: AreaCode = "BU03630001".parse().unwrap();
    let w20 = Wave::new(2020);
    assert_eq!(
        ds.figure(bu, Indicator::LONELY, w20, AgeGroup::ADULTS)
            .unwrap(),
        Figure::Value(e_value(&p, "BU03630001"))
    );
    assert!(
        ds.interval(bu, Indicator::LONELY, w20, AgeGroup::ADULTS)
            .unwrap()
            .is_some()
    );
    assert_eq!(
        ds.figure(
            "BU03630002".parse().unwrap(),
            Indicator::LONELY,
            w20,
            AgeGroup::ADULTS
        )
        .unwrap(),
        Figure::Suppressed
    );
    assert!(!ds.is_synthetic());
}

fn e_value(p: &omzien::microdata::Prevalence, code: &str) -> f64 {
    estimate(p, &area(code), 2020, Measure::Lonely, AgeGroup::ADULTS)
        .value
        .unwrap()
}

#[test]
fn every_bad_record_is_excluded_and_counted_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    let good = |csv: &mut String, id: usize| {
        writeln!(csv, "{id},2020,BU03630001,40,1,1,{CALM}").unwrap();
    };
    for i in 0..55 {
        good(&mut csv, i);
    }
    let bad = [
        format!("100,2020,BU03630001,40,1,1,{}", CALM.replacen('3', "4", 1)), // answer 4
        format!("101,2020,BU03630001,40,1,-1,{CALM}"),                        // negative weight
        format!("102,2020,BU03630001,40,1,,{CALM}"),                          // no weight
        format!("103,2020,XX12345,40,1,1,{CALM}"),                            // not an area code
        format!("104,1999,BU03630001,40,1,1,{CALM}"),                         // unknown wave
        format!("105,2020,BU03630001,,1,1,{CALM}"),                           // no age
        format!("106,2020,BU03630001,16,1,1,{CALM}"),                         // under 18
        format!("107,2020,BU03630001,40,1,1,{CALM}"),                         // duplicate id …
        format!("107,2020,BU03630001,41,1,1,{CALM}"),                         // … twice
        format!(",2020,BU03630001,40,1,1,{CALM}"),                            // no id
        format!("108,2020,BU05990001,40,1,1,{CALM}"),                         // unknown area
        format!("109,2020,BU03630001,40,1,1,{}", CALM.replacen('3', "9", 1)), // missing item
    ];
    for b in &bad {
        csv.push_str(b);
        csv.push('\n');
    }
    let input = write_csv(dir.path(), "bad.csv", &csv);
    let mapping_file = write_csv(
        dir.path(),
        "m.toml",
        "[columns]\nid = \"id\"\nwave = \"wave\"\narea = \"area\"\nage = \"age\"\nweight = \"weight\"\n\
         items = [\"dj1\",\"dj2\",\"dj3\",\"dj4\",\"dj5\",\"dj6\",\"dj7\",\"dj8\",\"dj9\",\"dj10\",\"dj11\"]\n\
         [answers]\nnee = [\"1\"]\nmin_of_meer = [\"2\"]\nja = [\"3\"]\nmissing = [\"9\"]\n\
         [waves]\n\"2016\" = 2016\n\"2020\" = 2020\n",
    );
    let mapping = Mapping::from_toml(&mapping_file).unwrap();
    let options = MicrodataOptions::default().with_known_areas(
        ["BU03630001", "WK036300", "GM0363"]
            .iter()
            .map(|c| c.parse::<AreaCode>().unwrap()),
    );
    let p = aggregate_file(&input, &mapping, &options).unwrap();
    let s = &p.summary;
    assert_eq!(s.read, 55 + bad.len());
    let row = |i: usize| 55 + i + 1; // 1-based data rows
    let expect = [
        (Exclusion::AnswerOutOfRange, vec![row(0)]),
        (Exclusion::InvalidWeight, vec![row(1)]),
        (Exclusion::MissingWeight, vec![row(2)]),
        (Exclusion::InvalidArea, vec![row(3)]),
        (Exclusion::UnknownWave, vec![row(4)]),
        (Exclusion::MissingAge, vec![row(5)]),
        (Exclusion::OutsideAgeGroups, vec![row(6)]),
        (Exclusion::DuplicateId, vec![row(7), row(8)]),
        (Exclusion::MissingId, vec![row(9)]),
        (Exclusion::UnknownArea, vec![row(10)]),
    ];
    for (why, rows) in &expect {
        let e = s
            .excluded
            .get(why)
            .unwrap_or_else(|| panic!("{why:?} not counted: {s:?}"));
        assert_eq!((&e.rows, e.count), (rows, rows.len()), "{why:?}");
    }
    assert_eq!(s.excluded.len(), expect.len(), "{:?}", s.excluded);
    assert_eq!(
        s.excluded[&Exclusion::AnswerOutOfRange].example,
        "item 1: \"4\""
    );
    assert_eq!(s.excluded[&Exclusion::UnknownWave].example, "1999");
    // The respondent with one unanswered item is used, but not scored on the total scale.
    assert_eq!(s.used, 55 + 1);
    assert_eq!(s.not_scored["lonely"], 1);
    let excluded: usize = s.excluded.values().map(|e| e.count).sum();
    assert_eq!(s.used + excluded, s.read, "nothing dropped silently");
}

#[test]
fn unusable_mappings_and_files_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let m = write_csv(dir.path(), "m.toml", "[columns]\nid = \"id\"\n");
    let e = Mapping::from_toml(&m).unwrap_err().to_string();
    assert!(e.contains("m.toml") && e.contains("missing field"), "{e}");
    let m = write_csv(
        dir.path(),
        "m2.toml",
        "[columns]\nid = \"id\"\nwave = \"wave\"\narea = \"area\"\nage = \"age\"\nweight = \"weight\"\n\
         items = [\"a\"]\n[answers]\nnee = [\"1\"]\nmin_of_meer = [\"2\"]\nja = [\"3\"]\n",
    );
    let e = Mapping::from_toml(&m).unwrap_err().to_string();
    assert!(e.contains("11 items"), "{e}");
    let input = write_csv(dir.path(), "r.csv", "id,wave,area\n1,2020,GM0363\n");
    let e = aggregate_file(&input, &Mapping::default(), &MicrodataOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("r.csv") && e.contains("\"age\""), "{e}");
    let e = aggregate_file(
        &dir.path().join("absent.parquet"),
        &Mapping::default(),
        &MicrodataOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("absent.parquet"), "{e}");
}

/// Buurten of one gemeente, respondents drawn around their published figures.
fn synthetic(dir: &Path, gemeente: &str, per_buurt: u32, seed: u64) -> std::path::PathBuf {
    let ds = national_dataset().unwrap();
    let path = dir.join(format!("r{seed}.parquet"));
    let opts = SynthOptions::default()
        .with_seed(seed)
        .with_per_buurt(per_buurt)
        .with_gemeenten(vec![gemeente.parse().unwrap()]);
    synthetic_respondents(ds, &opts, &path).unwrap();
    path
}

#[test]
fn synthetic_respondents_reproduce_the_published_buurt_figures() {
    let Some(published) = national_dataset() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), "GM0363", 320, 7);
    let p = aggregate_file(&input, &Mapping::default(), &MicrodataOptions::default()).unwrap();
    assert!(
        p.summary.synthetic && p.dataset().unwrap().is_synthetic(),
        "labelled synthetic"
    );
    let (mut inside, mut total) = (0usize, 0usize);
    for e in &p.estimates {
        let Unit::Area(code) = e.unit else { continue };
        if code.level() != Level::Buurt || e.age != AgeGroup::ADULTS || e.n < 200 {
            continue;
        }
        let ind = match e.measure {
            Measure::Lonely => Indicator::LONELY,
            Measure::Severe => Indicator::SEVERELY_LONELY,
            _ => continue,
        };
        let truth = published
            .figure(code, ind, e.wave, AgeGroup::ADULTS)
            .unwrap()
            .value()
            .unwrap();
        total += 1;
        if (e.lower.unwrap()..=e.upper.unwrap()).contains(&truth) {
            inside += 1;
        }
    }
    let share = inside as f64 / total as f64;
    println!(
        "published figure inside the 95% interval: {inside} of {total} buurt cells with n ≥ 200 ({:.1} %)",
        100.0 * share
    );
    assert!(total > 1000, "{total} cells");
    assert!(share >= 0.93, "{share}");
    // The file has several row groups: read one row group at a time, the result is the same.
    let batched = aggregate_file(
        &input,
        &Mapping::default(),
        &MicrodataOptions::default().with_batch_rows(1),
    )
    .unwrap();
    assert_eq!(batched.summary.read, p.summary.read);
    assert_eq!(batched.estimates.len(), p.estimates.len());
    for (a, b) in batched.estimates.iter().zip(&p.estimates) {
        assert_eq!(
            (&a.unit, a.wave, a.age, a.measure, a.n),
            (&b.unit, b.wave, b.age, b.measure, b.n)
        );
        assert!(
            a.value
                .zip(b.value)
                .is_none_or(|(x, y)| (x - y).abs() < 1e-9)
        );
    }
}

#[test]
fn interval_coverage_in_repeated_draws_is_95_percent() {
    let Some(published) = national_dataset() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut inside, mut total) = (0usize, 0usize);
    // 40 independent draws of every buurt of Delft, each aggregated on its own.
    for seed in 0..40 {
        let input = synthetic(dir.path(), "GM0503", 150, 1000 + seed);
        let p = aggregate_file(&input, &Mapping::default(), &MicrodataOptions::default()).unwrap();
        for e in &p.estimates {
            let Unit::Area(code) = e.unit else { continue };
            let ind = match e.measure {
                Measure::Lonely => Indicator::LONELY,
                Measure::Severe => Indicator::SEVERELY_LONELY,
                _ => continue,
            };
            if code.level() != Level::Buurt || e.age != AgeGroup::ADULTS || e.value.is_none() {
                continue;
            }
            let truth = published
                .figure(code, ind, e.wave, AgeGroup::ADULTS)
                .unwrap()
                .value()
                .unwrap();
            total += 1;
            if (e.lower.unwrap()..=e.upper.unwrap()).contains(&truth) {
                inside += 1;
            }
        }
        std::fs::remove_file(input).unwrap();
    }
    let coverage = inside as f64 / total as f64;
    println!(
        "coverage of the 95% Wilson interval on n_eff: {inside} of {total} ({:.2} %)",
        100.0 * coverage
    );
    assert!(total > 3000, "{total}");
    assert!((0.93..=0.97).contains(&coverage), "{coverage}");
}

#[test]
fn written_figures_load_back_and_nothing_below_the_threshold_is_written() {
    if national_dataset().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic(dir.path(), "GM0503", 60, 3);
    let options = MicrodataOptions::default().with_min_respondents(50);
    let p = aggregate_file(&input, &Mapping::default(), &options).unwrap();
    let out = dir.path().join("out.csv");
    write_odata_csv(&p, &out).unwrap();
    estimates_csv_reads_back(&p, &dir.path().join("estimates.csv"));
    // Every estimate below 50 respondents is suppressed, and every published one has 50+.
    let mut n_of: HashMap<(AreaCode, Wave, AgeGroup, u8), u32> = HashMap::new();
    for e in &p.estimates {
        if let Unit::Area(c) = e.unit {
            n_of.insert((c, e.wave, e.age, e.measure as u8), e.n);
            // Nothing below a threshold is published; what is published meets all three.
            assert_eq!(e.value.is_some(), e.suppressed.is_none(), "{e:?}");
            if e.n < 50 {
                assert!(e.value.is_none(), "{e:?}");
            }
            if e.value.is_some() {
                let width = e.upper.unwrap() - e.lower.unwrap();
                assert!(e.n >= 50 && e.n_eff >= 30.0 && width <= 30.0, "{e:?}");
            }
        }
    }
    assert!(
        p.estimates.iter().any(|e| e.value.is_none()),
        "some cells are small"
    );
    let ds = Loader::new().load([&out]).unwrap();
    assert_eq!(
        ds.count(Level::Buurt),
        p.dataset().unwrap().count(Level::Buurt)
    );
    let mut checked = 0;
    for ((code, wave, age, m), n) in &n_of {
        let ind = [
            Indicator::LONELY,
            Indicator::SEVERELY_LONELY,
            Indicator::EMOTIONALLY_LONELY,
            Indicator::SOCIALLY_LONELY,
        ][*m as usize];
        let f = ds.figure(*code, ind, *wave, *age).unwrap();
        match f {
            Figure::Value(v) => {
                assert!(
                    *n >= 50,
                    "{code} {wave} {age}: {v} written from {n} respondents"
                );
                let (lo, hi) = ds.interval(*code, ind, *wave, *age).unwrap().unwrap();
                assert!(lo <= v && v <= hi);
            }
            // Too few respondents, or too little precision (its estimate says which).
            Figure::Suppressed => assert!(
                *n < 50
                    || p.estimates.iter().any(|e| e.unit == Unit::Area(*code)
                        && e.wave == *wave
                        && e.age == *age
                        && e.measure as u8 == *m
                        && matches!(
                            e.suppressed,
                            Some(Suppression::TooFewEffective { .. } | Suppression::TooWide { .. })
                        )),
                "{code} {wave} {age}: suppressed with {n} respondents"
            ),
            Figure::NotMeasured => panic!("{code}: not measured"),
        }
        checked += 1;
    }
    assert!(checked > 100);
    // The bounds make trend significance work on microdata figures.
    let gm: AreaCode = "GM0503".parse().unwrap();
    let t = omzien::TrendQuery::new(Indicator::LONELY, Wave::new(2016), Wave::new(2020))
        .with_age(AgeGroup::ADULTS)
        .area(&ds, gm)
        .unwrap();
    assert!(t.significant.is_some(), "{t:?}");
}

/// The estimates file is CSV a reader takes as it is: every row as wide as the header, the
/// reason for suppression (which holds a comma) one field, the 99.8 % interval around the
/// 95 % one, each suppression said in words.
fn estimates_csv_reads_back(p: &omzien::microdata::Prevalence, est: &Path) {
    // The estimates file is CSV a reader takes as it is: every row as wide as the header, the
    // reason for suppression (which holds a comma) one field.
    write_estimates_csv(p, est).unwrap();
    let text = std::fs::read_to_string(est).unwrap();
    let body = text
        .strip_prefix("# SYNTHETIC respondents: not real survey data\n")
        .unwrap();
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r.headers().unwrap().clone();
    assert_eq!(header.len(), 13);
    assert_eq!(
        (8..12).map(|i| &header[i]).collect::<Vec<_>>(),
        ["lower", "upper", "lower_998", "upper_998"]
    );
    let mut suppressed_rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), header.len(), "{rec:?}");
        if rec[12].is_empty() {
            // Published: the 99.8 % Wilson interval on the same effective n holds the 95 % one.
            let x: Vec<f64> = (7..12).map(|i| rec[i].parse().unwrap()).collect();
            assert!(
                x[3] <= x[1] && x[1] <= x[0] && x[0] <= x[2] && x[2] <= x[4],
                "{rec:?}"
            );
            let n_eff: f64 = rec[6].parse().unwrap();
            let (lo, hi) = omzien::wilson(x[0] / 100.0, n_eff, omzien::Confidence::P998);
            // Both from the unrounded share and n_eff: within the written rounding.
            assert!(
                (100.0 * lo - x[3]).abs() < 0.2 && (100.0 * hi - x[4]).abs() < 0.2,
                "{rec:?}"
            );
        }
        if !rec[12].is_empty() {
            // Too few respondents, or enough but too little precision (NCHS: effective n
            // below 30, or a 95 % interval wider than 30 pp), each said in words.
            assert!(
                rec[12].ends_with("respondents, fewer than 50")
                    || rec[12].ends_with("(unequal weights), below 30")
                    || rec[12].ends_with("pp wide, wider than 30"),
                "{rec:?}"
            );
            assert!(rec[7].is_empty());
            suppressed_rows += 1;
        }
    }
    assert_eq!(
        suppressed_rows,
        p.estimates
            .iter()
            .filter(|e| e.suppressed.is_some())
            .count()
    );
    assert!(suppressed_rows > 0);
}

#[test]
fn repeated_ids_are_found_across_chunks_checked_in_parallel() {
    // 140,000 respondents: the rows are checked in chunks of 65,536 on several threads, so the
    // copies of a repeated id lie in different chunks. Small ids are marked in bitmaps, an id
    // of 2^40 is checked by collected keys; the same id in another wave is no repeat.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    let big = 1u64 << 40;
    for i in 0..140_000u64 {
        let id = match i {
            100_000 => 5,      // a copy of row 6's id, two chunks further
            130_000 => big,    // a copy of row 11's id
            135_000 => 70_000, // the id of row 70,001, in another wave
            10 => big,
            _ => i,
        };
        let wave = if i == 135_000 { 2016 } else { 2020 };
        let answers = if i % 3 == 0 { LONELY } else { CALM };
        writeln!(csv, "{id},{wave},BU03630001,40,1,1,{answers}").unwrap();
    }
    let input = write_csv(dir.path(), "many.csv", &csv);
    let p = aggregate_file(&input, &Mapping::default(), &MicrodataOptions::default()).unwrap();
    let dups = &p.summary.excluded[&Exclusion::DuplicateId];
    assert_eq!(dups.count, 4, "{dups:?}");
    // File rows counted from 1, after the header: rows 6 and 11 and their copies.
    assert_eq!(dups.rows, vec![6, 11, 100_001, 130_001]);
    assert_eq!(p.summary.read, 140_000);
    assert_eq!(p.summary.used, 140_000 - 4);
    // Every third respondent is lonely, none of the left-out copies counts.
    let lonely = (0..140_000u64)
        .filter(|i| ![5, 10, 100_000, 130_000, 135_000].contains(i) && i % 3 == 0)
        .count();
    let e2020 = estimate(
        &p,
        &area("BU03630001"),
        2020,
        Measure::Lonely,
        AgeGroup::ADULTS,
    );
    // Used: all but the 4 copies; in 2020 also without the one 2016 respondent.
    assert_eq!(e2020.n as usize, 140_000 - 4 - 1);
    let want = 100.0 * lonely as f64 / (140_000 - 5) as f64;
    assert!(
        (e2020.value.unwrap() - want).abs() < 1e-9,
        "{:?} vs {want}",
        e2020.value
    );
}

#[test]
fn up_to_fifteen_age_groups_are_aggregated_and_more_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    for i in 0..60 {
        writeln!(csv, "{i},2020,BU03630001,40,1,1,{CALM}").unwrap();
    }
    let input = write_csv(dir.path(), "ages.csv", &csv);
    // Three groups with bounds and twelve codes without (every age counts in those).
    let mut groups = vec![AgeGroup::ADULTS, AgeGroup::WORKING_AGE, AgeGroup::SENIORS];
    groups.extend((1..=12).map(|k| format!("9{k:04}").parse::<AgeGroup>().unwrap()));
    assert_eq!(groups.len(), omzien::microdata::MAX_AGE_GROUPS);
    let options = MicrodataOptions::default().with_age_groups(groups.clone());
    let p = aggregate_file(&input, &Mapping::default(), &options).unwrap();
    for g in &groups {
        let n = p
            .estimates
            .iter()
            .find(|e| e.unit == area("BU03630001") && e.age == *g && e.measure == Measure::Lonely)
            .map(|e| e.n);
        let want = if *g == AgeGroup::SENIORS {
            None
        } else {
            Some(60)
        };
        assert_eq!(n, want, "age group {g}");
    }
    groups.push("90013".parse().unwrap());
    let e = aggregate_file(
        &input,
        &Mapping::default(),
        &MicrodataOptions::default().with_age_groups(groups),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("16 age groups") && e.contains("at most 15"),
        "{e}"
    );
}

#[test]
fn the_command_keeps_an_earlier_run_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    for i in 0..60 {
        writeln!(csv, "{i},2020,BU03630001,40,1,1,{CALM}").unwrap();
    }
    let input = write_csv(dir.path(), "r.csv", &csv);
    let out = dir.path().join("out");
    let args = [
        "microdata",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    omzien_tests::omzien_cli(&args).unwrap();
    let summary = out.join("summary.json");
    std::fs::write(&summary, "kept").unwrap();
    let e = omzien_tests::omzien_cli(&args).unwrap_err();
    assert!(e.contains("exists") && e.contains("--force"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        "kept",
        "nothing overwritten"
    );
    omzien_tests::omzien_cli(&[&args[..], &["--force"]].concat()).unwrap();
    assert_ne!(std::fs::read_to_string(&summary).unwrap(), "kept");
    // A format the command cannot write is refused, not ignored.
    let e = omzien_tests::omzien_cli(&[&args[..], &["--force", "--format", "json"]].concat())
        .unwrap_err();
    assert!(e.starts_with("--format: "), "{e}");
}
