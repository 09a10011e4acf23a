//! The visible records, indexed for analysis.
//!
//! People are kept apart, as [`Person`]: an archive may hold a million of them and analyses
//! read four facts of each (a name for labels, sex, birth, lists). With each one's whole
//! record, a count by list over 1M people took the server to 3.7 GB; with `Person`, 653 MiB
//! (bench/RESULTS.md, "Statistics at 1M").

use rightsdoc_model::dates::{DateValue, Edtf};
use rightsdoc_model::plain_str;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Default)]
pub struct Snapshot {
    /// Every record but people, whole.
    by_id: HashMap<String, Value>,
    /// Ids per kind (people excepted), in the order they were added.
    by_kind: HashMap<String, Vec<String>>,
    people: HashMap<Box<str>, Person>,
    /// Sexes and list ids, shared: a million people name a handful of each.
    terms: HashSet<Arc<str>>,
}

/// What analyses read of a person record (already redacted to the reader's clearance).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// The first name, for labels.
    pub name: Option<Box<str>>,
    /// Distinct values of `sex`, sorted (several where sources disagree).
    pub sex: Vec<Arc<str>>,
    /// Every date of `birth` (conflicting values give several).
    pub birth: Vec<Edtf>,
    /// The lists the person is on, one entry per membership.
    pub lists: Vec<Arc<str>>,
}

impl Snapshot {
    pub fn add(&mut self, record: Value) {
        let id = record["id"].as_str().unwrap_or_default().to_string();
        let kind = record["kind"].as_str().unwrap_or_default().to_string();
        if kind == "person" {
            let person = self.person_facts(&record);
            self.people.insert(id.into_boxed_str(), person);
            return;
        }
        self.by_kind.entry(kind).or_default().push(id.clone());
        self.by_id.insert(id, record);
    }

    fn person_facts(&mut self, record: &Value) -> Person {
        let lists = record
            .get("lists")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| strings(entry.get("list")).into_iter().next())
            .map(|l| self.term(l))
            .collect();
        let sex = strings(record.get("sex"))
            .into_iter()
            .map(|s| self.term(s))
            .collect();
        Person {
            name: first_name(record).map(Into::into),
            sex,
            birth: dates(record.get("birth")),
            lists,
        }
    }

    fn term(&mut self, s: String) -> Arc<str> {
        if let Some(t) = self.terms.get(s.as_str()) {
            return t.clone();
        }
        let t: Arc<str> = s.into();
        self.terms.insert(t.clone());
        t
    }

    /// The records of a kind other than `person` (see [`Snapshot::people`]).
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Value> + 'a {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_id.get(id))
    }

    /// A record other than a person (see [`Snapshot::person`]).
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.by_id.get(id)
    }

    /// Every person, with their id, in no particular order.
    pub fn people(&self) -> impl Iterator<Item = (&str, &Person)> {
        self.people.iter().map(|(id, p)| (&**id, p))
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.get(id)
    }

    /// A person and their id, borrowed from the snapshot.
    pub fn person_entry(&self, id: &str) -> Option<(&str, &Person)> {
        self.people.get_key_value(id).map(|(id, p)| (&**id, p))
    }

    /// A readable label for a record id (its first name, title or role), or the id itself.
    pub fn label(&self, id: &str) -> String {
        if let Some(p) = self.person(id) {
            return p.name.as_deref().unwrap_or(id).to_string();
        }
        let Some(r) = self.get(id) else {
            return id.to_string();
        };
        first_name(r)
            .or_else(|| {
                ["title", "role", "state"]
                    .iter()
                    .find_map(|k| r.get(*k).and_then(plain_str))
            })
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    }
}

fn first_name(r: &Value) -> Option<&str> {
    r.get("names")
        .and_then(Value::as_array)
        .and_then(|n| n.first())
        .and_then(|n| n.get("value"))
        .and_then(Value::as_str)
}

/// Every value of a field: plain, wrapped `{"value": …}`, or a list of conflicting ones.
pub fn values(field: Option<&Value>) -> Vec<&Value> {
    match field {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items.iter().map(unwrap).collect(),
        Some(v) => vec![unwrap(v)],
    }
}

fn unwrap(v: &Value) -> &Value {
    match v {
        Value::Object(o) if o.contains_key("value") => &o["value"],
        other => other,
    }
}

/// The distinct string values of a field.
pub fn strings(field: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = values(field)
        .into_iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every date of a date field (conflicting values give several).
pub fn dates(field: Option<&Value>) -> Vec<Edtf> {
    values(field)
        .into_iter()
        .filter_map(|v| serde_json::from_value::<DateValue>(v.clone()).ok())
        .map(|d| d.edtf)
        .collect()
}
