//! Bad input is refused with one line naming the field (and file/record), and writes nothing.

mod common;
use common::*;

#[test]
fn bad_records_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    let person = add(a, r#"{"kind":"person","names":["Ali"]}"#);
    let before = log_size(a);

    let cases: &[(&str, &str)] = &[
        (r#"{"kind":"person","names":["A"]"#, "not valid JSON"),
        (r#"{"kind":"spaceship"}"#, "unknown kind `spaceship`"),
        (
            r#"{"kind":"person","names":["A"],"hair":"brown"}"#,
            "field `hair`",
        ),
        (
            r#"{"kind":"person","names":["A"],"birth":"19x5"}"#,
            "field `birth`",
        ),
        (
            r#"{"kind":"person","names":["A"],"birth":"1988-02-30"}"#,
            "field `birth`",
        ),
        (
            r#"{"kind":"event","title":"x","period":"1990/1988"}"#,
            "field `period`",
        ),
        (
            r#"{"kind":"act","victim":"psn_nobody","act_type":"execution"}"#,
            "field `victim`",
        ),
        (
            r#"{"kind":"act","victim":"psn_nobody","act_type":"beheading-by-laser"}"#,
            "field `act_type`",
        ),
        (
            r#"{"kind":"event","title":"x","citations":[{"source":"src_missing"}]}"#,
            "citations[0].source",
        ),
        (r#"{"kind":"person","names":[]}"#, "field `names`"),
    ];
    for (json, expect) in cases {
        let err = fails(a, &["add", "--data", json]);
        assert!(
            err.contains(expect),
            "for {json}: expected `{expect}` in: {err}"
        );
    }
    let err = fails(a, &["edit", &person, "--data", r#"{"death":"1367-13 SH"}"#]);
    assert!(err.contains("field `death`"), "{err}");

    // A file with one bad record among good ones: the error names file and record, nothing is written.
    let file = tmp.path().join("batch.json");
    std::fs::write(&file, r#"[{"kind":"person","names":["Good One"]},{"kind":"person","names":["Bad"],"sex":"sometimes"}]"#).unwrap();
    let err = fails(a, &["import", file.to_str().unwrap()]);
    assert!(
        err.contains("batch.json")
            && err.contains("record 2")
            && err.contains("column sex")
            && err.contains("sometimes"),
        "{err}"
    );

    assert_eq!(log_size(a), before, "a refused write changed the log");
    ok(a, &["verify"]);
}

#[test]
fn commands_outside_an_archive_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let err = fails(&tmp.path().join("nowhere"), &["show", "psn_x"]);
    assert!(err.contains("rightsdoc init"), "{err}");
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    assert!(fails(a, &["init"]).contains("already holds an archive"));
}
