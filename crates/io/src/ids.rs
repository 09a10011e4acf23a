//! Deterministic record ids, so that importing the same file twice finds the records of the
//! first import instead of creating new ones.

use rightsdoc_model::Kind;
use sha2::{Digest, Sha256};

/// The lower-case base32 alphabet of record ids (no i, l, o, u: nothing to misread).
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// 16 base32 characters (80 bits) of SHA-256 of `parts` joined by NUL bytes.
fn slug(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0u8]);
        }
        h.update(p.as_bytes());
    }
    let digest = h.finalize();
    let mut bits: u128 = 0;
    for &b in &digest[..10] {
        bits = (bits << 8) | u128::from(b);
    }
    (0..16)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// `<kind prefix>_` + 16 chars of base32(SHA-256(`dataset` NUL `row_key`)).
pub fn row_id(kind: Kind, dataset: &str, row_key: &str) -> String {
    let prefix = kind.schema().prefix;
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.push('_');
    id.push_str(&slug(&[dataset, row_key]));
    id
}

/// The id of the list named `name`: the same name gives the same list in every import.
pub fn list_id(name: &str) -> String {
    format!(
        "{}_{}",
        Kind::List.schema().prefix,
        slug(&["list", name.trim()])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_well_formed_and_distinct() {
        let a = row_id(Kind::Person, "list.csv", "1");
        assert_eq!(a, row_id(Kind::Person, "list.csv", "1"));
        assert_ne!(a, row_id(Kind::Person, "list.csv", "2"));
        assert_ne!(a, row_id(Kind::Person, "list.cs", "v1"));
        assert!(rightsdoc_model::id::check(Kind::Person, &a).is_ok(), "{a}");
        assert_eq!(a.len(), "psn_".len() + 16);
        let l = list_id(" Boroumand ");
        assert_eq!(l, list_id("Boroumand"));
        assert!(rightsdoc_model::id::check(Kind::List, &l).is_ok());
    }
}
