//! Record ids: `<kind prefix>_<slug>`, e.g. `psn_7k2m9qxa3b1c4d5e` or `evt_1988-massacre`.
//! The prefix tells a reference's kind at a glance; the slug is random unless a data set
//! (demo data, an import keyed by source and row) chooses a stable one.

use crate::schema::Kind;
use rand::Rng;

const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh id: 10 characters of millisecond time then 6 random ones (30 bits per
/// millisecond). Ids created later sort later, so new records land at the end of the store's
/// B-trees instead of all over the file, and a burst of writes touches few pages.
pub fn generate(kind: Kind) -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut slug = String::with_capacity(16);
    for i in (0..10).rev() {
        slug.push(ALPHABET[((millis >> (5 * i)) & 31) as usize] as char);
    }
    let mut rng = rand::thread_rng();
    slug.extend((0..6).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char));
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

    #[test]
    fn later_ids_sort_later() {
        let a = generate(Kind::Person);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = generate(Kind::Person);
        assert!(a < b, "{a} !< {b}");
    }
}
