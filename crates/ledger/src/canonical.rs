//! RFC 8785 (JSON Canonicalization Scheme) encoding: one byte sequence per JSON value.

use serde::Serialize;
use serde_json::Value;

/// A value that cannot be encoded canonically (e.g. a float that is NaN).
#[derive(Debug, thiserror::Error)]
#[error("cannot encode canonically: {0}")]
pub struct CanonicalError(#[from] serde_json::Error);

/// Encode `value` as RFC 8785 canonical JSON: sorted keys, no whitespace, ES6 number form.
pub fn canonical_json<T: Serialize>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    Ok(serde_json_canonicalizer::to_vec(value)?)
}

/// [`canonical_json`] of a JSON value, the same bytes written directly. The general encoder
/// buffers, re-parses and boxes a writer for every key and token, which made canonical
/// encoding a tenth of an import's CPU; records are values, so they take this path. The
/// general encoder stays the reference (a property test compares the two) and still formats
/// every number but a safe integer.
pub fn canonical_value(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out)?;
    Ok(out)
}

/// Integers JavaScript's numbers hold exactly print as themselves in ES6 form.
const SAFE_INTEGER: u64 = (1 << 53) - 1;

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) if u <= SAFE_INTEGER => out.extend_from_slice(u.to_string().as_bytes()),
            (_, Some(i)) if i.unsigned_abs() <= SAFE_INTEGER => {
                out.extend_from_slice(i.to_string().as_bytes())
            }
            _ => out.extend(serde_json_canonicalizer::to_vec(n)?),
        },
        // serde_json escapes exactly as RFC 8785 asks (`"`, `\\`, the short forms, other
        // controls as lower-case `\u00xx`, nothing else).
        Value::String(s) => serde_json::to_writer(&mut *out, s)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // Keys in order of their UTF-16 code units; for keys without characters beyond
            // U+FFFF (all of ours) that is the order of their UTF-8 bytes.
            if entries
                .iter()
                .all(|(k, _)| k.chars().all(|c| c <= '\u{ffff}'))
            {
                entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            } else {
                entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            }
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, k)?;
                out.push(b':');
                write_value(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
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

    /// Any JSON value: nested objects and arrays, keys and strings with escapes, Persian and
    /// characters beyond U+FFFF, integers of every size and floats.
    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = prop_oneof![
            ".*",
            "[a-z\"\\\\/\u{0}-\u{1f}]{0,6}",
            "[\u{e000}-\u{e010}\u{10000}-\u{10010}a-c]{0,4}",
            "[آ-ی ]{0,8}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (-1e21f64..1e21).prop_map(|f| json!(f)),
            (-1e-6f64..1e-6).prop_map(|f| json!(f)),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((text.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn the_value_encoder_writes_what_the_general_encoder_writes(v in any_json()) {
            proptest::prop_assert_eq!(
                String::from_utf8(canonical_value(&v).unwrap()).unwrap(),
                String::from_utf8(canonical_json(&v).unwrap()).unwrap()
            );
        }

        #[test]
        fn reparsing_canonical_bytes_gives_the_same_bytes(s in ".*", n in proptest::num::i64::ANY, f in -1e15f64..1e15) {
            let v = serde_json::json!({"s": s, "n": n, "f": f, "nested": {"list": [s.clone(), n]}});
            let once = canonical_json(&v).unwrap();
            let reparsed: serde_json::Value = serde_json::from_slice(&once).unwrap();
            proptest::prop_assert_eq!(canonical_json(&reparsed).unwrap(), once);
        }
    }
}
