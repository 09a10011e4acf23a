//! `rightsdoc link` as a user runs it: CSV files in, `id,cluster_id` out, a summary, an
//! evaluation against a truth column, clerical review out and decisions back in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rightsdoc_linkage::generate::{Config, generate, write_csv};
use serde_json::Value;

fn rightsdoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rightsdoc"))
        .args(args)
        .env(
            "RIGHTSDOC_KEY_FILE",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/test.key"),
        )
        .output()
        .expect("rightsdoc runs")
}

fn ok_json(args: &[&str]) -> Value {
    let out = rightsdoc(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn clusters(path: &Path) -> HashMap<String, String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["id", "cluster_id"]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect()
}

/// Generated lists with a `truth` column, written to `dir`.
fn lists(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("lists.csv");
    let records = generate(&Config {
        rows,
        ..Config::default()
    });
    write_csv(&path, &records).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_persian_record_meets_its_latin_spelling_in_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = lists(dir.path(), 3_000);
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(
        &a,
        "id,first_name,last_name,father_name,birth_year,place,list\n\
         x1,Kiumars,Zarrinkamar,Bahram,1961,Tabriz,A\n\
         x2,Siavash,Golshiri,Iraj,1958,Rasht,A\n",
    )
    .unwrap();
    // The same two people in Persian script, a Solar Hijri year with Persian digits, Arabic
    // yeh, and a full name only; then someone else entirely.
    std::fs::write(
        &b,
        "id,full_name,first_name,last_name,father_name,birth_year,place,list\n\
         y1,,کیومرث,زرین‌کمر,بهرام,۱۳۴۰,تبریز,B\n\
         y2,Siavosh Golshiri,,,,1958,,B\n\
         y3,,Shirin,Ebadi,,1947,Hamadan,B\n",
    )
    .unwrap();
    let out = dir.path().join("clusters.csv");
    let summary = ok_json(&["link", s(&base), s(&a), s(&b), "--out", s(&out), "--json"]);
    let c = clusters(&out);
    assert_eq!(summary["records"].as_u64().unwrap() as usize, c.len());
    assert!(summary["pairs_compared"].as_u64().unwrap() > 0);
    assert!(summary["seconds"].as_f64().is_some());
    assert_eq!(
        c["x1"], c["y1"],
        "Persian script and Latin spelling are one person"
    );
    assert_eq!(c["x2"], c["y2"], "a full name with another spelling");
    assert_ne!(c["x1"], c["x2"]);
    assert_ne!(c["y3"], c["x1"]);
    assert_ne!(c["y3"], c["x2"]);
}

#[test]
fn generated_lists_link_well_and_chains_do_not_hurt() {
    let dir = tempfile::tempdir().unwrap();
    let input = lists(dir.path(), 8_000);
    let out = dir.path().join("clusters.csv");
    let args = [
        "link",
        s(&input),
        "--out",
        s(&out),
        "--truth",
        "truth",
        "--json",
    ];
    let ours = ok_json(&args);
    let e = &ours["evaluation"];
    let f1 = e["pairwise"]["f1"].as_f64().unwrap();
    let precision = e["pairwise"]["precision"].as_f64().unwrap();
    assert!(f1 > 0.85 && precision > 0.95, "{e}");
    assert!(e["blocking_recall"].as_f64().unwrap() > 0.9, "{e}");
    assert_eq!(
        clusters(&out).len() as u64,
        ours["records"].as_u64().unwrap()
    );
    // Chaining-resistant clustering against plain connected components on the same pairs.
    let mut plain_args = args.to_vec();
    plain_args.push("--components-only");
    let plain = ok_json(&plain_args);
    let plain_precision = plain["evaluation"]["pairwise"]["precision"]
        .as_f64()
        .unwrap();
    assert!(ours["components_split"].as_u64().unwrap() > 0);
    assert!(
        precision >= plain_precision,
        "{precision} < {plain_precision}"
    );
}

#[test]
fn clerical_labels_override_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let input = lists(dir.path(), 3_000);
    let out = dir.path().join("clusters.csv");
    let review = dir.path().join("review.csv");
    let first = ok_json(&[
        "link",
        s(&input),
        "--out",
        s(&out),
        "--review",
        s(&review),
        "--threshold",
        "0.5",
        "--json",
    ]);
    assert!(first["review_pairs"].as_u64().unwrap() > 2);
    let mut reader = csv::Reader::from_path(&review).unwrap();
    let header = reader.headers().unwrap().clone();
    for column in [
        "id_a",
        "id_b",
        "probability",
        "first_name_a",
        "first_name_b",
        "evidence",
        "label",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let before = clusters(&out);
    // Find a pair the model joined and one it kept apart; decide both the other way.
    let joined = rows
        .iter()
        .find(|r| before[&r[0]] == before[&r[1]])
        .expect("a joined pair");
    let apart = rows
        .iter()
        .find(|r| before[&r[0]] != before[&r[1]])
        .expect("a separate pair");
    let labels = dir.path().join("labels.csv");
    std::fs::write(
        &labels,
        format!(
            "id_a,id_b,label\n{},{},non-match\n{},{},match\n{},{},\n",
            &joined[0], &joined[1], &apart[0], &apart[1], &rows[0][0], &rows[0][1]
        ),
    )
    .unwrap();
    let second = ok_json(&[
        "link",
        s(&input),
        "--out",
        s(&out),
        "--labels",
        s(&labels),
        "--threshold",
        "0.5",
        "--json",
    ]);
    assert_eq!(second["labels"], 2, "the undecided row is skipped");
    let after = clusters(&out);
    assert_ne!(after[&joined[0]], after[&joined[1]]);
    assert_eq!(after[&apart[0]], after[&apart[1]]);
}

#[test]
fn bad_input_names_file_row_and_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dup.csv");
    std::fs::write(&input, "id,first_name\na,Ali\nb,Reza\na,Hassan\n").unwrap();
    let out = dir.path().join("clusters.csv");
    let run = rightsdoc(&["link", s(&input), "--out", s(&out)]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("dup.csv") && err.contains("row 3") && err.contains("`id`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert!(!out.exists());

    std::fs::write(&input, "name\nAli\n").unwrap();
    let err = String::from_utf8_lossy(&rightsdoc(&["link", s(&input), "--out", s(&out)]).stderr)
        .into_owned();
    assert!(err.contains("no `id` column"), "{err}");
    let labels = dir.path().join("labels.csv");
    std::fs::write(&input, "id,first_name\na,Ali\nb,Ali\n").unwrap();
    std::fs::write(&labels, "id_a,id_b,label\na,b,perhaps\n").unwrap();
    let run = rightsdoc(&["link", s(&input), "--out", s(&out), "--labels", s(&labels)]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("labels.csv") && err.contains("row 1") && err.contains("`label`"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn dedupe_proposes_once_and_review_decisions_are_logged_and_reversible() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let a = s(&archive);
    // People from generated lists, imported as a team would (the truth column left out).
    let rows = generate(&Config {
        rows: 400,
        ..Config::default()
    });
    let csv_path = dir.path().join("people.csv");
    let mut w = csv::Writer::from_path(&csv_path).unwrap();
    w.write_record([
        "id",
        "first_name",
        "last_name",
        "full_name",
        "father_name",
        "birth_year",
        "place",
        "list",
    ])
    .unwrap();
    for r in &rows {
        w.write_record([
            &r.id,
            &r.first_name,
            &r.last_name,
            &r.full_name,
            &r.father_name,
            &r.birth_year,
            &r.place,
            &r.list,
        ])
        .unwrap();
    }
    w.flush().unwrap();
    assert!(rightsdoc(&["--archive", a, "init"]).status.success());
    let import = rightsdoc(&["--archive", a, "import", s(&csv_path), "--kind", "person"]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let first = ok_json(&["--archive", a, "dedupe", "--json"]);
    let proposed = first["proposed"].as_array().unwrap().len();
    assert!(proposed > 20, "{first}");
    assert_eq!(first["people"], rows.len());
    let again = ok_json(&["--archive", a, "dedupe", "--json"]);
    assert_eq!(
        again["proposed"].as_array().unwrap().len(),
        0,
        "decided pairs are remembered"
    );
    assert_eq!(again["already_decided"], proposed);

    let open = ok_json(&["--archive", a, "review", "--json"]);
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), proposed);
    let candidate = &open[0];
    assert!(
        candidate["evidence"]
            .as_str()
            .unwrap()
            .contains("last_name")
    );
    assert!(!candidate["a"]["summary"].as_str().unwrap().is_empty());
    let id = candidate["id"].as_str().unwrap();
    let merged = rightsdoc(&[
        "--archive",
        a,
        "--actor",
        "rana",
        "review",
        id,
        "--decide",
        "same",
        "--note",
        "same father",
    ]);
    assert!(merged.status.success());
    let undone = rightsdoc(&[
        "--archive",
        a,
        "--actor",
        "rana",
        "review",
        id,
        "--decide",
        "different",
    ]);
    assert!(String::from_utf8_lossy(&undone.stdout).contains("merge undone"));
    let refused = rightsdoc(&["--archive", a, "review", id, "--decide", "maybe"]);
    assert!(!refused.status.success());
    let left = ok_json(&["--archive", a, "review", "--json"]);
    assert_eq!(left.as_array().unwrap().len(), proposed - 1);
    let history = ok_json(&["--archive", a, "history", id, "--json"]);
    let edits: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "edit")
        .collect();
    assert_eq!(edits.len(), 2, "{history}");
    assert!(edits.iter().all(|h| h["actor"] == "rana"));
    assert!(rightsdoc(&["--archive", a, "verify"]).status.success());
}
