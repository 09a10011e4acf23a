//! The latent-class estimator against R's LCMCR and against a population of known size.
//!
//! Reference data: the hepatitis A outbreak in northern Taiwan, 1995 (Chao, Tsay, Lin, Shau
//! and Chao 2001, "The applications of capture–recapture models to epidemiological data",
//! *Statistics in Medicine* 20), three lists of 271 people, as shipped with R's CARE1 package
//! (`HAV`). The posterior summaries in `shared/data/mse/reference.json` were computed with R's
//! LCMCR 0.4.14 for seeds 1–3 (K = 10, a = b = 0.25, burn-in 10000, 1000 samples, thinning
//! 100). Different generators give different draws, so the test compares distributions.

mod common;

use std::time::Instant;

use common::{reference_case, table as table_of};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rightsdoc_estimate::Table;
use rightsdoc_estimate::lcmcr::{LcmcrOptions, lcmcr};

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn hepatitis_a_matches_lcmcr() {
    let case = reference_case("hepatitisA_taiwan");
    let table = table_of(&case);
    assert_eq!(table.observed(), case["data"]["n"].as_f64().unwrap());
    let runs = case["lcmcr"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    let reference = |q: &str| mean(runs.iter().map(|r| r["quantiles"][q].as_f64().unwrap()));
    let (median, low, high) = (reference("50%"), reference("2.5%"), reference("97.5%"));
    let run = &runs[0];
    for seed in 1..=3 {
        let options = LcmcrOptions {
            k: run["K"].as_u64().unwrap() as usize,
            a_alpha: run["a_alpha"].as_f64().unwrap(),
            b_alpha: run["b_alpha"].as_f64().unwrap(),
            burnin: run["burnin"].as_u64().unwrap() as usize,
            samples: run["samples"].as_u64().unwrap() as usize,
            thinning: run["thinning"].as_u64().unwrap() as usize,
            seed,
            chains: 2,
        };
        let estimate = lcmcr(&table, &options).unwrap();
        let relative = |ours: f64, theirs: f64| (ours - theirs).abs() / theirs;
        eprintln!(
            "seed {seed}: median {} (LCMCR {median:.1}), 95% {:.1}–{:.1} (LCMCR {low:.1}–{high:.1}), mean {:.1}, sd {:.1}, R-hat {:.3}, effective draws {:.0}",
            estimate.median,
            estimate.ci_low,
            estimate.ci_high,
            estimate.mean,
            estimate.sd,
            estimate.r_hat,
            estimate.effective_draws
        );
        assert!(relative(estimate.median, median) < 0.05, "{estimate:?}");
        assert!(relative(estimate.ci_low, low) < 0.15, "{estimate:?}");
        assert!(relative(estimate.ci_high, high) < 0.15, "{estimate:?}");
        assert_eq!(estimate.draws, 2000);
        assert_eq!(estimate.chains, 2);
        assert!(estimate.converged, "{estimate:?}");
        assert!(estimate.warnings.is_empty(), "{:?}", estimate.warnings);
        assert_eq!(estimate.quantiles.len(), 7);
        assert_eq!(estimate.quantiles[3], (0.5, estimate.median));
        assert_eq!(estimate.quantiles[0].1, estimate.ci_low);
        assert_eq!(estimate.quantiles[6].1, estimate.ci_high);
    }
}

fn quick(seed: u64) -> LcmcrOptions {
    LcmcrOptions {
        burnin: 1000,
        samples: 300,
        thinning: 5,
        seed,
        ..LcmcrOptions::default()
    }
}

#[test]
fn the_same_seed_gives_the_same_estimate() {
    let table = table_of(&reference_case("hepatitisA_taiwan"));
    let first = lcmcr(&table, &quick(11)).unwrap();
    let second = lcmcr(&table, &quick(11)).unwrap();
    assert_eq!(first, second);
    let json = serde_json::to_string(&first).unwrap();
    assert_eq!(json, serde_json::to_string(&second).unwrap());
    assert!(json.contains("\"effective_draws\""));
    let other = lcmcr(&table, &quick(12)).unwrap();
    assert_ne!(first.quantiles, other.quantiles);
    assert_ne!(first.mean, other.mean);
}

/// A population of known size: `size` people in two latent classes with different chances
/// of being on each of four lists; the people no list recorded are dropped.
fn simulate(size: usize, seed: u64) -> Table {
    let classes = [(0.5, [0.7, 0.6, 0.65, 0.55]), (0.5, [0.35, 0.3, 0.4, 0.3])];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut patterns = Vec::new();
    for _ in 0..size {
        let (_, p) = if rng.r#gen::<f64>() < classes[0].0 {
            classes[0]
        } else {
            classes[1]
        };
        let pattern = (0..4).fold(0u32, |acc, j| {
            acc | u32::from(rng.r#gen::<f64>() < p[j]) << j
        });
        if pattern != 0 {
            patterns.push((pattern, 1.0));
        }
    }
    Table::from_patterns((1..=4).map(|j| format!("list{j}")).collect(), patterns).unwrap()
}

#[test]
fn recovers_a_known_population() {
    let size = 2000.0;
    let table = simulate(size as usize, 2016);
    let options = LcmcrOptions {
        burnin: 2000,
        samples: 1000,
        thinning: 5,
        ..LcmcrOptions::default()
    };
    let estimate = lcmcr(&table, &options).unwrap();
    eprintln!(
        "n = {}, median {}, 95% {}–{}, R-hat {:.3}",
        table.observed(),
        estimate.median,
        estimate.ci_low,
        estimate.ci_high,
        estimate.r_hat
    );
    assert!(
        estimate.ci_low <= size && size <= estimate.ci_high,
        "{estimate:?}"
    );
    assert!((estimate.median - size).abs() / size < 0.10, "{estimate:?}");
    assert!(estimate.converged, "{estimate:?}");
}

#[test]
fn two_lists_are_estimated_with_a_warning() {
    let table = Table::from_patterns(
        vec!["A".to_string(), "B".to_string()],
        [(0b11, 40.0), (0b01, 60.0), (0b10, 50.0)],
    )
    .unwrap();
    let estimate = lcmcr(&table, &quick(1)).unwrap();
    assert!(
        estimate
            .warnings
            .iter()
            .any(|w| w.contains("at least three lists")),
        "{:?}",
        estimate.warnings
    );
}

#[test]
fn bad_options_say_what_to_change() {
    let table = table_of(&reference_case("hepatitisA_taiwan"));
    let error = |options: LcmcrOptions| lcmcr(&table, &options).unwrap_err().to_string();
    let base = LcmcrOptions::default();
    assert!(
        error(LcmcrOptions {
            k: 1,
            ..base.clone()
        })
        .contains("at least 2")
    );
    assert!(
        error(LcmcrOptions {
            samples: 0,
            ..base.clone()
        })
        .contains("samples")
    );
    assert!(
        error(LcmcrOptions {
            thinning: 0,
            ..base.clone()
        })
        .contains("thinning")
    );
    assert!(
        error(LcmcrOptions {
            chains: 0,
            ..base.clone()
        })
        .contains("chains")
    );
    assert!(
        error(LcmcrOptions {
            a_alpha: 0.0,
            ..base.clone()
        })
        .contains("a_alpha")
    );
    assert!(
        error(LcmcrOptions {
            b_alpha: f64::NAN,
            ..base
        })
        .contains("b_alpha")
    );
    let fractional = Table::from_patterns(
        vec!["A".into(), "B".into(), "C".into()],
        [(0b001, 2.5), (0b011, 1.0)],
    )
    .unwrap();
    assert!(
        lcmcr(&fractional, &LcmcrOptions::default())
            .unwrap_err()
            .to_string()
            .contains("whole numbers")
    );
}

/// Lists that say nothing about the unobserved still give an answer, bounded by LCMCR's limit
/// of 20 × n unobserved, with warnings.
#[test]
fn a_hopeless_table_finishes_with_warnings() {
    // Three lists that never overlap: nothing links them, so the unobserved are unbounded.
    let table = Table::from_patterns(
        vec!["A".into(), "B".into(), "C".into()],
        [(0b001, 30.0), (0b010, 30.0), (0b100, 30.0)],
    )
    .unwrap();
    let estimate = lcmcr(&table, &quick(3)).unwrap();
    assert!(estimate.median.is_finite());
    assert!(estimate.ci_high <= 21.0 * 90.0);
    assert!(!estimate.warnings.is_empty());
}

#[test]
fn one_chain_is_enough_to_run() {
    let table = table_of(&reference_case("hepatitisA_taiwan"));
    let estimate = lcmcr(
        &table,
        &LcmcrOptions {
            chains: 1,
            ..quick(5)
        },
    )
    .unwrap();
    assert_eq!((estimate.chains, estimate.draws), (1, 300));
    assert!(estimate.r_hat.is_finite() && estimate.effective_draws > 0.0);
}

/// The goal: 10,000 iterations on four lists with about 4,000 people in under 5 s.
/// Run with `cargo test --release -- --ignored --nocapture timing`.
#[test]
#[ignore]
fn timing_four_lists_four_thousand_people() {
    let table = simulate(4500, 4);
    let options = LcmcrOptions {
        burnin: 5000,
        samples: 1000,
        thinning: 5,
        ..LcmcrOptions::default()
    };
    let start = Instant::now();
    let estimate = lcmcr(&table, &options).unwrap();
    eprintln!(
        "n = {}: {} iterations × {} chains in {:.2?} (median {})",
        table.observed(),
        options.burnin + options.samples * options.thinning,
        options.chains,
        start.elapsed(),
        estimate.median
    );
}
