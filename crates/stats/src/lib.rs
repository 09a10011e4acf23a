//! Read-only analyses over the records a reader may see: counts by year, act, place, sex, age,
//! list and UPR dimensions, command responsibility ("who held a post over this act"), and
//! the overlap of victim lists that multiple systems estimation starts from.
//!
//! Every input here has already passed the archive's access-control layer: callers build a
//! [`Snapshot`] from `Archive::visible(clearance, …)`, so nothing above the reader's clearance
//! can be counted or named. Every figure counts documented records, never an estimate.

mod counts;
mod overlap;
mod responsible;
mod snapshot;

pub use counts::{By, Filter, Row, Table, kinds_read, stats};
pub use overlap::{Overlap, list_overlap};
pub use responsible::{Involved, OfficeLine, Responsibility, holds_office_now, responsible};
pub use snapshot::{Person, Snapshot};

/// A question the data cannot answer as asked.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("{0}")]
    Invalid(String),
    #[error("no record `{0}` visible at this clearance")]
    NotFound(String),
}
