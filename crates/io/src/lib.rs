//! Import and export for rightsdoc.
//!
//! **Import** reads CSV (streamed; UTF-8 with or without BOM, any line ends, a legacy Latin
//! encoding only when it can be told for sure), spreadsheets (XLSX, XLS, XLSB, ODS: the first
//! sheet unless a mapping names one) and the JSON export format (an array or JSON Lines). A
//! [`Mapping`] (TOML, see the README) or the column names turn rows into records of one kind;
//! every row is validated by `rightsdoc_model::validate`, and every refused row is reported with
//! its number, column and reason. Ids are derived from the data set and the row key, so
//! importing a file twice finds the same records. This crate never writes to an archive: the
//! caller passes a writer to [`import_chunks`], which gets one chunk of validated records at a
//! time (one logged batch each).
//!
//! **Export** writes records the caller has already filtered for the reader's clearance: CSV
//! of one kind ([`export_csv`]) and GeoJSON of places ([`export_geojson`]).
//!
//! ```no_run
//! use rightsdoc_io::{ImportOptions, Input, Policy, import_chunks};
//! use std::path::Path;
//!
//! let opts = ImportOptions { policy: Policy::DryRun, ..Default::default() };
//! let report = import_chunks(Input::path(Path::new("list.csv")), &opts, 10_000,
//!     |_chunk| Ok::<(), std::io::Error>(()))?;
//! print!("{report}");
//! # Ok::<(), rightsdoc_io::ImportError>(())
//! ```

mod convert;
mod encoding;
mod export;
mod ids;
mod import;
mod json;
mod mapping;
mod report;
mod table;

pub use convert::{looks_like_formula, upr_cycle};
pub use export::{
    ExportError, ExportSummary, csv_columns, export_csv, export_csv_by_kind, export_geojson,
    geojson, protect_cell,
};
pub use ids::{list_id, row_id};
pub use import::{
    ImportOptions, Imported, Input, Policy, Progress, ProgressFn, import_chunks, read,
};
pub use mapping::{Join, Mapping, Split};
pub use report::{At, Format, ImportError, ImportReport, MAX_KEPT_ERRORS, RowError};

/// Records per chunk when the caller has no better figure: large enough that a logged batch
/// is cheap per record, small enough to keep memory flat.
pub const DEFAULT_CHUNK_SIZE: usize = 10_000;
