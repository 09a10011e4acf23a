//! Deterministic record ids, so that importing the same file twice finds the records of the
//! first import instead of creating new ones.

use rightsdoc_model::Kind;
use sha2::{Digest, Sha256};

/// The lower-case base32 alphabet of record ids (no i, l, o, u: nothing to misread).
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// SHA-256 of `parts` joined by NUL bytes.
fn digest(parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0u8]);
        }
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

/// `n` as `len` base32 characters, most significant first.
fn base32(n: u128, len: usize) -> impl Iterator<Item = char> {
    (0..len)
        .rev()
        .map(move |i| ALPHABET[((n >> (i * 5)) & 31) as usize] as char)
}

/// The first `bits` bits of a digest as a number.
fn leading_bits(digest: &[u8; 32], bits: u32) -> u128 {
    let n = digest[..16]
        .iter()
        .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
    n >> (128 - bits)
}

/// 16 base32 characters (80 bits) of SHA-256 of `parts` joined by NUL bytes.
fn slug(parts: &[&str]) -> String {
    base32(leading_bits(&digest(parts), 80), 16).collect()
}

/// `<kind prefix>_` + 16 characters: 8 that name the data set (40 bits of
/// SHA-256(`dataset`)), then 8 for the row: its number in base32 when the key is a row or
/// entry number below 2^40, else 40 bits of SHA-256(`dataset` NUL `row_key`). Rows of one file
/// thus get neighbouring ids, in file order: a million-row import appends to the end of the
/// store's indexes instead of writing all over them (several times faster at that size).
pub fn row_id(kind: Kind, dataset: &str, row_key: &str) -> String {
    let prefix = kind.schema().prefix;
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.push('_');
    id.extend(base32(leading_bits(&digest(&[dataset]), 40), 8));
    let number = row_key
        .parse::<u64>()
        .ok()
        .filter(|n| *n < 1 << 40 && !row_key.starts_with(['+', '0']) || row_key == "0");
    match number {
        Some(n) => id.extend(base32(u128::from(n), 8)),
        None => id.extend(base32(leading_bits(&digest(&[dataset, row_key]), 40), 8)),
    }
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
        // Rows of a file sort in file order; keys that are not plain numbers are hashed.
        let ids: Vec<String> = [1, 2, 10, 99_999]
            .iter()
            .map(|n| row_id(Kind::Person, "list.csv", &n.to_string()))
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_ne!(a, row_id(Kind::Person, "list.csv", "01"));
        assert_ne!(a, row_id(Kind::Person, "other.csv", "1"));
        assert_ne!(
            row_id(Kind::Person, "list.csv", "A-17"),
            row_id(Kind::Person, "list.csv", "A-18")
        );
        let l = list_id(" Boroumand ");
        assert_eq!(l, list_id("Boroumand"));
        assert!(rightsdoc_model::id::check(Kind::List, &l).is_ok());
    }
}
