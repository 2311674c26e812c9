//! The malformed-input corpus (`data/fixtures/bad/`): every file, of every input format, is
//! refused with exactly the error `expected.tsv` gives for it (file, line or JSON path, and
//! what is wrong); none panics, none loads.
//!
//! `expected.tsv`: `file<TAB>kind<TAB>message`, `{path}` standing for the file's path. Kinds:
//! `figures` (the StatLine loader), `boundaries`, `weights`, `groups`, `mapping` (microdata
//! mapping TOML), `respondents` (microdata with the default mapping).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use omzien_fuzz::{Runner, Target};
use omzien_tests::fixtures;

fn error_of(kind: &str, path: &Path) -> Option<String> {
    let target = Target::from_name(kind).unwrap_or_else(|| panic!("unknown kind {kind:?}"));
    Runner::run_file(target, path).err()
}

#[test]
fn every_bad_file_gets_its_exact_error() {
    let dir = fixtures().join("bad");
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    let mut listed = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut parts = line.splitn(3, '\t');
        let (file, kind, want) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap_or(""),
        );
        listed.push(file.to_owned());
        let path = dir.join(file);
        let got = error_of(kind, &path);
        let want = want
            .replace("{path}", &path.display().to_string())
            .replace("\\n", "\n");
        match got {
            None => wrong.push(format!("{file}: loaded without an error")),
            Some(g) if g != want => wrong.push(format!(
                "{file}\t{kind}\t{}",
                g.replace(&path.display().to_string(), "{path}")
                    .replace('\n', "\\n")
            )),
            Some(_) => {}
        }
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Every file of the folder is listed, and there are at least 30.
    let mut files = omzien_tests::listing(&dir);
    files.retain(|f| f != "expected.tsv");
    listed.sort();
    assert_eq!(files, listed);
    assert!(checked >= 30, "{checked}");
}
