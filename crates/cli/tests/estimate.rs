//! `rightsdoc estimate`: the file contract of DESIGN.md checked against Rcapture's numbers,
//! bad input refused with the file, row and field named, and estimates from the archive's
//! own lists that count a person once through decided matches and never count what the
//! reader may not see.

mod common;

use common::{add, fails, ok};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared_table(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../../shared/data/mse/tables/{name}.csv"))
}

fn json(archive: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(archive, &all)).unwrap()
}

#[track_caller]
fn close(ours: &Value, theirs: f64) {
    let v = ours
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {ours}"));
    assert!((v - theirs).abs() <= 1e-4 * theirs.abs(), "{v} vs {theirs}");
}

/// Rome HIV cases on four lists (Rcapture's `HIV` data): the BIC search picks independence
/// and reports Rcapture's estimate and profile interval (reference.json, closedpCI).
#[test]
fn a_table_file_gives_rcaptures_estimate_in_the_json_contract() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-archive");
    let table = shared_table("HIV_rome");
    let r = json(&nowhere, &["estimate", table.to_str().unwrap()]);
    assert_eq!(r["method"], "loglinear");
    assert_eq!(r["model"], "[1,2,3,4]");
    close(&r["estimate"], 11124.5784691849);
    close(&r["ci_low"], 9531.7355176434);
    close(&r["ci_high"], 13114.1226415648);
    let models = r["models"].as_array().unwrap();
    assert_eq!(models.len(), 113);
    assert_eq!(models[0]["name"], "[1,2,3,4]");
    for key in [
        "name", "estimate", "stderr", "deviance", "df", "aic", "bic", "ci_low", "ci_high",
    ] {
        assert!(models[0].get(key).is_some(), "models[0] lacks {key}");
    }
    close(&models[0]["aic"], 90.0619954420794);
    close(&models[0]["bic"], 117.799503856154);
    // Best first among the models the data identify; those they do not (fits on a boundary,
    // such as [123,124,234] here) come last.
    let identified: Vec<bool> = models.iter().map(|m| m["identified"] == true).collect();
    assert!(identified.windows(2).all(|w| w[0] >= w[1]));
    assert!(identified.iter().any(|i| !i));
    let bics: Vec<f64> = models
        .iter()
        .filter(|m| m["identified"] == true)
        .map(|m| m["bic"].as_f64().unwrap())
        .collect();
    assert!(bics.windows(2).all(|w| w[0] <= w[1]));
    assert!(r["summary"].as_str().unwrap().contains("11,125"));
    // Nothing was created: a table needs no archive.
    assert!(!nowhere.exists());

    // AIC picks [12,3,4], as Rcapture's closedpMS.t does.
    let r = json(
        &nowhere,
        &["estimate", table.to_str().unwrap(), "--select", "aic"],
    );
    assert_eq!(r["model"], "[12,3,4]");
    close(&r["estimate"], 12318.4676767586);

    // One model by name, and the whole closedp.t family.
    let r = json(
        &nowhere,
        &["estimate", table.to_str().unwrap(), "--model", "Mth Chao"],
    );
    assert_eq!(r["model"], "Mth Chao (LB)");
    let r = json(
        &nowhere,
        &[
            "estimate",
            shared_table("hare").to_str().unwrap(),
            "--models",
            "all",
        ],
    );
    assert_eq!(r["models"].as_array().unwrap().len(), 12);
    assert_eq!(r["model"], "Mh Poisson2");

    // Rcapture's closedpMS.t(h = "Darroch") on the lesbian data picks [12,13,14].
    let lesbian = shared_table("lesbian");
    let r = json(
        &nowhere,
        &[
            "estimate",
            lesbian.to_str().unwrap(),
            "--heterogeneity",
            "darroch",
        ],
    );
    assert_eq!(r["model"], "[12,13,14]+h=Darroch");
}

#[test]
fn plain_output_is_a_table_and_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(
        dir.path(),
        &["estimate", shared_table("seber1982_p107").to_str().unwrap()],
    );
    assert!(out.contains("Chapman"), "{out}");
    assert!(out.contains("Only two lists"), "{out}");
    assert!(out.contains("Closed population"), "{out}");
    assert!(
        out.contains(
            "An estimated 2,383 people (95% interval 2,156–2,664), of whom 1,202 are documented"
        ),
        "{out}"
    );
}

#[test]
fn lcmcr_is_reproducible_with_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let table = shared_table("hepatitisA_taiwan");
    let args = [
        "estimate",
        table.to_str().unwrap(),
        "--method",
        "lcmcr",
        "--samples",
        "300",
        "--burnin",
        "2000",
        "--seed",
        "7",
    ];
    let a = json(dir.path(), &args);
    let b = json(dir.path(), &args);
    assert_eq!(a["estimate"], b["estimate"]);
    assert_eq!(a["method"], "lcmcr");
    // LCMCR 0.4.14 puts the posterior median near 505–524 (reference.json).
    let median = a["estimate"].as_f64().unwrap();
    assert!((440.0..600.0).contains(&median), "{median}");
    assert!(a["lcmcr"]["r_hat"].as_f64().is_some());
}

#[test]
fn bad_tables_are_refused_naming_the_file_row_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let bad = write("bad.csv", "A,B,C,count\n1,1,1,3\n1,0,2,4\n");
    let err = fails(dir.path(), &["estimate", bad.to_str().unwrap()]);
    assert!(
        err.contains("bad.csv") && err.contains("row 3") && err.contains("`C`"),
        "{err}"
    );
    let bad = write("count.csv", "A,B,freq\n1,1,3\n0,1,-2\n");
    let err = fails(dir.path(), &["estimate", bad.to_str().unwrap()]);
    assert!(err.contains("row 3") && err.contains("`freq`"), "{err}");
    let good = write(
        "good.csv",
        "A,B,C,count\n1,1,1,3\n1,0,0,4\n0,1,0,5\n0,0,1,6\n1,1,0,2\n",
    );
    let err = fails(
        dir.path(),
        &["estimate", good.to_str().unwrap(), "--model", "[1234]"],
    );
    assert!(err.contains("lists are numbered 1 to 3"), "{err}");
    let err = fails(
        dir.path(),
        &["estimate", good.to_str().unwrap(), "--method", "chapman"],
    );
    assert!(err.contains("two lists"), "{err}");
    let err = fails(
        dir.path(),
        &["estimate", good.to_str().unwrap(), "--model", "Mq"],
    );
    assert!(err.contains("unknown model"), "{err}");
    let err = fails(
        dir.path(),
        &["estimate", dir.path().join("missing.csv").to_str().unwrap()],
    );
    assert!(err.contains("missing.csv"), "{err}");
}

/// Three lists in an archive: people on several lists, one person recorded twice and
/// decided to be the same, a proposed match that must not merge, and a confidential person
/// whose name is a canary. The overlap counts people, not records, and only those the
/// reader may see.
#[test]
fn archive_lists_count_people_once_and_respect_clearance() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    ok(&archive, &["init"]);
    let book = add(&archive, r#"{"kind": "list", "title": "Book of names"}"#);
    let ngo = add(&archive, r#"{"kind": "list", "title": "NGO list"}"#);
    let families = add(
        &archive,
        r#"{"kind": "list", "title": "Family testimonies"}"#,
    );
    // Capture patterns over (book, ngo, families) and how many people have each.
    let plan: [(&[&str], usize); 7] = [
        (&[&book, &ngo, &families], 6),
        (&[&book, &ngo], 12),
        (&[&book, &families], 9),
        (&[&book], 30),
        (&[&ngo, &families], 8),
        (&[&ngo], 25),
        (&[&families], 20),
    ];
    let mut people = Vec::new();
    for (lists, count) in plan {
        for i in 0..count {
            let entries: Vec<Value> = lists
                .iter()
                .map(|l| serde_json::json!({"list": l}))
                .collect();
            people.push(serde_json::json!({
                "kind": "person",
                "names": [{"value": format!("Person {} {i}", lists.len())}],
                "lists": entries,
            }));
        }
    }
    let file = dir.path().join("people.json");
    std::fs::write(&file, serde_json::to_string(&people).unwrap()).unwrap();
    ok(&archive, &["import", file.to_str().unwrap()]);
    // One more person, recorded twice: once by the book, once by the NGO; a reviewer
    // decided they are the same. Another pair is only proposed.
    let a = add(
        &archive,
        &format!(
            r#"{{"kind": "person", "names": [{{"value": "Ali Rezaei"}}], "lists": [{{"list": "{book}"}}]}}"#
        ),
    );
    let b = add(
        &archive,
        &format!(
            r#"{{"kind": "person", "names": [{{"value": "Ali Rezaie"}}], "lists": [{{"list": "{ngo}"}}]}}"#
        ),
    );
    add(
        &archive,
        &format!(r#"{{"kind": "match", "records": ["{a}", "{b}"], "decision": "same"}}"#),
    );
    let c = add(
        &archive,
        &format!(
            r#"{{"kind": "person", "names": [{{"value": "Reza Ahmadi"}}], "lists": [{{"list": "{families}"}}]}}"#
        ),
    );
    let d = add(
        &archive,
        &format!(
            r#"{{"kind": "person", "names": [{{"value": "Reza Ahmadi"}}], "lists": [{{"list": "{ngo}"}}]}}"#
        ),
    );
    add(
        &archive,
        &format!(r#"{{"kind": "match", "records": ["{c}", "{d}"], "decision": "proposed"}}"#),
    );
    // A witness-protected victim on the book: never counted for a public reader.
    add(
        &archive,
        &format!(
            r#"{{"kind": "person", "classification": "confidential", "names": [{{"value": "CANARY-ESTIMATE-7731"}}], "lists": [{{"list": "{book}"}}]}}"#
        ),
    );

    let lists = format!("{book},NGO list,{families}");
    let table_out = dir.path().join("overlap.csv");
    let public = json(
        &archive,
        &[
            "estimate",
            "--lists",
            &lists,
            "--table-out",
            table_out.to_str().unwrap(),
        ],
    );
    assert_eq!(public["archive"]["records"], 110 + 2 + 2);
    assert_eq!(public["archive"]["people"], 110 + 1 + 2);
    assert_eq!(public["archive"]["merged_by_matches"], 1);
    assert_eq!(public["observed"], 113.0);
    let sizes: Vec<f64> = public["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["size"].as_f64().unwrap())
        .collect();
    // The merged person is on the book and the NGO list; the proposed pair stays two people.
    assert_eq!(
        sizes,
        vec![
            6.0 + 12.0 + 9.0 + 30.0 + 1.0,
            6.0 + 12.0 + 8.0 + 25.0 + 1.0 + 1.0,
            6.0 + 9.0 + 8.0 + 20.0 + 1.0
        ]
    );
    assert_eq!(public["lists"][0]["name"], "Book of names");
    let text = serde_json::to_string(&public).unwrap();
    assert!(!text.contains("CANARY"), "{text}");

    // The table written out gives the same estimate when run as a file.
    let again = json(&archive, &["estimate", table_out.to_str().unwrap()]);
    assert_eq!(again["estimate"], public["estimate"]);
    assert_eq!(again["model"], public["model"]);

    // Cleared readers count the confidential victim too.
    let cleared = json(
        &archive,
        &["--clearance", "confidential", "estimate", "--lists", &lists],
    );
    assert_eq!(cleared["archive"]["people"], 114);

    // Conditions on people, and errors that say what to do.
    let none = fails(
        &archive,
        &["estimate", "--lists", &lists, "--where", "sex=female"],
    );
    assert!(none.contains("nobody"), "{none}");
    let err = fails(&archive, &["estimate", "--lists", "lst_nope,NGO list"]);
    assert!(err.contains("lst_nope"), "{err}");
    let err = fails(&archive, &["estimate", "--lists", &book]);
    assert!(err.contains("at least two lists"), "{err}");
    let err = fails(
        &archive,
        &["estimate", "--lists", &lists, "--where", "colour=blue"],
    );
    assert!(err.contains("sex=") && err.contains("act_type="), "{err}");
}
