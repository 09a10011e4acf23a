//! Evaluation against a ground-truth column: pairwise precision, recall and F1 over the pairs
//! the clusters imply (the measure Splink and HRDAG report), and cluster-level scores (the
//! share of true people recovered exactly, with no record missing and none extra).

use std::collections::HashMap;

use serde::Serialize;

/// Scores of a clustering against the truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scores {
    pub pairwise: Prf,
    /// Clusters equal to a true person, over predicted clusters (precision) and over true
    /// people (recall).
    pub cluster: Prf,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub true_clusters: u64,
    pub predicted_clusters: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(hits: u64, predicted: u64, actual: u64) -> Prf {
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let precision = ratio(hits, predicted);
        let recall = ratio(hits, actual);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores `predicted` (a cluster per record) against `truth` (a person per record).
pub fn evaluate<P, T>(predicted: &[P], truth: &[T]) -> Scores
where
    P: Eq + std::hash::Hash,
    T: Eq + std::hash::Hash,
{
    assert_eq!(predicted.len(), truth.len());
    let mut predicted_sizes: HashMap<&P, u64> = HashMap::new();
    let mut true_sizes: HashMap<&T, u64> = HashMap::new();
    let mut both: HashMap<(&P, &T), u64> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *predicted_sizes.entry(p).or_default() += 1;
        *true_sizes.entry(t).or_default() += 1;
        *both.entry((p, t)).or_default() += 1;
    }
    let true_pairs: u64 = true_sizes.values().map(|&n| pairs(n)).sum();
    let predicted_pairs: u64 = predicted_sizes.values().map(|&n| pairs(n)).sum();
    let hits: u64 = both.values().map(|&n| pairs(n)).sum();
    // A cluster is exact when all its records are one person and all that person's records.
    let exact = both
        .iter()
        .filter(|((p, t), n)| predicted_sizes[p] == **n && true_sizes[t] == **n)
        .count() as u64;
    Scores {
        pairwise: Prf::new(hits, predicted_pairs, true_pairs),
        cluster: Prf::new(exact, predicted_sizes.len() as u64, true_sizes.len() as u64),
        true_pairs,
        predicted_pairs,
        true_clusters: true_sizes.len() as u64,
        predicted_clusters: predicted_sizes.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_pairs_and_exact_clusters() {
        // Truth: {0,1,2} {3,4} {5}. Predicted: {0,1} {2,3,4} {5}.
        let truth = [1, 1, 1, 2, 2, 3];
        let predicted = ["a", "a", "b", "b", "b", "c"];
        let s = evaluate(&predicted, &truth);
        assert_eq!((s.true_pairs, s.predicted_pairs), (4, 4));
        // Hits: (0,1) and (3,4).
        assert_eq!(s.pairwise.precision, 0.5);
        assert_eq!(s.pairwise.recall, 0.5);
        // Exact: only {5}.
        assert!((s.cluster.precision - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.cluster.recall - 1.0 / 3.0).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn the_truth_scores_perfectly_and_scores_are_symmetric(truth in proptest::collection::vec(0u8..20, 1..200),
                                                               predicted in proptest::collection::vec(0u8..20, 200)) {
            let perfect = evaluate(&truth, &truth);
            prop_assert_eq!(perfect.pairwise.f1, 1.0);
            prop_assert_eq!(perfect.cluster.f1, 1.0);
            let predicted = &predicted[..truth.len()];
            let s = evaluate(predicted, &truth);
            let swapped = evaluate(&truth, predicted);
            prop_assert_eq!(s.pairwise.precision, swapped.pairwise.recall);
            prop_assert_eq!(s.pairwise.f1, swapped.pairwise.f1);
            prop_assert!((0.0..=1.0).contains(&s.pairwise.f1));
        }
    }
}
