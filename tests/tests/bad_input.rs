//! Every malformed input gives an error that names the file and the line or JSON path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::path::PathBuf;

use omzien::{LoadError, Loader, Location};

const HEAD: &str = "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Gemeentenaam_1,SoortRegio_2,Codering_3,Eenzaam_28\n";
const ROW1: &str =
    "0,20300,MW00000,GM0363    ,2020JJ00,Amsterdam ,Gemeente  ,GM0363    ,    53.2\n";
const ROW2: &str =
    "1,20300,MW00000,WK036300  ,2020JJ00,Amsterdam ,Wijk      ,WK036300  ,    53.3\n";

struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn file(name: &str, bytes: &[u8]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    Case { _dir: dir, path }
}

fn load_err(name: &str, bytes: &[u8]) -> (LoadError, String) {
    let c = file(name, bytes);
    let err = Loader::new().load([&c.path]).expect_err("should not load");
    let msg = err.to_string();
    assert!(msg.contains(name), "message names the file: {msg}");
    (err, msg)
}

#[test]
fn wrong_header() {
    let (e, msg) = load_err("a.csv", b"foo,bar\n1,2\n");
    assert!(matches!(e, LoadError::UnknownFormat { .. }), "{e:?}");
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn missing_column() {
    let (e, msg) = load_err(
        "a.csv",
        b"ID,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\n0,MW00000,GM0363,2020JJ00,1.0\n",
    );
    assert!(
        matches!(&e, LoadError::MissingColumn { column, .. } if column == "Leeftijd"),
        "{e:?}"
    );
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn web_download_without_code_column() {
    let text = "\u{feff}\"Leeftijd\";\"Wijken en buurten\";\"Perioden\";\"Eenzaamheid/Eenzaam (%)\"\n\"18 jaar of ouder\";\"Amsterdam\";\"2020\";\"53.2\"\n";
    let (e, _) = load_err("web.csv", text.as_bytes());
    assert!(
        matches!(&e, LoadError::MissingColumn { column, .. } if column == "Regioaanduiding/Codering (code)"),
        "{e:?}"
    );
}

#[test]
fn invalid_area_code() {
    let bad = ROW2.replace("WK036300  ,2020", "WK0363    ,2020");
    let (e, msg) = load_err("a.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(
        matches!(
            &e,
            LoadError::Code {
                location: Location::Line(3),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(msg.contains("line 3") && msg.contains("WK0363"), "{msg}");
}

#[test]
fn number_that_does_not_parse() {
    let bad = ROW2
        .replace("    53.3", "    53,3")
        .replace(",    53,3", ",\"53,3\"");
    let (e, msg) = load_err("a.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(
        matches!(&e, LoadError::Number { location: Location::Line(3), column, .. } if column == "Eenzaam_28"),
        "{e:?}"
    );
    assert!(msg.contains("53,3"), "{msg}");
    let bad = ROW2.replace("    53.3", "abc");
    let (e, _) = load_err("b.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(matches!(e, LoadError::Number { .. }), "{e:?}");
}

#[test]
fn duplicate_row() {
    let again = ROW1.replace("0,20300", "7,20300");
    let (e, msg) = load_err("a.csv", format!("{HEAD}{ROW1}{ROW2}{again}").as_bytes());
    assert!(
        matches!(
            &e,
            LoadError::DuplicateRow {
                location: Location::Line(4),
                first: Location::Line(2),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(msg.contains("GM0363"), "{msg}");
}

#[test]
fn unknown_age_group_code_and_label() {
    let bad = ROW2.replace(",20300,", ",18+,");
    let (e, msg) = load_err("a.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(
        matches!(&e, LoadError::Dimension { column, location: Location::Line(3), .. } if column == "Leeftijd"),
        "{e:?}"
    );
    assert!(msg.contains("18+"), "{msg}");
    let web = "\"Leeftijd\";\"Regioaanduiding/Codering (code)\";\"Perioden\";\"Eenzaamheid/Eenzaam (%)\"\n\"12 jaar of ouder\";\"GM0363\";\"2020\";\"53.2\"\n";
    let (e, msg) = load_err("web.csv", web.as_bytes());
    assert!(matches!(e, LoadError::Dimension { .. }), "{e:?}");
    assert!(
        msg.contains("12 jaar of ouder") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn unknown_period_code() {
    let bad = ROW2.replace("2020JJ00", "2020MM01");
    let (e, msg) = load_err("a.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(
        matches!(&e, LoadError::Dimension { column, .. } if column == "Perioden"),
        "{e:?}"
    );
    assert!(msg.contains("2020MM01") && msg.contains("line 3"), "{msg}");
}

#[test]
fn unknown_margin_and_level_mismatch() {
    let bad = ROW2.replace("MW00000", "MX00000");
    let (e, _) = load_err("a.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(
        matches!(&e, LoadError::Dimension { column, .. } if column == "Marges"),
        "{e:?}"
    );
    let bad = ROW2.replace("Wijk      ", "Buurt     ");
    let (e, msg) = load_err("b.csv", format!("{HEAD}{ROW1}{bad}").as_bytes());
    assert!(
        matches!(&e, LoadError::Dimension { column, .. } if column == "SoortRegio_2"),
        "{e:?}"
    );
    assert!(msg.contains("does not match"), "{msg}");
}

#[test]
fn empty_file_and_header_only() {
    let (e, _) = load_err("a.csv", b"");
    assert!(matches!(e, LoadError::Empty { .. }), "{e:?}");
    let (e, _) = load_err("b.csv", "\u{feff}  \n".as_bytes());
    assert!(matches!(e, LoadError::Empty { .. }), "{e:?}");
    let (e, _) = load_err("c.csv", HEAD.as_bytes());
    assert!(matches!(e, LoadError::NoRows { .. }), "{e:?}");
    let (e, _) = load_err("d.json", b"{\"value\": []}");
    assert!(matches!(e, LoadError::NoRows { .. }), "{e:?}");
}

#[test]
fn truncated_file() {
    let cut = &ROW2[..40];
    let (e, msg) = load_err("a.csv", format!("{HEAD}{ROW1}{cut}").as_bytes());
    assert!(matches!(e, LoadError::Truncated { line: 3, .. }), "{e:?}");
    assert!(msg.contains("line 3"), "{msg}");
    // Cut inside a quoted field of a web download.
    let web = "\"Leeftijd\";\"Regioaanduiding/Codering (code)\";\"Perioden\";\"Eenzaamheid/Eenzaam (%)\"\n\"18 jaar of ouder\";\"GM0363\";\"2020\";\"53.";
    let (e, _) = load_err("web.csv", web.as_bytes());
    assert!(matches!(e, LoadError::Truncated { line: 2, .. }), "{e:?}");
    let (e, msg) = load_err(
        "t.json",
        b"{\"value\": [{\"WijkenEnBuurten\": \"GM0363\",\n \"Perioden\": \"2020",
    );
    assert!(
        matches!(
            e,
            LoadError::Json {
                location: Location::Line(2),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn ragged_row() {
    let (e, msg) = load_err(
        "a.csv",
        format!("{HEAD}{ROW1}{}", ROW2.replace("53.3", "53.3,9")).as_bytes(),
    );
    assert!(
        matches!(
            e,
            LoadError::FieldCount {
                line: 3,
                expected: 9,
                found: 10,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(msg.contains("line 3"), "{msg}");
}

#[test]
fn invalid_utf8() {
    let mut bytes = format!("{HEAD}{ROW1}").into_bytes();
    bytes.extend_from_slice(b"1,20300,MW00000,WK036300,2020JJ00,Amst\xe9rdam,Wijk,WK036300,1.0\n");
    let (e, msg) = load_err("a.csv", &bytes);
    assert!(matches!(e, LoadError::InvalidUtf8 { line: 3, .. }), "{e:?}");
    assert!(msg.contains("line 3"), "{msg}");
}

#[test]
fn directory_without_figure_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let err = Loader::new().load([dir.path()]).unwrap_err();
    assert!(matches!(err, LoadError::NoFiles { .. }), "{err:?}");
    assert!(err.to_string().contains(&dir.path().display().to_string()));
    let missing = dir.path().join("nope.csv");
    let err = Loader::new().load([&missing]).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }), "{err:?}");
}

#[test]
fn json_errors_name_the_path() {
    let (e, msg) = load_err("a.json", br#"{"value": [{"WijkenEnBuurten": "GM0363", "Perioden": "2020JJ00", "Leeftijd": "20300", "Eenzaam_28": 53.2},
        {"WijkenEnBuurten": "GM0364", "Perioden": "2020JJ00", "Leeftijd": "20300", "Eenzaam_28": "veel"}]}"#);
    assert!(
        matches!(&e, LoadError::Number { location: Location::JsonPath(p), .. } if p == "$.value[1].Eenzaam_28"),
        "{e:?}"
    );
    assert!(msg.contains("$.value[1].Eenzaam_28"), "{msg}");
    let (e, _) = load_err("b.json", br#"{"value": [{"WijkenEnBuurten": "GM0363", "Perioden": "2020JJ00", "Leeftijd": "20300", "Eenzaam_28": [1]}]}"#);
    assert!(
        matches!(&e, LoadError::Json { location: Location::JsonPath(p), .. } if p == "$.value[0].Eenzaam_28"),
        "{e:?}"
    );
    let (e, _) = load_err("c.json", br#"{"rows": []}"#);
    assert!(matches!(e, LoadError::Json { .. }), "{e:?}");
}

#[test]
fn duplicate_column() {
    let (e, _) = load_err("a.csv", b"ID,Leeftijd,WijkenEnBuurten,Perioden,Eenzaam_28,Eenzaam_28\n0,20300,GM0363,2020JJ00,1,2\n");
    assert!(matches!(e, LoadError::DuplicateColumn { .. }), "{e:?}");
}

#[test]
fn conflicting_files() {
    let a = file("a.csv", format!("{HEAD}{ROW1}").as_bytes());
    let b = file(
        "b.csv",
        format!("{HEAD}{}", ROW1.replace("53.2", "53.4")).as_bytes(),
    );
    let err = Loader::new().load([&a.path, &b.path]).unwrap_err();
    assert!(
        matches!(&err, LoadError::Conflict(c) if c.indicator == "Eenzaam_28"),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("a.csv")
            && msg.contains("b.csv")
            && msg.contains("53.2")
            && msg.contains("53.4"),
        "{msg}"
    );
    // The same figures twice are not a conflict.
    let c = file("c.csv", format!("{HEAD}{ROW1}").as_bytes());
    assert!(Loader::new().load([&a.path, &c.path]).is_ok());
}

#[test]
fn mixed_classifications() {
    let a = file("50090NED_a.csv", format!("{HEAD}{ROW1}").as_bytes());
    // 50120NED's layout: its own key numbering.
    let head = HEAD.replace("Eenzaam_28", "Eenzaam_27");
    let b = file("50120NED_b.csv", format!("{head}{ROW2}").as_bytes());
    let err = Loader::new().load([&a.path, &b.path]).unwrap_err();
    assert!(
        matches!(
            &err,
            LoadError::MixedClassification {
                first_year: 2020,
                second_year: 2022,
                ..
            }
        ),
        "{err:?}"
    );
    // The message says why and points to the newer table.
    let msg = err.to_string();
    assert!(
        msg.contains("cannot be joined") && msg.contains("Table 50120NED (classification 2022)"),
        "{msg}"
    );
    // A file whose name and keys disagree is refused on its own, both named.
    let c = file("50120NED_c.csv", format!("{HEAD}{ROW2}").as_bytes());
    let err = Loader::new().load([&c.path]).unwrap_err().to_string();
    assert!(
        err.contains("Eenzaam_28") && err.contains("50120NED"),
        "{err}"
    );
}
