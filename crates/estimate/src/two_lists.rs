//! Two lists: the Lincoln–Petersen estimator and Chapman's nearly unbiased version, with
//! Seber's variance and Chao's (1987) log-transformed interval, which never goes below the
//! number of people observed.

use crate::table::Table;

/// `qnorm(0.975)`.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The two-list estimates for lists `a` and `b` of a table.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TwoLists {
    pub lists: [String; 2],
    /// On the first list, on the second, on both; `observed` = on either.
    pub n1: f64,
    pub n2: f64,
    pub both: f64,
    pub observed: f64,
    /// `n1 n2 / m`; `None` when no one is on both lists.
    pub lincoln_petersen: Option<f64>,
    pub se_lincoln_petersen: Option<f64>,
    /// `(n1 + 1)(n2 + 1)/(m + 1) − 1`.
    pub chapman: f64,
    pub se_chapman: f64,
    /// Chapman ± 1.96 se.
    pub wald_ci: [f64; 2],
    /// Chao's log-transformed interval: `n + f0 / C` to `n + f0 C`, with
    /// `C = exp(1.96 sqrt(log(1 + var / f0²)))` and `f0 = N − n`.
    pub ci: [f64; 2],
}

pub fn two_lists(table: &Table, a: usize, b: usize) -> TwoLists {
    let pair = table.pair(a, b);
    let counts = pair.counts(); // rows: 11, 10, 01
    let (m, only1, only2) = (counts[0], counts[1], counts[2]);
    let n1 = m + only1;
    let n2 = m + only2;
    let observed = m + only1 + only2;
    let (lincoln_petersen, se_lincoln_petersen) = if m > 0.0 {
        let var = n1 * n2 * (n1 - m) * (n2 - m) / m.powi(3);
        (Some(n1 * n2 / m), Some(var.sqrt()))
    } else {
        (None, None)
    };
    let chapman = (n1 + 1.0) * (n2 + 1.0) / (m + 1.0) - 1.0;
    let var = (n1 + 1.0) * (n2 + 1.0) * (n1 - m) * (n2 - m) / ((m + 1.0).powi(2) * (m + 2.0));
    let se = var.sqrt();
    let ci = log_normal_interval(observed, chapman, se).unwrap_or([observed, observed]);
    TwoLists {
        lists: [table.lists()[a].clone(), table.lists()[b].clone()],
        n1,
        n2,
        both: m,
        observed,
        lincoln_petersen,
        se_lincoln_petersen,
        chapman,
        se_chapman: se,
        wald_ci: [chapman - Z_95 * se, chapman + Z_95 * se],
        ci,
    }
}

/// Chao's (1987) interval: the unseen `f0 = N − n` taken as log-normal, so the interval never
/// reaches below the `observed`: `n + f0 / C` to `n + f0 C`, `C = exp(1.96 sqrt(log(1 + se² / f0²)))`.
pub fn log_normal_interval(observed: f64, estimate: f64, se: f64) -> Option<[f64; 2]> {
    let f0 = estimate - observed;
    if !(f0 > 0.0 && se.is_finite()) {
        return None;
    }
    let c = (Z_95 * (1.0 + se * se / (f0 * f0)).ln().sqrt()).exp();
    Some([observed + f0 / c, observed + f0 * c])
}

/// Every pair of lists, in order (1,2), (1,3), …
pub fn all_pairs(table: &Table) -> Vec<TwoLists> {
    let t = table.t();
    (0..t)
        .flat_map(|a| (a + 1..t).map(move |b| (a, b)))
        .map(|(a, b)| two_lists(table, a, b))
        .collect()
}
