//! The bundled demo data set (`data/demo/*.json`) is valid record JSON: every record passes
//! `validate`, ids are unique, every reference resolves inside the set, every record is backed by
//! a citation, and the set holds what the demo promises to show.

use rightsdoc_model::{Kind, Record, validate};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

/// Every record of every `data/demo/*.json`, validated, with the file it came from.
fn load() -> Vec<(String, Record)> {
    let dir = demo_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no JSON files in {}", dir.display());

    let mut out = Vec::new();
    let mut failures = Vec::new();
    for path in &files {
        let file = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: cannot read: {e}"));
        let json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
        let Value::Array(items) = json else {
            panic!("{file}: must be a JSON array of records")
        };
        assert!(!items.is_empty(), "{file}: holds no records");
        for (i, item) in items.into_iter().enumerate() {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("<no id>")
                .to_string();
            if item.get("id").and_then(Value::as_str).is_none() {
                failures.push(format!("{file}[{i}]: demo records need a stable `id`"));
                continue;
            }
            match validate(item) {
                Ok(record) => out.push((format!("{file}[{i}] ({id})"), record)),
                Err(e) => failures.push(format!("{file}[{i}] ({id}): {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "invalid demo records:\n{}",
        failures.join("\n")
    );
    out
}

/// Whether any `citations` list in `v` (at any depth) is non-empty.
fn has_citation(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.iter().any(|(k, child)| {
            (k == "citations" && child.as_array().is_some_and(|a| !a.is_empty()))
                || has_citation(child)
        }),
        Value::Array(items) => items.iter().any(has_citation),
        _ => false,
    }
}

#[test]
fn every_demo_record_is_valid_unique_resolved_and_cited() {
    let records = load();

    let mut by_id: BTreeMap<&str, &str> = BTreeMap::new();
    for (at, r) in &records {
        if let Some(first) = by_id.insert(r.id.as_str(), at.as_str()) {
            panic!("duplicate id `{}`: {first} and {at}", r.id);
        }
    }

    let mut dangling = Vec::new();
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    for (at, r) in &records {
        for reference in &r.references {
            if by_id.contains_key(reference.target.as_str()) {
                if reference.target != r.id {
                    referenced.insert(reference.target.as_str());
                }
            } else {
                dangling.push(format!(
                    "{at}: `{}` points to `{}`, which is not in the demo set",
                    reference.path, reference.target
                ));
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "unresolved references:\n{}",
        dangling.join("\n")
    );

    // Sources are what citations point to; every other record must cite at least one, on the
    // record or on one of its values. Every source must in turn be used by some other record.
    let uncited: Vec<&str> = records
        .iter()
        .filter(|(_, r)| r.kind != Kind::Source && !has_citation(&r.to_value()))
        .map(|(at, _)| at.as_str())
        .collect();
    assert!(
        uncited.is_empty(),
        "records without any citation:\n{}",
        uncited.join("\n")
    );
    let unused: Vec<&str> = records
        .iter()
        .filter(|(_, r)| r.kind == Kind::Source && !referenced.contains(r.id.as_str()))
        .map(|(at, _)| at.as_str())
        .collect();
    assert!(
        unused.is_empty(),
        "sources no record cites or refers to:\n{}",
        unused.join("\n")
    );
}

#[test]
fn the_demo_set_shows_what_the_demo_promises() {
    let records = load();
    let of = |kind: Kind| {
        records
            .iter()
            .map(|(_, r)| r)
            .filter(move |r| r.kind == kind)
    };
    let str_of = |r: &Record, field: &str| {
        r.body
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
    };

    let sources = of(Kind::Source).count();
    assert!(sources >= 20, "only {sources} sources");

    let graves = of(Kind::Place)
        .filter(|r| str_of(r, "place_type").as_deref() == Some("mass_grave"))
        .count();
    assert!(graves >= 3, "only {graves} mass-grave places");

    let people: BTreeSet<&str> = BTreeSet::from_iter(of(Kind::Person).map(|r| r.id.as_str()));
    let with_posts: BTreeSet<String> = of(Kind::Post)
        .filter_map(|r| str_of(r, "person"))
        .filter(|p| people.contains(p.as_str()))
        .collect();
    assert!(
        with_posts.len() >= 4,
        "only {} people with posts: {with_posts:?}",
        with_posts.len()
    );

    let cycles: BTreeSet<i64> = of(Kind::Review)
        .filter(|r| str_of(r, "state").is_some_and(|s| s.contains("Iran")))
        .filter_map(|r| r.body.get("cycle").and_then(Value::as_i64))
        .collect();
    for cycle in 1..=4 {
        assert!(
            cycles.contains(&cycle),
            "no UPR review of Iran for cycle {cycle} (have {cycles:?})"
        );
    }

    let counts = |r: &Record| -> BTreeSet<i64> {
        r.body["values"]
            .as_array()
            .expect("values is a list")
            .iter()
            .filter_map(|v| v["count"].as_i64())
            .collect()
    };
    let toll = of(Kind::Figure).find(|r| {
        str_of(r, "measure").as_deref() == Some("deaths")
            && str_of(r, "period").is_some_and(|p| p.starts_with("1988"))
            && counts(r).len() >= 2
    });
    let toll = toll.expect("a figure of deaths in 1988 with at least two conflicting values");
    let values = toll.body["values"].as_array().expect("values");
    assert!(
        values.iter().all(|v| v
            .get("citations")
            .is_some_and(|c| c.as_array().is_some_and(|a| !a.is_empty()))),
        "every value of {} must carry its own citations",
        toll.id
    );

    let years: BTreeSet<String> = of(Kind::Figure)
        .filter(|r| str_of(r, "measure").as_deref() == Some("executions"))
        .filter_map(|r| str_of(r, "period"))
        .filter(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert!(
        years.len() >= 10,
        "yearly execution figures for only {} years: {years:?}",
        years.len()
    );
}

/// The archive stores the normalized record and rebuilds its projections by validating it again,
/// so the demo data must already be in the form validation gives back: same body, same references.
#[test]
fn demo_records_survive_a_rebuild_unchanged() {
    let mut changed = Vec::new();
    for (at, r) in load() {
        match validate(r.to_value()) {
            Ok(again) if again.body == r.body && again.references == r.references => {}
            Ok(again) if again.body != r.body => {
                changed.push(format!("{at}: body changes when validated again"))
            }
            Ok(again) => {
                let before: Vec<&str> = r.references.iter().map(|x| x.path.as_str()).collect();
                let after: Vec<&str> = again.references.iter().map(|x| x.path.as_str()).collect();
                let gone: Vec<&&str> = before.iter().filter(|p| !after.contains(p)).collect();
                let new: Vec<&&str> = after.iter().filter(|p| !before.contains(p)).collect();
                changed.push(format!(
                    "{at}: reference paths change when validated again: {gone:?} become {new:?} \
                     (write a single conflicting value without the surrounding list)"
                ))
            }
            Err(e) => changed.push(format!("{at}: refused when validated again: {e}")),
        }
    }
    assert!(
        changed.is_empty(),
        "demo records that a rebuild would not reproduce:\n{}",
        changed.join("\n")
    );
}
