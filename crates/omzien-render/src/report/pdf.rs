//! The laid-out pages drawn as a PDF with krilla: fonts embedded and subset, text selectable.

use super::*;

pub(super) fn rgb3(c: [u8; 3]) -> rgb::Color {
    rgb::Color::new(c[0], c[1], c[2])
}

pub(super) fn draw(pages: &[Vec<Op>], title: &str, lang: Lang) -> Result<Vec<u8>, ReportPdfError> {
    let font = |b: &'static [u8]| {
        Font::new(b.into(), 0).ok_or_else(|| ReportPdfError::Font("DejaVu Sans".into()))
    };
    let regular = font(dejavu::sans::regular())?;
    let bold = font(dejavu::sans::bold())?;
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .language(
                match lang {
                    Lang::Nl => "nl",
                    Lang::En => "en",
                }
                .to_owned(),
            )
            .creator("omzien".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportPdfError::Pdf("page size".into()))?;
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for op in ops {
            draw_op(&mut s, op, &regular, &bold);
        }
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| ReportPdfError::Pdf(format!("{e:?}")))
}

/// One drawing operation on a page.
fn draw_op(s: &mut krilla::surface::Surface<'_>, op: &Op, regular: &Font, bold: &Font) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold: b,
            color,
            text,
        } => {
            s.set_fill(Some(Fill {
                paint: rgb3(*color).into(),
                opacity: NormalizedF32::ONE,
                rule: FillRule::NonZero,
            }));
            s.set_stroke(None);
            let f = if *b { bold.clone() } else { regular.clone() };
            s.draw_text(
                Point::from_xy(*x, *y),
                f,
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(rect);
            }
            let Some(path) = pb.finish() else { return };
            s.set_fill(fill.map(|c| Fill {
                paint: rgb3([c[0], c[1], c[2]]).into(),
                opacity: NormalizedF32::new(f32::from(c[3]) / 255.0).unwrap_or(NormalizedF32::ONE),
                rule: FillRule::NonZero,
            }));
            s.set_stroke(stroke.map(|(c, w)| Stroke {
                paint: rgb3(c).into(),
                width: w,
                ..Stroke::default()
            }));
            s.draw_path(&path);
        }
        Op::Line {
            points,
            color,
            width,
            dashed,
        } => {
            let mut pb = PathBuilder::new();
            trace(&mut pb, points);
            let Some(path) = pb.finish() else { return };
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: rgb3(*color).into(),
                width: *width,
                dash: dashed.then(|| StrokeDash {
                    array: vec![3.0, 2.0],
                    offset: 0.0,
                }),
                ..Stroke::default()
            }));
            s.draw_path(&path);
        }
        Op::Shape {
            rings,
            fill,
            stroke,
        } => {
            let mut pb = PathBuilder::new();
            for ring in rings {
                trace(&mut pb, ring);
                pb.close();
            }
            let Some(path) = pb.finish() else { return };
            s.set_fill(Some(Fill {
                paint: rgb3([fill[0], fill[1], fill[2]]).into(),
                opacity: NormalizedF32::ONE,
                rule: FillRule::EvenOdd,
            }));
            s.set_stroke(Some(Stroke {
                paint: rgb3(*stroke).into(),
                width: 0.4,
                ..Stroke::default()
            }));
            s.draw_path(&path);
        }
    }
}

/// A line through the points, started at the first.
fn trace(pb: &mut PathBuilder, points: &[(f32, f32)]) {
    for (i, (x, y)) in points.iter().enumerate() {
        if i == 0 {
            pb.move_to(*x, *y);
        } else {
            pb.line_to(*x, *y);
        }
    }
}
