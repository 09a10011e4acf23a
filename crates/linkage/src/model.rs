//! The Fellegi–Sunter model: for each field and level, `m` (how often true matches show that
//! level) and `u` (how often two unrelated records do), a prior, and the term-frequency
//! adjustment for names.
//!
//! * `u` comes from random pairs of records, which are almost all non-matches.
//! * `m` comes from expectation maximisation without labels, as Splink does it: pairs sharing
//!   a training key are enriched in matches; EM on their comparison vectors estimates `m` for
//!   the fields that are *not* part of that key (those are biased by the key itself). Several
//!   training keys together estimate every field; a field estimated twice takes the mean.
//! * The prior (the chance that two random records are the same person) follows from the
//!   first training key: the matches EM finds among its pairs, divided by the share of all
//!   matches that key can find (from the `m` of its fields, estimated by the other sessions).

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::block;
use crate::compare::{
    Comparison, FIELD_COUNT, FIELDS, Gamma, KEY_AGREES, LEVELS, NULL, Orientation, compare,
};
use crate::prepare::{NONE, Table};

/// Random pairs drawn to estimate `u`.
const U_PAIRS: usize = 1_000_000;
/// Pairs per EM training session, at most (a random subset of records keeps it there).
const EM_PAIRS: u64 = 2_000_000;
const EM_MAX_ITERATIONS: usize = 500;
const EM_TOLERANCE: f64 = 1e-5;
/// Bounds of the term-frequency adjustment, in bits, so one rare name cannot decide a pair.
const TF_BOUND: f64 = 8.0;

/// What EM did in one training session.
#[derive(Clone, Debug)]
pub struct Session {
    pub rule: &'static str,
    pub pairs: u64,
    pub iterations: usize,
    pub converged: bool,
    /// Share of the session's pairs EM judged to be matches.
    pub match_share: f64,
}

/// A fitted model.
#[derive(Clone, Debug)]
pub struct Model {
    pub m: [Vec<f64>; FIELD_COUNT],
    pub u: [Vec<f64>; FIELD_COUNT],
    /// Chance that two records drawn at random are the same person.
    pub prior: f64,
    pub sessions: Vec<Session>,
    /// Per name field: chance that two random records share the key, in bits.
    agreement_bits: [f64; 3],
    /// `log2(m / u)` per field and level, and the prior's log odds: computed once, as
    /// `weight` runs for every pair compared.
    level_bits: [Vec<f64>; FIELD_COUNT],
    prior_bits: f64,
}

impl Model {
    fn new(
        m: [Vec<f64>; FIELD_COUNT],
        u: [Vec<f64>; FIELD_COUNT],
        prior: f64,
        sessions: Vec<Session>,
        agreement: [f64; 3],
    ) -> Model {
        let level_bits = std::array::from_fn(|f| {
            m[f].iter()
                .zip(&u[f])
                .map(|(m, u)| (m / u).log2())
                .collect()
        });
        Model {
            level_bits,
            prior_bits: (prior / (1.0 - prior)).log2(),
            agreement_bits: agreement.map(f64::log2),
            m,
            u,
            prior,
            sessions,
        }
    }

    /// Match weight of a comparison in bits: the log2 odds that the pair is one person.
    pub(crate) fn weight(&self, table: &Table, c: &Comparison) -> f64 {
        let mut w = self.prior_bits;
        for (f, &level) in c.gamma.iter().enumerate() {
            if level != NULL {
                w += self.level_bits[f][level as usize];
            }
        }
        w + tf_adjustments(table, &self.agreement_bits, c)
            .iter()
            .sum::<f64>()
    }

    /// Match weight without the term-frequency adjustment, per field, for explanations.
    pub fn field_weights(&self, gamma: &Gamma) -> [Option<f64>; FIELD_COUNT] {
        std::array::from_fn(|f| (gamma[f] != NULL).then(|| self.level_bits[f][gamma[f] as usize]))
    }
}

/// The term-frequency adjustment of each name field, in bits (0 where no key applies).
fn tf_adjustments(table: &Table, agreement_bits: &[f64; 3], c: &Comparison) -> [f64; 3] {
    std::array::from_fn(|f| {
        let key = c.keys[f];
        if key == NONE || c.gamma[f] == NULL {
            return 0.0;
        }
        // A shared rare name says more than a shared common one (Splink's
        // term-frequency adjustment): scale by typical / this name's frequency, both
        // in the field compared: `Ali` is commoner among fathers than among the
        // given names of a list with women on it, and the largest frequency over the
        // three fields shifted every probability about two bits too low (pairs
        // scored 0.2-0.5 were 54-73% true matches, now 28-48%). A name that matched
        // across fields (a swap) takes its largest frequency in any of them.
        let tf_bits = if c.orientation == Orientation::AsWritten {
            table.frequency_bits(f, key)
        } else {
            (0..3)
                .map(|g| table.frequency_bits(g, key))
                .fold(f64::NEG_INFINITY, f64::max)
        };
        (agreement_bits[f] - tf_bits).clamp(-TF_BOUND, TF_BOUND)
    })
}

/// Probability of a match from a weight in bits.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Fits the model on the table (no labels).
pub(crate) fn fit(table: &Table, seed: u64) -> Model {
    let n = table.records.len();
    let u = estimate_u(table, seed);
    let agreement = [0, 1, 2].map(|f| table.agreement_rate(f));
    let agreement_bits = agreement.map(f64::log2);
    let m_start: [Vec<f64>; FIELD_COUNT] = [
        vec![0.02, 0.03, 0.05, 0.05, 0.05, 0.4, 0.4],
        vec![0.02, 0.03, 0.05, 0.05, 0.05, 0.4, 0.4],
        vec![0.02, 0.03, 0.05, 0.05, 0.05, 0.4, 0.4],
        vec![0.05, 0.1, 0.15, 0.7],
        vec![0.1, 0.2, 0.7],
        vec![0.1, 0.9],
    ];
    let mut sums: [Vec<f64>; FIELD_COUNT] = LEVELS.map(|l| vec![0.0; l]);
    let mut counts = [0f64; FIELD_COUNT];
    let mut sessions = Vec::new();
    let mut first_session = None;
    for (i, rule) in block::TRAINING_RULES.iter().enumerate() {
        let (pairs, sampled) = block::training_pairs(table, rule, EM_PAIRS, seed + 1 + i as u64);
        let histogram = histogram(table, &agreement_bits, &pairs);
        let excluded = rule.fields;
        let fit = em(&histogram, &excluded, &u, &m_start);
        // Sessions count by the matches they saw: one with few is a noisy estimate.
        let weight = fit.lambda * pairs.len() as f64;
        for f in 0..FIELD_COUNT {
            if !excluded[f] {
                for (sum, m) in sums[f].iter_mut().zip(&fit.m[f]) {
                    *sum += m * weight;
                }
                counts[f] += weight;
            }
        }
        if i == 0 {
            first_session = Some((rule, fit.lambda * pairs.len() as f64 / (sampled * sampled)));
        }
        sessions.push(Session {
            rule: rule.name,
            pairs: pairs.len() as u64,
            iterations: fit.iterations,
            converged: fit.converged,
            match_share: fit.lambda,
        });
    }
    let m: [Vec<f64>; FIELD_COUNT] = std::array::from_fn(|f| {
        if counts[f] == 0.0 {
            m_start[f].clone()
        } else {
            sums[f].iter().map(|s| s / counts[f]).collect()
        }
    });
    let prior = match first_session {
        Some((rule, matches)) => {
            // Share of true matches the first training key can find: both records have the
            // fields, and their keys agree.
            let recall: f64 = (0..FIELD_COUNT)
                .filter(|&f| rule.fields[f])
                .map(|f| {
                    let present =
                        table.present.get(f).copied().unwrap_or(n as u32) as f64 / n as f64;
                    let agree: f64 = m[f][KEY_AGREES as usize..].iter().sum();
                    present * present * agree
                })
                .product();
            let total_pairs = n as f64 * (n as f64 - 1.0) / 2.0;
            (matches / recall.max(1e-6) / total_pairs.max(1.0)).clamp(1e-12, 0.5)
        }
        None => 1e-4,
    };
    Model::new(m, u, prior, sessions, agreement)
}

/// `u` from random pairs: the share of each level among pairs with the field on both sides,
/// with one pseudo-count per level so that no level is impossible.
fn estimate_u(table: &Table, seed: u64) -> [Vec<f64>; FIELD_COUNT] {
    let n = table.records.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total = n.saturating_mul(n.saturating_sub(1)) / 2;
    let pairs: Vec<(u32, u32)> = (0..U_PAIRS.min(total))
        .filter_map(|_| {
            let a = rng.gen_range(0..n);
            let b = rng.gen_range(0..n);
            (a != b).then_some((a as u32, b as u32))
        })
        .collect();
    // Term frequencies take no part in `u` (the adjustments in the histogram are ignored).
    let histogram = histogram(table, &[0.0; 3], &pairs);
    let mut counts: [Vec<f64>; FIELD_COUNT] = LEVELS.map(|l| vec![1.0; l]);
    for ((gamma, _), count) in &histogram {
        for f in 0..FIELD_COUNT {
            if gamma[f] != NULL {
                counts[f][gamma[f] as usize] += *count as f64;
            }
        }
    }
    counts.map(|c| {
        let sum: f64 = c.iter().sum();
        c.into_iter().map(|x| x / sum).collect()
    })
}

/// Steps of the term-frequency adjustment in training histograms, per bit.
const TF_STEPS: f64 = 4.0;

/// A comparison vector with the term-frequency adjustments of its names (in `TF_STEPS`ths
/// of a bit).
type Cell = (Gamma, [i8; 3]);

/// Comparison vectors of the pairs, with their term-frequency adjustments, counted.
fn histogram(table: &Table, agreement_bits: &[f64; 3], pairs: &[(u32, u32)]) -> Vec<(Cell, u64)> {
    let map = pairs
        .par_iter()
        .fold(HashMap::<Cell, u64>::new, |mut map, &(a, b)| {
            let c = compare(
                table,
                &table.records[a as usize],
                &table.records[b as usize],
            );
            let tf =
                tf_adjustments(table, agreement_bits, &c).map(|x| (x * TF_STEPS).round() as i8);
            *map.entry((c.gamma, tf)).or_default() += 1;
            map
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let mut out: Vec<_> = map.into_iter().collect();
    out.sort_unstable();
    out
}

struct Fit {
    m: [Vec<f64>; FIELD_COUNT],
    lambda: f64,
    iterations: usize,
    converged: bool,
}

/// Expectation maximisation of `m` and the match share over counted comparison vectors,
/// with `u` fixed; fields in `excluded` take no part.
fn em(
    histogram: &[(Cell, u64)],
    excluded: &[bool; FIELD_COUNT],
    u: &[Vec<f64>; FIELD_COUNT],
    start: &[Vec<f64>; FIELD_COUNT],
) -> Fit {
    let mut m = start.clone();
    let mut lambda = 0.3;
    let total: f64 = histogram.iter().map(|(_, c)| *c as f64).sum();
    if total == 0.0 {
        return Fit {
            m,
            lambda: 0.0,
            iterations: 0,
            converged: false,
        };
    }
    for iteration in 1..=EM_MAX_ITERATIONS {
        let mut matched: [Vec<f64>; FIELD_COUNT] = std::array::from_fn(|f| vec![0.0; m[f].len()]);
        let mut matched_total = 0.0;
        for ((gamma, tf), count) in histogram {
            let (mut pm, mut pu) = (lambda, 1.0 - lambda);
            for f in 0..FIELD_COUNT {
                if !excluded[f] && gamma[f] != NULL {
                    pm *= m[f][gamma[f] as usize];
                    pu *= u[f][gamma[f] as usize];
                    if f < 3 {
                        // The term-frequency adjustment, as in scoring: without it, EM on
                        // pairs of one birth year and place at 1M rows took pairs sharing a
                        // common given name for matches and put half of the matches' family
                        // names at "different" (truth: 1.5%).
                        pm *= (tf[f] as f64 / TF_STEPS).exp2();
                    }
                }
            }
            let posterior = pm / (pm + pu);
            let weight = posterior * *count as f64;
            matched_total += weight;
            for f in 0..FIELD_COUNT {
                if !excluded[f] && gamma[f] != NULL {
                    matched[f][gamma[f] as usize] += weight;
                }
            }
        }
        let new_lambda = matched_total / total;
        let mut change = (new_lambda - lambda).abs();
        for f in 0..FIELD_COUNT {
            if excluded[f] {
                continue;
            }
            let sum: f64 = matched[f].iter().sum();
            if sum <= 0.0 {
                continue;
            }
            for (l, value) in matched[f].iter().enumerate() {
                // A level never seen among matches keeps a tiny probability, not zero.
                let new = (value / sum).max(1e-6);
                change = change.max((new - m[f][l]).abs());
                m[f][l] = new;
            }
        }
        lambda = new_lambda.clamp(1e-9, 1.0 - 1e-9);
        if change < EM_TOLERANCE {
            return Fit {
                m,
                lambda,
                iterations: iteration,
                converged: true,
            };
        }
    }
    Fit {
        m,
        lambda,
        iterations: EM_MAX_ITERATIONS,
        converged: false,
    }
}

/// Names of the fields and levels with `m`, `u` and the weight, for `--json` and reports.
pub fn describe(model: &Model) -> Vec<(String, String, f64, f64)> {
    let mut rows = Vec::new();
    for f in 0..FIELD_COUNT {
        for l in 0..LEVELS[f] {
            rows.push((
                FIELDS[f].to_owned(),
                crate::compare::LEVEL_NAMES[f][l].to_owned(),
                model.m[f][l],
                model.u[f][l],
            ));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn em_recovers_m_from_a_mixture() {
        // Two fields of two levels: matches agree 90% of the time, non-matches 10%.
        let u: [Vec<f64>; FIELD_COUNT] = [
            vec![0.9, 0.1],
            vec![0.9, 0.1],
            vec![1.0],
            vec![1.0],
            vec![1.0],
            vec![1.0],
        ];
        let start: [Vec<f64>; FIELD_COUNT] = [
            vec![0.5, 0.5],
            vec![0.5, 0.5],
            vec![1.0],
            vec![1.0],
            vec![1.0],
            vec![1.0],
        ];
        let (lam, m1) = (0.2f64, 0.9f64);
        let mut histogram = Vec::new();
        for a in 0..2u8 {
            for b in 0..2u8 {
                let p = |x: u8, agree: f64| if x == 1 { agree } else { 1.0 - agree };
                let share = lam * p(a, m1) * p(b, m1) + (1.0 - lam) * p(a, 0.1) * p(b, 0.1);
                histogram.push((
                    ([a, b, NULL, NULL, NULL, NULL], [0; 3]),
                    (share * 1e6).round() as u64,
                ));
            }
        }
        let fit = em(&histogram, &[false; FIELD_COUNT], &u, &start);
        assert!(fit.converged);
        assert!((fit.lambda - lam).abs() < 1e-3, "{}", fit.lambda);
        assert!((fit.m[0][1] - m1).abs() < 1e-3);
        assert!((fit.m[1][1] - m1).abs() < 1e-3);
    }

    #[test]
    fn names_take_their_frequency_from_the_field_compared() {
        use crate::input::InputRecord;
        let person = |first: &str, last: &str, father: &str| InputRecord {
            first_name: first.into(),
            last_name: last.into(),
            father_name: father.into(),
            ..Default::default()
        };
        // `Ali` and `Reza` are each the given name of two records; `Ali` is also the
        // father's name of many, `Reza` of none.
        let mut rows = vec![
            person("Ali", "Karimi", ""),
            person("Ali", "Karimi", ""),
            person("Reza", "Karimi", ""),
            person("Reza", "Karimi", ""),
        ];
        for i in 0..20 {
            rows.push(person(&format!("Name{i}"), &format!("Family{i}"), "Ali"));
        }
        let table = crate::prepare::prepare(&rows);
        let model = Model::new(
            LEVELS.map(|l| vec![1.0 / l as f64; l]),
            LEVELS.map(|l| vec![1.0 / l as f64; l]),
            0.01,
            Vec::new(),
            [0, 1, 2].map(|f| table.agreement_rate(f)),
        );
        let r = &table.records;
        let ali = compare(&table, &r[0], &r[1]);
        let reza = compare(&table, &r[2], &r[3]);
        assert_eq!(ali.gamma, reza.gamma);
        assert_ne!(ali.keys[0], NONE);
        let (w_ali, w_reza) = (model.weight(&table, &ali), model.weight(&table, &reza));
        assert!((w_ali - w_reza).abs() < 1e-9, "{w_ali} {w_reza}");
    }

    #[test]
    fn probability_of_weights() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        assert!(probability(10.0) > 0.999);
        assert!(probability(-10.0) < 0.001);
    }
}
