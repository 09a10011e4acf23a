//! The domain model of rightsdoc: record kinds and their fields (one schema table),
//! validation and normalization, controlled vocabularies, classification and redaction.
//!
//! This crate knows nothing about storage. Dates live in `rightsdoc-dates`, name
//! normalization in `rightsdoc-names`.

mod classification;
pub mod id;
mod record;
pub mod schema;
mod sealed;
mod validate;
pub mod vocab;

pub use classification::Classification;
pub use record::{NameEntry, Record, Reference, field_text, plain_str, redact};
pub use rightsdoc_dates as dates;
pub use rightsdoc_names as names;
pub use schema::{Field, Kind, KindSchema, Ty};
pub use sealed::{SEALED, contains_sealed, is_sealed, strip_sealed};
pub use validate::{ValidationError, validate, validate_stored};
