//! A council summary as a Word document: the title, the paragraphs and lists, and each
//! note as a real footnote.

use super::*;

/// A council summary as a Word document (DOCX): the title as a heading, the paragraphs and
/// lists, each verdict's rule as a real footnote (Word and LibreOffice show them at the foot
/// of the page), the source at the end.
///
/// # Errors
/// [`crate::ReportPdfError::Docx`] when the package cannot be written.
///
/// ```
/// use omzien::SummaryQuery;
/// use omzien_render::{Lang, brief, brief_docx};
/// let ds = omzien::demo::dataset();
/// let s = SummaryQuery::new(&ds, omzien::demo::GEMEENTE).run(&ds)?;
/// let docx = brief_docx(&brief(&ds, &s, Lang::Nl), Lang::Nl)?;
/// // A DOCX is a ZIP package.
/// assert!(docx.starts_with(b"PK"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn brief_docx(b: &Brief, lang: Lang) -> Result<Vec<u8>, crate::ReportPdfError> {
    use docx_rs::{Docx, Footnote, Paragraph, Run, Style, StyleType};
    let _ = lang;
    let run = |text: &str| Run::new().add_text(text);
    let note = |n: usize| {
        let text = b.notes.get(n - 1).cloned().unwrap_or_default();
        Run::new().add_footnote_reference(
            Footnote::new().add_content(Paragraph::new().add_run(Run::new().add_text(text))),
        )
    };
    let mut doc = Docx::new()
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(32)
                .bold(),
        )
        .default_fonts(docx_rs::RunFonts::new().ascii("Calibri").hi_ansi("Calibri"))
        .add_paragraph(Paragraph::new().style("Heading1").add_run(run(&b.title)));
    for p in &b.paragraphs {
        for block in Brief::blocks(p) {
            match block {
                Block::Sentences(sentences) => {
                    let mut para = Paragraph::new();
                    for (k, s) in sentences.iter().enumerate() {
                        if k > 0 {
                            para = para.add_run(run(" "));
                        }
                        para = para.add_run(run(&s.text));
                        if let Some(n) = s.note {
                            para = para.add_run(note(n));
                        }
                    }
                    doc = doc.add_paragraph(para);
                }
                Block::List(items) => {
                    for i in items {
                        doc = doc.add_paragraph(
                            Paragraph::new()
                                .indent(Some(360), None, None, None)
                                .add_run(run(&format!("• {i}"))),
                        );
                    }
                }
            }
        }
    }
    doc = doc.add_paragraph(Paragraph::new().add_run(run(&b.source).size(18)));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| crate::ReportPdfError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
