//! Controlled vocabularies, loaded from `vocab.toml` (data, with English and Persian labels).

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One term: its stable id and its labels.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Term {
    #[serde(skip)]
    pub id: String,
    pub en: String,
    pub fa: String,
}

/// All vocabularies by name; terms keep the order of the file.
pub struct Vocabularies(BTreeMap<String, Vec<Term>>);

static VOCABS: LazyLock<Vocabularies> = LazyLock::new(|| {
    let raw: toml::Table =
        toml::from_str(include_str!("../vocab.toml")).expect("vocab.toml is valid TOML");
    let mut map = BTreeMap::new();
    for (name, terms) in raw {
        let terms = terms.as_table().expect("each vocabulary is a table");
        let list = terms
            .iter()
            .map(|(id, labels)| {
                let mut t: Term = labels
                    .clone()
                    .try_into()
                    .expect("each term has en and fa labels");
                t.id = id.clone();
                t
            })
            .collect();
        map.insert(name, list);
    }
    Vocabularies(map)
});

/// The built-in vocabularies.
pub fn vocabularies() -> &'static Vocabularies {
    &VOCABS
}

impl Vocabularies {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn terms(&self, vocab: &str) -> &[Term] {
        self.0.get(vocab).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn term(&self, vocab: &str, id: &str) -> Option<&Term> {
        self.terms(vocab).iter().find(|t| t.id == id)
    }

    /// The term whose id or English/Persian label matches `text` (case-insensitive for Latin):
    /// lets importers accept "Death penalty" as well as `death_penalty`.
    pub fn lookup(&self, vocab: &str, text: &str) -> Option<&Term> {
        let text = text.trim();
        self.terms(vocab).iter().find(|t| {
            t.id == text
                || t.en.eq_ignore_ascii_case(text)
                || t.fa == text
                || t.id.eq_ignore_ascii_case(text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_has_both_labels() {
        let v = vocabularies();
        assert!(v.names().count() >= 14);
        for name in v.names() {
            for t in v.terms(name) {
                assert!(
                    !t.en.trim().is_empty() && !t.fa.trim().is_empty(),
                    "{name}.{}",
                    t.id
                );
                assert!(
                    t.fa.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                    "{name}.{} fa label is not Persian",
                    t.id
                );
            }
        }
    }

    #[test]
    fn lookup_accepts_id_and_labels() {
        let v = vocabularies();
        assert_eq!(
            v.lookup("theme", "Death penalty").unwrap().id,
            "death_penalty"
        );
        assert_eq!(v.lookup("act_type", "اعدام").unwrap().id, "execution");
        assert_eq!(
            v.lookup("act_type", "enforced_disappearance").unwrap().en,
            "Enforced disappearance"
        );
        assert!(v.lookup("act_type", "picnic").is_none());
    }
}
