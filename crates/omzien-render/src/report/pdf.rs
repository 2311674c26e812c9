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
    // PDF/UA-1, validated: a report that would break it is an error, not a file.
    let configuration = krilla::configure::ConfigurationBuilder::new()
        .with_accessibility_validator(krilla::configure::Accessibility::UA1)
        .finish()
        .map_err(|e| ReportPdfError::Pdf(format!("PDF/UA-1 settings: {e:?}")))?;
    let mut doc = Document::new_with(krilla::SerializeSettings {
        configuration,
        enable_tagging: true,
        ..krilla::SerializeSettings::default()
    });
    let code = match lang {
        Lang::Nl => "nl",
        Lang::En => "en",
    };
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .language(code.to_owned())
            .creator("omzien".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportPdfError::Pdf("page size".into()))?;
    let mut tags = Tagger::new(code);
    // The headings met: level, text, page and the top of their text (the outline's targets).
    let mut headings: Vec<(u16, &str, usize, f32)> = Vec::new();
    for (n, ops) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for (i, op) in ops.iter().enumerate() {
            if let Op::Begin(Role::Heading(level, title)) = op {
                headings.push((*level, title, n, top_of_text(&ops[i..])));
            }
            tags.op(&mut s, op, &regular, &bold);
        }
        s.finish();
        page.finish();
    }
    doc.set_outline(outline(&headings));
    doc.set_tag_tree(tags.finish());
    doc.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => ReportPdfError::Pdf(format!(
            "the report would not be PDF/UA-1: {}",
            errors
                .iter()
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        e => ReportPdfError::Pdf(format!("{e:?}")),
    })
}

/// Where the first text of `ops` starts (its top), a heading's target in the outline.
fn top_of_text(ops: &[Op]) -> f32 {
    ops.iter()
        .find_map(|o| match o {
            Op::Text { y, size, .. } => Some((y - size).max(0.0)),
            _ => None,
        })
        .unwrap_or(0.0)
}

/// The document outline (bookmarks) of the headings: sections under the title, profiles
/// under their section.
fn outline(headings: &[(u16, &str, usize, f32)]) -> krilla::outline::Outline {
    use krilla::destination::XyzDestination;
    use krilla::outline::{Outline, OutlineNode};
    let node = |&(_, text, page, y): &(u16, &str, usize, f32)| {
        OutlineNode::new(
            text.to_owned(),
            XyzDestination::new(page, Point::from_xy(MARGIN, y)),
        )
    };
    let mut outline = Outline::new();
    // Level 2 under nothing (the title is the document itself), level 3 under the last 2.
    let mut current: Option<OutlineNode> = None;
    for h in headings {
        match h.0 {
            3 => match current.as_mut() {
                Some(parent) => parent.push_child(node(h)),
                None => outline.push_child(node(h)),
            },
            _ => {
                if let Some(done) = current.take() {
                    outline.push_child(done);
                }
                current = Some(node(h));
            }
        }
    }
    if let Some(done) = current {
        outline.push_child(done);
    }
    outline
}

/// The structure tree, built while the pages are drawn: every operation is marked as content
/// of the innermost [`Role`] open (text as spans, a figure's drawing as its content) or as an
/// artifact (furniture, and rules and boxes outside figures).
struct Tagger {
    tree: krilla::tagging::TagTree,
    open: Vec<Open>,
}

enum Open {
    Group(krilla::tagging::TagGroup, bool),
    Furniture(krilla::tagging::ArtifactType),
}

impl Tagger {
    fn new(lang: &str) -> Self {
        Self {
            tree: krilla::tagging::TagTree::new().with_lang(Some(lang.to_owned())),
            open: Vec::new(),
        }
    }

    fn op(&mut self, s: &mut krilla::surface::Surface<'_>, op: &Op, regular: &Font, bold: &Font) {
        use krilla::tagging::{ArtifactType, ContentTag, SpanTag, Tag, TagGroup};
        match op {
            Op::Begin(Role::Furniture(f)) => self.open.push(Open::Furniture(match f {
                Furniture::Footer => ArtifactType::Footer,
                Furniture::Repeat => ArtifactType::PaginationOther,
            })),
            Op::Begin(role) => {
                let tag: krilla::tagging::TagKind = match role {
                    Role::Heading(n, title) => Tag::Hn(
                        std::num::NonZeroU16::new(*n).unwrap_or(std::num::NonZeroU16::MIN),
                        Some(title.clone()),
                    )
                    .into(),
                    Role::Paragraph => Tag::P.into(),
                    Role::Table => Tag::Table.into(),
                    Role::Row => Tag::TR.into(),
                    Role::HeaderCell => Tag::TH(krilla::tagging::TableHeaderScope::Column).into(),
                    Role::Cell => Tag::TD.into(),
                    Role::List => Tag::L(krilla::tagging::ListNumbering::Circle).into(),
                    Role::ListItem => Tag::LI.into(),
                    Role::Label => Tag::Lbl.into(),
                    Role::ListBody => Tag::LBody.into(),
                    Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
                    Role::Furniture(_) => Tag::P.into(),
                };
                let figure = matches!(role, Role::Figure(_));
                self.open.push(Open::Group(TagGroup::new(tag), figure));
            }
            Op::End => {
                if let Some(Open::Group(g, _)) = self.open.pop() {
                    self.attach(g);
                }
            }
            content => {
                let text = matches!(content, Op::Text { .. });
                // By the innermost role open: furniture, a figure's drawing, text, or
                // decoration (rules and boxes beside the text).
                let tag = match (self.open.last(), text) {
                    (Some(Open::Furniture(kind)), _) => {
                        ContentTag::Artifact(krilla::tagging::Artifact::with_kind(*kind))
                    }
                    (_, true) => ContentTag::Span(SpanTag::empty()),
                    (Some(Open::Group(_, true)), false) => ContentTag::Other,
                    (_, false) => ContentTag::Artifact(krilla::tagging::Artifact::with_kind(
                        ArtifactType::Layout,
                    )),
                };
                let artifact = matches!(tag, ContentTag::Artifact(_));
                let id = s.start_tagged(tag);
                draw_op(s, content, regular, bold);
                s.end_tagged();
                if artifact {
                    return;
                }
                match self.innermost() {
                    Some(g) => g.push(id),
                    // Text outside any role: a paragraph of its own.
                    None => {
                        let mut g = TagGroup::new(Tag::P);
                        g.push(id);
                        self.tree.push(g);
                    }
                }
            }
        }
    }

    /// A closed group into the group that holds it, or the tree.
    fn attach(&mut self, g: krilla::tagging::TagGroup) {
        match self.innermost() {
            Some(parent) => parent.push(g),
            None => self.tree.push(g),
        }
    }

    /// The innermost group open, if any.
    fn innermost(&mut self) -> Option<&mut krilla::tagging::TagGroup> {
        self.open.iter_mut().rev().find_map(|o| match o {
            Open::Group(g, _) => Some(g),
            Open::Furniture(_) => None,
        })
    }

    /// The tree, with any role left open closed.
    fn finish(mut self) -> krilla::tagging::TagTree {
        while let Some(o) = self.open.pop() {
            if let Open::Group(g, _) = o {
                self.attach(g);
            }
        }
        self.tree
    }
}

/// One drawing operation on a page.
fn draw_op(s: &mut krilla::surface::Surface<'_>, op: &Op, regular: &Font, bold: &Font) {
    match op {
        Op::Begin(_) | Op::End => {}
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
