//! The report's pictures: the chart of the gemeente beside the country, the maps in the
//! classes of the tiles, and their legends.

use super::*;

/// The chart of the ranked indicator: the gemeente and the country per wave and age group,
/// with 95 % intervals as whiskers.
pub(super) fn chart(l: &mut Layout, t: &T, ds: &Dataset, r: &GemeenteReport, ind_label: &str) {
    let h = 170.0;
    l.ensure(h + 50.0);
    let top = l.y + 8.0;
    l.begin(Role::Paragraph);
    l.text_at(
        MARGIN,
        top + 9.0,
        9.5,
        true,
        INK,
        &format!(
            "{ind_label}: {} {}",
            r.name,
            t.s(
                "(doorgetrokken) en Nederland (gestippeld)",
                "(solid) and the Netherlands (dotted)"
            )
        ),
    );
    l.end();
    l.begin(Role::Figure(chart_alt(t, r, ind_label)));
    let (x0, y0, w, hh) = (MARGIN + 30.0, top + 20.0, BODY_W - 130.0, h - 40.0);
    let ind = r.indicator();
    let waves = ds.waves();
    let mut max = 0f64;
    for p in r.series.iter().filter(|p| p.indicator == ind) {
        for v in [
            p.gemeente.value(),
            p.national.value(),
            p.gemeente_interval.map(|i| i.1),
            p.national_interval.map(|i| i.1),
        ]
        .into_iter()
        .flatten()
        {
            max = max.max(v);
        }
    }
    let f = Frame {
        x0,
        y0,
        w,
        hh,
        ymax: ((max / 10.0).ceil() * 10.0).max(10.0),
        n: waves.len().max(1),
    };
    f.axes(l, t, waves);
    let colors = [ACCENT, [214, 120, 40], [60, 140, 90], [120, 80, 160]];
    for (k, &age) in r.ages.iter().enumerate() {
        let color = colors[k % colors.len()];
        for national in [false, true] {
            let pts: Vec<Point3> = waves
                .iter()
                .enumerate()
                .filter_map(|(i, wv)| {
                    let p = r.point(ind, age, *wv)?;
                    let (fig, iv) = if national {
                        (p.national, p.national_interval)
                    } else {
                        (p.gemeente, p.gemeente_interval)
                    };
                    Some((i, fig.value()?, iv))
                })
                .collect();
            f.series(l, &pts, if national { NATIONAL } else { color }, national);
        }
        // "Gemeente" is the report's word in English too (as "the gemeente" in its text).
        let key = format!("Gemeente {}", age.short());
        f.key(l, k, color, false, &key);
    }
    f.key(
        l,
        r.ages.len(),
        NATIONAL,
        true,
        t.s("Nederland", "the Netherlands"),
    );
    l.end();
    l.y = top + h + 10.0;
}

/// The chart of [`chart`] in words: per age group the gemeente's and the country's figure in
/// the first and the last wave shown.
fn chart_alt(t: &T, r: &GemeenteReport, ind_label: &str) -> String {
    let ind = r.indicator();
    let mut parts = vec![format!(
        "{}: {ind_label} {} {} {}",
        t.s("Lijngrafiek", "Line chart"),
        t.s("per golf in", "per wave in"),
        r.name,
        t.s("en Nederland", "and the Netherlands"),
    )];
    for &age in &r.ages {
        let shown: Vec<&omzien::SeriesPoint> = r
            .series
            .iter()
            .filter(|p| p.indicator == ind && p.age == age)
            .collect();
        let (Some(first), Some(last)) = (shown.first(), shown.last()) else {
            continue;
        };
        let trace = |f: fn(&omzien::SeriesPoint) -> omzien::Figure| {
            if f(first).value().is_none() && f(last).value().is_none() {
                return t.s("geen cijfers", "no figures").to_owned();
            }
            format!(
                "{} {} → {} {}",
                first.wave,
                t.figure(f(first)),
                last.wave,
                t.figure(f(last))
            )
        };
        parts.push(format!(
            "{}: {} {}; {} {}",
            age.short(),
            r.name,
            trace(|p| p.gemeente),
            t.s("Nederland", "the Netherlands"),
            trace(|p| p.national)
        ));
    }
    parts.join(". ") + "."
}

/// The chart's plot area: its corner, width and height in points, the top of its scale and
/// the number of waves along it.
struct Frame {
    x0: f32,
    y0: f32,
    w: f32,
    hh: f32,
    ymax: f64,
    n: usize,
}

impl Frame {
    fn px(&self, i: usize) -> f32 {
        self.x0 + self.w * (i as f32 + 0.5) / self.n as f32
    }

    fn py(&self, v: f64) -> f32 {
        self.y0 + self.hh - (v / self.ymax) as f32 * self.hh
    }

    /// The grid with its percentages and the waves below.
    fn axes(&self, l: &mut Layout, t: &T, waves: &[omzien::Wave]) {
        for k in 0..=4 {
            let v = self.ymax * f64::from(k) / 4.0;
            let y = self.py(v);
            l.ops().push(Op::Line {
                points: vec![(self.x0, y), (self.x0 + self.w, y)],
                color: RULE,
                width: 0.4,
                dashed: false,
            });
            let s = format!(
                "{}%",
                t.num(v).trim_end_matches(",0").trim_end_matches(".0")
            );
            let tw = l.m.width(&s, 7.0, false);
            l.text_at(self.x0 - 4.0 - tw, y + 2.5, 7.0, false, GREY, &s);
        }
        for (i, wv) in waves.iter().enumerate() {
            let s = wv.to_string();
            let tw = l.m.width(&s, 7.5, false);
            l.text_at(
                self.px(i) - tw / 2.0,
                self.y0 + self.hh + 11.0,
                7.5,
                false,
                GREY,
                &s,
            );
        }
    }

    /// One line of points with their 95 % intervals as whiskers.
    fn series(&self, l: &mut Layout, pts: &[Point3], c: [u8; 3], dashed: bool) {
        if pts.len() > 1 {
            l.ops().push(Op::Line {
                points: pts
                    .iter()
                    .map(|(i, v, _)| (self.px(*i), self.py(*v)))
                    .collect(),
                color: c,
                width: 1.4,
                dashed,
            });
        }
        for (i, v, iv) in pts {
            if let Some((lo, hi)) = iv {
                l.ops().push(Op::Line {
                    points: vec![(self.px(*i), self.py(*lo)), (self.px(*i), self.py(*hi))],
                    color: c,
                    width: 0.8,
                    dashed: false,
                });
            }
            l.ops().push(Op::Rect {
                x: self.px(*i) - 2.0,
                y: self.py(*v) - 2.0,
                w: 4.0,
                h: 4.0,
                fill: Some([c[0], c[1], c[2], 255]),
                stroke: None,
            });
        }
    }

    /// The `k`th line of the key, right of the plot.
    fn key(&self, l: &mut Layout, k: usize, color: [u8; 3], dashed: bool, text: &str) {
        let ky = self.y0 + 10.0 + 14.0 * k as f32;
        let x = self.x0 + self.w;
        l.ops().push(Op::Line {
            points: vec![(x + 12.0, ky - 3.0), (x + 30.0, ky - 3.0)],
            color,
            width: 1.4,
            dashed,
        });
        l.text_at(x + 34.0, ky, 7.5, false, INK, text);
    }
}

/// A map of the report's areas in the classes of `spec` (the tiles' classes), with legend
/// and scale bar.
pub(super) fn map(
    l: &mut Layout,
    t: &T,
    ds: &Dataset,
    boundaries: Option<&Boundaries>,
    codes: &[AreaCode],
    spec: &LayerSpec,
    title: &str,
) {
    let (box_w, box_h) = (330.0f32, 290.0f32);
    l.ensure(box_h + 30.0);
    let top = l.y;
    l.begin(Role::Paragraph);
    l.text_at(MARGIN, top + 10.0, 9.5, true, INK, title);
    l.end();
    let y0 = top + 18.0;
    let layer = ds.layer(spec).ok();
    let shapes = world_shapes(boundaries, codes);
    l.begin(Role::Figure(map_alt(
        t,
        ds,
        layer.as_ref(),
        codes,
        shapes.len(),
        title,
    )));
    let (minx, miny, maxx, maxy) = extent(&shapes);
    l.ops().push(Op::Rect {
        x: MARGIN,
        y: y0,
        w: box_w,
        h: box_h,
        fill: None,
        stroke: Some((RULE, 0.5)),
    });
    if shapes.is_empty() || maxx <= minx || maxy <= miny {
        l.text_at(
            MARGIN + 10.0,
            y0 + 20.0,
            8.5,
            false,
            GREY,
            t.s(
                "Geen grenzen geladen voor deze kaart.",
                "No boundaries loaded for this map.",
            ),
        );
    } else {
        let pad = 8.0f64;
        let s = ((f64::from(box_w) - 2.0 * pad) / (maxx - minx))
            .min((f64::from(box_h) - 2.0 * pad) / (maxy - miny));
        let ox = f64::from(MARGIN) + (f64::from(box_w) - s * (maxx - minx)) / 2.0;
        let oy = f64::from(y0) + (f64::from(box_h) - s * (maxy - miny)) / 2.0;
        for (code, rings) in &shapes {
            let fill = layer
                .as_ref()
                .and_then(|la| la.color(*code))
                .map_or([230, 230, 230, 255], |c| c.0);
            l.ops().push(Op::Shape {
                rings: rings
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|(x, y)| {
                                ((ox + (x - minx) * s) as f32, (oy + (y - miny) * s) as f32)
                            })
                            .collect()
                    })
                    .collect(),
                fill,
                stroke: [255, 255, 255],
            });
        }
        scale_bar(l, s, (miny + maxy) / 2.0, y0 + box_h - 14.0);
    }
    if let Some(la) = &layer {
        legend(l, &la.legend(), t, MARGIN + box_w + 14.0, y0 + 4.0);
    }
    l.end();
    l.y = y0 + box_h + 12.0;
}

/// A map of [`map`] in words: how many areas it draws, how many fall in the highest class,
/// the highest and the lowest by name, what is suppressed; for a change, how many rose and
/// fell. Said even when there is nothing to draw.
fn map_alt(
    t: &T,
    ds: &Dataset,
    layer: Option<&omzien::Layer>,
    codes: &[AreaCode],
    drawn: usize,
    title: &str,
) -> String {
    let map = t.s("Kaart", "Map");
    let Some(la) = layer else {
        return format!(
            "{map}: {title}. {}",
            t.s(
                "De kaartlaag kon niet worden gemaakt.",
                "The map layer could not be made."
            )
        );
    };
    if drawn == 0 {
        return format!(
            "{map}: {title}. {}",
            t.s(
                "Geen grenzen geladen: er is niets getekend.",
                "No boundaries loaded: nothing is drawn."
            )
        );
    }
    let legend = la.legend();
    let unit = legend.unit.symbol();
    let classes: Vec<&omzien::LegendEntry> = legend
        .entries
        .iter()
        .filter(|e| e.kind == omzien::EntryKind::Class)
        .collect();
    let name = |c: AreaCode| ds.area_name(c);
    let mut valued: Vec<(f64, AreaCode)> = codes
        .iter()
        .filter_map(|&c| la.value(c).map(|v| (v, c)))
        .collect();
    valued.sort_by(|a, b| b.0.total_cmp(&a.0));
    let listed = |list: &[(f64, AreaCode)]| {
        list.iter()
            .map(|&(v, c)| format!("{} ({} {unit})", name(c), t.num(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = vec![format!(
        "{map}: {title}. {drawn} {} {} {}",
        t.s("van de", "of the"),
        codes.len(),
        t.s("gebieden getekend", "areas drawn")
    )];
    if let Some(top) = classes.len().checked_sub(1) {
        let in_top = codes
            .iter()
            .filter(|&&c| la.style(c) == Some(omzien::Style::Class(top)))
            .count();
        parts.push(format!(
            "{in_top} {} ({} {unit})",
            t.s("in de hoogste klasse", "in the highest class"),
            classes[top].label
        ));
    }
    if !valued.is_empty() {
        parts.push(format!(
            "{}: {}; {}: {}",
            t.s("Hoogste", "Highest"),
            listed(&valued[..valued.len().min(3)]),
            t.s("laagste", "lowest"),
            listed(&valued[valued.len() - 1..])
        ));
    }
    if matches!(la.spec().kind, omzien::LayerKind::Delta { .. }) {
        let up = valued.iter().filter(|(v, _)| *v > 0.0).count();
        let down = valued.iter().filter(|(v, _)| *v < 0.0).count();
        parts.push(format!(
            "{up} {} {down} {}",
            t.s("gestegen,", "rose,"),
            t.s("gedaald", "fell")
        ));
    }
    let suppressed = codes
        .iter()
        .filter(|&&c| la.style(c) == Some(omzien::Style::Suppressed))
        .count();
    if suppressed > 0 {
        parts.push(format!(
            "{suppressed} {}",
            t.s(
                "onderdrukt (te weinig respondenten)",
                "suppressed (too few respondents)"
            )
        ));
    }
    parts.join(". ") + "."
}

/// A spine chart in words: the area against the spread of its level in each indicator, and the
/// indicators where it reads worse or better than the benchmark (at 95 %).
pub(super) fn spine_alt(t: &T, ds: &Dataset, spine: &omzien::Spine, lang: Lang) -> String {
    let name = ds.area_name(spine.area);
    let mut by: std::collections::BTreeMap<&'static str, Vec<String>> = Default::default();
    for row in &spine.rows {
        let reading = row.row.reads(omzien::Confidence::P95);
        by.entry(t.reading(reading))
            .or_default()
            .push(label(ds, row.row.indicator, lang));
    }
    let mut parts = vec![format!(
        "{}: {name} {} {} {}",
        t.s("Ruggengraatdiagram", "Spine chart"),
        t.s(
            "per indicator tegen de spreiding van alle",
            "per indicator against the spread of all"
        ),
        t.level(spine.level, true),
        t.s("en de vergelijkingswaarde (95%)", "and the benchmark (95%)"),
    )];
    for (reading, labels) in by {
        parts.push(format!("{reading}: {}", labels.join(", ")));
    }
    parts.join(". ") + "."
}

/// A funnel plot in words: how many areas, the benchmark, and which lie above or below its
/// 99.8 % limits.
pub(super) fn funnel_alt(t: &T, ds: &Dataset, f: &omzien::Funnel) -> String {
    let name = |c: AreaCode| ds.area_name(c);
    let side = |v: omzien::Verdict| {
        let names: Vec<String> = f
            .points
            .iter()
            .filter(|p| p.verdict_998 == v)
            .map(|p| name(p.area))
            .collect();
        if names.is_empty() {
            t.s("geen", "none").to_owned()
        } else {
            names.join(", ")
        }
    };
    format!(
        "{}: {} {} {} {}. {}: {}. {}: {}.",
        t.s("Trechterdiagram", "Funnel plot"),
        f.points.len(),
        t.s("gebieden tegen", "areas against"),
        name(f.benchmark_area),
        t.num(f.benchmark),
        t.s("Boven de 99,8%-grens", "Above the 99.8% limit"),
        side(omzien::Verdict::Higher),
        t.s("Onder de 99,8%-grens", "Below the 99.8% limit"),
        side(omzien::Verdict::Lower),
    )
}

/// The areas' shapes as rings of world coordinates (0–1), where the boundaries have them.
fn world_shapes(boundaries: Option<&Boundaries>, codes: &[AreaCode]) -> Vec<(AreaCode, Rings)> {
    let unit = Projector::world_unit();
    boundaries
        .map(|b| {
            codes
                .iter()
                .filter_map(|c| {
                    let s = b.shape(*c)?;
                    let rings = s
                        .geometry
                        .0
                        .iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                        .map(|r| r.0.iter().map(|c| unit.world(c.x, c.y)).collect())
                        .collect();
                    Some((*c, rings))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The shapes' extent: (min x, min y, max x, max y); inverted when there are none.
fn extent(shapes: &[(AreaCode, Rings)]) -> (f64, f64, f64, f64) {
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (_, rings) in shapes {
        for (x, y) in rings.iter().flatten() {
            minx = minx.min(*x);
            maxx = maxx.max(*x);
            miny = miny.min(*y);
            maxy = maxy.max(*y);
        }
    }
    (minx, miny, maxx, maxy)
}

/// A scale bar of a round length up to 90 points, at the map's lower left: `s` points per world
/// unit, `mid_y` the world y of the map's middle (metres per point depend on the latitude).
fn scale_bar(l: &mut Layout, s: f64, mid_y: f64, by: f32) {
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * mid_y)).sinh().atan();
    let metres_per_pt = 40_075_016.686 * lat.cos() / s;
    let bar = [
        100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0,
    ]
    .into_iter()
    .rev()
    .find(|m| m / metres_per_pt <= 90.0)
    .unwrap_or(100.0);
    let bw = (bar / metres_per_pt) as f32;
    let bx = MARGIN + 10.0;
    l.ops().push(Op::Line {
        points: vec![(bx, by - 3.0), (bx, by), (bx + bw, by), (bx + bw, by - 3.0)],
        color: INK,
        width: 1.0,
        dashed: false,
    });
    let label = if bar >= 1000.0 {
        format!("{} km", bar / 1000.0)
    } else {
        format!("{bar} m")
    };
    l.text_at(bx + bw + 4.0, by + 2.5, 7.0, false, INK, &label);
}

pub(super) fn legend(l: &mut Layout, legend: &Legend, t: &T, x: f32, y: f32) {
    let mut y = y;
    for e in &legend.entries {
        l.ops().push(Op::Rect {
            x,
            y,
            w: 14.0,
            h: 10.0,
            fill: Some(e.rgba.0),
            stroke: Some((GREY, 0.3)),
        });
        let text = match e.kind {
            omzien::EntryKind::Class => {
                let unit = legend.unit.symbol();
                let fmt = |v: Option<f64>| v.map_or_else(String::new, |v| t.num(v));
                format!("{} – {} {unit}", fmt(e.min), fmt(e.max))
            }
            omzien::EntryKind::Suppressed => t.s("onderdrukt", "suppressed").to_owned(),
            omzien::EntryKind::NotMeasured => t.s("niet gemeten", "not measured").to_owned(),
        };
        l.text_at(x + 19.0, y + 8.0, 7.5, false, INK, &text);
        y += 14.0;
    }
}
