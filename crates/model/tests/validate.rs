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
