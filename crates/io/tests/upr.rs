//! UPR Info recommendation tables: the built-in mapping, and every row of the real exports in
//! ../shared/data/upr (skipped, saying so, when that folder is absent).

mod common;

use common::csv;
use rightsdoc_io::{ImportOptions, Input, read};
use rightsdoc_model::Kind;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

const HEADER: &str = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session";

#[test]
fn builtin_mapping_is_chosen_from_the_header() {
    let text = format!(
        "{HEADER}\r\
         Iran (Islamic Republic of),Asia,OIC,\"Abolish the death penalty for juveniles, as a matter of priority\",Italy,WEOG,EU,Noted,5,\"Death penalty,Rights of the Child\",20\r\
         Iran (Islamic Republic of),Asia,OIC,Strengthen the national human rights institution,Iran (Islamic Republic of),Asia,OIC,Voluntary Pledge,4,NHRI,7\r"
    );
    let r = csv("upr.csv", &text, &ImportOptions::default()).unwrap();
    assert!(r.report.is_clean(), "{}", r.report);
    assert_eq!(r.report.kind, Some(Kind::Recommendation));
    assert_eq!(r.report.mapping, "built-in UPR Info mapping");
    assert_eq!(
        r.report.unused_columns,
        ["To-Rgrp", "To-Org", "From-Rgrp", "From-Org"]
    );
    let rec = &r.records[0];
    assert!(rec["id"].as_str().unwrap().starts_with("rec_"));
    assert_eq!(rec["state_under_review"], "Iran (Islamic Republic of)");
    assert_eq!(rec["recommending_states"], json!(["Italy"]));
    assert_eq!(rec["response"], "noted");
    assert_eq!(rec["action_category"], 5);
    assert_eq!(
        rec["themes"],
        json!(["death_penalty", "rights_of_the_child"])
    );
    assert_eq!(
        (rec["session"].as_i64(), rec["cycle"].as_i64()),
        (Some(20), Some(2))
    );
    assert_eq!(
        rec["text"],
        "Abolish the death penalty for juveniles, as a matter of priority"
    );
    // A voluntary pledge has no response; its notes say why.
    let pledge = &r.records[1];
    assert!(pledge.get("response").is_none());
    assert!(
        pledge["notes"]
            .as_str()
            .unwrap()
            .starts_with("Voluntary pledge")
    );
    assert_eq!(pledge["cycle"], 1);
}

#[test]
fn unknown_theme_and_response_are_named() {
    let text = format!(
        "{HEADER}\nX,,,Do it,Y,,,Accepted,5,\"Justice,Space travel\",3\nX,,,Do it,Y,,,Maybe,5,Justice,3\n"
    );
    let r = csv("upr.csv", &text, &ImportOptions::default()).unwrap();
    assert_eq!(r.report.invalid_count, 2);
    let e = &r.report.invalid[0];
    assert_eq!((e.row, e.column.as_deref()), (1, Some("Issue")));
    assert!(e.reason.starts_with("unknown theme `Space travel`"), "{e}");
    let e = &r.report.invalid[1];
    assert_eq!(e.column.as_deref(), Some("Response"));
    assert!(e.reason.starts_with("unknown response `Maybe`"), "{e}");
}

#[test]
fn kind_person_does_not_take_the_upr_mapping() {
    let text = format!("{HEADER}\nX,,,Do it,Y,,,Accepted,5,Justice,3\n");
    let opts = ImportOptions {
        kind: Some(Kind::Person),
        ..Default::default()
    };
    let e = csv("upr.csv", &text, &opts).unwrap_err();
    assert!(e.to_string().contains("no column gives `names`"), "{e}");
}

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/upr");
    dir.is_dir().then_some(dir)
}

/// Every row of every UPR Info export imports, with the figures the data README gives.
#[test]
fn every_row_of_the_upr_info_exports_imports() {
    let Some(dir) = data_dir() else {
        println!("SKIPPED: ../shared/data/upr is absent; the UPR import test did not run");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    let started = Instant::now();
    let (mut rows, mut ids) = (0, std::collections::HashSet::new());
    let mut responses: BTreeMap<String, usize> = BTreeMap::new();
    let mut iran_cycles: BTreeMap<i64, usize> = BTreeMap::new();
    let mut accented = None;
    // Two threads: the machine has two cores, and debug builds validate slowly.
    let imported: Vec<_> = std::thread::scope(|scope| {
        let (a, b) = files.split_at(files.len() / 2);
        let run = |part: &[PathBuf]| {
            part.iter()
                .map(|f| read(Input::path(f), &ImportOptions::default()).unwrap())
                .collect::<Vec<_>>()
        };
        let other = scope.spawn(move || run(b));
        let mut all = run(a);
        all.extend(other.join().unwrap());
        all
    });
    for r in &imported {
        let report = &r.report;
        assert!(report.is_clean(), "{report}");
        assert_eq!(report.kind, Some(Kind::Recommendation));
        assert_eq!(report.valid, report.rows);
        assert_eq!(report.encoding, "Mac OS Roman (detected)", "{report}");
        rows += report.rows;
        for rec in &r.records {
            ids.insert(rec["id"].as_str().unwrap().to_string());
            let response = rec["response"].as_str().unwrap_or("(pledge)").to_string();
            *responses.entry(response).or_default() += 1;
            if rec["state_under_review"] == "Iran" {
                *iran_cycles
                    .entry(rec["cycle"].as_i64().unwrap())
                    .or_default() += 1;
            }
            let text = rec["text"].as_str().unwrap();
            if accented.is_none() && text.contains("Equité") {
                accented = Some(text.to_string());
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "UPR Info: {rows} rows from {} files in {seconds:.2} s ({:.0} rows/s); responses {responses:?}; Iran by cycle {iran_cycles:?}",
        files.len(),
        rows as f64 / seconds
    );
    assert_eq!(rows, 42_013);
    assert_eq!(ids.len(), rows, "every row is its own record");
    assert_eq!(responses["supported"], 30_472);
    assert_eq!(responses["noted"], 10_594);
    assert_eq!(responses["(pledge)"], 947);
    assert_eq!(iran_cycles.keys().copied().collect::<Vec<_>>(), [1, 2]);
    assert!(accented.is_some(), "Mac OS Roman é decoded");
}
