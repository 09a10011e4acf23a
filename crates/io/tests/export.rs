//! CSV and GeoJSON exports of records the caller has already filtered.

mod common;

use common::{csv, person_opts};
use rightsdoc_io::{csv_columns, export_csv, export_geojson};
use rightsdoc_model::{Classification, Kind, validate};
use serde_json::{Value, json};

fn valid(v: Value) -> Value {
    validate(v).unwrap().to_value()
}

#[test]
fn csv_of_people_joins_values_and_defuses_formulas() {
    let people = [
        valid(json!({
            "kind": "person", "id": "psn_ali",
            "names": [{"value": "علی رضایی", "lang": "fa"}, {"value": "Ali Rezaei", "lang": "en"}],
            "sex": "male", "birth": "1340 SH", "death": ["1988-08", "1988-09"],
            "occupation": "=HYPERLINK(\"http://x\")",
            "citations": [{"source": "src_ai", "locator": "p. 12"}, "src_ihr"],
        })),
        valid(json!({"kind": "place", "names": ["Evin"], "place_type": "prison"})),
    ];
    let mut out = Vec::new();
    let summary = export_csv(&people, Kind::Person, &mut out).unwrap();
    assert_eq!((summary.written, summary.skipped), (1, 1));
    let text = String::from_utf8(out).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, csv_columns(Kind::Person));
    assert_eq!(&header[..4], ["id", "classification", "names", "sex"]);
    let row: Vec<String> = rd
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let cell = |name: &str| row[header.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(cell("names"), "علی رضایی; Ali Rezaei");
    assert_eq!(
        cell("birth"),
        "1340 SH",
        "the original calendar text is kept"
    );
    assert_eq!(cell("death"), "1988-08; 1988-09");
    assert_eq!(cell("occupation"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(cell("citations"), "src_ai (p. 12); src_ihr");
    assert_eq!(cell("classification"), "public");
}

#[test]
fn exported_people_import_back_to_the_same_records() {
    let original = csv(
        "list.csv",
        "id,full_name,name_fa,sex,birth_year,place\n1,Ali Rezaei,علی رضایی,male,1340,Tehran\n",
        &person_opts(),
    )
    .unwrap()
    .records;
    let mut out = Vec::new();
    export_csv(&original, Kind::Person, &mut out).unwrap();
    let back = csv(
        "export.csv",
        std::str::from_utf8(&out).unwrap(),
        &person_opts(),
    )
    .unwrap();
    assert!(back.report.is_clean(), "{}", back.report);
    assert_eq!(back.records, original);
}

#[test]
fn geojson_of_places_with_points_and_status() {
    let places = [
        valid(json!({
            "kind": "place", "id": "plc_khavaran",
            "names": [{"value": "Khavaran", "lang": "en"}, {"value": "خاوران", "lang": "fa"}],
            "place_type": "mass_grave", "point": {"lat": 35.59, "lon": 51.55},
            "status": [
                {"status": "intact", "date": "1988"},
                {"status": "built_over", "date": "1400 SH", "citations": [{"source": "src_ai", "locator": "p. 3"}]}
            ],
            "citations": ["src_ai"],
        })),
        valid(json!({"kind": "place", "names": ["Somewhere"], "place_type": "city"})),
        valid(json!({"kind": "person", "names": ["Ali"]})),
    ];
    let mut out = Vec::new();
    let summary = export_geojson(&places, &mut out).unwrap();
    assert_eq!((summary.written, summary.skipped), (1, 2));
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let f = &v["features"][0];
    assert_eq!(
        f["geometry"],
        json!({"type": "Point", "coordinates": [51.55, 35.59]})
    );
    assert_eq!(f["id"], "plc_khavaran");
    let p = &f["properties"];
    assert_eq!(p["name"], "Khavaran");
    assert_eq!(p["place_type"], "mass_grave");
    assert_eq!(p["place_type_label"], "Mass grave");
    assert_eq!(
        p["status"][0],
        json!({"label": "Intact", "status": "intact", "date": "1988"})
    );
    assert_eq!(p["status"][1]["date"], "2021-03-21/2022-03-20");
    assert_eq!(p["status"][1]["date_original"], "1400 SH");
    assert_eq!(p["status"][1]["citations"][0]["locator"], "p. 3");
    assert_eq!(p["citations"], json!([{"source": "src_ai"}]));
}

#[test]
fn exports_show_only_what_the_caller_passed() {
    // The caller redacts (Record::visible_to); the exporter adds nothing back.
    let record = validate(json!({
        "kind": "person", "id": "psn_w",
        "names": ["Witness A"], "ethnicity": "Kurdish"
    }))
    .unwrap();
    let public = record.visible_to(Classification::Public).unwrap();
    let mut out = Vec::new();
    export_csv(&[public], Kind::Person, &mut out).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("Kurdish"));
}

#[test]
fn one_csv_per_kind_into_a_folder() {
    let records = [
        valid(json!({"kind": "person", "names": ["Ali"]})),
        valid(json!({"kind": "person", "names": ["Sara"]})),
        valid(json!({"kind": "place", "names": ["Evin"], "place_type": "prison"})),
    ];
    let dir = tempfile::tempdir().unwrap();
    let written = rightsdoc_io::export_csv_by_kind(&records, &dir.path().join("out")).unwrap();
    let names: Vec<(Kind, usize)> = written.iter().map(|(k, _, s)| (*k, s.written)).collect();
    assert_eq!(names, [(Kind::Place, 1), (Kind::Person, 2)]);
    let people = std::fs::read_to_string(dir.path().join("out/people.csv")).unwrap();
    assert_eq!(people.lines().count(), 3);
}
