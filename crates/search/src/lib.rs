//! The search index of an archive: a tantivy index that is a projection of the log.
//!
//! * **A projection.** The index remembers, in its commit payload, how many log operations it
//!   reflects and their Merkle root. [`SearchIndex::catch_up`] applies the rest (after a crash,
//!   everything since the last commit); [`SearchIndex::rebuild`] starts again from the log.
//! * **Access control.** A record is indexed from `Record::visible_to(level)` — the archive's
//!   one redaction function — into tiers of fields, one per level (`names_public`,
//!   `text_restricted`, …): tier `L` holds what level `L` sees where it differs from what the
//!   level below sees (most records fill the public tier alone). A search at a clearance reads
//!   only the tiers up to its own, so a confidential name cannot match, be counted or be shown
//!   to a public reader; facet values and labels come from the highest tier it may read.
//! * **Persian-aware analysis** ([`analysis`]): names are normalized (ZWNJ, Arabic letter
//!   variants, diacritics, digits) and also indexed under cross-script matching keys, so
//!   `Muhammad Rezaie` finds `محمد رضایی`; name words tolerate typos; English text is stemmed.
//!
//! Layout (one document per current record; `L` is `public`, `restricted`, `confidential`):
//!
//! | field | holds | analysis |
//! |---|---|---|
//! | `id`, `kind`, `classification` | the record's, stored | raw term |
//! | `visible` | the levels that may see the record | raw term |
//! | `names_L` | names (and Latin readings of Persian ones) seen at `L` | [`analysis::NAME`] |
//! | `keys_L` | the same names' cross-script keys | [`analysis::KEY`] |
//! | `text_L` | titles, descriptions, texts, notes, vocabulary labels | [`analysis::TEXT`] |
//! | `facets_L` | `facet:value` strings ([`Facet`]) | raw term + fast field |
//! | `label_L` | `Record::label()` of the visible version | stored |
//!
//! ```no_run
//! use rightsdoc_model::Classification;
//! use rightsdoc_search::{SearchIndex, SearchQuery};
//! # fn demo(store: &dyn rightsdoc_store::Store) -> Result<(), rightsdoc_search::SearchError> {
//! let mut index = SearchIndex::open("archive/search".as_ref())?;
//! index.catch_up(store)?;
//! let results = index.search(&SearchQuery::new("Mohammed Rezaei"), Classification::Public)?;
//! for hit in &results.hits {
//!     println!("{} {} {}", hit.id, hit.kind, hit.label);
//! }
//! # Ok(()) }
//! ```

pub mod analysis;
mod bulk;
mod document;
mod error;
mod extract;
mod fields;
mod index;
mod merges;
mod query;

pub use bulk::BulkIndex;
pub use error::SearchError;
pub use index::SearchIndex;
pub use query::{Facet, Hit, SearchQuery, SearchResults};
