//! Bayesian latent-class multiple systems estimation, as in LCMCR (Manrique-Vallier 2016,
//! "Bayesian population size estimation using Dirichlet process mixtures", *Biometrics*
//! 72(4)).
//!
//! People fall into latent classes; within a class, being on one list is independent of being
//! on another, but the chance of being on each list differs from class to class. That lets the
//! lists be dependent through who is easy or hard to record, the usual reason lists overlap
//! more (or less) than chance. The number of classes is left to the data through a truncated
//! stick-breaking (Dirichlet process) prior with `K` classes at most.
//!
//! # Model
//!
//! For person `i` in class `k`, `P(on list j) = λ_jk` with `λ_jk ~ Beta(1, 1)`. Class weights
//! `ν` come from sticks `V_k ~ Beta(1, α)`, `V_K = 1`, with `α ~ Gamma(a_α, b_α)` (shape, rate).
//! The population is `N = n + n0`, with the prior `p(N) ∝ 1/N`, so that given everything else
//! `n0 ~ NegativeBinomial(n, 1 − p0)` where `p0 = Σ_k ν_k Π_j (1 − λ_jk)` is the chance of
//! being on no list.
//!
//! # Sampler
//!
//! The Gibbs sampler follows the structure of LCMCR's C++ code (`CNPLCM_CR_Basic_Freq`), working
//! on capture patterns (cells) rather than people, so one iteration costs
//! `O(cells × K × lists)` however many people the lists hold:
//!
//! 1. for each observed cell, how many of its people are in each class (a multinomial);
//! 2. `λ_jk` from its Beta conditional, counting the `n0` unobserved people (all on no list)
//!    with the classes drawn for them in step 6 of the previous iteration;
//! 3. the sticks `V_k` and weights `ν_k`, in log space (log-gamma draws) so that small weights
//!    never underflow;
//! 4. `p0`;
//! 5. `n0` from its negative binomial (as a Poisson–gamma mixture);
//! 6. the classes of the `n0` unobserved people (a multinomial);
//! 7. `α` from its Gamma conditional.
//!
//! Each chain starts from `λ_jk` = the share of the `n` observed people on list `j`, `α = 0.3/K`
//! (as LCMCR's C++ code), weights 0.225 for the first four classes and the remaining 0.1 spread
//! over the others (uniform weights when `K ≤ 4`), and `n0 = 0`; it runs [`WARM_UP`] iterations of
//! steps 1–6 (without step 7), reorders the classes by decreasing weight, then runs the burn-in,
//! then keeps `N` every `thinning` iterations until it has `samples` draws.
//!
//! As in LCMCR, a draw of `n0` above [`N0_LIMIT`] × `n` is rejected and drawn again, so the
//! posterior of `N` is truncated at `(N0_LIMIT + 1) × n`. Unlike LCMCR, the sampler never loops
//! forever when that limit is almost always exceeded: after 100 rejections in a row it draws
//! from the truncated distribution directly. If the chance of being on no list reaches
//! `1 − 10⁻¹²` it is held there. Both events are reported in the estimate's warnings.
//!
//! Random numbers come from ChaCha8 (`rand_chacha`) seeded with `seed`, chain `c` using stream
//! `c`, so a seed always gives the same draws regardless of how the chains' threads are
//! scheduled.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Gamma, Poisson};
use serde::Serialize;

use crate::{EstimateError, Table};

/// Iterations every chain runs before its burn-in, without updating `α`, as LCMCR does.
pub const WARM_UP: usize = 500;

/// LCMCR never imputes more than `N0_LIMIT × n` unobserved people (`n` observed): larger draws
/// of `n0` are rejected and drawn again.
pub const N0_LIMIT: u64 = 20;

/// The largest chance of being on no list the sampler works with.
const P0_MAX: f64 = 1.0 - 1e-12;

/// Rejections of `n0` in a row before drawing from the truncated distribution directly.
const N0_TRIES: usize = 100;

/// The probabilities reported in [`LcmcrEstimate::quantiles`].
pub const QUANTILE_PROBS: [f64; 7] = [0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975];

/// Settings of the latent-class sampler. The defaults are LCMCR's usual ones, with two chains.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LcmcrOptions {
    /// The largest number of latent classes (the stick-breaking truncation, LCMCR's `K`).
    pub k: usize,
    /// Shape of the Gamma prior on the concentration `α`.
    pub a_alpha: f64,
    /// Rate of the Gamma prior on the concentration `α`.
    pub b_alpha: f64,
    /// Iterations discarded at the start of each chain (after the warm-up).
    pub burnin: usize,
    /// Draws of `N` kept from each chain.
    pub samples: usize,
    /// Iterations per kept draw.
    pub thinning: usize,
    /// Seed of the random numbers: the same seed gives the same estimate.
    pub seed: u64,
    /// Independent chains, run in parallel; their draws are pooled.
    pub chains: usize,
}

impl Default for LcmcrOptions {
    fn default() -> Self {
        LcmcrOptions {
            k: 10,
            a_alpha: 0.25,
            b_alpha: 0.25,
            burnin: 10_000,
            samples: 1_000,
            thinning: 10,
            seed: 1,
            chains: 2,
        }
    }
}

/// The posterior of the population size `N` (observed plus unobserved people).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LcmcrEstimate {
    /// Posterior median of `N`.
    pub median: f64,
    /// Posterior mean of `N`.
    pub mean: f64,
    /// Posterior standard deviation of `N`.
    pub sd: f64,
    /// Lower end of the 95% credible interval (the 2.5% quantile).
    pub ci_low: f64,
    /// Upper end of the 95% credible interval (the 97.5% quantile).
    pub ci_high: f64,
    /// `(probability, value)` for the probabilities in [`QUANTILE_PROBS`], computed as R's
    /// `quantile()` does by default (type 7, linear interpolation).
    pub quantiles: Vec<(f64, f64)>,
    /// The number of draws summarised (all chains together).
    pub draws: usize,
    /// The number of chains.
    pub chains: usize,
    /// Split-R̂ (Gelman–Rubin, each chain cut in two halves) of `N`; near 1 when the chains
    /// agree. Not a number when a chain has fewer than four draws.
    pub r_hat: f64,
    /// The number of independent draws the pooled, autocorrelated draws are worth.
    pub effective_draws: f64,
    /// Whether `r_hat < 1.1`.
    pub converged: bool,
    /// The settings used.
    pub options: LcmcrOptions,
    /// Cautions about this estimate, in plain words.
    pub warnings: Vec<String>,
}

/// Estimates the population size with the latent-class model of LCMCR (see the module docs).
pub fn lcmcr(table: &Table, options: &LcmcrOptions) -> Result<LcmcrEstimate, EstimateError> {
    validate(options)?;
    let cells = Cells::from_table(table)?;
    let outputs: Vec<Result<ChainOutput, EstimateError>> = std::thread::scope(|scope| {
        let cells = &cells;
        let handles: Vec<_> = (0..options.chains)
            .map(|c| scope.spawn(move || run_chain(cells, options, c)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(EstimateError::Fit(
                        "the latent-class sampler stopped unexpectedly; please report this table"
                            .to_string(),
                    ))
                })
            })
            .collect()
    });
    let outputs = outputs.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(summarise(table, &cells, options, &outputs))
}

fn validate(options: &LcmcrOptions) -> Result<(), EstimateError> {
    let input = |message: String| Err(EstimateError::Input(message));
    if options.k < 2 {
        return input(format!(
            "the latent-class model needs k of at least 2 classes, not {}; 10 is the usual choice",
            options.k
        ));
    }
    if options.samples == 0 {
        return input("samples must be at least 1; 1000 draws is the usual choice".to_string());
    }
    if options.thinning == 0 {
        return input("thinning must be at least 1 (1 keeps every iteration)".to_string());
    }
    if options.chains == 0 {
        return input(
            "chains must be at least 1; two or more let the sampler check that they agree"
                .to_string(),
        );
    }
    for (name, value) in [("a_alpha", options.a_alpha), ("b_alpha", options.b_alpha)] {
        if !(value.is_finite() && value > 0.0) {
            return input(format!(
                "{name} must be a positive number, not {value}; 0.25 is LCMCR's default"
            ));
        }
    }
    let iterations = options
        .samples
        .checked_mul(options.thinning)
        .and_then(|i| i.checked_add(options.burnin));
    if iterations.is_none() {
        return input(
            "burnin + samples × thinning is too large a number of iterations; lower them"
                .to_string(),
        );
    }
    Ok(())
}

/// The observed capture patterns with at least one person.
struct Cells {
    lists: usize,
    /// Bit `j` set: on list `j`.
    patterns: Vec<u32>,
    counts: Vec<u64>,
    /// The number of people observed.
    n: u64,
    /// People on each list.
    list_sizes: Vec<u64>,
}

impl Cells {
    fn from_table(table: &Table) -> Result<Cells, EstimateError> {
        let lists = table.t();
        let mut patterns = Vec::new();
        let mut counts = Vec::new();
        let mut list_sizes = vec![0u64; lists];
        for (row, &count) in table.counts().iter().enumerate() {
            if !(count.is_finite() && count >= 0.0 && count.fract() == 0.0 && count < 9e15) {
                return Err(EstimateError::Input(format!(
                    "the latent-class model needs whole numbers of people; capture pattern {} has {count}",
                    pattern_text(table.pattern(row), lists)
                )));
            }
            if count == 0.0 {
                continue;
            }
            let count = count as u64;
            let pattern = table.pattern(row);
            for (j, size) in list_sizes.iter_mut().enumerate() {
                if pattern >> j & 1 == 1 {
                    *size += count;
                }
            }
            patterns.push(pattern);
            counts.push(count);
        }
        let n: u64 = counts.iter().sum();
        if n == 0 {
            return Err(EstimateError::Input(
                "every count is zero; there is nobody to estimate from".to_string(),
            ));
        }
        Ok(Cells {
            lists,
            patterns,
            counts,
            n,
            list_sizes,
        })
    }
}

/// A pattern as 0/1 digits, first list leftmost.
fn pattern_text(pattern: u32, lists: usize) -> String {
    (0..lists)
        .map(|j| if pattern >> j & 1 == 1 { '1' } else { '0' })
        .collect()
}

/// What one chain hands back.
struct ChainOutput {
    /// Kept draws of `N`.
    draws: Vec<f64>,
    /// Iterations after the burn-in.
    iterations: u64,
    /// Of those, iterations where `p0` was held at [`P0_MAX`].
    p0_held: u64,
    /// Of those, iterations where a draw of `n0` above the limit was rejected.
    n0_limited: u64,
}

fn run_chain(
    cells: &Cells,
    options: &LcmcrOptions,
    index: usize,
) -> Result<ChainOutput, EstimateError> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    rng.set_stream(index as u64);
    let mut chain = Chain::new(cells, options.k, options.a_alpha, options.b_alpha, rng);
    for _ in 0..WARM_UP {
        chain.iterate(false)?;
    }
    chain.reorder_classes();
    for _ in 0..options.burnin {
        chain.iterate(true)?;
    }
    chain.recording = true;
    let mut draws = Vec::with_capacity(options.samples);
    for _ in 0..options.samples {
        for _ in 0..options.thinning {
            chain.iterate(true)?;
        }
        draws.push((cells.n + chain.n0) as f64);
    }
    Ok(ChainOutput {
        draws,
        iterations: (options.samples * options.thinning) as u64,
        p0_held: chain.p0_held,
        n0_limited: chain.n0_limited,
    })
}

/// The state of one Gibbs chain.
struct Chain<'a> {
    cells: &'a Cells,
    k: usize,
    a_alpha: f64,
    b_alpha: f64,
    alpha: f64,
    /// `log ν_k`.
    log_nu: Vec<f64>,
    /// `log λ_jk` at `[k * lists + j]`.
    log_on: Vec<f64>,
    /// `log (1 − λ_jk)` at `[k * lists + j]`.
    log_off: Vec<f64>,
    /// People of observed cell `m` in class `k`, at `[m * K + k]`.
    count_zik: Vec<u64>,
    /// Unobserved people in class `k`.
    count0k: Vec<u64>,
    /// All people (observed and not) in class `k`.
    count_k: Vec<u64>,
    /// Observed people of class `k` on list `j`, at `[k * lists + j]` (scratch).
    on_list: Vec<u64>,
    /// `log ν_k + Σ_j log(1 − λ_jk)`: the log chance of being in class `k` and on no list.
    log_zero: Vec<f64>,
    /// Multinomial weights (scratch).
    weights: Vec<f64>,
    /// Suffix sums of the weights (scratch).
    suffix: Vec<f64>,
    n0: u64,
    p0: f64,
    rng: ChaCha8Rng,
    /// Whether the burn-in is over (events are counted from then on).
    recording: bool,
    p0_held: u64,
    n0_limited: u64,
}

impl<'a> Chain<'a> {
    fn new(cells: &'a Cells, k: usize, a_alpha: f64, b_alpha: f64, rng: ChaCha8Rng) -> Chain<'a> {
        let lists = cells.lists;
        let n = cells.n as f64;
        let mut log_on = vec![0.0; k * lists];
        let mut log_off = vec![0.0; k * lists];
        for (j, &size) in cells.list_sizes.iter().enumerate() {
            let p = size as f64 / n;
            for c in 0..k {
                log_on[c * lists + j] = libm::log(p);
                log_off[c * lists + j] = libm::log1p(-p);
            }
        }
        let nu: Vec<f64> = if k > 4 {
            (0..k)
                .map(|c| if c < 4 { 0.225 } else { 0.1 / (k - 4) as f64 })
                .collect()
        } else {
            vec![1.0 / k as f64; k]
        };
        Chain {
            cells,
            k,
            a_alpha,
            b_alpha,
            alpha: 0.3 / k as f64,
            log_nu: nu.iter().map(|&v| libm::log(v)).collect(),
            log_on,
            log_off,
            count_zik: vec![0; cells.patterns.len() * k],
            count0k: vec![0; k],
            count_k: vec![0; k],
            on_list: vec![0; k * lists],
            log_zero: vec![0.0; k],
            weights: vec![0.0; k],
            suffix: vec![0.0; k],
            n0: 0,
            p0: 0.0,
            rng,
            recording: false,
            p0_held: 0,
            n0_limited: 0,
        }
    }

    /// One Gibbs iteration; `update_alpha` is false during the warm-up.
    fn iterate(&mut self, update_alpha: bool) -> Result<(), EstimateError> {
        self.sample_classes();
        self.sample_lambda();
        self.sample_nu();
        self.compute_p0();
        self.sample_n0();
        self.sample_unobserved_classes();
        if update_alpha {
            self.sample_alpha();
        }
        if !(self.p0.is_finite() && self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(EstimateError::Fit(
                "the latent-class sampler became numerically unstable; try fewer classes (k) or another seed"
                    .to_string(),
            ));
        }
        Ok(())
    }

    /// Step 1: the classes of each observed cell's people.
    fn sample_classes(&mut self) {
        let lists = self.cells.lists;
        let k = self.k;
        for (m, (&pattern, &count)) in self
            .cells
            .patterns
            .iter()
            .zip(&self.cells.counts)
            .enumerate()
        {
            let mut max = f64::NEG_INFINITY;
            for c in 0..k {
                let on = &self.log_on[c * lists..(c + 1) * lists];
                let off = &self.log_off[c * lists..(c + 1) * lists];
                let mut l = self.log_nu[c];
                for j in 0..lists {
                    l += if pattern >> j & 1 == 1 { on[j] } else { off[j] };
                }
                self.weights[c] = l;
                max = max.max(l);
            }
            for w in self.weights.iter_mut() {
                *w = libm::exp(*w - max);
            }
            multinomial(
                &mut self.rng,
                count,
                &self.weights,
                &mut self.suffix,
                &mut self.count_zik[m * k..(m + 1) * k],
            );
        }
    }

    /// Step 2: the capture probabilities of each class, counting the unobserved people.
    fn sample_lambda(&mut self) {
        let lists = self.cells.lists;
        let k = self.k;
        self.on_list.fill(0);
        self.count_k.copy_from_slice(&self.count0k);
        for (m, &pattern) in self.cells.patterns.iter().enumerate() {
            for c in 0..k {
                let z = self.count_zik[m * k + c];
                if z == 0 {
                    continue;
                }
                self.count_k[c] += z;
                let mut bits = pattern;
                while bits != 0 {
                    let j = bits.trailing_zeros() as usize;
                    self.on_list[c * lists + j] += z;
                    bits &= bits - 1;
                }
            }
        }
        for c in 0..k {
            for j in 0..lists {
                let on = self.on_list[c * lists + j];
                let off = self.count_k[c] - on;
                let g1 = log_gamma_draw(&mut self.rng, 1.0 + on as f64);
                let g0 = log_gamma_draw(&mut self.rng, 1.0 + off as f64);
                let total = log_sum_exp(g1, g0);
                self.log_on[c * lists + j] = g1 - total;
                self.log_off[c * lists + j] = g0 - total;
            }
        }
    }

    /// Step 3: the stick-breaking weights. Uses the class counts of step 2.
    fn sample_nu(&mut self) {
        let k = self.k;
        let everyone = self.cells.n + self.n0;
        let mut so_far = 0u64;
        let mut log_rest = 0.0;
        for c in 0..k - 1 {
            so_far += self.count_k[c];
            let a = 1.0 + self.count_k[c] as f64;
            let b = self.alpha + (everyone - so_far) as f64;
            let g1 = log_gamma_draw(&mut self.rng, a);
            let g2 = log_gamma_draw(&mut self.rng, b);
            let total = log_sum_exp(g1, g2);
            self.log_nu[c] = g1 - total + log_rest;
            log_rest += g2 - total;
        }
        self.log_nu[k - 1] = log_rest;
    }

    /// Step 4: the chance of being on no list.
    fn compute_p0(&mut self) {
        let lists = self.cells.lists;
        let mut p0 = 0.0;
        for c in 0..self.k {
            let l = self.log_nu[c] + self.log_off[c * lists..(c + 1) * lists].iter().sum::<f64>();
            self.log_zero[c] = l;
            p0 += libm::exp(l);
        }
        if p0 > P0_MAX {
            p0 = P0_MAX;
            if self.recording {
                self.p0_held += 1;
            }
        }
        self.p0 = p0;
    }

    /// Step 5: the number of people on no list, `n0 ~ NegativeBinomial(n, 1 − p0)`, at most
    /// `N0_LIMIT × n`.
    fn sample_n0(&mut self) {
        let n = self.cells.n as f64;
        let p0 = self.p0;
        // Also catches a p0 that is not a number; `iterate` reports that.
        if p0.is_nan() || p0 <= 0.0 {
            self.n0 = 0;
            return;
        }
        let limit = N0_LIMIT * self.cells.n;
        // A Poisson mean this far above the limit gives a draw under it with a chance below
        // e^-200: count it as rejected without drawing.
        let hopeless = limit as f64 + 20.0 * (limit as f64).sqrt() + 200.0;
        let mixing = Gamma::new(n, p0 / (1.0 - p0));
        let mut rejected = false;
        if let Ok(mixing) = mixing {
            for _ in 0..N0_TRIES {
                let mean: f64 = mixing.sample(&mut self.rng);
                let draw = if mean.is_nan() || mean <= 0.0 {
                    0
                } else if mean > hopeless {
                    u64::MAX
                } else {
                    match Poisson::new(mean) {
                        Ok(poisson) => {
                            let x: f64 = poisson.sample(&mut self.rng);
                            x as u64
                        }
                        Err(_) => u64::MAX,
                    }
                };
                if draw <= limit {
                    self.n0 = draw;
                    if rejected && self.recording {
                        self.n0_limited += 1;
                    }
                    return;
                }
                rejected = true;
            }
        }
        if self.recording {
            self.n0_limited += 1;
        }
        self.n0 = truncated_negative_binomial(&mut self.rng, n, p0, limit);
    }

    /// Step 6: the classes of the unobserved people.
    fn sample_unobserved_classes(&mut self) {
        if self.n0 == 0 {
            self.count0k.fill(0);
            return;
        }
        let max = self
            .log_zero
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        for (w, &l) in self.weights.iter_mut().zip(&self.log_zero) {
            *w = libm::exp(l - max);
        }
        multinomial(
            &mut self.rng,
            self.n0,
            &self.weights,
            &mut self.suffix,
            &mut self.count0k,
        );
    }

    /// Step 7: the concentration `α`.
    fn sample_alpha(&mut self) {
        let shape = self.a_alpha + (self.k - 1) as f64;
        let rate = self.b_alpha - self.log_nu[self.k - 1];
        self.alpha = match Gamma::new(shape, 1.0 / rate) {
            Ok(gamma) => gamma.sample(&mut self.rng),
            Err(_) => f64::NAN,
        };
    }

    /// Reorders the classes by decreasing weight (after the warm-up, as LCMCR does).
    fn reorder_classes(&mut self) {
        let k = self.k;
        let lists = self.cells.lists;
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| self.log_nu[b].total_cmp(&self.log_nu[a]));
        let permute = |values: &[f64], width: usize| -> Vec<f64> {
            order
                .iter()
                .flat_map(|&old| values[old * width..(old + 1) * width].iter().copied())
                .collect()
        };
        self.log_nu = permute(&self.log_nu, 1);
        self.log_on = permute(&self.log_on, lists);
        self.log_off = permute(&self.log_off, lists);
        self.count0k = order.iter().map(|&old| self.count0k[old]).collect();
        let cells = self.cells.patterns.len();
        let mut count_zik = vec![0; cells * k];
        for m in 0..cells {
            for (new, &old) in order.iter().enumerate() {
                count_zik[m * k + new] = self.count_zik[m * k + old];
            }
        }
        self.count_zik = count_zik;
    }
}

/// `log(e^a + e^b)`.
fn log_sum_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if hi == f64::NEG_INFINITY {
        return hi;
    }
    hi + libm::log1p(libm::exp(lo - hi))
}

/// `log G` for `G ~ Gamma(shape, 1)`, without underflow for small shapes: for `shape < 1`,
/// `G = G' U^(1/shape)` with `G' ~ Gamma(shape + 1, 1)` and `U` uniform (Robert & Casella 2004).
fn log_gamma_draw(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let Ok(gamma) = Gamma::new(shape + 1.0, 1.0) else {
            return f64::NAN;
        };
        let g: f64 = gamma.sample(rng);
        // In (0, 1].
        let u = 1.0 - rng.r#gen::<f64>();
        libm::log(g) + libm::log(u) / shape
    } else {
        let Ok(gamma) = Gamma::new(shape, 1.0) else {
            return f64::NAN;
        };
        libm::log(gamma.sample(rng))
    }
}

/// Splits `total` among the classes with probabilities proportional to `weights`, by
/// sequential binomials. Weights that are not positive numbers get nobody.
fn multinomial(
    rng: &mut ChaCha8Rng,
    total: u64,
    weights: &[f64],
    suffix: &mut [f64],
    out: &mut [u64],
) {
    out.fill(0);
    if total == 0 {
        return;
    }
    let weight = |w: f64| if w > 0.0 && w.is_finite() { w } else { 0.0 };
    let mut sum = 0.0;
    for (s, &w) in suffix.iter_mut().zip(weights).rev() {
        sum += weight(w);
        *s = sum;
    }
    let Some(last) = weights.iter().rposition(|&w| weight(w) > 0.0) else {
        // Nothing to go on: spread evenly by chance.
        let k = out.len() as u64;
        for _ in 0..total {
            out[rng.gen_range(0..k) as usize] += 1;
        }
        return;
    };
    if total == 1 {
        let u = rng.r#gen::<f64>() * sum;
        let mut acc = 0.0;
        for (c, &w) in weights.iter().enumerate().take(last) {
            acc += weight(w);
            if u < acc {
                out[c] = 1;
                return;
            }
        }
        out[last] = 1;
        return;
    }
    let mut remaining = total;
    for c in 0..last {
        let w = weight(weights[c]);
        if w == 0.0 {
            continue;
        }
        let p = (w / suffix[c]).min(1.0);
        let x = match Binomial::new(remaining, p) {
            Ok(binomial) => binomial.sample(rng),
            Err(_) => 0,
        };
        out[c] = x;
        remaining -= x;
        if remaining == 0 {
            return;
        }
    }
    out[last] = remaining;
}

/// A draw from the negative binomial `P(k) ∝ Γ(n + k) / k! · p0^k` restricted to
/// `0 ≤ k ≤ limit`, by inversion over the part of the range that holds all but a negligible
/// share (below e^-46 relative to the mode) of the probability.
fn truncated_negative_binomial(rng: &mut ChaCha8Rng, n: f64, p0: f64, limit: u64) -> u64 {
    let log_p0 = libm::log(p0);
    let log_weight = |k: u64| {
        let k = k as f64;
        libm::lgamma(n + k) - libm::lgamma(k + 1.0) + k * log_p0
    };
    // The weights rise while (n + k) p0 > k + 1, then fall.
    let mode = ((n - 1.0) * p0 / (1.0 - p0)).floor().max(0.0);
    let mode = if mode >= limit as f64 {
        limit
    } else {
        mode as u64
    };
    let top = log_weight(mode);
    const NEGLIGIBLE: f64 = -46.0;
    // Step from k to k + 1 (up) or k - 1 (down) in log weight.
    let up = |k: u64| libm::log((n + k as f64) / (k as f64 + 1.0)) + log_p0;
    let mut low = mode;
    let mut l = 0.0;
    while low > 0 && l > NEGLIGIBLE {
        l -= up(low - 1);
        low -= 1;
    }
    let mut total = 0.0;
    let mut l = log_weight(low) - top;
    let mut k = low;
    loop {
        total += libm::exp(l);
        if k == limit || (k > mode && l < NEGLIGIBLE) {
            break;
        }
        l += up(k);
        k += 1;
    }
    let high = k;
    let target = rng.r#gen::<f64>() * total;
    let mut acc = 0.0;
    let mut l = log_weight(low) - top;
    for k in low..high {
        acc += libm::exp(l);
        if acc > target {
            return k;
        }
        l += up(k);
    }
    high
}

fn summarise(
    table: &Table,
    cells: &Cells,
    options: &LcmcrOptions,
    outputs: &[ChainOutput],
) -> LcmcrEstimate {
    let chains: Vec<&[f64]> = outputs.iter().map(|o| o.draws.as_slice()).collect();
    let mut pooled: Vec<f64> = chains.iter().flat_map(|c| c.iter().copied()).collect();
    pooled.sort_by(f64::total_cmp);
    let draws = pooled.len();
    let mean = pooled.iter().sum::<f64>() / draws as f64;
    let sd = if draws > 1 {
        (pooled.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (draws - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    let quantiles: Vec<(f64, f64)> = QUANTILE_PROBS
        .iter()
        .map(|&p| (p, quantile_sorted(&pooled, p)))
        .collect();
    let (r_hat, effective_draws) = split_r_hat(&chains);
    let converged = r_hat < 1.1;
    let n = cells.n as f64;
    let ci_high = quantile_sorted(&pooled, 0.975);

    let mut warnings = Vec::new();
    if table.t() < 3 {
        warnings.push(
            "latent-class models need at least three lists; with two, use Chapman".to_string(),
        );
    }
    if r_hat.is_nan() {
        warnings.push(
            "too few draws to check that the chains agree; ask for more samples (--samples)"
                .to_string(),
        );
    } else if !converged {
        warnings.push(format!(
            "the chains disagree (R-hat {r_hat:.2}); run more iterations (--burnin / --samples)"
        ));
    }
    if ci_high > 10.0 * n {
        warnings.push(format!(
            "the posterior has a very long upper tail: its 97.5% point ({ci_high:.0}) is more than ten times the {n:.0} people observed, so the lists say little about how many they missed"
        ));
    }
    let iterations: u64 = outputs.iter().map(|o| o.iterations).sum();
    let p0_held: u64 = outputs.iter().map(|o| o.p0_held).sum();
    if p0_held > 0 {
        warnings.push(format!(
            "in {p0_held} of {iterations} iterations the model put nearly everyone on no list (the chance was held at 1 − 10⁻¹²); the estimate is not reliable"
        ));
    }
    let n0_limited: u64 = outputs.iter().map(|o| o.n0_limited).sum();
    if n0_limited as f64 >= 0.001 * iterations as f64 {
        warnings.push(format!(
            "in {:.1}% of iterations the number of people on no list reached LCMCR's limit of {N0_LIMIT} times the {n:.0} observed; the upper end of the estimate is set by that limit, not by the lists",
            100.0 * n0_limited as f64 / iterations as f64
        ));
    }

    LcmcrEstimate {
        median: quantile_sorted(&pooled, 0.5),
        mean,
        sd,
        ci_low: quantile_sorted(&pooled, 0.025),
        ci_high,
        quantiles,
        draws,
        chains: outputs.len(),
        r_hat,
        effective_draws,
        converged,
        options: options.clone(),
        warnings,
    }
}

/// R's `quantile(x, p, type = 7)` of sorted, non-empty `x`.
fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    let index = (x.len() - 1) as f64 * p;
    let lo = index.floor() as usize;
    let hi = index.ceil() as usize;
    let h = index - lo as f64;
    if h > 0.0 && x[hi] != x[lo] {
        (1.0 - h) * x[lo] + h * x[hi]
    } else {
        x[lo]
    }
}

/// Split-R̂ (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., §11.4) and the effective
/// number of draws (same reference, with Geyer's initial monotone sequence, as Stan computes
/// it) of equally long chains.
fn split_r_hat(chains: &[&[f64]]) -> (f64, f64) {
    let len = chains.iter().map(|c| c.len()).min().unwrap_or(0);
    let half = len / 2;
    if half < 2 {
        return (f64::NAN, f64::NAN);
    }
    let halves: Vec<&[f64]> = chains
        .iter()
        .flat_map(|c| [&c[..half], &c[c.len() - half..]])
        .collect();
    let m = halves.len() as f64;
    let len = half as f64;
    let means: Vec<f64> = halves.iter().map(|h| h.iter().sum::<f64>() / len).collect();
    let grand = means.iter().sum::<f64>() / m;
    let between = len * means.iter().map(|x| (x - grand) * (x - grand)).sum::<f64>() / (m - 1.0);
    let variances: Vec<f64> = halves
        .iter()
        .zip(&means)
        .map(|(h, mu)| h.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (len - 1.0))
        .collect();
    let within = variances.iter().sum::<f64>() / m;
    let total_draws = m * len;
    if within == 0.0 {
        return if between == 0.0 {
            (1.0, total_draws)
        } else {
            (f64::INFINITY, 1.0)
        };
    }
    let var_plus = (len - 1.0) / len * within + between / len;
    let r_hat = (var_plus / within).sqrt();

    // Autocorrelation at lag t, combining the halves.
    let rho = |t: usize| -> f64 {
        let mean_autocovariance = halves
            .iter()
            .zip(&means)
            .map(|(h, mu)| {
                (0..half - t)
                    .map(|i| (h[i] - mu) * (h[i + t] - mu))
                    .sum::<f64>()
                    / len
            })
            .sum::<f64>()
            / m;
        1.0 - (within - mean_autocovariance) / var_plus
    };
    let mut sum_pairs = 0.0;
    let mut previous = f64::INFINITY;
    let mut t = 0;
    while t + 1 < half {
        let pair = (if t == 0 { 1.0 } else { rho(t) }) + rho(t + 1);
        if pair < 0.0 {
            break;
        }
        let pair = pair.min(previous);
        sum_pairs += pair;
        previous = pair;
        t += 2;
    }
    let tau = (-1.0 + 2.0 * sum_pairs).max(1.0 / total_draws.log10().max(1.0));
    (r_hat, total_draws / tau)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_r_type_7() {
        // R: quantile(c(1, 2, 4, 8, 16), c(0.025, 0.5, 0.9)) = 1.1, 4, 12.8
        let x = [1.0, 2.0, 4.0, 8.0, 16.0];
        assert!((quantile_sorted(&x, 0.025) - 1.1).abs() < 1e-12);
        assert_eq!(quantile_sorted(&x, 0.5), 4.0);
        assert!((quantile_sorted(&x, 0.9) - 12.8).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[3.0], 0.975), 3.0);
    }

    #[test]
    fn multinomial_allocates_everyone() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let weights = [0.0, 1.0, 1e-300, 0.5, 0.0];
        let mut suffix = [0.0; 5];
        let mut out = [0u64; 5];
        for total in [0u64, 1, 2, 1000, 123_456] {
            multinomial(&mut rng, total, &weights, &mut suffix, &mut out);
            assert_eq!(out.iter().sum::<u64>(), total);
            assert_eq!(out[0] + out[4], 0);
        }
        multinomial(
            &mut rng,
            30,
            &[f64::NAN, 0.0],
            &mut suffix[..2],
            &mut out[..2],
        );
        assert_eq!(out[0] + out[1], 30);
    }

    #[test]
    fn truncated_negative_binomial_stays_under_the_limit() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..50 {
            let x = truncated_negative_binomial(&mut rng, 100.0, P0_MAX, 2000);
            assert!((1800..=2000).contains(&x), "{x}");
        }
        // Far from the limit it is the plain negative binomial: mean n p0 / (1 - p0) = 100.
        let mean = (0..2000)
            .map(|_| truncated_negative_binomial(&mut rng, 100.0, 0.5, 2000) as f64)
            .sum::<f64>()
            / 2000.0;
        assert!((mean - 100.0).abs() < 3.0, "{mean}");
    }

    #[test]
    fn log_gamma_draws_of_tiny_shapes_are_finite() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for shape in [1e-8, 0.01, 0.25, 0.999, 1.0, 7.5, 1e6] {
            let x = log_gamma_draw(&mut rng, shape);
            assert!(x.is_finite(), "{shape}: {x}");
        }
    }

    #[test]
    fn r_hat_is_near_one_for_agreeing_chains_and_large_otherwise() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let a: Vec<f64> = (0..500).map(|_| rng.r#gen::<f64>()).collect();
        let b: Vec<f64> = (0..500).map(|_| rng.r#gen::<f64>()).collect();
        let (r, ess) = split_r_hat(&[&a, &b]);
        assert!((r - 1.0).abs() < 0.02, "{r}");
        assert!(ess > 600.0 && ess < 1400.0, "{ess}");
        let c: Vec<f64> = b.iter().map(|x| x + 1.0).collect();
        let (r, _) = split_r_hat(&[&a, &c]);
        assert!(r > 1.5, "{r}");
    }
}
