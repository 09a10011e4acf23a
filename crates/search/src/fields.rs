//! The index layout. One document per current record. What a reader could learn from is kept
//! in tiers, one per clearance level: tier `L` holds the record as level `L` sees it
//! (`Record::visible_to(L)`), and only where that differs from what the level below sees.
//! Most records look the same at every level and fill the public tier alone, so their words
//! are indexed once, not three times; a record redacted for the public fills two or three.
//!
//! A search at a level reads the tiers up to its own (a restricted reader sees everything the
//! public sees), and for each record the highest of those tiers that holds it is the version
//! its level sees: facets and labels are read from that tier.
//!
//! Invariant: a document has values in a tier's fields only if that tier's level may see the
//! record (`visible` lists every level that may). Every level above may see it too, so a
//! query that requires a value in one of the tiers up to its level finds only records that
//! level may see; any other query must filter on `visible`.

use crate::analysis;
use rightsdoc_model::Classification;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Bumped whenever the layout or the analysis changes; an index of another format is rebuilt.
/// 3: matching keys split the suffixes `-vand`, `-lou`, ... and titles `Mir-`, `Haj-`, ...
/// off a family name (rightsdoc-names), so keys indexed before no longer match queries.
pub const FORMAT: u64 = 3;

/// The fields of one tier (one clearance level).
#[derive(Clone, Copy, Debug)]
pub struct LevelFields {
    /// Names (`names[].value`, `lists[].name_as_listed`), [`analysis::NAME`].
    pub names: Field,
    /// Matching keys of the same names, [`analysis::KEY`].
    pub keys: Field,
    /// Free text and vocabulary labels, [`analysis::TEXT`].
    pub text: Field,
    /// Facet values as `facet:value` strings (`kind:act`, `year:1988-1990`): a multi-valued
    /// fast field for counting, indexed for filtering.
    pub facets: Field,
    /// `record.label()` of the visible version (stored only).
    pub label: Field,
}

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Record id (raw term: deletes and edits find the document by it).
    pub id: Field,
    /// Record kind, stored for hits.
    pub kind: Field,
    /// Record-level classification (`public`, `restricted`, `confidential`).
    pub classification: Field,
    /// Every level that may see the record at all: the filter every query carries.
    pub visible: Field,
    /// Per tier, in [`Classification::ALL`] order.
    pub levels: [LevelFields; 3],
}

/// Position of a level in [`Fields::levels`].
pub fn level_index(c: Classification) -> usize {
    match c {
        Classification::Public => 0,
        Classification::Restricted => 1,
        Classification::Confidential => 2,
    }
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = |analyzer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let id = b.add_text_field("id", STRING | STORED);
        let kind = b.add_text_field("kind", STRING | STORED);
        let classification = b.add_text_field("classification", STRING | STORED);
        let visible = b.add_text_field("visible", STRING);
        let levels = Classification::ALL.map(|c| {
            let l = c.as_str();
            LevelFields {
                names: b.add_text_field(&format!("names_{l}"), text(analysis::NAME)),
                keys: b.add_text_field(&format!("keys_{l}"), text(analysis::KEY)),
                text: b.add_text_field(&format!("text_{l}"), text(analysis::TEXT)),
                facets: b.add_text_field(&format!("facets_{l}"), STRING | FAST),
                label: b.add_text_field(&format!("label_{l}"), STORED),
            }
        });
        let fields = Fields {
            id,
            kind,
            classification,
            visible,
            levels,
        };
        (b.build(), fields)
    }

    pub fn level(&self, c: Classification) -> &LevelFields {
        &self.levels[level_index(c)]
    }

    /// The tiers a reader at `c` reads: its own and those below it, lowest first.
    pub fn tiers(&self, c: Classification) -> &[LevelFields] {
        &self.levels[..=level_index(c)]
    }
}
