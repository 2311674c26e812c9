//! `omzien brief`: a council summary in words, from [`omzien::SummaryQuery::run`] and
//! [`omzien_render::brief`], the same text `/api/areas/{gemeente}/summary` gives.

use std::io::Write;

use super::args::{BriefArgs, Format};
use super::{CliError, arg, named_dataset};
use crate::answer::BriefAnswer;

/// Writes the summary the arguments ask for.
pub fn run(a: &BriefArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let lang = super::lang(&a.lang)?;
    let g = ds
        .resolve_gemeente(&a.query)
        .map_err(|e| CliError::from(omzien::ParamError::new("GEMEENTE", e)))?;
    let mut q = omzien::SummaryQuery::new(&ds, g).with_level(a.level);
    if let Some(i) = &a.indicator {
        q = q.with_indicator(ds.parse_indicator(Some(i))?);
    }
    if !a.age.is_empty() {
        q = q.with_ages(
            a.age
                .iter()
                .map(|s| ds.parse_age(Some(s)))
                .collect::<Result<_, _>>()?,
        );
    }
    let summary = q.run(&ds)?;
    let words = omzien_render::brief(&ds, &summary, lang);
    let bytes: Vec<u8> = match a.common.format {
        Format::Json => {
            let mut v = serde_json::to_vec_pretty(&BriefAnswer::new(&ds, &summary, &words))
                .map_err(std::io::Error::other)?;
            v.push(b'\n');
            v
        }
        Format::Md => words.markdown().into_bytes(),
        Format::Html => words.html(lang).into_bytes(),
        Format::Docx => {
            if a.out.is_none() {
                return Err(arg(
                    "out",
                    "a DOCX is a file: give --out FILE.docx (txt, md and html go to stdout)",
                ));
            }
            omzien_render::brief_docx(&words, lang)?
        }
        // The text for people is the default.
        _ => words.text().into_bytes(),
    };
    match &a.out {
        Some(path) => {
            omzien::write_file_whole(path, &bytes)?;
            writeln!(out, "{} written to {}", summary.name, path.display())?;
        }
        None => out.write_all(&bytes)?,
    }
    Ok(())
}
