//! Pages being laid out: drawing operations per page, text measured with the embedded font,
//! paragraphs, headings and tables that break across pages, and charts placed on the page.

use super::*;

/// What a run of drawing operations is, for the PDF's structure (PDF/UA): the operations
/// between a [`Op::Begin`] and its [`Op::End`] belong to it, and the reading order is the order
/// of the operations.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Role {
    /// A heading of this level (1: the title), with its text (the PDF's outline and the
    /// heading's title).
    Heading(u16, String),
    /// A paragraph (it may run onto the next page).
    Paragraph,
    /// A table, its rows, header cells and data cells.
    Table,
    Row,
    HeaderCell,
    Cell,
    /// A bulleted list, its items, an item's bullet and its text.
    List,
    ListItem,
    Label,
    ListBody,
    /// A chart or map, with the words that say what it shows.
    Figure(String),
    /// Not content: the footers, a table's header repeated on a next page.
    Furniture(Furniture),
}

/// The kinds of page furniture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Furniture {
    /// The footer of every page.
    Footer,
    /// What a page break repeats (a table's header row).
    Repeat,
}

/// One drawing operation of a page.
#[derive(Debug, Clone)]
pub(super) enum Op {
    /// The operations up to the matching [`Op::End`] are a [`Role`].
    Begin(Role),
    /// Ends the innermost [`Op::Begin`].
    End,
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: [u8; 3],
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<[u8; 4]>,
        stroke: Option<([u8; 3], f32)>,
    },
    Line {
        points: Vec<(f32, f32)>,
        color: [u8; 3],
        width: f32,
        dashed: bool,
    },
    Shape {
        rings: Vec<Vec<(f32, f32)>>,
        fill: [u8; 4],
        stroke: [u8; 3],
    },
}

/// Text measuring with the embedded font.
pub(super) struct Metrics {
    pub(super) fonts: Fonts,
}

impl Metrics {
    pub(super) fn new() -> Result<Self, ReportPdfError> {
        Ok(Self {
            fonts: Fonts::load().map_err(ReportPdfError::Font)?,
        })
    }

    /// Width in points of `text` at `size` points (advances, as the PDF's text is laid out).
    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        let units = font.units_per_em().unwrap_or(2048.0);
        let scaled = font.as_scaled(PxScale::from(size * font.height_unscaled() / units));
        text.chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum()
    }

    /// Lines of `text` that fit `width`.
    pub(super) fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        crate::text::wrap_by(text, width, |t| self.width(t, size, bold))
    }
}

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Align {
    Left,
    Right,
}

/// Pages being laid out.
pub(super) struct Layout {
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) y: f32,
    pub(super) m: Metrics,
}

impl Layout {
    pub(super) fn new() -> Result<Self, ReportPdfError> {
        Ok(Self {
            pages: vec![Vec::new()],
            y: MARGIN,
            m: Metrics::new()?,
        })
    }

    pub(super) fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Opens a [`Role`] for the operations that follow, until [`Layout::end`].
    pub(super) fn begin(&mut self, role: Role) {
        self.ops().push(Op::Begin(role));
    }

    /// Closes the innermost [`Layout::begin`].
    pub(super) fn end(&mut self) {
        self.ops().push(Op::End);
    }

    /// Starts a new page unless `h` more points fit.
    pub(super) fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.new_page();
        }
    }

    pub(super) fn text_at(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: [u8; 3],
        text: &str,
    ) {
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text: text.to_owned(),
        });
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.y += 14.0;
        let y = self.y + 13.0;
        self.begin(Role::Heading(2, text.to_owned()));
        self.text_at(MARGIN, y, 13.0, true, ACCENT, text);
        self.end();
        self.y += 22.0;
    }

    pub(super) fn paragraph(&mut self, text: &str, size: f32, color: [u8; 3]) {
        let lead = size * 1.4;
        let lines = self.m.wrap(text, size, false, BODY_W);
        // A paragraph that starts at the foot of a page starts on the next.
        self.ensure(lead);
        self.begin(Role::Paragraph);
        for line in lines {
            self.ensure(lead);
            let y = self.y + size;
            self.text_at(MARGIN, y, size, false, color, &line);
            self.y += lead;
        }
        self.end();
        self.y += size * 0.5;
    }

    /// A bulleted list: each item its bullet (the label) and its text, wrapped under the text.
    pub(super) fn list(&mut self, items: &[String], size: f32, color: [u8; 3]) {
        let lead = size * 1.4;
        let indent = 18.0;
        self.ensure(lead);
        self.begin(Role::List);
        for item in items {
            let lines = self.m.wrap(item, size, false, BODY_W - indent);
            self.ensure(lead);
            self.begin(Role::ListItem);
            self.begin(Role::Label);
            let y = self.y + size;
            self.text_at(MARGIN + 8.0, y, size, false, color, "•");
            self.end();
            self.begin(Role::ListBody);
            for line in lines {
                self.ensure(lead);
                let y = self.y + size;
                self.text_at(MARGIN + indent, y, size, false, color, &line);
                self.y += lead;
            }
            self.end();
            self.end();
            self.y += size * 0.3;
        }
        self.end();
        self.y += size * 0.2;
    }

    /// A table with a header row, repeated on every page it runs onto.
    pub(super) fn table(
        &mut self,
        headers: &[String],
        rows: &[Vec<String>],
        widths: &[f32],
        align: &[Align],
    ) {
        let size = 8.0;
        let row_h = 13.0;
        // A second and further line of a cell, below the first.
        let line_h = 9.5;
        // Each cell's text in lines that fit its column: text is wrapped, never cut.
        let lines_of = |l: &Layout, cells: &[String], bold: bool| -> Vec<Vec<String>> {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let w = widths.get(i).copied().unwrap_or(60.0);
                    let lines = l.m.wrap(c, size, bold, w - 4.0);
                    if lines.is_empty() {
                        vec![String::new()]
                    } else {
                        lines
                    }
                })
                .collect()
        };
        let height = |lines: &[Vec<String>]| {
            let most = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
            row_h + line_h * (most - 1) as f32
        };
        // A row, its cells tagged as header or data cells (`cell: None`: a header row repeated
        // on a next page, furniture).
        let draw_row = |l: &mut Layout, lines: &[Vec<String>], bold: bool, cell: Option<Role>| {
            let mut x = MARGIN;
            l.begin(if cell.is_some() {
                Role::Row
            } else {
                Role::Furniture(Furniture::Repeat)
            });
            for (i, lines_of_cell) in lines.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(60.0);
                if let Some(role) = &cell {
                    l.begin(role.clone());
                }
                for (k, text) in lines_of_cell.iter().enumerate() {
                    let y = l.y + 9.5 + line_h * k as f32;
                    let tw = l.m.width(text, size, bold);
                    let tx = match align.get(i) {
                        Some(Align::Right) => x + w - 3.0 - tw,
                        _ if i == 0 => x + 1.0,
                        _ => x + 8.0,
                    };
                    l.text_at(tx, y, size, bold, INK, text);
                }
                if cell.is_some() {
                    l.end();
                }
                x += w;
            }
            l.end();
        };
        let rule = |l: &mut Layout| {
            let y = l.y;
            l.ops().push(Op::Line {
                points: vec![(MARGIN, y), (MARGIN + widths.iter().sum::<f32>(), y)],
                color: RULE,
                width: 0.5,
                dashed: false,
            });
        };
        let head = lines_of(self, headers, true);
        let head_h = height(&head);
        self.ensure(head_h + row_h * 2.0);
        self.begin(Role::Table);
        draw_row(self, &head, true, Some(Role::HeaderCell));
        self.y += head_h;
        rule(self);
        for r in rows {
            let cells = lines_of(self, r, false);
            let h = height(&cells);
            if self.y + h > BOTTOM {
                self.new_page();
                draw_row(self, &head, true, None);
                self.y += head_h;
                rule(self);
            }
            draw_row(self, &cells, false, Some(Role::Cell));
            self.y += h;
        }
        self.end();
        rule(self);
        self.y += 6.0;
    }
}

/// Places a chart at the text width below what is laid out, on a new page when it does not
/// fit, as a figure whose alternative text is `alt`: its marks become the page's own drawing
/// operations (text stays text).
pub(super) fn place_chart(l: &mut Layout, chart: &crate::Chart, alt: String) {
    use crate::chart::{Anchor, Mark};
    let k = f64::from(BODY_W) / chart.width;
    let h = (chart.height * k) as f32;
    l.ensure(h + 6.0);
    l.begin(Role::Figure(alt));
    // The chart's rows start 8 units in: they align with the text's margin.
    let (ox, oy) = (f64::from(MARGIN) - 8.0 * k, f64::from(l.y));
    let at = |(x, y): (f64, f64)| ((ox + x * k) as f32, (oy + y * k) as f32);
    for m in &chart.marks {
        let op = match m {
            Mark::Rect { x, y, w, h, fill } => {
                let (px, py) = at((*x, *y));
                Op::Rect {
                    x: px,
                    y: py,
                    w: (w * k) as f32,
                    h: (h * k) as f32,
                    fill: Some([fill[0], fill[1], fill[2], 255]),
                    stroke: None,
                }
            }
            Mark::Line {
                from,
                to,
                stroke,
                width,
            } => Op::Line {
                points: vec![at(*from), at(*to)],
                color: *stroke,
                width: (width * k) as f32,
                dashed: false,
            },
            Mark::Path {
                points,
                stroke,
                width,
                dashed,
            } => Op::Line {
                points: points.iter().map(|p| at(*p)).collect(),
                color: *stroke,
                width: (width * k) as f32,
                dashed: *dashed,
            },
            Mark::Dot {
                at: c,
                r,
                fill,
                stroke,
                ..
            } => Op::Shape {
                rings: vec![
                    (0..=24)
                        .map(|i| {
                            let a = f64::from(i) / 24.0 * std::f64::consts::TAU;
                            at((c.0 + r * a.cos(), c.1 + r * a.sin()))
                        })
                        .collect(),
                ],
                fill: [fill[0], fill[1], fill[2], 255],
                stroke: *stroke,
            },
            Mark::Text {
                at: p,
                size,
                text,
                anchor,
                bold,
                fill,
            } => {
                let size = (size * k) as f32;
                let w = l.m.width(text, size, *bold);
                let (x, y) = at(*p);
                let x = match anchor {
                    Anchor::Start => x,
                    Anchor::Middle => x - w / 2.0,
                    Anchor::End => x - w,
                };
                Op::Text {
                    x,
                    y,
                    size,
                    bold: *bold,
                    color: *fill,
                    text: text.clone(),
                }
            }
        };
        l.ops().push(op);
    }
    l.end();
    l.y += h + 6.0;
}
