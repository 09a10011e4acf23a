//! A validated record and what can be derived from it: references, names, a redacted view.

use crate::classification::Classification;
use crate::schema::{Kind, Ty};
use crate::validate::{ValidationError, validate};
use serde_json::{Map, Value};

/// A record in its normalized form: what the log holds and the projections show.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    pub kind: Kind,
    pub classification: Classification,
    /// The whole record, including `kind`, `id` and `classification`.
    pub body: Map<String, Value>,
    /// Every record id this record points to, with the path of the field that does.
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub path: String,
    pub target: String,
}

/// One name of a record, with the derived forms search and linkage use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameEntry {
    pub value: String,
    pub lang: Option<String>,
    /// The stricter of the record's and the name's own classification.
    pub classification: Classification,
    pub normalized: String,
    pub key: String,
    pub latin: String,
}

impl Record {
    pub fn to_value(&self) -> Value {
        Value::Object(self.body.clone())
    }

    /// Apply an RFC 7396 JSON merge patch and re-validate. `kind` and `id` cannot change.
    pub fn apply_patch(&self, patch: &Value) -> Result<Record, ValidationError> {
        let Value::Object(p) = patch else {
            return Err(ValidationError {
                path: String::new(),
                message: "a patch must be a JSON object (RFC 7396 merge patch)".into(),
            });
        };
        for fixed in ["kind", "id"] {
            if let Some(v) = p.get(fixed)
                && v != &self.body[fixed]
            {
                return Err(ValidationError {
                    path: fixed.into(),
                    message: "cannot be changed by an edit".into(),
                });
            }
        }
        let mut merged = self.to_value();
        json_patch::merge(&mut merged, patch);
        validate(merged)
    }

    /// Every name in the record's `Names` fields, with its derived forms.
    pub fn names(&self) -> Vec<NameEntry> {
        self.name_values()
            .map(|(n, value, classification)| NameEntry {
                value: value.to_string(),
                lang: n.get("lang").and_then(Value::as_str).map(str::to_string),
                classification,
                normalized: rightsdoc_names::normalize(value),
                key: rightsdoc_names::match_key(value),
                latin: rightsdoc_names::transliterate(value),
            })
            .collect()
    }

    /// The name objects of the `Names` fields with their text and effective classification
    /// (the stricter of the record's and the name's own), without deriving anything.
    fn name_values(&self) -> impl Iterator<Item = (&Value, &str, Classification)> {
        name_values(self.kind, self.classification, &self.body)
    }

    /// A short human label: the first public name, or the title, role or text.
    pub fn label(&self) -> String {
        Record::label_of(self.kind, self.classification, &self.id, &self.body)
    }

    /// [`Record::label`] of a body of this kind (a redacted version, say), without making a
    /// record of it.
    pub fn label_of(
        kind: Kind,
        classification: Classification,
        id: &str,
        body: &serde_json::Map<String, Value>,
    ) -> String {
        let first_name = name_values(kind, classification, body)
            .find(|(_, _, c)| *c == Classification::Public)
            .map(|(_, value, _)| value.to_string());
        let text = |k: &str| body.get(k).and_then(plain_str).map(str::to_string);
        first_name
            .or_else(|| text("title"))
            .or_else(|| text("role"))
            .or_else(|| text("text").map(|t| t.chars().take(80).collect()))
            .or_else(|| text("measure"))
            .unwrap_or_else(|| id.to_string())
    }

    /// The record as a reader with `clearance` may see it, or `None` if the whole record is
    /// above their clearance. Every nested value classified above it is removed.
    pub fn visible_to(&self, clearance: Classification) -> Option<Value> {
        redact(self.to_value(), clearance)
    }

    /// Does a reader with `clearance` see the whole record, nothing in it classified above
    /// them? The answer [`Record::visible_to`] would give by comparing its copy with the
    /// body, without making the copy (the search index asks it of every record it indexes).
    pub fn visible_whole_to(&self, clearance: Classification) -> bool {
        clearance.permits(self.classification) && nothing_above(&self.body, clearance)
    }
}

fn name_values(
    kind: Kind,
    classification: Classification,
    body: &serde_json::Map<String, Value>,
) -> impl Iterator<Item = (&Value, &str, Classification)> {
    kind.schema()
        .fields
        .iter()
        .filter(|f| matches!(f.ty, Ty::Names))
        .filter_map(|field| body.get(field.name).and_then(Value::as_array))
        .flatten()
        .filter_map(move |n| {
            let value = n.get("value").and_then(Value::as_str)?;
            let own = n
                .get("classification")
                .and_then(Value::as_str)
                .and_then(|c| c.parse().ok())
                .unwrap_or_default();
            Some((n, value, classification.max(own)))
        })
}

fn nothing_above(map: &serde_json::Map<String, Value>, clearance: Classification) -> bool {
    map.iter().all(|(k, child)| {
        k == "classification"
            || (visible(child, clearance) && child_nothing_above(child, clearance))
    })
}

fn child_nothing_above(v: &Value, clearance: Classification) -> bool {
    match v {
        Value::Object(map) => nothing_above(map, clearance),
        Value::Array(items) => items
            .iter()
            .all(|c| visible(c, clearance) && child_nothing_above(c, clearance)),
        _ => true,
    }
}

/// The access-control rule, on a stored record body: `None` if the record is above
/// `clearance`, otherwise the body without any nested value classified above it. Every
/// interface that shows records goes through this function (via the archive service).
pub fn redact(mut body: Value, clearance: Classification) -> Option<Value> {
    if !clearance.permits(classification_of(&body)) {
        return None;
    }
    strip_above(&mut body, clearance);
    Some(body)
}

/// The string of a plain or wrapped (`{"value": …}`) value.
pub fn plain_str(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("value").and_then(Value::as_str),
        _ => None,
    }
}

/// The text of a field however a record writes it: plain, wrapped with citations
/// (`{"value": …}`), a date with its original (`{"edtf": …}`), a number, or a list of values
/// (conflicting values, several names: the first counts). Empty when absent.
pub fn field_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => field_text(items.first()),
        Some(Value::Object(o)) => field_text(o.get("value").or_else(|| o.get("edtf"))),
        _ => String::new(),
    }
}

fn classification_of(v: &Value) -> Classification {
    v.get("classification")
        .and_then(Value::as_str)
        .and_then(|c| c.parse().ok())
        .unwrap_or_default()
}

/// May a reader with `clearance` see this nested value? Only objects carry a classification.
fn visible(child: &Value, clearance: Classification) -> bool {
    !child.is_object() || clearance.permits(classification_of(child))
}

fn strip_above(v: &mut Value, clearance: Classification) {
    match v {
        Value::Object(map) => {
            map.retain(|k, child| k == "classification" || visible(child, clearance));
            for (k, child) in map.iter_mut() {
                if k == "classification" {
                    continue;
                }
                let before = child.as_array().map(Vec::len);
                strip_above(child, clearance);
                // A field whose every (conflicting) value was removed goes too.
                if before.is_some_and(|n| n > 0) && child.as_array().is_some_and(Vec::is_empty) {
                    *child = Value::Null;
                }
            }
            map.retain(|_, child| !child.is_null());
        }
        Value::Array(items) => {
            items.retain(|child| visible(child, clearance));
            for child in items.iter_mut() {
                strip_above(child, clearance);
            }
        }
        _ => {}
    }
}
