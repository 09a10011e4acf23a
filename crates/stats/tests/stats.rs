//! Counts a researcher would put in a report, and the command-responsibility answer.

use rightsdoc_archive::Archive;
use rightsdoc_model::Classification;
use rightsdoc_model::dates::Day;
use rightsdoc_stats::{By, Filter, Snapshot, Table, holds_office_now, responsible, stats};
use serde_json::json;

fn snapshot(a: &Archive, clearance: Classification) -> Snapshot {
    let mut s = Snapshot::default();
    a.visible(clearance, None, &mut |v| s.add(v)).unwrap();
    s
}

fn count(t: &Table, key: &str) -> u64 {
    t.rows.iter().find(|r| r.key == key).map_or(0, |r| r.count)
}

fn archive() -> (tempfile::TempDir, Archive) {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::init(&dir.path().join("a"), "t").unwrap();
    a.add_many(
        vec![
            json!({"kind": "source", "id": "src_s", "title": "Report", "source_type": "report"}),
            json!({"kind": "place", "id": "plc_iran", "names": ["Iran"], "place_type": "country"}),
            json!({"kind": "place", "id": "plc_tehran", "names": ["Tehran"], "place_type": "province", "parent": "plc_iran"}),
            json!({"kind": "place", "id": "plc_evin", "names": ["Evin"], "place_type": "prison", "parent": "plc_tehran"}),
            json!({"kind": "organization", "id": "org_judiciary", "names": ["Judiciary"], "org_type": "state_body", "jurisdiction": ["plc_iran"]}),
            json!({"kind": "organization", "id": "org_commission", "names": ["Death commission"], "org_type": "commission", "parent": "org_judiciary"}),
            json!({"kind": "organization", "id": "org_ministry", "names": ["Ministry of Intelligence"], "org_type": "intelligence"}),
            json!({"kind": "event", "id": "evt_1988", "title": "1988 massacre", "period": "1988-07/1988-09", "places": ["plc_evin"]}),
            json!({"kind": "list", "id": "lst_book", "title": "A book of names"}),
            json!({"kind": "person", "id": "psn_a", "names": ["A"], "sex": "male", "birth": "1970", "lists": [{"list": "lst_book"}]}),
            json!({"kind": "person", "id": "psn_b", "names": ["B"], "sex": "female", "birth": "1960-01-01"}),
            json!({"kind": "person", "id": "psn_c", "names": ["C"], "birth": "1969~"}),
            json!({"kind": "person", "id": "psn_d", "names": ["D"], "classification": "confidential", "lists": [{"list": "lst_book"}]}),
            json!({"kind": "person", "id": "psn_judge", "names": ["The Judge"]}),
            json!({"kind": "person", "id": "psn_head", "names": ["The Head"]}),
            json!({"kind": "person", "id": "psn_later", "names": ["Later Head"]}),
            // Offence at 17 (born 1970, offence 1987): juvenile. Born 1960: adult. Born ~1969, offence 1987: unknown.
            json!({"kind": "act", "id": "act_a", "victim": "psn_a", "act_type": "execution", "event": "evt_1988", "date": "1988-08~", "offence_date": "1987-06", "place": "plc_evin"}),
            json!({"kind": "act", "id": "act_b", "victim": "psn_b", "act_type": "execution", "date": "1988", "offence_date": "1987"}),
            json!({"kind": "act", "id": "act_c", "victim": "psn_c", "act_type": "enforced_disappearance", "date": "1988/1990", "offence_date": "1987"}),
            json!({"kind": "act", "id": "act_d", "victim": "psn_d", "act_type": "execution", "date": "1989", "classification": "confidential"}),
            json!({"kind": "act", "id": "act_e", "victim": "psn_a", "act_type": "torture", "date": [{"value": "1987", "citations": ["src_s"]}, {"value": "1988", "citations": ["src_s"]}]}),
            json!({"kind": "involvement", "id": "inv_1", "actor": "org_commission", "role": "sentenced", "event": "evt_1988"}),
            json!({"kind": "involvement", "id": "inv_2", "actor": "psn_judge", "role": "sentenced", "act": "act_a"}),
            json!({"kind": "post", "id": "pst_1", "person": "psn_judge", "organization": "org_commission", "role": "Member", "period": "1988-07/1988-09", "citations": ["src_s"]}),
            json!({"kind": "post", "id": "pst_2", "person": "psn_head", "organization": "org_judiciary", "role": "Head", "period": "1981/1989"}),
            json!({"kind": "post", "id": "pst_3", "person": "psn_later", "organization": "org_judiciary", "role": "Head", "period": "1988-08-15/1999"}),
            json!({"kind": "post", "id": "pst_4", "person": "psn_judge", "organization": "org_ministry", "role": "Minister", "period": "2021/.."}),
            json!({"kind": "post", "id": "pst_5", "person": "psn_head", "organization": "org_ministry", "role": "Adviser", "period": "1975/1980"}),
            json!({"kind": "recommendation", "id": "rec_1", "state_under_review": "Iran", "cycle": 1, "recommending_states": ["France"], "text": "Abolish", "themes": ["death_penalty"], "response": "noted"}),
            json!({"kind": "recommendation", "id": "rec_2", "state_under_review": "Iran", "cycle": 1, "recommending_states": ["France", "Chile"], "text": "Ratify", "themes": ["death_penalty", "international_instruments"], "response": "supported",
                   "implementation": [{"status": "not_implemented", "date": "2012"}, {"status": "partially_implemented", "date": "2015"}]}),
            json!({"kind": "recommendation", "id": "rec_3", "state_under_review": "Iran", "cycle": 2, "recommending_states": ["Chile"], "text": "Free prisoners", "response": "supported",
                   "implementation": [{"status": "not_implemented", "date": "2019"}]}),
        ],
        "",
    )
    .unwrap();
    (dir, a)
}

#[test]
fn years_respect_uncertainty() {
    let (_d, a) = archive();
    let t = stats(&snapshot(&a, Classification::Confidential), By::Year, &[]).unwrap();
    assert_eq!(count(&t, "1988"), 2, "1988-08~ and 1988 count in 1988");
    assert_eq!(
        count(&t, "spans several years"),
        1,
        "1988/1990 is not guessed"
    );
    assert_eq!(count(&t, "sources disagree"), 1, "1987 vs 1988");
    assert_eq!(count(&t, "1989"), 1);
    assert_eq!(t.total, 5);
    assert!(t.notes[0].contains("not an estimate"));
}

#[test]
fn confidential_records_are_not_counted_for_the_public() {
    let (_d, a) = archive();
    let t = stats(&snapshot(&a, Classification::Public), By::Year, &[]).unwrap();
    assert_eq!(
        count(&t, "1989"),
        0,
        "the only 1989 act's victim is confidential… but the act itself is public"
    );
    let lists = stats(&snapshot(&a, Classification::Public), By::List, &[]).unwrap();
    assert_eq!(count(&lists, "lst_book"), 1);
    let lists = stats(&snapshot(&a, Classification::Confidential), By::List, &[]).unwrap();
    assert_eq!(count(&lists, "lst_book"), 2);
}

#[test]
fn juvenile_status_is_derived_not_guessed() {
    let (_d, a) = archive();
    let t = stats(
        &snapshot(&a, Classification::Confidential),
        By::Age,
        &[Filter::parse("act_type=execution").unwrap()],
    )
    .unwrap();
    assert_eq!(count(&t, "under 18 at the alleged offence"), 1);
    assert_eq!(count(&t, "18 or older at the alleged offence"), 1);
    assert_eq!(count(&t, "unknown"), 1);
}

#[test]
fn upr_rates_per_cycle() {
    let (_d, a) = archive();
    let s = snapshot(&a, Classification::Public);
    let t = stats(&s, By::Cycle, &[]).unwrap();
    let c1 = t.rows.iter().find(|r| r.key == "1").unwrap();
    assert_eq!(c1.count, 2);
    assert_eq!(c1.detail["acceptance_rate"], 0.5);
    assert_eq!(
        c1.detail["implementation_rate"], 1.0,
        "the latest assessment counts"
    );
    let c2 = t.rows.iter().find(|r| r.key == "2").unwrap();
    assert_eq!(c2.detail["implementation_rate"], 0.0);
    let themes = stats(&s, By::Theme, &[]).unwrap();
    assert_eq!(count(&themes, "death_penalty"), 2);
    let states = stats(
        &s,
        By::RecommendingState,
        &[Filter::parse("cycle=1").unwrap()],
    )
    .unwrap();
    assert_eq!(count(&states, "France"), 2);
    assert_eq!(count(&states, "Chile"), 1);
    assert!(stats(&s, By::Cycle, &[Filter::parse("colour=red").unwrap()]).is_err());
}

#[test]
fn responsibility_follows_involvement_parents_and_jurisdiction() {
    let (_d, a) = archive();
    let s = snapshot(&a, Classification::Public);
    let r = responsible(&s, "act_a").unwrap();
    assert_eq!(
        r.involved.len(),
        2,
        "the judge directly, the commission through the event"
    );
    let line = |p: &str| r.posts.iter().find(|l| l.person == p);
    let judge = line("psn_judge").expect("commission member");
    assert_eq!(judge.certainty, "held the post throughout");
    assert_eq!(judge.citations.len(), 1);
    let head = line("psn_head").expect("head of the parent organization");
    assert!(head.why.contains("parent organization"), "{}", head.why);
    // Took office mid-August 1988: the act is dated 1988-08~, so this is uncertain.
    assert!(
        line("psn_later")
            .unwrap()
            .certainty
            .contains("part of the period")
    );
    assert!(
        r.posts.iter().all(|l| l.organization != "org_ministry"),
        "an uninvolved ministry is not listed"
    );

    let now = holds_office_now(&s, Day::new(2026, 11, 25).unwrap());
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].role, "Minister");
    assert_eq!(now[0].certainty, "holds the post now");
    assert!(responsible(&s, "psn_a").is_err());
}

/// A server counts from a snapshot of only the kinds `kinds_read` names (people left out where
/// they play no part): every dimension, with and without conditions, must come out as from a
/// snapshot of everything.
#[test]
fn the_kinds_a_statistic_reads_are_enough_for_it() {
    let (_d, mut a) = archive();
    // An act dated only by its event: its year comes from the event's period.
    a.add(json!({"kind": "act", "id": "act_undated", "victim": "psn_b", "act_type": "execution", "event": "evt_1988"}))
        .unwrap();
    let clearance = Classification::Confidential;
    let full = snapshot(&a, clearance);
    let dimensions = [
        "year",
        "act",
        "place",
        "sex",
        "age",
        "list",
        "response",
        "cycle",
        "theme",
        "recommending-state",
    ];
    let conditions = [
        "",
        "year=1988",
        "act_type=execution",
        "place=plc_evin",
        "event=evt_1988",
        "sex=male",
        "list=lst_book",
        "state_under_review=Iran",
    ];
    let mut compared = 0;
    for name in dimensions {
        let by = By::parse(name).unwrap();
        for condition in conditions {
            let filters: Vec<Filter> = if condition.is_empty() {
                vec![]
            } else {
                vec![Filter::parse(condition).unwrap()]
            };
            let kinds = rightsdoc_stats::kinds_read(by, &filters);
            let mut part = Snapshot::default();
            for kind in kinds {
                a.visible(clearance, Some(*kind), &mut |v| part.add(v))
                    .unwrap();
            }
            let expected = stats(&full, by, &filters).map(|t| serde_json::to_value(t).unwrap());
            let got = stats(&part, by, &filters).map(|t| serde_json::to_value(t).unwrap());
            match (expected, got) {
                (Ok(e), Ok(g)) => {
                    assert_eq!(g, e, "--by {name} --where {condition:?} from {kinds:?}");
                    compared += 1;
                }
                (Err(e), Err(g)) => assert_eq!(g.to_string(), e.to_string()),
                (e, g) => panic!("--by {name} --where {condition:?}: {e:?} against {g:?}"),
            }
        }
    }
    assert!(compared >= 30, "only {compared} tables compared");
    // And people are left out where they play no part.
    assert!(!rightsdoc_stats::kinds_read(By::Year, &[]).contains(&rightsdoc_model::Kind::Person));
}
