//! Record linkage for victim lists: which rows of one or several lists are the same person.
//!
//! The pipeline, one module each:
//!
//! 1. [`input`]: rows of the `link` file contract;
//! 2. `prepare`: names normalized and keyed across scripts (`rightsdoc_names`), birth years
//!    converted from the Solar Hijri calendar, places placed in their province;
//! 3. `block`: a union of blocking rules on cross-script keys, bounded per block;
//! 4. `compare`: comparison levels per field, with swapped name fields read both ways;
//! 5. [`model`]: Fellegi–Sunter, `u` from random pairs, `m` by EM without labels,
//!    term-frequency adjustment for names;
//! 6. [`cluster`]: connected components, then average linkage inside each, so that common
//!    names do not chain different people together;
//! 7. [`evaluate`]: precision, recall and F1 against a truth column;
//! 8. [`review`]: uncertain pairs out for clerical review, decisions back in;
//! 9. [`generate`]: seeded synthetic lists with ground truth, for tests and benchmarks;
//! 10. [`people`]: the same over an archive's person records, proposing candidates for review.

pub mod cluster;
pub mod evaluate;
pub mod generate;
pub mod input;
pub mod model;
pub mod people;
pub mod review;

mod block;
mod compare;
mod places;
mod prepare;

use std::path::PathBuf;

pub use block::RuleReport;
pub use cluster::{Clusters, Labels};
pub use compare::{FIELDS, LEVEL_NAMES, Orientation};
pub use input::{InputRecord, read_csv_bytes, read_csv_files};
pub use model::{Model, probability};

/// What went wrong, naming the file, row and field where there is one.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("{}: row {row}, field `{field}`: {reason}", file.display())]
    Input {
        file: PathBuf,
        row: u64,
        field: String,
        reason: String,
    },
    #[error("{}: {reason}", file.display())]
    Output { file: PathBuf, reason: String },
}

/// The mean match probability two groups of records need to be joined (besides one link at
/// the threshold). Measured on generated lists of 100k rows: 0.3 gave pairwise F1 0.766,
/// 0.5 gave 0.747 (more precise, fewer joins), plain components 0.757 (chains); with a
/// threshold of 0.1, a mean of 0.2 gained F1 +0.01 at 1M rows for 0.03 of precision. On lists
/// whose family names have a long tail (the generator since 2026-12), 0.35 against 0.3: F1
/// 0.9311 / 0.9306 at 300k rows, 0.8961 / 0.8950 at 1M (0.2 and 0.25 lost 0.009 and 0.003
/// at 300k, 0.4 gained nothing).
const CLUSTER_MEAN: f64 = 0.35;

/// Settings of a linkage run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Match probability at or above which a pair can link two records (a group then joins
    /// another only if the mean over all their pairs reaches `CLUSTER_MEAN`).
    pub threshold: f64,
    /// Blocks with more records than this are skipped (and reported).
    pub max_block: usize,
    /// Seed of the random pairs that estimate `u` and of training samples.
    pub seed: u64,
    /// Pairs at or above this probability, or the threshold if lower, are kept (for
    /// clustering and review).
    pub keep: f64,
    /// Plain connected components instead of chaining-resistant clustering.
    pub components_only: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 0.2,
            max_block: 1000,
            seed: 1988,
            keep: 0.2,
            components_only: false,
        }
    }
}

/// A scored pair of records (indices into the input).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub probability: f32,
}

/// The result of [`link`].
pub struct Linked {
    pub clusters: Clusters,
    pub model: Model,
    pub blocking: Vec<RuleReport>,
    pub pairs_compared: u64,
    /// Pairs at or above `Options::keep`, by descending probability.
    pub pairs: Vec<ScoredPair>,
    table: prepare::Table,
}

/// One field's part in a pair's score, for people deciding about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub field: &'static str,
    /// The comparison level, or `None` when a side lacks the field.
    pub level: Option<&'static str>,
    /// Bits for (positive) or against (negative) the match.
    pub weight: f64,
}

impl Linked {
    /// How many pairs of records with the same `truth` blocking compares: with the number
    /// of true pairs, the recall of blocking alone (what no threshold can recover).
    pub fn blocked_true_pairs<T: PartialEq + Sync>(&self, truth: &[T], max_block: usize) -> u64 {
        block::scan(
            &self.table,
            max_block,
            || 0u64,
            |n, a, b| *n += u64::from(truth[a as usize] == truth[b as usize]),
            |x, y| x + y,
        )
        .0
    }

    /// The match probability the model gives a pair, and whether blocking compares it
    /// (ignoring block sizes, and the rules with a bound of their own, which only block sizes
    /// define): for diagnostics.
    #[doc(hidden)]
    pub fn diagnose(&self, a: u32, b: u32) -> (f64, bool) {
        let t = &self.table;
        let c = compare::compare(t, &t.records[a as usize], &t.records[b as usize]);
        (
            probability(self.model.weight(t, &c)),
            block::blocked(t, a, b),
        )
    }

    /// Why the model scores the pair as it does, field by field.
    pub fn explain(&self, a: u32, b: u32) -> (Orientation, Vec<Evidence>) {
        let t = &self.table;
        let c = compare::compare(t, &t.records[a as usize], &t.records[b as usize]);
        let weights = self.model.field_weights(&c.gamma);
        let evidence = (0..FIELDS.len())
            .map(|f| Evidence {
                field: FIELDS[f],
                level: (c.gamma[f] != compare::NULL).then(|| LEVEL_NAMES[f][c.gamma[f] as usize]),
                weight: weights[f].unwrap_or(0.0),
            })
            .collect();
        (c.orientation, evidence)
    }
}

/// Links `records`: fits the model on them, scores the blocked pairs, and clusters.
/// `labels` are clerical decisions on pairs (input indices), which override the model.
pub fn link(records: &[InputRecord], labels: &Labels, options: &Options) -> Linked {
    let table = prepare::prepare(records);
    let model = model::fit(&table, options.seed);
    let (mut pairs, blocking) = block::scan(
        &table,
        options.max_block,
        Vec::new,
        |kept: &mut Vec<ScoredPair>, a, b| {
            let c = compare::compare(
                &table,
                &table.records[a as usize],
                &table.records[b as usize],
            );
            let p = probability(model.weight(&table, &c));
            if p >= options.keep.min(options.threshold) {
                kept.push(ScoredPair {
                    a,
                    b,
                    probability: p as f32,
                });
            }
        },
        |mut x, mut y| {
            x.append(&mut y);
            x
        },
    );
    pairs.sort_unstable_by(|x, y| {
        y.probability
            .total_cmp(&x.probability)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let pairs_compared = blocking.iter().map(|r| r.pairs).sum();
    let edges: Vec<(u32, u32, f32)> = pairs.iter().map(|p| (p.a, p.b, p.probability)).collect();
    let clusters = cluster::cluster(
        records.len(),
        &edges,
        labels,
        cluster::Settings {
            threshold: options.threshold,
            mean: CLUSTER_MEAN,
            components_only: options.components_only,
        },
        |a, b| {
            let c = compare::compare(
                &table,
                &table.records[a as usize],
                &table.records[b as usize],
            );
            probability(model.weight(&table, &c))
        },
    );
    Linked {
        clusters,
        model,
        blocking,
        pairs_compared,
        pairs,
        table,
    }
}

/// Writes the `id,cluster_id` output: one row per input row; the cluster id is the id of the
/// cluster's first record.
pub fn write_clusters(
    path: &std::path::Path,
    records: &[InputRecord],
    clusters: &Clusters,
) -> Result<(), LinkError> {
    let fail = |e: &dyn std::fmt::Display| LinkError::Output {
        file: path.to_owned(),
        reason: e.to_string(),
    };
    let mut first: Vec<Option<&str>> = vec![None; clusters.count];
    for (r, &c) in records.iter().zip(&clusters.of) {
        first[c as usize].get_or_insert(&r.id);
    }
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    w.write_record(["id", "cluster_id"]).map_err(|e| fail(&e))?;
    for (r, &c) in records.iter().zip(&clusters.of) {
        w.write_record([r.id.as_str(), first[c as usize].unwrap_or_default()])
            .map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}
