//! Importing people and other kinds from CSV, spreadsheets and JSON; mappings; ids; policies.

mod common;

use common::{Cell, csv, import_counting, person_opts, xlsx};
use rightsdoc_io::{
    At, Format, ImportError, ImportOptions, Input, Mapping, Policy, import_chunks, list_id, read,
};
use rightsdoc_model::Kind;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const PEOPLE: &str = "\
id,first_name,last_name,father_name,name_fa,sex,birth_year,death,place,list,remarks
17,Ali,Rezaei,Hossein,علی رضایی,M,1340,1988-08~,Tehran,Boroumand memorial,seen in Evin
18,Maryam,Karimi,,,female,1965,1988,Rasht,Boroumand memorial,
";

#[test]
fn people_from_columns_named_like_fields() {
    let imported = csv("people.csv", PEOPLE, &person_opts()).unwrap();
    let report = &imported.report;
    assert_eq!(
        (report.rows, report.valid, report.invalid_count),
        (2, 2, 0),
        "{report}"
    );
    assert_eq!(report.unused_columns, ["remarks"]);
    assert_eq!(report.format, Format::Csv);
    // The list record comes once, before the first person who needs it.
    let lst = list_id("Boroumand memorial");
    assert_eq!(report.new_lists, std::slice::from_ref(&lst));
    assert_eq!(imported.records.len(), 3);
    assert_eq!(imported.records[0]["kind"], "list");
    assert_eq!(imported.records[0]["title"], "Boroumand memorial");

    let ali = &imported.records[1];
    assert_eq!(
        ali["names"],
        json!([{"value": "Ali Rezaei", "lang": "en"}, {"value": "علی رضایی", "lang": "fa"}])
    );
    assert_eq!(ali["sex"], "male");
    assert_eq!(ali["father_name"], "Hossein");
    assert_eq!(ali["place"], "Tehran");
    assert_eq!(ali["death"], "1988-08~");
    // 1340 is a Solar Hijri year: converted, the original kept.
    assert_eq!(
        ali["birth"],
        json!({"edtf": "1961-03-21/1962-03-20", "original": "1340 SH", "calendar": "solar-hijri"})
    );
    assert_eq!(
        ali["lists"],
        json!([{"list": lst, "entry": "17", "name_as_listed": "Ali Rezaei"}])
    );
    let maryam = &imported.records[2];
    assert_eq!(maryam["birth"], "1965");
    assert_eq!(
        maryam["names"],
        json!([{"value": "Maryam Karimi", "lang": "en"}])
    );
    assert!(maryam.get("father_name").is_none());
}

#[test]
fn ids_are_deterministic_and_keyed_by_source_file_and_row() {
    let text = "full_name,birth\nAli Rezaei,1962\nSara Ahmadi,1970\n";
    let a = csv("list.csv", text, &person_opts()).unwrap().records;
    let b = csv("list.csv", text, &person_opts()).unwrap().records;
    assert_eq!(a, b, "the same file gives the same records");
    assert_ne!(a[0]["id"], a[1]["id"]);
    let other = csv("other.csv", text, &person_opts()).unwrap().records;
    assert_ne!(
        a[0]["id"], other[0]["id"],
        "row numbers mean nothing across files"
    );
    let id = a[0]["id"].as_str().unwrap();
    assert!(id.starts_with("psn_") && id.len() == 20, "{id}");

    // An id column keys rows by its value, whatever their order; a real id is kept.
    let keyed = "id,full_name\nA-1,Ali Rezaei\npsn_x1y2z3,Sara Ahmadi\n";
    let reordered = "id,full_name\npsn_x1y2z3,Sara Ahmadi\nA-1,Ali Rezaei\n";
    let k1 = csv("k.csv", keyed, &person_opts()).unwrap().records;
    let k2 = csv("k.csv", reordered, &person_opts()).unwrap().records;
    assert_eq!(k1[0]["id"], k2[1]["id"]);
    assert_eq!(k1[1]["id"], "psn_x1y2z3");
    // A key used twice refuses the second row.
    let dup = csv("k.csv", "id,full_name\n7,Ali\n7,Sara\n", &person_opts()).unwrap();
    assert_eq!(dup.report.invalid[0].row, 2);
    assert!(
        dup.report.invalid[0]
            .reason
            .contains("already used by row 1")
    );
}

#[test]
fn source_adds_a_citation_per_row() {
    let opts = ImportOptions {
        source: Some("src_amnesty2018".into()),
        ..person_opts()
    };
    let r = csv("l.csv", "full_name\nAli Rezaei\n\nSara\n", &opts).unwrap();
    assert_eq!(r.report.blank_rows, 0, "empty lines are not rows of cells");
    assert_eq!(
        r.records[0]["citations"],
        json!([{"source": "src_amnesty2018", "locator": "row 1"}])
    );
    // The empty line counts as a row, as in a spreadsheet.
    assert_eq!(r.records[1]["citations"][0]["locator"], "row 3");
    let bad = ImportOptions {
        source: Some("Amnesty".into()),
        ..person_opts()
    };
    let e = csv("l.csv", "full_name\nAli\n", &bad).unwrap_err();
    assert!(matches!(e, ImportError::Options(_)), "{e}");
    assert!(e.to_string().contains("--source"), "{e}");
}

#[test]
fn list_option_makes_one_list_and_memberships() {
    let opts = ImportOptions {
        list: Some("Amnesty 1988 list".into()),
        ..person_opts()
    };
    let r = csv("l.csv", "full_name\nAli Rezaei\nSara Ahmadi\n", &opts).unwrap();
    let lists: Vec<&Value> = r.records.iter().filter(|v| v["kind"] == "list").collect();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0]["id"], list_id("Amnesty 1988 list"));
    assert_eq!(r.records[2]["lists"][0]["entry"], "2");
    assert_eq!(r.records[2]["lists"][0]["name_as_listed"], "Sara Ahmadi");
    // Lists are for people.
    let opts = ImportOptions {
        kind: Some(Kind::Place),
        list: Some("x".into()),
        ..Default::default()
    };
    let e = csv("p.csv", "name,place_type\nEvin,prison\n", &opts).unwrap_err();
    assert!(e.to_string().contains("lists are for people"), "{e}");
}

/// The example mapping of the README works as documented.
#[test]
fn readme_mapping_example() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
    let toml = &readme[start..start + readme[start..].find("```").unwrap()];
    let mut mapping = Mapping::from_toml(toml, "README example").unwrap();
    mapping.encoding = None;
    mapping.sheet = None;
    let text = "\
No.;Full name;Name (Persian);Father;Gender;Year of birth;Home town;Year of death;Month of death;Comments;Internal ref;Extra
12;Mohammad Reza Rezaei;محمدرضا رضایی;Ali;M;1340;Tehran;1988;07;executed in Evin;X-1;a
13;Sara Ahmadi;;;?;;Rasht;1988;;;X-2;b
";
    let opts = ImportOptions {
        mapping: Some(mapping),
        ..Default::default()
    };
    let r = csv("boroumand.csv", text, &opts).unwrap();
    assert!(r.report.is_clean(), "{}", r.report);
    assert_eq!(r.report.kind, Some(Kind::Person));
    assert_eq!(r.report.unused_columns, ["Internal ref", "Extra"]);
    let p = &r.records[1];
    assert_eq!(p["names"][0]["value"], "Mohammad Reza Rezaei");
    assert_eq!(
        p["names"][1],
        json!({"value": "محمدرضا رضایی", "lang": "fa"})
    );
    assert_eq!(p["sex"], "male");
    assert_eq!(p["death"], "1988-07");
    assert_eq!(p["notes"], "executed in Evin");
    assert_eq!(p["classification"], "restricted");
    assert_eq!(
        p["citations"][0],
        json!({"source": "src_boroumand", "locator": "row 1"})
    );
    assert_eq!(p["lists"][0]["entry"], "12");
    let sara = &r.records[2];
    assert!(sara.get("sex").is_none(), "`?` translates to nothing");
    assert_eq!(sara["death"], "1988");
    // key = "boroumand-memorial" and id_column: ids do not depend on the file name.
    let again = csv("renamed.csv", text, &opts).unwrap();
    assert_eq!(again.records[1]["id"], p["id"]);
}

#[test]
fn mapping_errors_are_clear() {
    let m = Mapping::from_toml("[columns]\nName = \"nmae\"\n", "m.toml").unwrap();
    let opts = ImportOptions {
        mapping: Some(m),
        ..person_opts()
    };
    let e = csv("x.csv", "Name\nAli\n", &opts).unwrap_err().to_string();
    assert!(
        e.contains("renames column `Name`") && e.contains("`nmae`"),
        "{e}"
    );
    // No column gives a required field: said once, before any row.
    let e = csv("x.csv", "surname_x,age\nAli,3\n", &person_opts())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no column gives `names`") && e.contains("full_name"),
        "{e}"
    );
    // Two columns for one field.
    let e = csv(
        "x.csv",
        "full_name,birth,birth_year\nAli,1960,1961\n",
        &person_opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("both column `birth` and column `birth_year`"),
        "{e}"
    );
    // No kind and nothing to guess it from.
    let e = csv("x.csv", "title,period\nA,1988\n", &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("--kind"), "{e}");
}

#[test]
fn kind_is_guessed_from_name_columns_and_said() {
    let r = csv(
        "x.csv",
        "first_name,last_name\nAli,Rezaei\n",
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(r.report.kind, Some(Kind::Person));
    assert!(r.report.notes.iter().any(|n| n.contains("--kind")));
}

#[test]
fn other_kinds_use_schema_fields() {
    let opts = ImportOptions {
        kind: Some(Kind::Place),
        ..Default::default()
    };
    let text = "name,name_fa,place_type,lat,lon,status,status_date\n\
                Khavaran,خاوران,Mass grave,35.59,51.55,Built over,2021\n";
    let r = csv("places.csv", text, &opts).unwrap();
    assert!(r.report.is_clean(), "{}", r.report);
    let p = &r.records[0];
    assert_eq!(p["place_type"], "mass_grave");
    assert_eq!(p["point"], json!({"lat": 35.59, "lon": 51.55}));
    assert_eq!(
        p["status"],
        json!([{"status": "built_over", "date": "2021"}])
    );
    assert!(p["id"].as_str().unwrap().starts_with("plc_"));

    let opts = ImportOptions {
        kind: Some(Kind::Event),
        ..Default::default()
    };
    let r = csv(
        "e.csv",
        "title,period,act_types\nMassacre,1988-07/1988-09,Execution; enforced_disappearance\n",
        &opts,
    )
    .unwrap();
    assert_eq!(
        r.records[0]["act_types"],
        json!(["execution", "enforced_disappearance"])
    );
}

#[test]
fn spreadsheets_first_sheet_or_named_sheet() {
    let book = xlsx(&[
        (
            "People",
            vec![
                vec![
                    Cell::S("full_name"),
                    Cell::S("birth_year"),
                    Cell::S("notes"),
                ],
                vec![Cell::S("Ali Rezaei"), Cell::N(1962.0), Cell::Empty],
                vec![Cell::Empty, Cell::Empty, Cell::Empty],
                vec![Cell::S("Sara"), Cell::N(1970.0), Cell::E("#REF!")],
            ],
        ),
        (
            "Places",
            vec![
                vec![Cell::S("name"), Cell::S("place_type")],
                vec![Cell::S("Evin"), Cell::S("prison")],
            ],
        ),
    ]);
    let r = read(Input::bytes("book.xlsx", &book), &person_opts()).unwrap();
    assert_eq!(r.report.format, Format::Spreadsheet);
    assert_eq!(
        (r.report.rows, r.report.valid, r.report.blank_rows),
        (2, 1, 1)
    );
    assert_eq!(r.records[0]["birth"], "1962");
    let e = &r.report.invalid[0];
    assert_eq!((e.row, &e.at), (3, &At::SheetRow(4)));
    assert_eq!(e.column.as_deref(), Some("notes"));
    assert!(e.reason.contains("#REF!"), "{e}");
    assert_eq!(
        e.to_string(),
        "row 3 (sheet row 4), column notes: the cell holds the spreadsheet error value #REF!"
    );

    let mapping =
        Mapping::from_toml("sheet = \"places\"\n[constants]\nkind = \"place\"\n", "m").unwrap();
    let opts = ImportOptions {
        mapping: Some(mapping),
        ..Default::default()
    };
    let r = read(Input::bytes("book.xlsx", &book), &opts).unwrap();
    assert_eq!(r.records[0]["place_type"], "prison");
    let mapping = Mapping::from_toml("sheet = \"Victims\"", "m").unwrap();
    let opts = ImportOptions {
        mapping: Some(mapping),
        ..person_opts()
    };
    let e = read(Input::bytes("book.xlsx", &book), &opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no sheet `Victims`") && e.contains("People, Places"),
        "{e}"
    );
    // Not a workbook at all.
    let e = read(Input::bytes("fake.xlsx", b"id,name\n"), &person_opts()).unwrap_err();
    assert!(
        e.to_string().contains("cannot be read as a spreadsheet"),
        "{e}"
    );
}

#[test]
fn json_arrays_and_lines() {
    let array = r#"[
      {"kind": "person", "id": "psn_abc", "names": [{"value": "Ali", "lang": "en"}]},
      {"kind": "place", "names": ["Evin"], "place_type": "prison"},
      {"kind": "person", "names": [], "birth": "19x5"}
    ]"#;
    let r = read(
        Input::bytes("export.json", array.as_bytes()),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!((r.report.rows, r.report.valid), (3, 2), "{}", r.report);
    assert_eq!(r.records[0]["id"], "psn_abc");
    let evin = r.records[1]["id"].as_str().unwrap();
    assert!(evin.starts_with("plc_"));
    let again = read(
        Input::bytes("export.json", array.as_bytes()),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        again.records[1]["id"], evin,
        "ids of id-less records are stable"
    );
    let e = &r.report.invalid[0];
    assert_eq!((e.row, &e.at), (3, &At::Record { line: 4 }));
    assert!(
        e.to_string()
            .starts_with("record 3 (line 4 of the file), column names:"),
        "{e}"
    );

    let lines = "{\"kind\": \"person\", \"names\": [\"Ali\"]}\nnot json\n{\"kind\": \"place\", \"names\": [\"Evin\"], \"place_type\": \"prison\"}\n";
    let opts = ImportOptions {
        kind: Some(Kind::Person),
        ..Default::default()
    };
    let r = read(Input::bytes("x.jsonl", lines.as_bytes()), &opts).unwrap();
    assert_eq!(r.report.valid, 1);
    assert_eq!(r.report.invalid[0].at, At::Line(2));
    assert!(r.report.invalid[0].reason.contains("not valid JSON"));
    assert!(
        r.report.invalid[1]
            .reason
            .contains("this import is of person records")
    );
}

#[test]
fn all_or_nothing_small_file_reads_once_large_file_twice() {
    let mut text = String::from("full_name\n");
    for i in 0..25 {
        text.push_str(&format!("Person {i}\n"));
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let opts = ImportOptions {
        progress: Some(Arc::new(move |p| s2.lock().unwrap().push(p.pass))),
        ..person_opts()
    };
    let mut sizes = Vec::new();
    let report = import_chunks(Input::bytes("p.csv", text.as_bytes()), &opts, 10, |c| {
        sizes.push(c.len());
        Ok::<(), std::io::Error>(())
    })
    .unwrap();
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(report.written, 25);
    assert!(
        seen.lock().unwrap().contains(&2),
        "validated, then read again to write"
    );

    let mut sizes = Vec::new();
    import_chunks(
        Input::bytes("p.csv", text.as_bytes()),
        &person_opts(),
        100,
        |c| {
            sizes.push(c.len());
            Ok::<(), std::io::Error>(())
        },
    )
    .unwrap();
    assert_eq!(sizes, [25]);
}

#[test]
fn skip_invalid_saves_rejects_and_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.csv");
    let text =
        "full_name,birth\nAli,1962\n\"=HYPERLINK(\"\"http://x\"\")\",1960\nSara,19x5\nReza,1970\n";
    let opts = ImportOptions {
        policy: Policy::SkipInvalid {
            rejects: rejects.clone(),
        },
        ..person_opts()
    };
    let (report, chunks) = import_counting("p.csv", text.as_bytes(), &opts).unwrap();
    assert_eq!(chunks.concat().len(), 2);
    assert_eq!(
        (report.valid, report.invalid_count, report.written),
        (2, 2, 2)
    );
    assert_eq!(report.rejects.as_deref(), Some(rejects.as_path()));
    let saved = std::fs::read_to_string(&rejects).unwrap();
    let mut lines = saved.lines();
    assert_eq!(lines.next(), Some("error,full_name,birth"));
    let formula_row = lines.next().unwrap();
    assert!(
        formula_row.contains("looks like a spreadsheet formula"),
        "{saved}"
    );
    assert!(
        formula_row.contains("'=HYPERLINK"),
        "formulas are defused in the rejects file: {saved}"
    );
    assert!(lines.next().unwrap().contains("19x5"));

    let opts = ImportOptions {
        policy: Policy::DryRun,
        ..person_opts()
    };
    let (report, chunks) = import_counting("p.csv", b"full_name\nAli\n", &opts).unwrap();
    assert!(chunks.is_empty());
    assert_eq!((report.valid, report.written), (1, 0));
}

#[test]
fn writer_errors_stop_the_import() {
    let e = import_chunks(
        Input::bytes("p.csv", b"full_name\nAli\n"),
        &person_opts(),
        10,
        |_| Err(std::io::Error::other("disk full")),
    )
    .unwrap_err();
    assert!(e.to_string().contains("disk full"), "{e}");
}

#[test]
fn files_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(&path, PEOPLE).unwrap();
    let r = read(Input::path(&path), &person_opts()).unwrap();
    assert_eq!(r.report.valid, 2);
    assert!(r.report.file.ends_with("people.csv"));
    let from_memory = csv("people.csv", PEOPLE, &person_opts()).unwrap();
    assert_eq!(
        r.records, from_memory.records,
        "ids depend on the file name, not its folder"
    );
    let e = read(Input::path(&dir.path().join("missing.csv")), &person_opts()).unwrap_err();
    assert!(e.to_string().contains("missing.csv: cannot be read"), "{e}");
}

#[test]
fn single_pass_stops_writing_at_the_first_bad_row_and_reports_all() {
    let mut text = String::from("full_name,birth\n");
    for i in 0..30 {
        let birth = if i == 12 || i == 25 { "19x5" } else { "1960" };
        text.push_str(&format!("Person {i},{birth}\n"));
    }
    let opts = ImportOptions {
        policy: Policy::SinglePass,
        ..person_opts()
    };
    let mut sizes = Vec::new();
    let report = import_chunks(Input::bytes("p.csv", text.as_bytes()), &opts, 5, |c| {
        sizes.push(c.len());
        Ok::<(), std::io::Error>(())
    })
    .unwrap();
    assert_eq!(
        sizes,
        [5, 5],
        "rows 11 and 12 were held back when row 13 failed"
    );
    assert_eq!(report.written, 10);
    assert_eq!(report.invalid_count, 2, "every bad row is still reported");
}
