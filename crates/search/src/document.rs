//! The document of one record, as the index writer takes it.
//!
//! Each tier is filled from `record.visible_to(level)` where that differs from the version
//! the level below sees (see `fields`). Most records show every level the same version; then
//! it is analyzed and indexed once, in the public tier.
//!
//! tantivy's own document type would serialize pre-tokenized text to JSON and parse it back
//! for every field, so [`Doc`] hands the writer the tokens as they are instead.

use crate::analysis::{Analyzers, pretokenize};
use crate::extract::{Content, content};
use crate::fields::{Fields, LevelFields};
use rightsdoc_model::{Classification, Record};
use serde_json::Value;
use tantivy::Document;
use tantivy::schema::Field;
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer};

/// A document: field values in any order, several per field allowed.
#[derive(Default, Debug)]
pub struct Doc(Vec<(Field, DocValue)>);

/// Raw text (ids, facet values, labels) or text analyzed already.
#[derive(Clone, Debug)]
pub enum DocValue {
    Str(String),
    Tokens(PreTokenizedString),
}

impl Doc {
    fn text(&mut self, field: Field, text: impl Into<String>) {
        self.0.push((field, DocValue::Str(text.into())));
    }
}

impl<'a> tantivy::schema::Value<'a> for &'a DocValue {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match self {
            DocValue::Str(s) => ReferenceValueLeaf::Str(s),
            DocValue::Tokens(t) => ReferenceValueLeaf::PreTokStr(Box::new(t.clone())),
        })
    }
}

type FieldValues<'a> = std::iter::Map<
    std::slice::Iter<'a, (Field, DocValue)>,
    fn(&'a (Field, DocValue)) -> (Field, &'a DocValue),
>;

fn field_value(entry: &(Field, DocValue)) -> (Field, &DocValue) {
    (entry.0, &entry.1)
}

impl Document for Doc {
    type Value<'a> = &'a DocValue;
    type FieldsValuesIter<'a> = FieldValues<'a>;

    fn iter_fields_and_values(&self) -> FieldValues<'_> {
        self.0.iter().map(field_value)
    }
}

/// One level's content, analyzed.
struct Analyzed {
    names: Vec<PreTokenizedString>,
    keys: Vec<PreTokenizedString>,
    text: Vec<PreTokenizedString>,
    content: Content,
}

fn analyze(c: Content, a: &mut Analyzers) -> Analyzed {
    fn all<'s>(
        analyzer: &mut TextAnalyzer,
        texts: impl Iterator<Item = &'s String>,
    ) -> Vec<PreTokenizedString> {
        texts
            .map(|t| pretokenize(analyzer, t))
            .filter(|p| !p.tokens.is_empty())
            .collect()
    }
    Analyzed {
        names: all(&mut a.name, c.names.iter().chain(&c.latin)),
        // A transliteration has the same keys as the name it comes from.
        keys: all(&mut a.key, c.names.iter()),
        text: all(&mut a.text, c.text.iter()),
        content: c,
    }
}

/// The document of `record`.
pub fn document(record: &Record, fields: &Fields, a: &mut Analyzers) -> Doc {
    let mut doc = Doc::default();
    doc.text(fields.id, &record.id);
    doc.text(fields.kind, record.kind.as_str());
    doc.text(fields.classification, record.classification.as_str());
    let [public, restricted, confidential] = Classification::ALL;
    // Redaction removes more at a lower level, never less: when the public sees the whole
    // record, every level does, and the public tier holds it for all.
    if record.visible_whole_to(public) {
        for level in Classification::ALL {
            doc.text(fields.visible, level.as_str());
        }
        add_level(
            &mut doc,
            fields.level(public),
            analyze(content(record, &record.body), a),
        );
        return doc;
    }
    let versions = [
        (public, record.visible_to(public)),
        (restricted, record.visible_to(restricted)),
        (confidential, record.visible_to(confidential)),
    ];
    let mut below: Option<&Value> = None;
    for (level, visible) in &versions {
        let Some(visible) = visible else {
            below = None;
            continue;
        };
        doc.text(fields.visible, level.as_str());
        if below != Some(visible) {
            let Value::Object(body) = visible else {
                unreachable!("a visible record is a JSON object");
            };
            add_level(
                &mut doc,
                fields.level(*level),
                analyze(content(record, body), a),
            );
        }
        below = Some(visible);
    }
    doc
}

fn add_level(doc: &mut Doc, f: &LevelFields, a: Analyzed) {
    for (field, tokens) in [(f.names, a.names), (f.keys, a.keys), (f.text, a.text)] {
        for t in tokens {
            doc.0.push((field, DocValue::Tokens(t)));
        }
    }
    for facet in &a.content.facets {
        doc.text(f.facets, facet.as_str());
    }
    doc.text(f.label, a.content.label.as_str());
}
