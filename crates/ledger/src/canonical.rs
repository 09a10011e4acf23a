//! RFC 8785 (JSON Canonicalization Scheme) encoding: one byte sequence per JSON value.

use serde::Serialize;

/// A value that cannot be encoded canonically (e.g. a float that is NaN).
#[derive(Debug, thiserror::Error)]
#[error("cannot encode canonically: {0}")]
pub struct CanonicalError(#[from] serde_json::Error);

/// Encode `value` as RFC 8785 canonical JSON: sorted keys, no whitespace, ES6 number form.
pub fn canonical_json<T: Serialize>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    Ok(serde_json_canonicalizer::to_vec(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_dropped() {
        let v = json!({"b": 1, "a": [true, null, "x"], "c": {"z": 1.0, "y": "محمد"}});
        let out = String::from_utf8(canonical_json(&v).unwrap()).unwrap();
        assert_eq!(out, r#"{"a":[true,null,"x"],"b":1,"c":{"y":"محمد","z":1}}"#);
    }

    proptest::proptest! {
        #[test]
        fn reparsing_canonical_bytes_gives_the_same_bytes(s in ".*", n in proptest::num::i64::ANY, f in -1e15f64..1e15) {
            let v = serde_json::json!({"s": s, "n": n, "f": f, "nested": {"list": [s.clone(), n]}});
            let once = canonical_json(&v).unwrap();
            let reparsed: serde_json::Value = serde_json::from_slice(&once).unwrap();
            proptest::prop_assert_eq!(canonical_json(&reparsed).unwrap(), once);
        }
    }
}
