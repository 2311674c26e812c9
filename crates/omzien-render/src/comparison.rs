//! The spine chart and the funnel plot, drawn from the core's [`omzien::Spine`] and
//! [`omzien::Funnel`] as [`Chart`]s (SVG or PNG).
//!
//! **Spine chart** (as Fingertips draws it): one row per indicator; the benchmark is the
//! vertical line in the middle of the spine; the grey bars span the lowest value to the first
//! quartile, the quartiles (darker) and the third quartile to the highest, over every area of
//! the level; each indicator is scaled so the benchmark sits in the middle and the farther of
//! the lowest and highest value reaches the end. Worse lies left and better right where a
//! direction is good (for loneliness, higher values lie left); lower left where none is. The
//! dot is the area, coloured by its verdict at 95 % and ringed black when the 99.8 % verdict
//! says the same.
//!
//! **Funnel plot:** areas by precision (effective n, logarithmic axis) and value, the
//! benchmark's line and its 95 % (dashed) and 99.8 % (solid) control limits; areas outside the
//! 99.8 % limits are named.

use omzien::{Confidence, Dataset, Funnel, Polarity, Reading, Spine, Verdict};

use crate::chart::{Anchor, Chart, Mark, Rgb};
use crate::lang::{Lang, T, label};

/// Where the columns of a spine chart lie (chart units).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SpineLayout {
    /// Width of the chart.
    pub width: f64,
    /// Right end of the value column.
    pub value: f64,
    /// Right end of the benchmark column.
    pub benchmark: f64,
    /// Right end of the verdict column.
    pub verdict: f64,
    /// Left end of the spine.
    pub left: f64,
    /// Right end of the spine.
    pub right: f64,
    /// Top of the first row.
    pub top: f64,
    /// Height of a row.
    pub row: f64,
    /// Size of the title.
    pub title: f64,
}

impl SpineLayout {
    /// For a screen (the API and `omzien spine`): 960 wide.
    pub const WEB: SpineLayout = SpineLayout {
        width: 960.0,
        value: 440.0,
        benchmark: 520.0,
        verdict: 590.0,
        left: 600.0,
        right: 940.0,
        top: 64.0,
        row: 24.0,
        title: 15.0,
    };
    /// For an A4 page's text width (the report): 620 wide, shown at about 0.8.
    pub const PAGE: SpineLayout = SpineLayout {
        width: 620.0,
        value: 262.0,
        benchmark: 306.0,
        verdict: 372.0,
        left: 380.0,
        right: 608.0,
        top: 64.0,
        row: 22.0,
        title: 12.5,
    };
}

const INK: Rgb = [0x1d, 0x1d, 0x1d];
const MUTED: Rgb = [0x55, 0x55, 0x55];
const LIGHT: Rgb = [0xc8, 0xc8, 0xc8];
const DARK: Rgb = [0x8c, 0x8c, 0x8c];
const BENCH: Rgb = [0xa5, 0x00, 0x26];

/// The colour of a verdict as read (Fingertips' scheme: red worse, green better, amber
/// similar, blues where no direction is good, white unknown).
#[must_use]
pub fn reading_colour(r: Reading) -> Rgb {
    match r {
        Reading::Worse => [0xc0, 0x00, 0x00],
        Reading::Better => [0x38, 0x8e, 0x3c],
        Reading::Similar => [0xff, 0xc0, 0x00],
        Reading::Higher => [0x1f, 0x4e, 0xb4],
        Reading::Lower => [0x9e, 0xc0, 0xff],
        _ => [0xff, 0xff, 0xff],
    }
}

/// The x of a value on a spine row: the benchmark in the middle, the farther of `min` and
/// `max` at an end, worse to the left where higher is worse.
#[must_use]
pub fn spine_x(
    layout: &SpineLayout,
    value: f64,
    benchmark: f64,
    (min, max): (f64, f64),
    polarity: Polarity,
) -> f64 {
    let half = (benchmark - min)
        .abs()
        .max((max - benchmark).abs())
        .max(1e-9);
    let mid = (layout.left + layout.right) / 2.0;
    let sign = if polarity == Polarity::HigherIsWorse {
        -1.0
    } else {
        1.0
    };
    mid + sign * (value - benchmark) / half * (layout.right - layout.left) / 2.0
}

/// The Dutch plural of a level (`wijken`), the word the project uses in both languages.
fn plural(level: omzien::Level) -> String {
    match level {
        omzien::Level::Land => "landen".to_owned(),
        l => format!("{l}en").replace("gemeenteen", "gemeenten"),
    }
}

/// A text mark: where it is anchored, its size, its text, how it is anchored, bold or not, its
/// colour.
fn text_mark(
    at: (f64, f64),
    size: f64,
    text: impl Into<String>,
    anchor: Anchor,
    bold: bool,
    fill: Rgb,
) -> Mark {
    Mark::Text {
        at,
        size,
        text: text.into(),
        anchor,
        bold,
        fill,
    }
}

/// The spine chart of an area, laid out for a screen ([`SpineLayout::WEB`]).
///
/// ```
/// use omzien::{Benchmark, CompareQuery, Wave};
/// use omzien_render::{Lang, spine_chart};
/// let ds = omzien::demo::dataset();
/// let q = CompareQuery::new("WK999903".parse()?, Benchmark::Gemeente, Wave::new(2020));
/// let chart = spine_chart(&ds, &q.spine(&ds)?, Lang::En);
/// let svg = chart.svg();
/// assert!(svg.starts_with("<svg") && svg.contains("<title"));
/// assert_eq!(&chart.png(1)?[1..4], b"PNG");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn spine_chart(ds: &Dataset, s: &Spine, lang: Lang) -> Chart {
    spine_chart_in(ds, s, lang, &SpineLayout::WEB)
}

/// The spine chart of an area in a layout.
#[must_use]
pub fn spine_chart_in(ds: &Dataset, s: &Spine, lang: Lang, lay: &SpineLayout) -> Chart {
    let tx = T { lang };
    let name = |c| ds.area(c).map(|a| a.display_name()).unwrap_or_default();
    let bench_name = match (s.benchmark_area, &s.group) {
        (Some(code), _) => name(code),
        (None, Some(g)) => format!("{} {}", tx.s("groep", "group"), g.name),
        (None, None) => tx
            .s("vergelijkbare gemeenten", "similar gemeenten")
            .to_owned(),
    };
    let title = format!(
        "{} {} {}, {} {} ({}: {} {})",
        name(s.area),
        tx.s("tegen", "against"),
        bench_name,
        s.wave,
        s.age.short(),
        tx.s("spreiding", "spread"),
        tx.s("alle", "all"),
        plural(s.level),
    );
    let mut marks = spine_header(&tx, lay, &title);
    let mut said = Vec::new();
    for (i, r) in s.rows.iter().enumerate() {
        spine_row(ds, s, lay, &tx, (i, r), (&mut marks, &mut said));
    }
    let band = s.rows.iter().find_map(|r| match r.row.rule {
        omzien::Rule::Band(b) => Some(b),
        omzien::Rule::Interval => None,
    });
    let height = lay.top + lay.row * s.rows.len() as f64 + if band.is_some() { 70.0 } else { 54.0 };
    if let Some(b) = band {
        marks.push(text_mark((16.0, height - 46.0), 10.0, match lang {
                Lang::Nl => format!(
                    "Zonder 95%-interval: slechter of beter bij meer dan {} procentpunt verschil (een afstand, geen toets).",
                    tx.num(b)
                ),
                Lang::En => format!(
                    "Without a 95% interval: worse or better by more than {} percentage points (a distance, not a test).",
                    tx.num(b)
                ),
            }, Anchor::Start, false, MUTED));
    }
    for (i, line) in [
        tx.s(
            "Rode lijn: referentie. Grijs: laagste tot hoogste waarde, donker de middelste helft.",
            "Red line: benchmark. Grey: lowest to highest value, darker the middle half.",
        ),
        tx.s(
            "Stip: oordeel bij 95%; zwarte rand: ook bij 99,8%.",
            "Dot: verdict at 95%; black ring: also at 99.8%.",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        marks.push(text_mark(
            (16.0, height - 30.0 + 14.0 * i as f64),
            10.0,
            line.to_owned(),
            Anchor::Start,
            false,
            MUTED,
        ));
    }
    Chart {
        width: lay.width,
        height,
        title,
        description: said.join("; "),
        marks,
    }
}

/// The spine chart's title and column heads.
fn spine_header(tx: &T, lay: &SpineLayout, title: &str) -> Vec<Mark> {
    vec![
        text_mark((16.0, 24.0), lay.title, title, Anchor::Start, true, INK),
        text_mark(
            (16.0, 48.0),
            11.0,
            tx.s("indicator", "indicator").to_owned(),
            Anchor::Start,
            true,
            MUTED,
        ),
        text_mark(
            (lay.value, 48.0),
            11.0,
            tx.s("waarde", "value").to_owned(),
            Anchor::End,
            true,
            MUTED,
        ),
        text_mark(
            (lay.benchmark, 48.0),
            11.0,
            tx.s("ref.", "bench.").to_owned(),
            Anchor::End,
            true,
            MUTED,
        ),
        text_mark(
            (lay.left, 48.0),
            11.0,
            tx.s("slechter / lager", "worse / lower").to_owned(),
            Anchor::Start,
            false,
            MUTED,
        ),
        text_mark(
            (lay.right, 48.0),
            11.0,
            tx.s("beter / hoger", "better / higher").to_owned(),
            Anchor::End,
            false,
            MUTED,
        ),
    ]
}

/// One indicator's row of a spine chart: its label, value, benchmark and verdict, and where
/// both are known the spread of all areas with the area's dot; what it says is added to
/// `said` (the chart's description).
fn spine_row(
    ds: &Dataset,
    s: &Spine,
    lay: &SpineLayout,
    tx: &T,
    (i, r): (usize, &omzien::SpineRow),
    (marks, said): (&mut Vec<Mark>, &mut Vec<String>),
) {
    let lang = tx.lang;
    let y = lay.top + lay.row * i as f64;
    let mid_y = y + lay.row / 2.0;
    let label = label(ds, r.row.indicator, lang);
    if i % 2 == 0 {
        marks.push(Mark::Rect {
            x: 8.0,
            y,
            w: lay.width - 16.0,
            h: lay.row,
            fill: [0xf4, 0xf4, 0xf4],
        });
    }
    let reading = r.row.reads(Confidence::P95);
    let reading_998 = r.row.reads(Confidence::P998);
    let Some(v) = r.row.value.value() else {
        return;
    };
    marks.push(text_mark(
        (16.0, mid_y + 4.0),
        11.0,
        label.clone(),
        Anchor::Start,
        false,
        INK,
    ));
    marks.push(text_mark(
        (lay.value, mid_y + 4.0),
        11.0,
        tx.num(v),
        Anchor::End,
        false,
        INK,
    ));
    let bench = r.row.benchmark.value();
    marks.push(text_mark(
        (lay.benchmark, mid_y + 4.0),
        11.0,
        bench.map(|b| tx.num(b)).unwrap_or_default(),
        Anchor::End,
        false,
        MUTED,
    ));
    marks.push(text_mark(
        (lay.verdict, mid_y + 4.0),
        10.0,
        tx.reading(reading).to_owned(),
        Anchor::End,
        false,
        MUTED,
    ));
    said.push(format!(
        "{label}: {} ({} {}; 95%: {}, 99.8%: {})",
        tx.num(v),
        tx.s("referentie", "benchmark"),
        bench.map(|b| tx.num(b)).unwrap_or_default(),
        tx.reading(reading),
        tx.reading(reading_998)
    ));
    let (Some(b), Some(sp)) = (bench, r.spread) else {
        return;
    };
    let x = |val: f64| spine_x(lay, val, b, (sp.min, sp.max), r.row.polarity);
    let bar = |from: f64, to: f64, fill: Rgb| {
        let (a, c) = (x(from).min(x(to)), x(from).max(x(to)));
        Mark::Rect {
            x: a,
            y: y + 6.0,
            w: (c - a).max(0.5),
            h: lay.row - 12.0,
            fill,
        }
    };
    marks.push(bar(sp.min, sp.q1, LIGHT));
    marks.push(bar(sp.q3, sp.max, LIGHT));
    marks.push(bar(sp.q1, sp.q3, DARK));
    let mid = (lay.left + lay.right) / 2.0;
    marks.push(Mark::Line {
        from: (mid, y + 2.0),
        to: (mid, y + lay.row - 2.0),
        stroke: BENCH,
        width: 2.0,
    });
    let sure = reading_998 == reading && reading != Reading::Similar;
    marks.push(Mark::Dot {
        at: (x(v), mid_y),
        r: 6.0,
        fill: reading_colour(reading),
        stroke: if sure { [0, 0, 0] } else { DARK },
        label: format!("{}: {label} {v}", s.area),
    });
}

/// Width of a funnel plot.
pub const FUNNEL_WIDTH: f64 = 900.0;
/// Height of a funnel plot.
pub const FUNNEL_HEIGHT: f64 = 560.0;
/// The plot area: left, top, right, bottom.
pub const FUNNEL_PLOT: [f64; 4] = [70.0, 50.0, 880.0, 500.0];

/// The y range of a funnel plot: the benchmark, the areas and the limits at the plotted
/// precisions, with a margin.
#[must_use]
pub fn funnel_range(f: &Funnel) -> (f64, f64) {
    let mut lo = f.benchmark;
    let mut hi = f.benchmark;
    for p in &f.points {
        lo = lo.min(p.value);
        hi = hi.max(p.value);
    }
    if let (Some(first), Some(last)) = (f.limits.first(), f.limits.last()) {
        for l in [first, last] {
            lo = lo.min(l.p998.0);
            hi = hi.max(l.p998.1);
        }
    }
    let pad = ((hi - lo) * 0.05).max(0.5);
    ((lo - pad).max(0.0), (hi + pad).min(100.0))
}

/// The position of (effective n, value) in a funnel plot of `f`.
#[must_use]
pub fn funnel_xy(f: &Funnel, n: f64, value: f64) -> (f64, f64) {
    let [l, top, r, bottom] = FUNNEL_PLOT;
    let (n0, n1) = (
        f.limits.first().map_or(1.0, |x| x.n).ln(),
        f.limits.last().map_or(2.0, |x| x.n).ln(),
    );
    let (y0, y1) = funnel_range(f);
    (
        l + (n.ln() - n0) / (n1 - n0).max(1e-9) * (r - l),
        bottom - (value - y0) / (y1 - y0).max(1e-9) * (bottom - top),
    )
}

/// The funnel plot of areas against their benchmark.
///
/// ```
/// use omzien::{FunnelQuery, Level, Wave};
/// use omzien_render::{Lang, funnel_chart};
/// // A funnel needs figures with intervals: the demo has none, so it is refused.
/// let ds = omzien::demo::dataset();
/// let q = FunnelQuery::new(Level::Wijk, Wave::new(2020));
/// assert!(q.run(&ds).is_err());
/// ```
#[must_use]
pub fn funnel_chart(ds: &Dataset, f: &Funnel, lang: Lang) -> Chart {
    let tx = T { lang };
    let name = |c| ds.area(c).map(|a| a.display_name()).unwrap_or_default();
    let [l, top, r, bottom] = FUNNEL_PLOT;
    let label = label(ds, f.indicator, lang);
    let title = format!(
        "{} {} {} ({}, {}) {} {} {}",
        label,
        f.wave,
        f.within
            .map(|g| format!(
                "{} {}",
                tx.s("in", "in"),
                name(omzien::AreaCode::Gemeente(g))
            ))
            .unwrap_or_default(),
        f.age.short(),
        plural(f.level),
        tx.s("tegen", "against"),
        name(f.benchmark_area),
        tx.num(f.benchmark),
    );
    let mut marks = vec![
        text_mark((16.0, 26.0), 15.0, title.clone(), Anchor::Start, true, INK),
        Mark::Line {
            from: (l, bottom),
            to: (r, bottom),
            stroke: MUTED,
            width: 1.0,
        },
        Mark::Line {
            from: (l, top),
            to: (l, bottom),
            stroke: MUTED,
            width: 1.0,
        },
    ];
    let (n0, n1) = funnel_axes(f, &tx, &mut marks);
    funnel_limits(f, (n0, n1), &mut marks);
    let outside = funnel_points(ds, f, &tx, &mut marks);
    marks.push(text_mark((16.0, FUNNEL_HEIGHT - 8.0), 10.0, tx.s("Rode lijn: referentie. Stippellijn: 95%-grenzen; doorgetrokken: 99,8%. Rood/blauw: buiten 99,8%; oranje: buiten 95%.",
            "Red line: benchmark. Dashed: 95% limits; solid: 99.8%. Red/blue: outside 99.8%; amber: outside 95%.",
        )
        .to_owned(), Anchor::Start, false, MUTED));
    let description = format!(
        "{} {} {}; {}: {}",
        f.points.len(),
        plural(f.level),
        tx.s("met interval", "with an interval"),
        tx.s("buiten de 99,8%-grenzen", "outside the 99.8% limits"),
        if outside.is_empty() {
            tx.s("geen", "none").to_owned()
        } else {
            outside.join(", ")
        }
    );
    Chart {
        width: FUNNEL_WIDTH,
        height: FUNNEL_HEIGHT,
        title,
        description,
        marks,
    }
}

/// The funnel plot's value ticks (every 1, 2, 5 or 10 pp), precision ticks (1, 2, 5 × powers
/// of ten) and axis label; returns the precision range plotted.
fn funnel_axes(f: &Funnel, tx: &T, marks: &mut Vec<Mark>) -> (f64, f64) {
    let [l, _, r, bottom] = FUNNEL_PLOT;
    let (y0, y1) = funnel_range(f);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| (y1 - y0) / s <= 10.0)
        .unwrap_or(20.0);
    let mut tick = (y0 / step).ceil() * step;
    while tick <= y1 {
        let (_, y) = funnel_xy(f, 1.0, tick);
        marks.push(Mark::Line {
            from: (l - 4.0, y),
            to: (l, y),
            stroke: MUTED,
            width: 1.0,
        });
        marks.push(text_mark(
            (l - 8.0, y + 4.0),
            10.0,
            format!("{tick:.0}%"),
            Anchor::End,
            false,
            MUTED,
        ));
        tick += step;
    }
    let (n0, n1) = (
        f.limits.first().map_or(1.0, |x| x.n),
        f.limits.last().map_or(2.0, |x| x.n),
    );
    let mut p = 1.0;
    while p <= n1 {
        for m in [1.0, 2.0, 5.0] {
            let n = p * m;
            if n >= n0 && n <= n1 {
                let (x, _) = funnel_xy(f, n, y0);
                marks.push(Mark::Line {
                    from: (x, bottom),
                    to: (x, bottom + 4.0),
                    stroke: MUTED,
                    width: 1.0,
                });
                marks.push(text_mark(
                    (x, bottom + 16.0),
                    10.0,
                    format!("{n:.0}"),
                    Anchor::Middle,
                    false,
                    MUTED,
                ));
            }
        }
        p *= 10.0;
    }
    marks.push(text_mark(
        ((l + r) / 2.0, bottom + 34.0),
        11.0,
        tx.s(
            "precisie: effectief aantal respondenten p(1−p)/SE² (logaritmische as)",
            "precision: effective respondents p(1−p)/SE² (logarithmic axis)",
        )
        .to_owned(),
        Anchor::Middle,
        false,
        MUTED,
    ));
    (n0, n1)
}

/// The benchmark's line and the 95 % (dashed) and 99.8 % (solid) control limits.
fn funnel_limits(f: &Funnel, (n0, n1): (f64, f64), marks: &mut Vec<Mark>) {
    let (bx0, by) = funnel_xy(f, n0, f.benchmark);
    let (bx1, _) = funnel_xy(f, n1, f.benchmark);
    marks.push(Mark::Line {
        from: (bx0, by),
        to: (bx1, by),
        stroke: BENCH,
        width: 1.5,
    });
    for (level, dashed) in [(Confidence::P95, true), (Confidence::P998, false)] {
        for upper in [false, true] {
            let points = f
                .limits
                .iter()
                .map(|x| {
                    let (lo, hi) = match level {
                        Confidence::P95 => x.p95,
                        _ => x.p998,
                    };
                    funnel_xy(f, x.n, if upper { hi } else { lo })
                })
                .collect();
            marks.push(Mark::Path {
                points,
                stroke: INK,
                width: 1.0,
                dashed,
            });
        }
    }
}

/// Every area's dot, coloured by its verdict, and the names of those outside the 99.8 %
/// limits beside their dots; returns them as the description lists them.
fn funnel_points(ds: &Dataset, f: &Funnel, tx: &T, marks: &mut Vec<Mark>) -> Vec<String> {
    let name = |c| ds.area(c).map(|a| a.display_name()).unwrap_or_default();
    let r = FUNNEL_PLOT[2];
    let mut outside = Vec::new();
    for p in &f.points {
        let colour = match (p.verdict_998, p.verdict_95) {
            (Verdict::Higher, _) => [0xc0, 0x00, 0x00],
            (Verdict::Lower, _) => [0x1f, 0x4e, 0xb4],
            (_, Verdict::Higher | Verdict::Lower) => [0xff, 0xc0, 0x00],
            _ => [0xbb, 0xbb, 0xbb],
        };
        let at = funnel_xy(f, p.effective_n, p.value);
        marks.push(Mark::Dot {
            at,
            r: 4.0,
            fill: colour,
            stroke: MUTED,
            label: format!("{}: {} (n {:.0})", p.area, p.value, p.effective_n),
        });
        if matches!(p.verdict_998, Verdict::Higher | Verdict::Lower) {
            outside.push(format!("{} ({})", name(p.area), tx.num(p.value)));
            // Named beside the dot, on its left where the right would run off the plot.
            let left = at.0 > r - 160.0;
            marks.push(text_mark(
                (if left { at.0 - 7.0 } else { at.0 + 7.0 }, at.1 - 5.0),
                9.0,
                name(p.area),
                if left { Anchor::End } else { Anchor::Start },
                false,
                INK,
            ));
        }
    }
    outside
}
