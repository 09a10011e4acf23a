//! What a user relies on when writing records: good records are normalized, bad ones are
//! refused with the offending field named, and classification is honoured.

use rightsdoc_model::{Classification, Kind, validate};
use serde_json::{Value, json};

fn ok(v: Value) -> rightsdoc_model::Record {
    validate(v.clone()).unwrap_or_else(|e| panic!("{v} refused: {e}"))
}

fn refused(v: Value) -> String {
    match validate(v.clone()) {
        Ok(r) => panic!("{v} accepted as {:?}", r.body),
        Err(e) => e.to_string(),
    }
}

#[test]
fn design_examples_are_accepted() {
    let p = ok(
        json!({"kind": "person", "names": [{"value": "محمد رضایی", "lang": "fa"},
        {"value": "Mohammad Rezaei", "lang": "en"}], "sex": "male", "birth": "1962", "classification": "public"}),
    );
    assert_eq!(p.kind, Kind::Person);
    assert!(p.id.starts_with("psn_"));
    ok(
        json!({"kind": "source", "title": "Blood-soaked secrets", "publisher": "Amnesty International",
        "date": "2018-12-04", "source_type": "report", "reliability": "B"}),
    );
    let e = ok(
        json!({"kind": "event", "title": "Executions at Evin prison", "period": "1988-07/1988-09",
        "citations": [{"source": "src_amnesty-2018", "locator": "p. 12", "credibility": 2}]}),
    );
    assert_eq!(e.references[0].target, "src_amnesty-2018");
    assert_eq!(e.references[0].path, "citations[0].source");
    ok(
        json!({"kind": "act", "event": "evt_x", "victim": "psn_y", "act_type": "execution", "date": "1988-08~"}),
    );
}

#[test]
fn errors_name_the_field() {
    assert!(refused(json!({"kind": "person"})).contains("field `names`"));
    assert!(refused(json!({"kind": "alien"})).contains("unknown kind `alien`"));
    assert!(
        refused(json!({"kind": "person", "names": ["A"], "shoe_size": 9}))
            .contains("field `shoe_size`")
    );
    let m = refused(json!({"kind": "person", "names": ["A"], "birth": "19x5"}));
    assert!(m.contains("field `birth`") && m.contains("19x5"), "{m}");
    assert!(
        refused(json!({"kind": "person", "names": [{"value": "  "}]}))
            .contains("field `names[0].value`")
    );
    assert!(
        refused(json!({"kind": "act", "victim": "psn_y", "act_type": "picnic"}))
            .contains("field `act_type`")
    );
    assert!(
        refused(json!({"kind": "act", "victim": "org_y", "act_type": "execution"}))
            .contains("field `victim`")
    );
    assert!(refused(json!({"kind": "place", "names": ["Khavaran"], "place_type": "mass_grave", "point": {"lat": 95, "lon": 51}})).contains("field `point.lat`"));
    assert!(
        refused(
            json!({"kind": "source", "title": "x", "source_type": "report", "date": "1990/1988"})
        )
        .contains("field `date`")
    );
    assert!(
        refused(json!({"kind": "involvement", "actor": "psn_a", "role": "ordered"}))
            .contains("`event`")
    );
    assert!(
        refused(json!({"kind": "person", "names": ["A"], "id": "org_abc"})).contains("field `id`")
    );
    assert!(
        refused(json!({"kind": "person", "names": ["A"], "nationality": ["a", "b"]}))
            .contains("cannot hold conflicting")
    );
}

#[test]
fn conflicting_figures_stay_side_by_side() {
    let f = ok(
        json!({"kind": "figure", "measure": "deaths", "event": "evt_1988", "period": "1988",
        "values": [
            {"count": 30000, "count_kind": "claim", "citations": [{"source": "src_a"}]},
            {"count": 5000, "count_kind": "documented_minimum", "citations": [{"source": "src_b", "credibility": 2}]}
        ]}),
    );
    assert_eq!(f.body["values"].as_array().unwrap().len(), 2);
    let p = ok(json!({"kind": "person", "names": ["A"], "birth": [
        {"value": "1962", "citations": ["src_a"]}, {"value": "1963~", "citations": ["src_b"]}]}));
    assert_eq!(p.body["birth"].as_array().unwrap().len(), 2);
    assert_eq!(p.references.len(), 2);
}

#[test]
fn solar_hijri_dates_keep_their_original_text() {
    let a = ok(
        json!({"kind": "act", "victim": "psn_y", "act_type": "execution", "date": "مرداد ۱۳۶۷"}),
    );
    assert_eq!(a.body["date"]["edtf"], "1988-07-23/1988-08-22");
    assert_eq!(a.body["date"]["original"], "مرداد ۱۳۶۷");
}

#[test]
fn witness_identity_defaults_to_confidential_and_is_redacted() {
    let s = ok(
        json!({"kind": "source", "title": "Testimony of a survivor", "source_type": "testimony",
        "date": "1991", "witness": "CANARY-WITNESS-NAME"}),
    );
    assert_eq!(s.body["witness"]["classification"], "confidential");
    let public = s.visible_to(Classification::Public).unwrap().to_string();
    assert!(!public.contains("CANARY"), "{public}");
    assert!(public.contains("1991"));
    assert!(
        s.visible_to(Classification::Confidential)
            .unwrap()
            .to_string()
            .contains("CANARY")
    );

    let p = ok(
        json!({"kind": "person", "names": [{"value": "Public Name"}, {"value": "SECRET-ALIAS", "classification": "restricted"}]}),
    );
    assert!(
        !p.visible_to(Classification::Public)
            .unwrap()
            .to_string()
            .contains("SECRET")
    );
    assert!(
        p.visible_to(Classification::Restricted)
            .unwrap()
            .to_string()
            .contains("SECRET")
    );

    let births = ok(json!({"kind": "person", "names": ["P"], "birth": [
        {"value": "1962", "classification": "confidential"}, {"value": "1963", "classification": "restricted"}]}));
    let public = births.visible_to(Classification::Public).unwrap();
    assert!(public.get("birth").is_none(), "{public}");
    assert_eq!(
        births.visible_to(Classification::Restricted).unwrap()["birth"][0]["value"],
        "1963"
    );

    let hidden = ok(json!({"kind": "person", "names": ["X"], "classification": "confidential"}));
    assert!(hidden.visible_to(Classification::Restricted).is_none());
}

#[test]
fn validation_is_idempotent_on_its_own_output() {
    for v in [
        // A one-item list of conflicting values is stored as the value itself.
        json!({"kind": "review", "state": "Iran", "cycle": 1, "supported": [{"value": 123, "citations": ["src_a"]}]}),
        json!({"kind": "person", "names": ["محمد رضایی", {"value": "Mohammad Rezaei", "lang": "EN"}], "birth": "1367 SH", "religion": "Baha'i"}),
        json!({"kind": "place", "names": ["Khavaran"], "place_type": "mass_grave", "point": {"lat": 35.6, "lon": 51.6},
            "status": [{"status": "intact", "date": "1988"}, {"status": "built_over", "date": "2008~", "citations": ["src_x"]}]}),
        json!({"kind": "recommendation", "state_under_review": "Iran", "recommending_states": ["France"], "text": "Abolish the death penalty",
            "themes": ["Death penalty"], "response": {"value": "noted", "citations": ["src_r"]}}),
    ] {
        let once = ok(v);
        let twice = ok(once.to_value());
        assert_eq!(once, twice);
    }
}

#[test]
fn merge_patch_edits_revalidate() {
    let p = ok(json!({"kind": "person", "names": ["A"], "sex": "male"}));
    let edited = p
        .apply_patch(&json!({"sex": null, "death": "1988-08"}))
        .unwrap();
    assert!(edited.body.get("sex").is_none());
    assert_eq!(edited.body["death"], "1988-08");
    assert!(
        p.apply_patch(&json!({"death": "1988-13"}))
            .unwrap_err()
            .to_string()
            .contains("field `death`")
    );
    assert!(p.apply_patch(&json!({"kind": "place"})).is_err());
}

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[test]
fn evidence_records_its_file_its_derivation_and_the_claims_it_makes() {
    let e = ok(
        json!({"kind": "evidence", "sha256": SHA.to_uppercase(), "size": 4,
        "media_type": "image/jpeg", "original_name": "evin.jpg", "acquired": "2026-11-20",
        "acquired_by": "rana", "note": "given by a relative",
        "metadata": {"date_time_original": "1988-08-15T06:30:00", "gps": {"lat": 35.79, "lon": 51.38},
                     "make": "Canon", "model": "EOS", "software": "GIMP"}}),
    );
    assert_eq!(
        e.body["sha256"], SHA,
        "stored in lower case, as the blob store names it"
    );
    assert_eq!(e.body["metadata"]["gps"]["lat"], 35.79);

    let thumb = ok(json!({"kind": "evidence", "sha256": SHA, "size": 4,
        "derived_from": "evd_original", "derivation": "Thumbnail"}));
    assert_eq!(thumb.body["derivation"], "thumbnail");
    assert_eq!(thumb.references[0].target, "evd_original");

    for (bad, field) in [
        (
            json!({"kind": "evidence", "sha256": "abc", "size": 4}),
            "sha256",
        ),
        (
            json!({"kind": "evidence", "sha256": SHA, "size": 4, "derived_from": "evd_o"}),
            "derivation",
        ),
        (
            json!({"kind": "evidence", "sha256": SHA, "size": 4, "derivation": "redacted"}),
            "derived_from",
        ),
        (
            json!({"kind": "evidence", "id": "evd_a", "sha256": SHA, "size": 4,
                "derived_from": "evd_a", "derivation": "other"}),
            "derived_from",
        ),
        (
            json!({"kind": "evidence", "sha256": SHA, "size": 4, "derived_from": "evd_o",
                "derivation": "colourised"}),
            "derivation",
        ),
        (
            json!({"kind": "evidence", "sha256": SHA, "size": 4, "metadata": {"iso": 100}}),
            "metadata.iso",
        ),
        (
            json!({"kind": "evidence", "sha256": SHA, "size": 4,
                "metadata": {"gps": {"lat": 135.0, "lon": 51.0}}}),
            "metadata.gps.lat",
        ),
    ] {
        let msg = refused(bad);
        assert!(
            msg.starts_with(&format!("field `{field}`")),
            "{field}: {msg}"
        );
    }
}

#[test]
fn custody_entries_name_their_item_and_a_known_action() {
    let c = ok(
        json!({"kind": "custody", "evidence": "evd_x", "action": "handed_over",
        "actor": "rana", "from": "rana", "to": "the prosecutor's office", "reason": "case 12",
        "date": "2026-11-21"}),
    );
    assert_eq!(c.kind, Kind::Custody);
    assert!(c.id.starts_with("cus_"));
    assert_eq!(c.references[0].target, "evd_x");
    assert!(refused(json!({"kind": "custody", "action": "copied"})).contains("`evidence`"));
    assert!(
        refused(json!({"kind": "custody", "evidence": "psn_x", "action": "copied"}))
            .contains("not the id of a evidence")
    );
    let msg = refused(json!({"kind": "custody", "evidence": "evd_x", "action": "lost"}));
    assert!(
        msg.contains("custody_action") && msg.contains("handed_over"),
        "{msg}"
    );
    // Every action has an English and a Persian label.
    for t in rightsdoc_model::vocab::vocabularies().terms("custody_action") {
        assert!(!t.en.is_empty() && !t.fa.is_empty());
    }
}
