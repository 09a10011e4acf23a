//! Record ids: `<kind prefix>_<slug>`, e.g. `psn_7k2m9qxa3b1c4d5e` or `evt_1988-massacre`.
//! The prefix tells a reference's kind at a glance; the slug is random unless a data set
//! (demo data, an import keyed by source and row) chooses a stable one.

use crate::schema::Kind;
use rand::Rng;

const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh random id (80 bits: collisions are negligible at millions of records).
pub fn generate(kind: Kind) -> String {
    let mut rng = rand::thread_rng();
    let slug: String = (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}_{slug}", kind.schema().prefix)
}

/// Check that `id` is a well-formed id for `kind`.
pub fn check(kind: Kind, id: &str) -> Result<(), String> {
    let prefix = kind.schema().prefix;
    let Some(slug) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) else {
        return Err(format!(
            "`{id}` is not a {kind} id (they start with `{prefix}_`)"
        ));
    };
    let ok = (1..=64).contains(&slug.len())
        && !slug.starts_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}`: after `{prefix}_` an id has 1–64 lower-case letters, digits or hyphens"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_check_and_name_their_kind() {
        for kind in Kind::ALL {
            let id = generate(kind);
            assert_eq!(check(kind, &id), Ok(()));
            assert_eq!(Kind::from_id(&id), Some(kind));
        }
        assert!(check(Kind::Person, "org_x").is_err());
        assert!(check(Kind::Person, "psn_").is_err());
        assert!(check(Kind::Person, "psn_Bad Id").is_err());
        assert!(check(Kind::Event, "evt_1988-massacre").is_ok());
    }
}
