//! The report's pictures: the chart of the gemeente beside the country, the maps in the
//! classes of the tiles, and their legends.

use super::*;

/// The chart of the ranked indicator: the gemeente and the country per wave and age group,
/// with 95 % intervals as whiskers.
pub(super) fn chart(l: &mut Layout, t: &T, ds: &Dataset, r: &GemeenteReport, ind_label: &str) {
    let h = 170.0;
    l.ensure(h + 50.0);
    let top = l.y + 8.0;
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
    let ymax = ((max / 10.0).ceil() * 10.0).max(10.0);
    let px = |i: usize| x0 + w * (i as f32 + 0.5) / waves.len().max(1) as f32;
    let py = |v: f64| y0 + hh - (v / ymax) as f32 * hh;
    // Axes and grid.
    for k in 0..=4 {
        let v = ymax * f64::from(k) / 4.0;
        let y = py(v);
        l.ops().push(Op::Line {
            points: vec![(x0, y), (x0 + w, y)],
            color: RULE,
            width: 0.4,
            dashed: false,
        });
        let s = format!(
            "{}%",
            t.num(v).trim_end_matches(",0").trim_end_matches(".0")
        );
        let tw = l.m.width(&s, 7.0, false);
        l.text_at(x0 - 4.0 - tw, y + 2.5, 7.0, false, GREY, &s);
    }
    for (i, wv) in waves.iter().enumerate() {
        let s = wv.to_string();
        let tw = l.m.width(&s, 7.5, false);
        l.text_at(px(i) - tw / 2.0, y0 + hh + 11.0, 7.5, false, GREY, &s);
    }
    let colors = [ACCENT, [214, 120, 40], [60, 140, 90], [120, 80, 160]];
    for (k, &age) in r.ages.iter().enumerate() {
        let color = colors[k % colors.len()];
        for (national, dashed) in [(false, false), (true, true)] {
            let c = if national { NATIONAL } else { color };
            let pts: Vec<Point3> = waves
                .iter()
                .enumerate()
                .filter_map(|(i, wv)| {
                    let p = r.point(ind, age, *wv)?;
                    let (f, iv) = if national {
                        (p.national, p.national_interval)
                    } else {
                        (p.gemeente, p.gemeente_interval)
                    };
                    Some((i, f.value()?, iv))
                })
                .collect();
            if pts.len() > 1 {
                l.ops().push(Op::Line {
                    points: pts.iter().map(|(i, v, _)| (px(*i), py(*v))).collect(),
                    color: c,
                    width: 1.4,
                    dashed,
                });
            }
            for (i, v, iv) in &pts {
                if let Some((lo, hi)) = iv {
                    l.ops().push(Op::Line {
                        points: vec![(px(*i), py(*lo)), (px(*i), py(*hi))],
                        color: c,
                        width: 0.8,
                        dashed: false,
                    });
                }
                l.ops().push(Op::Rect {
                    x: px(*i) - 2.0,
                    y: py(*v) - 2.0,
                    w: 4.0,
                    h: 4.0,
                    fill: Some([c[0], c[1], c[2], 255]),
                    stroke: None,
                });
            }
        }
        // Key.
        let ky = y0 + 10.0 + 14.0 * k as f32;
        l.ops().push(Op::Line {
            points: vec![(x0 + w + 12.0, ky - 3.0), (x0 + w + 30.0, ky - 3.0)],
            color,
            width: 1.4,
            dashed: false,
        });
        let key = format!("{} {}", t.s("Gemeente", "Gemeente"), age.short());
        l.text_at(x0 + w + 34.0, ky, 7.5, false, INK, &key);
    }
    let ky = y0 + 10.0 + 14.0 * r.ages.len() as f32;
    l.ops().push(Op::Line {
        points: vec![(x0 + w + 12.0, ky - 3.0), (x0 + w + 30.0, ky - 3.0)],
        color: NATIONAL,
        width: 1.4,
        dashed: true,
    });
    l.text_at(x0 + w + 34.0, ky, 7.5, false, INK, "Nederland");
    l.y = top + h + 10.0;
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
    l.text_at(MARGIN, top + 10.0, 9.5, true, INK, title);
    let y0 = top + 18.0;
    let layer = ds.layer(spec).ok();
    let unit = Projector::world_unit();
    let shapes: Vec<(AreaCode, Rings)> = boundaries
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
        .unwrap_or_default();
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (_, rings) in &shapes {
        for (x, y) in rings.iter().flatten() {
            minx = minx.min(*x);
            maxx = maxx.max(*x);
            miny = miny.min(*y);
            maxy = maxy.max(*y);
        }
    }
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
        // Scale bar: metres per point at the map's middle latitude.
        let mid_y = (miny + maxy) / 2.0;
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
        let (bx, by) = (MARGIN + 10.0, y0 + box_h - 14.0);
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
    if let Some(la) = &layer {
        legend(l, &la.legend(), t, MARGIN + box_w + 14.0, y0 + 4.0);
    }
    l.y = y0 + box_h + 12.0;
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
