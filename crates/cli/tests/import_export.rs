//! Spreadsheets in, CSV and GeoJSON out, through the CLI.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn a_csv_list_of_names_imports_once_and_counts_per_list() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    let csv = tmp.path().join("book.csv");
    std::fs::write(
        &csv,
        "\u{feff}id,first_name,last_name,name_fa,sex,birth_year\r\n1,Mohammad,Rezaei,محمد رضایی,male,1340\r\n2,Zahra,Ahmadi,زهرا احمدی,female,1965\r\n",
    )
    .unwrap();
    let args = [
        "import",
        csv.to_str().unwrap(),
        "--kind",
        "person",
        "--list",
        "Book of names",
    ];
    ok(a, &args);
    let before = log_size(a);
    ok(a, &args);
    assert_eq!(
        log_size(a),
        before,
        "re-importing the same file must not duplicate"
    );

    let t: Value = serde_json::from_str(&ok(a, &["stats", "--by", "list", "--json"])).unwrap();
    assert_eq!(t["rows"][0]["count"], 2, "{t}");
    assert_eq!(t["rows"][0]["label"], "Book of names");
    // The Solar Hijri birth year was converted, its original kept.
    let people = ok(a, &["export", "--format", "csv", "--kind", "person"]);
    assert!(
        people.lines().count() == 3 && people.contains("محمد رضایی"),
        "{people}"
    );

    // A bad file writes nothing and says where.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "first_name,last_name,birth\nAli,=HYPERLINK(\"x\"),19x5\n",
    )
    .unwrap();
    let err = fails(a, &["import", bad.to_str().unwrap(), "--kind", "person"]);
    assert!(err.contains("bad.csv") && err.contains("row 1"), "{err}");
    assert_eq!(log_size(a), before);
}

#[test]
fn places_export_as_geojson() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    add(
        a,
        r#"{"kind":"place","names":["Khavaran"],"place_type":"mass_grave","point":{"lat":35.58,"lon":51.6},"status":[{"status":"damaged","date":"2009"}]}"#,
    );
    add(
        a,
        r#"{"kind":"place","names":["Secret site"],"place_type":"mass_grave","point":{"lat":30.0,"lon":50.0},"classification":"confidential"}"#,
    );
    let g: Value = serde_json::from_str(&ok(a, &["export", "--format", "geojson"])).unwrap();
    let features = g["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "only what the public may see: {g}");
    assert_eq!(features[0]["geometry"]["coordinates"][0], 51.6);
}

/// A file of more than one chunk is one transaction: a bad row near its end leaves the archive and
/// its search index as they were, and the corrected file then imports whole, searchable.
#[test]
fn a_bad_row_after_the_first_chunk_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    let rows = |last_sex: &str| {
        let mut csv = String::from("id,full_name,sex\n");
        for i in 1..=10_500 {
            let sex = if i == 10_490 { last_sex } else { "female" };
            csv.push_str(&format!("{i},Zahra Quxbulk{i},{sex}\n"));
        }
        csv
    };
    let file = tmp.path().join("people.csv");
    std::fs::write(&file, rows("sometimes")).unwrap();
    let before = log_size(a);
    let err = fails(a, &["import", file.to_str().unwrap(), "--kind", "person"]);
    assert!(
        err.contains("people.csv") && err.contains("10491") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(log_size(a), before, "a refused import changed the log");
    let found = ok(a, &["search", "Quxbulk17", "--json"]);
    assert!(found.contains("\"total\":0"), "{found}");
    ok(a, &["verify"]);

    std::fs::write(&file, rows("female")).unwrap();
    ok(a, &["import", file.to_str().unwrap(), "--kind", "person"]);
    assert_eq!(log_size(a), before + 10_500);
    let found: Value = serde_json::from_str(&ok(a, &["search", "Quxbulk17", "--json"])).unwrap();
    assert_eq!(found["hits"][0]["label"], "Zahra Quxbulk17", "{found}");
    ok(a, &["verify"]);
}
