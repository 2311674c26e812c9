//! A council summary in words: deterministic Dutch (B1: short sentences, everyday words,
//! "procentpunt" spelled out and explained once, decimal commas, the rule behind a verdict in
//! a note) and English, each sentence from one statement of
//! [`SummaryQuery::run`](omzien::SummaryQuery::run) and its numbers only from
//! that statement's facts; as plain text, Markdown or HTML.

use omzien::{
    AgeGroup, CouncilSummary, Dataset, Indicator, Level, NamedArea, Rule, Statement, SummaryCaveat,
    Verdict,
};
use serde::Serialize;

use crate::Lang;
use crate::lang::T;

mod docx;
mod writer;

pub use docx::brief_docx;
use writer::{Writer, phrase};

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
    ///
    /// ```
    /// use omzien::SummaryQuery;
    /// use omzien_render::{Lang, brief};
    /// let ds = omzien::demo::dataset();
    /// let s = SummaryQuery::new(&ds, omzien::demo::GEMEENTE).run(&ds)?;
    /// let text = brief(&ds, &s, Lang::En).text();
    /// assert!(text.starts_with(&format!("{}", brief(&ds, &s, Lang::En).title)));
    /// assert!(text.contains("[1] "), "the rules as notes: {text}");
    /// // The same statements in Dutch.
    /// assert_ne!(brief(&ds, &s, Lang::Nl).text(), text);
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
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

/// A council summary in words.
///
/// ```
/// use omzien::SummaryQuery;
/// use omzien_render::{Lang, brief};
/// let ds = omzien::demo::dataset();
/// let s = SummaryQuery::new(&ds, omzien::demo::GEMEENTE).run(&ds)?;
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
