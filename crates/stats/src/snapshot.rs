//! The visible records, indexed for analysis.

use rightsdoc_model::dates::{DateValue, Edtf};
use rightsdoc_model::plain_str;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Default)]
pub struct Snapshot {
    pub by_id: HashMap<String, Value>,
    /// Ids per kind, in id order.
    pub by_kind: HashMap<String, Vec<String>>,
}

impl Snapshot {
    pub fn add(&mut self, record: Value) {
        let id = record["id"].as_str().unwrap_or_default().to_string();
        let kind = record["kind"].as_str().unwrap_or_default().to_string();
        self.by_kind.entry(kind).or_default().push(id.clone());
        self.by_id.insert(id, record);
    }

    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Value> + 'a {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_id.get(id))
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.by_id.get(id)
    }

    /// A readable label for a record id (its first name, title or role), or the id itself.
    pub fn label(&self, id: &str) -> String {
        let Some(r) = self.get(id) else {
            return id.to_string();
        };
        let first_name = r
            .get("names")
            .and_then(Value::as_array)
            .and_then(|n| n.first())
            .and_then(|n| n.get("value"))
            .and_then(Value::as_str);
        first_name
            .or_else(|| {
                ["title", "role", "state"]
                    .iter()
                    .find_map(|k| r.get(*k).and_then(plain_str))
            })
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    }
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
