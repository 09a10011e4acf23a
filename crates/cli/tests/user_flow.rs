//! A researcher's session from `init` to a third party checking a checkpoint, through the CLI.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn record_everything_then_prove_nothing_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);

    let src = add(
        a,
        r#"{"kind":"source","title":"Blood-soaked secrets","publisher":"Amnesty International","date":"2018-12-04","source_type":"report","reliability":"B"}"#,
    );
    let testimony = add(
        a,
        r#"{"kind":"source","title":"Testimony 17","source_type":"testimony","date":"1991","witness":"CANARY-WITNESS"}"#,
    );
    let iran = add(
        a,
        r#"{"kind":"place","names":[{"value":"ایران","lang":"fa"},{"value":"Iran","lang":"en"}],"place_type":"country"}"#,
    );
    let khavaran = add(
        a,
        &format!(
            r#"{{"kind":"place","names":["Khavaran","خاوران"],"place_type":"mass_grave","parent":"{iran}",
        "point":{{"lat":35.58,"lon":51.6}},
        "status":[{{"status":"intact","date":"1988"}},{{"status":"damaged","date":"2009-01~","citations":[{{"source":"{src}","locator":"p. 40"}}]}}]}}"#
        ),
    );
    let judiciary = add(
        a,
        &format!(
            r#"{{"kind":"organization","names":["Judiciary of Iran","قوه قضاییه"],"org_type":"state_body","jurisdiction":["{iran}"]}}"#
        ),
    );
    let commission = add(
        a,
        &format!(
            r#"{{"kind":"organization","names":["Tehran death commission"],"org_type":"commission","parent":"{judiciary}"}}"#
        ),
    );
    let raisi = add(
        a,
        r#"{"kind":"person","names":[{"value":"ابراهیم رئیسی","lang":"fa"},{"value":"Ebrahim Raisi","lang":"en"}],"sex":"male","birth":"1960-12-14"}"#,
    );
    let post = add(
        a,
        &format!(
            r#"{{"kind":"post","person":"{raisi}","organization":"{commission}","role":"Member","period":"1988-07/1988-09","citations":["{src}"]}}"#
        ),
    );
    let massacre = add(
        a,
        &format!(
            r#"{{"kind":"event","title":"1988 prison massacre","period":"1988-07/1988-09","places":["{khavaran}"],"act_types":["execution","enforced_disappearance"],"citations":[{{"source":"{src}","locator":"p. 12","credibility":2}}]}}"#
        ),
    );
    let victim = add(
        a,
        &format!(
            r#"{{"kind":"person","names":["محمد رضایی"],"death":"مرداد ۱۳۶۷","citations":["{testimony}"]}}"#
        ),
    );
    let act = add(
        a,
        &format!(
            r#"{{"kind":"act","victim":"{victim}","event":"{massacre}","act_type":"execution","date":"1988-08~","place":"{khavaran}"}}"#
        ),
    );
    add(
        a,
        &format!(
            r#"{{"kind":"involvement","actor":"{raisi}","role":"approved","act":"{act}","citations":["{src}"]}}"#
        ),
    );
    add(
        a,
        &format!(
            r#"{{"kind":"detention","person":"{victim}","period":"1981/1988-08","charges":["membership of a political group"],"prisoner_of_conscience":true}}"#
        ),
    );
    add(
        a,
        &format!(r#"{{"kind":"list","title":"Names of the executed","source":"{src}"}}"#),
    );
    let review = add(
        a,
        &format!(
            r#"{{"kind":"review","state":"Iran","cycle":2,"session":20,"date":"2014-10-31",
        "recommendations_received":[{{"value":291,"citations":["{src}"]}},{{"value":292,"citations":["{testimony}"]}}]}}"#
        ),
    );
    add(
        a,
        &format!(
            r#"{{"kind":"recommendation","review":"{review}","state_under_review":"Iran","cycle":2,"recommending_states":["France"],
        "text":"Abolish the death penalty for juvenile offenders","themes":["Death penalty","rights_of_the_child"],"response":"noted",
        "implementation":[{{"status":"not_implemented","assessor":"{src}","date":"2019"}}]}}"#
        ),
    );
    let toll = add(
        a,
        &format!(
            r#"{{"kind":"figure","measure":"deaths","event":"{massacre}","period":"1988-07/1988-09","values":[
        {{"count":30000,"count_kind":"claim","citations":["{src}"]}},{{"count":5000,"count_kind":"documented_minimum","citations":["{testimony}"]}}]}}"#
        ),
    );

    // A Latin spelling finds a record whose only name is in Persian script.
    let found = ok(a, &["search", "Mohammed Rezaie", "--json"]);
    assert!(found.contains(&victim), "{found}");

    // Conflicting figures are kept side by side.
    let shown: Value = serde_json::from_str(&ok(a, &["show", &toll, "--json"])).unwrap();
    assert_eq!(shown["values"].as_array().unwrap().len(), 2);
    // A Solar Hijri date is converted and its original kept.
    let shown: Value = serde_json::from_str(&ok(a, &["show", &victim, "--json"])).unwrap();
    assert_eq!(shown["death"]["edtf"], "1988-07-23/1988-08-22");
    assert_eq!(shown["death"]["original"], "مرداد ۱۳۶۷");

    // Edit, then the history shows both operations with actor and change.
    ok(
        a,
        &[
            "edit",
            &post,
            "--data",
            r#"{"role":"Member of the Tehran death commission"}"#,
        ],
    );
    let history = ok(a, &["history", &post]);
    assert!(
        history.contains("tester create") && history.contains("tester edit"),
        "{history}"
    );
    assert!(history.contains("~ role"), "{history}");

    // A checkpoint handed to a third party…
    let cp = ok(a, &["checkpoint"]);
    let cp_file = tmp.path().join("checkpoint.txt");
    std::fs::write(&cp_file, format!("{cp}\n")).unwrap();
    assert!(cp.lines().next().unwrap().starts_with("rightsdoc.archive/"));

    // …still verifies after more work is recorded.
    add(
        a,
        r#"{"kind":"source","title":"Later report","source_type":"report"}"#,
    );
    let report = ok(a, &["verify", "--checkpoint", cp_file.to_str().unwrap()]);
    assert!(report.starts_with("ok:"), "{report}");

    // The witness is confidential by default: not in a public export, present at confidential clearance.
    let public = ok(a, &["export", "--format", "json", "--clearance", "public"]);
    assert!(!public.contains("CANARY-WITNESS"));
    let full = ok(
        a,
        &["export", "--format", "json", "--clearance", "confidential"],
    );
    assert!(full.contains("CANARY-WITNESS"));

    // Export → import into a new archive gives equal projections.
    let dump = tmp.path().join("dump.json");
    ok(
        a,
        &[
            "export",
            "--clearance",
            "confidential",
            "--out",
            dump.to_str().unwrap(),
        ],
    );
    let b = &tmp.path().join("copy");
    ok(b, &["init"]);
    ok(b, &["import", dump.to_str().unwrap()]);
    assert_eq!(
        full,
        ok(
            b,
            &["export", "--format", "json", "--clearance", "confidential"]
        )
    );
    // Importing the same file again changes nothing.
    let before = log_size(b);
    ok(b, &["import", dump.to_str().unwrap()]);
    assert_eq!(log_size(b), before);
    ok(b, &["verify"]);
}

#[test]
fn a_checkpoint_from_another_archive_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (&tmp.path().join("a"), &tmp.path().join("b"));
    ok(a, &["init"]);
    ok(b, &["init"]);
    let cp_file = tmp.path().join("cp.txt");
    std::fs::write(&cp_file, ok(b, &["checkpoint"]) + "\n").unwrap();
    let err = fails(a, &["verify", "--checkpoint", cp_file.to_str().unwrap()]);
    assert!(err.contains("FAILED"), "{err}");
}
