//! Sealing a record's confidential values before it is written, and opening them for a reader
//! cleared to see them. The sealed form is what the log and the projections hold, so digests,
//! proofs, projections and `verify` never need a key.
//!
//! What is sealed:
//! - in a confidential record, every field except `kind`, `id`, `classification` and an
//!   evidence item's file facts (`sha256`, `size`, `media_type`, `sealed_blob`: the blob
//!   store addresses the file by them);
//! - in any other record, every nested value classified confidential (a witness's name, a
//!   confidential note on a date).
//!
//! Each sealed value is bound to its record and its place in it (the AEAD's associated data),
//! so a sealed value copied elsewhere does not open.

use crate::error::ArchiveError;
use crate::keys::DataKey;
use rightsdoc_model::{Classification, Kind, Record, SEALED, is_sealed};
use serde_json::{Map, Value, json};

/// Fields a confidential record keeps in the clear.
fn stays_clear(kind: Kind, field: &str) -> bool {
    matches!(field, "kind" | "id" | "classification")
        || (kind == Kind::Evidence
            && matches!(field, "sha256" | "size" | "media_type" | "sealed_blob"))
}

fn is_confidential(v: &Value) -> bool {
    v.get("classification").and_then(Value::as_str) == Some("confidential")
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn aad(id: &str, path: &str) -> Vec<u8> {
    format!("{id}\0{path}").into_bytes()
}

/// Does `record` hold anything that must be sealed (and is not yet)?
pub(crate) fn needs_sealing(record: &Record) -> bool {
    fn nested(v: &Value) -> bool {
        match v {
            Value::Object(_) if is_sealed(v) => false,
            Value::Object(o) => is_confidential(v) || o.values().any(nested),
            Value::Array(items) => items.iter().any(nested),
            _ => false,
        }
    }
    if record.classification == Classification::Confidential {
        return record
            .body
            .iter()
            .any(|(k, v)| !stays_clear(record.kind, k) && !is_sealed(v));
    }
    record
        .body
        .iter()
        .any(|(k, v)| k != "classification" && nested(v))
}

/// `record`'s body with its confidential values sealed under `key`.
pub(crate) fn seal_record(record: &Record, key: &DataKey) -> Value {
    let envelope = |path: &str, v: &Value| -> Value {
        let plain = rightsdoc_ledger::canonical_value(v).expect("a record value is JSON");
        let mut refs: Vec<&str> = Vec::new();
        for r in &record.references {
            let inside = r.path == path
                || r.path
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
            if inside && !refs.contains(&r.target.as_str()) {
                refs.push(&r.target);
            }
        }
        let mut e = json!({
            "classification": "confidential",
            SEALED: key.seal(&aad(&record.id, path), &plain),
        });
        if !refs.is_empty() {
            e["refs"] = json!(refs);
        }
        e
    };
    fn nested(path: &str, v: &mut Value, envelope: &dyn Fn(&str, &Value) -> Value) {
        if is_sealed(v) {
            return;
        }
        if is_confidential(v) {
            *v = envelope(path, v);
            return;
        }
        match v {
            Value::Object(o) => {
                for (k, c) in o.iter_mut() {
                    if k != "classification" {
                        nested(&child(path, k), c, envelope);
                    }
                }
            }
            Value::Array(items) => {
                for (i, c) in items.iter_mut().enumerate() {
                    nested(&format!("{path}[{i}]"), c, envelope);
                }
            }
            _ => {}
        }
    }
    let mut body: Map<String, Value> = record.body.clone();
    let whole = record.classification == Classification::Confidential;
    for (k, v) in body.iter_mut() {
        if stays_clear(record.kind, k) {
            continue;
        }
        if whole {
            if !is_sealed(v) {
                *v = envelope(k, v);
            }
        } else {
            nested(k, v, &envelope);
        }
    }
    Value::Object(body)
}

/// Open every sealed value of record `id` in `body` with `key`; with no key (it was
/// destroyed), the sealed values are removed instead.
pub(crate) fn open_record(
    id: &str,
    body: &mut Value,
    key: Option<&DataKey>,
) -> Result<(), ArchiveError> {
    fn walk(
        id: &str,
        path: &str,
        v: &mut Value,
        key: Option<&DataKey>,
    ) -> Result<bool, ArchiveError> {
        if is_sealed(v) {
            let Some(key) = key else {
                return Ok(false);
            };
            let sealed = v[SEALED].as_str().unwrap_or_default();
            let plain = key.open(&aad(id, path), sealed).ok_or_else(|| {
                ArchiveError::Other(format!(
                    "`{id}`: the sealed value at `{path}` does not open with its record's key (altered or moved)"
                ))
            })?;
            *v = serde_json::from_slice(&plain).map_err(|e| {
                ArchiveError::Other(format!(
                    "`{id}`: the value sealed at `{path}` is not JSON: {e}"
                ))
            })?;
            return Ok(true);
        }
        match v {
            Value::Object(o) => {
                let mut gone = Vec::new();
                for (k, c) in o.iter_mut() {
                    if !walk(id, &child(path, k), c, key)? {
                        gone.push(k.clone());
                    }
                }
                for k in gone {
                    o.remove(&k);
                }
            }
            Value::Array(items) => {
                // Indexes are those of the sealed form: remove only after the whole walk.
                let mut keep = Vec::with_capacity(items.len());
                for (i, c) in items.iter_mut().enumerate() {
                    keep.push(walk(id, &format!("{path}[{i}]"), c, key)?);
                }
                let mut flags = keep.into_iter();
                items.retain(|_| flags.next().unwrap_or(true));
            }
            _ => {}
        }
        Ok(true)
    }
    walk(id, "", body, key)?;
    Ok(())
}
