//! Multiple systems estimation (capture–recapture): from the overlap of several incomplete
//! lists of victims, estimate how many people no list recorded.
//!
//! Every deterministic method here reproduces R's Rcapture package (Baillargeon & Rivest
//! 2007) to a relative 1e-4 on the reference tables in `shared/data/mse`, and the Bayesian
//! latent-class model follows LCMCR (Manrique-Vallier 2016). The statistics are only as good
//! as their assumptions: a closed population, and records matched without error across
//! lists. Every result carries them, in plain words.

pub mod estimate;
pub mod glm;
pub mod lcmcr;
pub mod loglinear;
pub mod models;
pub mod profile;
pub mod table;
pub mod two_lists;

pub use estimate::{Criterion, Method, Report, Request, Selection, estimate};
pub use lcmcr::LcmcrOptions;
pub use table::Table;

/// What can go wrong. Every message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    /// The table or the request cannot be used as given.
    #[error("{0}")]
    Input(String),
    /// A model could not be fitted to this table.
    #[error("{0}")]
    Fit(String),
}
