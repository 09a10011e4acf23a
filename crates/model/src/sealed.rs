//! Sealed values: the confidential parts of a record as the archive stores them, encrypted.
//!
//! A sealed value takes the place of the value it hides, anywhere a field value, a list item
//! or a name may stand: `{"classification": "confidential", "sealed": "<base64>", "refs":
//! ["src_…"]}`. The archive writes them (it holds the keys); this crate only recognises them,
//! so that a stored record validates, redacts and projects without a key. `refs` lists the
//! record ids the hidden value points to, in the clear, so references still resolve and a
//! referenced record cannot be deleted from under a sealed value.

use serde_json::Value;

/// The key that marks a sealed value.
pub const SEALED: &str = "sealed";

/// Is `v` a sealed value?
pub fn is_sealed(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.contains_key(SEALED))
}

/// Does `v` hold a sealed value anywhere?
pub fn contains_sealed(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.contains_key(SEALED) || o.values().any(contains_sealed),
        Value::Array(items) => items.iter().any(contains_sealed),
        _ => false,
    }
}

/// Remove every sealed value from `v` (what is left of a record whose data key was
/// destroyed). A list left empty by it, and a field left without a value, go too.
pub fn strip_sealed(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, child| !is_sealed(child));
            for child in map.values_mut() {
                let before = child.as_array().map(Vec::len);
                strip_sealed(child);
                if before.is_some_and(|n| n > 0) && child.as_array().is_some_and(Vec::is_empty) {
                    *child = Value::Null;
                }
            }
            map.retain(|_, child| !child.is_null());
        }
        Value::Array(items) => {
            items.retain(|child| !is_sealed(child));
            items.iter_mut().for_each(strip_sealed);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stripping_removes_sealed_values_and_what_they_leave_empty() {
        let sealed = json!({"classification": "confidential", "sealed": "AAAA"});
        let mut v = json!({
            "kind": "person", "id": "per_x", "notes": sealed,
            "names": [{"value": "A"}, sealed],
            "aliases": [sealed],
        });
        strip_sealed(&mut v);
        assert_eq!(
            v,
            json!({"kind": "person", "id": "per_x", "names": [{"value": "A"}]})
        );
        assert!(!contains_sealed(&v));
    }
}
