//! `rightsdoc export --format bundle` and `rightsdoc verify-bundle`, through the binary.

mod common;
use common::*;
use std::path::Path;

/// An archive with a victim (edited, with a confidential alias), the act and event of her
/// execution, their sources and a photo; returns (victim, act).
fn archive(a: &Path) -> (String, String) {
    ok(a, &["init"]);
    let testimony = add(
        a,
        r#"{"kind":"source","title":"Testimony","source_type":"testimony","witness":"CANARY-CLI-WITNESS"}"#,
    );
    let photo_file = a.parent().unwrap().join("photo.jpg");
    std::fs::write(&photo_file, b"\xff\xd8\xff\xe0 not really a jpeg").unwrap();
    let out = ok(
        a,
        &[
            "evidence",
            "add",
            photo_file.to_str().unwrap(),
            "--source",
            &testimony,
        ],
    );
    let photo = out
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_string();
    let victim = add(
        a,
        &format!(
            r#"{{"kind":"person","names":["Zahra Example",{{"value":"CANARY-CLI-ALIAS","classification":"confidential"}}],
            "citations":["{testimony}"],"photo":"{photo}"}}"#
        ),
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
    add(a, r#"{"kind":"person","names":["Not Selected"]}"#);
    ok(a, &["edit", &victim, "--data", r#"{"birth":"1962"}"#]);
    (victim, act)
}

#[test]
fn export_bundle_then_verify_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    let (victim, act) = archive(a);
    let zip = tmp.path().join("case.zip");
    let zip_s = zip.to_str().unwrap();
    let out = ok(
        a,
        &[
            "export",
            "--format",
            "bundle",
            "--out",
            zip_s,
            "--where",
            &format!("id={act}"),
        ],
    );
    assert!(
        out.starts_with(&format!("wrote {zip_s}: 6 records")),
        "{out}"
    );

    let report = ok(a, &["verify-bundle", zip_s]);
    assert!(
        report.starts_with("ok: bundle case of log rightsdoc.archive/"),
        "{report}"
    );
    assert!(report.contains("proves consistency only"), "{report}");
    let key = a.join("keys/verifier.key");
    let report = ok(a, &["verify-bundle", zip_s, "--key", key.to_str().unwrap()]);
    assert!(report.contains("valid under the key you gave"), "{report}");

    let v: serde_json::Value =
        serde_json::from_str(&ok(a, &["verify-bundle", zip_s, "--json"])).unwrap();
    assert_eq!(v["ok"], true);
    let r = &v["report"];
    assert_eq!(r["records"], 6, "{r}");
    assert_eq!(r["evidence_files"], 1, "{r}");
    assert_eq!(r["clearance"], "public");
    // The victim's create and edit, with the archive's first operation among the rest.
    let files = zip_entries(&zip);
    let ops = &files
        .iter()
        .find(|(n, _)| n.ends_with("data/log/operations.jsonl"))
        .unwrap()
        .1;
    let ops = String::from_utf8(ops.clone()).unwrap();
    let on_victim = ops
        .lines()
        .filter(|l| l.contains(&format!(r#"\"target\":\"{victim}\""#)))
        .count();
    assert_eq!(on_victim, 2, "{ops}");
    // Nothing confidential at the default (public) clearance.
    for (name, bytes) in &files {
        for canary in ["CANARY-CLI-WITNESS", "CANARY-CLI-ALIAS"] {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{canary} in {name}"
            );
        }
    }
    // And at confidential clearance they are there (so the check above can fail).
    let conf = tmp.path().join("conf.zip");
    ok(
        a,
        &[
            "export",
            "--format",
            "bundle",
            "--clearance",
            "confidential",
            "--out",
            conf.to_str().unwrap(),
            "--where",
            &format!("id={victim}"),
        ],
    );
    let all: Vec<u8> = zip_entries(&conf)
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect();
    assert!(all.windows(16).any(|w| w == b"CANARY-CLI-ALIAS"));

    // Other formats keep working and refuse --where.
    let json = ok(a, &["export", "--format", "json"]);
    assert!(json.contains("Zahra Example"));
    fails(a, &["export", "--format", "json", "--where", "kind=person"]);
}

#[test]
fn every_flipped_byte_fails_verify_bundle_with_one_line_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    archive(a);
    let zip = tmp.path().join("all.zip");
    ok(
        a,
        &[
            "export",
            "--format",
            "bundle",
            "--out",
            zip.to_str().unwrap(),
        ],
    );
    let files = zip_entries(&zip);
    assert!(files.len() > 15, "{}", files.len());
    let tampered = tmp.path().join("tampered.zip");
    for i in 0..files.len() {
        let rel = files[i].0.split_once('/').unwrap().1.to_string();
        let mut copy = files.clone();
        let pos = copy[i].1.len() / 2;
        copy[i].1[pos] ^= 0x01;
        write_zip(&tampered, &copy);
        let err = fails(a, &["verify-bundle", tampered.to_str().unwrap()]);
        assert!(err.contains("FAILED"), "{err}");
        assert!(err.contains(&rel), "{rel}: {err}");
    }
}

#[test]
fn bundle_errors_are_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    archive(a);
    let err = fails(a, &["export", "--format", "bundle"]);
    assert!(err.contains("--out"), "{err}");
    let out = tmp.path().join("x.zip");
    let out_s = out.to_str().unwrap();
    let err = fails(
        a,
        &[
            "export",
            "--format",
            "bundle",
            "--out",
            out_s,
            "--where",
            "year=1988",
        ],
    );
    assert!(err.contains("--where year=1988"), "{err}");
    let err = fails(
        a,
        &[
            "export",
            "--format",
            "bundle",
            "--out",
            out_s,
            "--where",
            "id=psn_nosuch",
        ],
    );
    assert!(err.contains("psn_nosuch"), "{err}");
    assert!(!out.exists());
    let err = fails(a, &["verify-bundle", out_s]);
    assert!(err.contains("x.zip"), "{err}");
    std::fs::write(&out, b"not a zip").unwrap();
    let err = fails(a, &["verify-bundle", out_s]);
    assert!(err.contains("not a readable ZIP"), "{err}");
    let err = fails(a, &["export", "--format", "bundle", "--out", out_s]);
    assert!(err.contains("already exists"), "{err}");
}
