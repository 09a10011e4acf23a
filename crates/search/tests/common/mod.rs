//! A small real archive with people in Persian and Latin script, events, acts, lists and a
//! recommendation, plus canary strings planted where only some clearances may look.

#![allow(dead_code)]

use rightsdoc_archive::Archive;
use rightsdoc_model::Classification;
use rightsdoc_search::{SearchIndex, SearchQuery, SearchResults};
use serde_json::{Value, json};
use std::path::PathBuf;
use tempfile::TempDir;

pub struct Fixture {
    pub tmp: TempDir,
    pub archive: Archive,
}

impl Fixture {
    pub fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let mut archive = Archive::init(&tmp.path().join("archive"), "tester").unwrap();
        archive.add_many(records(), "").unwrap();
        Fixture { tmp, archive }
    }

    /// The index folder the archive will use.
    pub fn index_dir(&self) -> PathBuf {
        self.archive.dir().join("search")
    }

    /// The index, opened and brought up to date.
    pub fn index(&self) -> SearchIndex {
        let mut index = SearchIndex::open(&self.index_dir()).unwrap();
        index.catch_up(self.archive.store()).unwrap();
        index
    }
}

/// Canary strings: each must be found only by the clearances that may see where it is.
pub const CANARY_CONFIDENTIAL_RECORD: &str = "Quxconfrecord";
pub const CANARY_CONFIDENTIAL_ALIAS: &str = "Quxconfalias";
pub const CANARY_CONFIDENTIAL_WITNESS: &str = "Quxconfwitness";
pub const CANARY_RESTRICTED_RELIGION: &str = "Quxrestreligion";
/// A list id a person is on only in a confidential entry: a facet value, not text.
pub const CANARY_CONFIDENTIAL_LIST: &str = "lst_quxconflist";

pub fn records() -> Vec<Value> {
    vec![
        json!({"kind": "place", "id": "plc_evin", "names": ["Evin Prison", "زندان اوین"],
               "place_type": "prison"}),
        json!({"kind": "place", "id": "plc_gohardasht", "names": ["Gohardasht Prison"],
               "place_type": "prison"}),
        json!({"kind": "list", "id": "lst_book", "title": "A book of names"}),
        json!({"kind": "list", "id": "lst_ngo", "title": "An NGO list of executions"}),
        json!({"kind": "list", "id": "lst_quxconflist", "title": "A list kept confidential",
               "classification": "confidential"}),
        // The only name is in Persian script.
        json!({"kind": "person", "id": "psn_rezaei", "names": [{"value": "محمد رضایی", "lang": "fa"}],
               "birth": "1962", "death": "1988-08", "birth_place": "plc_evin",
               "lists": [{"list": "lst_book"}]}),
        json!({"kind": "person", "id": "psn_hosseini", "names": [{"value": "علی حسینی", "lang": "fa"}],
               "death": "1988/1990", "lists": [{"list": "lst_book"}, {"list": "lst_ngo"}]}),
        json!({"kind": "person", "id": "psn_karimi", "names": ["Zahra Karimi"], "sex": "female",
               "death": "1989", "lists": [{"list": "lst_ngo"}]}),
        json!({"kind": "person", "id": "psn_karami", "names": ["Maryam Karami"], "sex": "female"}),
        json!({"kind": "event", "id": "evt_1988", "title": "Executions at Evin prison",
               "period": "1988-07/1988-09", "places": ["plc_evin"], "act_types": ["execution"],
               "description": "Thousands of political prisoners were executed in secret."}),
        json!({"kind": "act", "id": "act_rezaei", "victim": "psn_rezaei", "event": "evt_1988",
               "act_type": "execution", "date": "1988-08~", "place": "plc_evin"}),
        json!({"kind": "act", "id": "act_hosseini", "victim": "psn_hosseini",
               "act_type": "enforced_disappearance", "date": "1988/1990"}),
        json!({"kind": "act", "id": "act_karimi", "victim": "psn_karimi", "act_type": "torture",
               "date": "1989", "place": "plc_gohardasht"}),
        json!({"kind": "recommendation", "id": "rec_1", "state_under_review": "Iran",
               "recommending_states": ["Norway"], "cycle": 2, "response": "noted",
               "themes": ["death_penalty"],
               "text": "Abolish the death penalty for offences committed by juveniles"}),
        // Canaries.
        json!({"kind": "person", "id": "psn_secret", "names": [CANARY_CONFIDENTIAL_RECORD],
               "death": "1977", "lists": [{"list": "lst_book"}], "classification": "confidential"}),
        json!({"kind": "person", "id": "psn_public", "names": [
                   "Nasrin Sotoudeh",
                   {"value": CANARY_CONFIDENTIAL_ALIAS, "classification": "confidential"}],
               "religion": CANARY_RESTRICTED_RELIGION,
               "lists": [{"list": "lst_ngo"},
                         {"list": CANARY_CONFIDENTIAL_LIST, "classification": "confidential"}]}),
        json!({"kind": "source", "id": "src_testimony", "title": "A testimony",
               "source_type": "testimony", "witness": CANARY_CONFIDENTIAL_WITNESS}),
    ]
}

pub fn search(index: &SearchIndex, text: &str, c: Classification) -> SearchResults {
    index.search(&SearchQuery::new(text), c).unwrap()
}

pub fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}
