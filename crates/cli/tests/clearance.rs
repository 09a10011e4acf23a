//! Canary values planted in restricted and confidential places never reach a reader without
//! clearance, through any command that prints records.

mod common;
use common::*;
use rightsdoc_model::Classification;

const CANARIES: [(&str, Classification); 4] = [
    ("CANARY-CONF-RECORD", Classification::Confidential),
    ("CANARY-CONF-WITNESS", Classification::Confidential),
    ("CANARY-RESTRICTED-ALIAS", Classification::Restricted),
    ("CANARY-RESTRICTED-RELIGION", Classification::Restricted),
];

#[test]
fn no_command_shows_a_reader_more_than_their_clearance() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    let testimony = add(
        a,
        r#"{"kind":"source","title":"Testimony","source_type":"testimony","witness":"CANARY-CONF-WITNESS"}"#,
    );
    let victim = add(
        a,
        &format!(
            r#"{{"kind":"person","names":["Public Name",{{"value":"CANARY-RESTRICTED-ALIAS","classification":"restricted"}}],
            "religion":"CANARY-RESTRICTED-RELIGION","citations":["{testimony}"]}}"#
        ),
    );
    let secret = add(
        a,
        r#"{"kind":"person","names":["CANARY-CONF-RECORD"],"classification":"confidential"}"#,
    );
    let event = add(
        a,
        r#"{"kind":"event","title":"Executions","period":"1988"}"#,
    );
    let act = add(
        a,
        &format!(
            r#"{{"kind":"act","victim":"{victim}","event":"{event}","act_type":"execution","date":"1988"}}"#
        ),
    );
    add(
        a,
        &format!(
            r#"{{"kind":"act","victim":"{secret}","event":"{event}","act_type":"execution","date":"1988","classification":"confidential"}}"#
        ),
    );
    add(
        a,
        &format!(
            r#"{{"kind":"involvement","actor":"{secret}","role":"ordered","act":"{act}","classification":"confidential"}}"#
        ),
    );
    ok(a, &["edit", &victim, "--data", r#"{"death":"1988"}"#]);

    let reads: Vec<Vec<&str>> = vec![
        vec!["show", &victim],
        vec!["show", &victim, "--json"],
        vec!["show", &testimony],
        vec!["history", &victim],
        vec!["history", &victim, "--json"],
        vec!["history", &testimony],
        vec!["export", "--format", "json"],
        vec!["stats", "--by", "year", "--json"],
        vec!["stats", "--by", "list", "--json"],
        vec!["responsible", &act, "--json"],
        vec!["responsible", &event],
        vec!["posts", "--holds-office-now", "--json"],
        vec!["search", "CANARY-CONF-RECORD", "--json"],
        vec!["search", "canary-restricted-alias", "--json"],
        vec!["search", "CANARY-RESTRICTED-RELIGION"],
        vec!["search", "CANARY-CONF-WITNESS", "--json"],
        vec!["search", "Public Name", "--json"],
    ];
    for clearance in Classification::ALL {
        for args in &reads {
            let mut full = args.clone();
            full.extend(["--clearance", clearance.as_str()]);
            let out = rightsdoc(a, &full);
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for (canary, level) in CANARIES {
                if !clearance.permits(level) {
                    assert!(
                        !text.contains(canary),
                        "`{}` at {clearance} leaks {canary}:\n{text}",
                        full.join(" ")
                    );
                }
            }
        }
    }
    // The confidential record does not exist for lower clearances, in any form.
    for cmd in [["show", secret.as_str()], ["history", secret.as_str()]] {
        let err = fails(a, &[cmd[0], cmd[1], "--clearance", "restricted"]);
        assert!(
            err.contains("not visible") || err.contains("no record"),
            "{err}"
        );
    }
    // And readers with clearance see everything.
    let all = ok(a, &["export", "--clearance", "confidential"]);
    for (canary, _) in CANARIES {
        assert!(
            all.contains(canary),
            "{canary} missing from a confidential export"
        );
    }
    assert!(
        ok(a, &["show", &secret, "--clearance", "confidential"]).contains("CANARY-CONF-RECORD")
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ok(
            a,
            &[
                "stats",
                "--by",
                "year",
                "--json",
                "--clearance",
                "confidential"
            ]
        ))
        .unwrap()["total"],
        2
    );
}
