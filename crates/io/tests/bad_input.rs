//! Malformed input: each case gets a clear error naming the row (or the file), and with the
//! default policy nothing reaches the writer. A BOM and Windows line ends are not errors.

mod common;

use common::{import_counting, person_opts};
use rightsdoc_io::{ImportError, ImportReport, RowError};

/// Import with the default policy; the file must be refused as a whole (no chunk written).
fn refused(name: &str, data: &[u8]) -> ImportReport {
    let (report, chunks) = import_counting(name, data, &person_opts()).unwrap();
    assert!(chunks.is_empty(), "nothing may be written: {report}");
    assert_eq!(report.written, 0);
    assert!(report.invalid_count > 0, "{report}");
    report
}

fn only_error(report: &ImportReport) -> &RowError {
    assert_eq!(report.invalid.len(), 1, "{report}");
    &report.invalid[0]
}

fn file_error(name: &str, data: &[u8]) -> String {
    match import_counting(name, data, &person_opts()) {
        Err(e @ ImportError::File { .. }) => e.to_string(),
        other => panic!("expected a file error, got {other:?}"),
    }
}

#[test]
fn ragged_rows() {
    let report = refused(
        "ragged.csv",
        b"full_name,birth,place\nAli,1962,Tehran\nSara,1970\nReza,1960,Rasht,extra\n",
    );
    assert_eq!(report.invalid_count, 2);
    assert_eq!(
        report.invalid[0].to_string(),
        "row 2 (line 3 of the file): has 2 cells but the header has 3 columns \
         (a missing delimiter, or a row cut short?)"
    );
    assert!(
        report.invalid[1]
            .to_string()
            .starts_with("row 3 (line 4 of the file): has 4 cells")
    );
    // The report lists every bad row.
    let shown = report.to_string();
    assert!(shown.contains("3 rows, 1 valid, 2 invalid"), "{shown}");
    assert!(shown.contains("\n  row 2 (line 3 of the file)"), "{shown}");
}

#[test]
fn unclosed_quote_is_named() {
    let report = refused("q.csv", b"full_name,place\n\"Ali,Tehran\nSara,Rasht\n");
    let e = only_error(&report);
    assert_eq!(e.row, 1);
    assert!(e.reason.contains("quote that is not closed"), "{e}");
}

#[test]
fn bad_encoding_is_refused_per_row() {
    // UTF-8 mixed with a Latin-1 byte: no single encoding fits.
    let mut data = "full_name,place\nAli Rezaei,Tehran\nZoë,Paris\n"
        .as_bytes()
        .to_vec();
    data.extend_from_slice(b"Jos\xe9,Madrid\n");
    let report = refused("enc.csv", &data);
    let e = only_error(&report);
    assert_eq!(e.row, 3);
    assert_eq!(e.column.as_deref(), Some("full_name"));
    assert!(
        e.reason.contains("not UTF-8") && e.reason.contains("re-save it as UTF-8"),
        "{e}"
    );
    assert!(
        report.notes.iter().any(|n| n.contains("mixes UTF-8")),
        "{report}"
    );

    // A few bytes that read as two different letters in the two Latin encodings.
    let report = refused("enc2.csv", b"full_name\nO\x92Neill\n");
    assert!(
        only_error(&report)
            .reason
            .contains("could be Windows-1252 or Mac OS Roman")
    );

    // Persian in Windows-1256.
    let report = refused(
        "fa.csv",
        b"full_name\n\xe3\xcd\xe3\xcf \xd1\xd6\xc7\xed\xed\n",
    );
    assert!(only_error(&report).reason.contains("fit neither"));

    // A header that is not UTF-8 refuses the file.
    let e = file_error("h.csv", b"n\x92me\nAli\n");
    assert!(e.contains("header") && e.contains("not valid UTF-8"), "{e}");
}

#[test]
fn a_clear_legacy_encoding_is_decoded_and_said() {
    let (report, chunks) = import_counting(
        "latin.csv",
        b"full_name,place\nJos\xe9 Mart\xednez,M\xe1laga\n",
        &person_opts(),
    )
    .unwrap();
    assert_eq!(chunks[0][0]["names"][0]["value"], "José Martínez");
    assert_eq!(report.encoding, "Windows-1252 (detected)", "{report}");
    assert!(report.notes.iter().any(|n| n.contains("not UTF-8")));
}

#[test]
fn bom_and_windows_line_ends_work() {
    let data = "\u{feff}full_name,birth\r\nAli Rezaei,1962\r\nSara Ahmadi,1970\r\n";
    let (report, chunks) = import_counting("bom.csv", data.as_bytes(), &person_opts()).unwrap();
    assert!(report.is_clean(), "{report}");
    assert!(
        report.unused_columns.is_empty(),
        "the BOM is not part of the first header"
    );
    assert_eq!(chunks[0].len(), 2);
    assert_eq!(chunks[0][1]["birth"], "1970");
    assert!(report.encoding.contains("byte-order mark"));

    // Line numbers stay right with \r\n and with old-Mac \r.
    for sep in ["\r\n", "\r"] {
        let data = ["full_name,birth", "Ali,1962", "Sara,19x5", ""].join(sep);
        let report = refused("crlf.csv", data.as_bytes());
        assert_eq!(
            only_error(&report).to_string().split(',').next().unwrap(),
            "row 2 (line 3 of the file)"
        );
    }
}

#[test]
fn formula_cells_are_refused() {
    let report = refused(
        "f.csv",
        b"full_name,place\nAli,Tehran\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",Rasht\n",
    );
    let e = only_error(&report);
    assert_eq!(e.column.as_deref(), Some("full_name"));
    assert!(
        e.to_string().starts_with(
            "row 2 (line 3 of the file), column full_name: looks like a spreadsheet formula"
        ),
        "{e}"
    );
    let report = refused("f2.csv", b"full_name,place\nAli,@SUM(A1:A9)\n");
    assert_eq!(only_error(&report).column.as_deref(), Some("place"));
}

#[test]
fn bad_dates_are_refused_on_their_column() {
    let report = refused("d.csv", b"full_name,Year of birth\nAli,1962\nSara,19x5\n");
    let e = only_error(&report);
    assert_eq!((e.row, e.column.as_deref()), (2, Some("Year of birth")));
    assert!(
        e.reason.contains("`19x5`") && e.reason.contains("invalid year digit"),
        "{e}"
    );
}

#[test]
fn unknown_vocabulary_terms_are_named() {
    let report = refused("v.csv", b"full_name,sex\nAli,robot\n");
    let e = only_error(&report);
    assert_eq!(e.column.as_deref(), Some("sex"));
    assert!(
        e.reason.contains("unknown sex term `robot`") && e.reason.contains("Male"),
        "{e}"
    );
}

#[test]
fn other_invalid_values() {
    let report = refused("n.csv", b"full_name,name_fa,birth\nAli,Ali,1962\n");
    assert!(only_error(&report).reason.contains("not in Persian script"));
    let report = refused("c.csv", b"full_name,classification\nAli,secret\n");
    assert_eq!(
        only_error(&report).column.as_deref(),
        Some("classification")
    );
}

#[test]
fn empty_and_header_only_files() {
    assert!(file_error("empty.csv", b"").contains("is empty"));
    assert!(file_error("ws.csv", b"\n\n").contains("is empty"));
    let e = file_error("header.csv", b"full_name,birth\n");
    assert_eq!(e, "header.csv: has a header but no data rows");
    let e = file_error("blank.csv", b"full_name,birth\n,\n , \n");
    assert!(
        e.ends_with("has a header but no data rows (only blank rows)"),
        "{e}"
    );
    assert!(file_error("e.json", b"  ").contains("no records"));
    assert!(file_error("e.json", b"[]").contains("has no records"));
}

#[test]
fn a_workbook_named_csv_is_explained() {
    let e = file_error("book.csv", b"PK\x03\x04rest of a zip");
    assert!(e.contains("zip archive"), "{e}");
}

#[test]
fn empty_required_cells_name_their_column() {
    let report = refused("e.csv", b"full_name,birth\nAli,1962\n,1970\n");
    let e = only_error(&report);
    assert_eq!(
        e.to_string(),
        "row 2 (line 3 of the file), column full_name: is required for a person (names in every script and spelling)"
    );
}
