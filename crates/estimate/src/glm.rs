//! Poisson log-linear regression by iteratively reweighted least squares, step for step as
//! R's `glm.fit` does it (Rcapture fits every model through `glm`).
//!
//! Matching R's iterations, not only its optimum, matters here: a capture table often has
//! empty cells, and then some coefficients run off towards −∞; R stops after its
//! convergence test passes, and the standard errors it reports come from that iterate. The
//! start (`mu = y + 0.1`), the test (`|dev − dev_old| / (|dev| + 0.1) < 1e-8`), the limit of
//! 25 iterations, the floor on `mu` and the covariance from the last weighted QR are all R's.
//! The QR uses LINPACK's `dqrdc2` rule (a column whose remaining norm falls below 1e-11 of
//! its original norm is moved to the end and left out), so an aliased term is dropped exactly
//! where R drops it; no linear-algebra crate pivots this way.

// Matrix arithmetic reads best with the indices written out.
#![allow(clippy::needless_range_loop)]

/// A design matrix, column-major: `columns[c][row]`. The intercept is not included; `fit`
/// adds it as the first coefficient.
#[derive(Clone, Debug)]
pub struct Design {
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
}

impl Design {
    pub fn new() -> Design {
        Design {
            names: Vec::new(),
            columns: Vec::new(),
        }
    }

    pub fn push(&mut self, name: impl Into<String>, column: Vec<f64>) {
        self.names.push(name.into());
        self.columns.push(column);
    }

    /// The same design without column `c`.
    pub fn without(&self, c: usize) -> Design {
        let mut d = self.clone();
        d.names.remove(c);
        d.columns.remove(c);
        d
    }

    /// The same design with one more row (the unobserved cell) where every column is zero.
    pub fn with_zero_row(&self) -> Design {
        let mut d = self.clone();
        for column in &mut d.columns {
            column.push(0.0);
        }
        d
    }
}

impl Default for Design {
    fn default() -> Self {
        Design::new()
    }
}

/// What R's `glm(…, family = poisson)` returns that the estimators use.
#[derive(Clone, Debug)]
pub struct Fit {
    /// Intercept first, then one per design column; `NaN` for an aliased column (R's `NA`).
    pub coefficients: Vec<f64>,
    /// `vcov(glm)`: the unscaled covariance (`NaN` rows and columns for aliased terms).
    pub covariance: Vec<Vec<f64>>,
    pub fitted: Vec<f64>,
    pub deviance: f64,
    pub df_residual: f64,
    pub aic: f64,
    pub rank: usize,
    pub converged: bool,
    pub iterations: usize,
}

impl Fit {
    pub fn aliased(&self) -> bool {
        self.coefficients.iter().any(|c| c.is_nan())
    }
}

const EPSILON: f64 = 1e-8;
const MAX_ITERATIONS: usize = 25;
/// `min(1e-7, epsilon / 1000)`, the QR tolerance `glm.fit` passes to `Cdqrls`.
const QR_TOLERANCE: f64 = 1e-11;

/// Fits `log mu = b0 + X b` to counts `y` (R: `glm(y ~ X, family = poisson)`).
pub fn fit(y: &[f64], design: &Design) -> Result<Fit, String> {
    let rows = y.len();
    let p = design.columns.len() + 1;
    let x = |row: usize, c: usize| {
        if c == 0 {
            1.0
        } else {
            design.columns[c - 1][row]
        }
    };
    let mut mu: Vec<f64> = y.iter().map(|v| v + 0.1).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut dev_old = deviance(y, &mu);
    let mut coef = vec![0.0; p];
    let mut qr = None;
    let mut converged = false;
    let mut iterations = 0;
    for iter in 1..=MAX_ITERATIONS {
        iterations = iter;
        // Working response and weights for the log link: d mu / d eta = mu = variance.
        let w: Vec<f64> = mu.iter().map(|m| m.sqrt()).collect();
        let z: Vec<f64> = (0..rows).map(|i| eta[i] + (y[i] - mu[i]) / mu[i]).collect();
        let mut a = vec![vec![0.0; rows]; p];
        for (c, col) in a.iter_mut().enumerate() {
            for (i, v) in col.iter_mut().enumerate() {
                *v = x(i, c) * w[i];
            }
        }
        let wz: Vec<f64> = (0..rows).map(|i| z[i] * w[i]).collect();
        let decomposition = Qr::new(a);
        let new_coef = decomposition.solve(&wz);
        if new_coef.iter().any(|c| !c.is_finite()) {
            return Err(format!(
                "the fit produced non-finite coefficients at iteration {iter}"
            ));
        }
        let mut start = new_coef;
        let mut new_eta: Vec<f64> = (0..rows)
            .map(|i| (0..p).map(|c| x(i, c) * start[c]).sum())
            .collect();
        let mut new_mu: Vec<f64> = new_eta.iter().map(|e| inverse_link(*e)).collect();
        let mut dev = deviance(y, &new_mu);
        // R halves the step while the deviance is not finite.
        let mut halvings = 0;
        while !dev.is_finite() {
            halvings += 1;
            if halvings > 50 {
                return Err("the fit diverged and could not be corrected".into());
            }
            for c in 0..p {
                start[c] = (start[c] + coef[c]) / 2.0;
            }
            new_eta = (0..rows)
                .map(|i| (0..p).map(|c| x(i, c) * start[c]).sum())
                .collect();
            new_mu = new_eta.iter().map(|e| inverse_link(*e)).collect();
            dev = deviance(y, &new_mu);
        }
        eta = new_eta;
        mu = new_mu;
        coef = start;
        qr = Some(decomposition);
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < EPSILON {
            converged = true;
            dev_old = dev;
            break;
        }
        dev_old = dev;
    }
    let qr = qr.expect("at least one iteration ran");
    let rank = qr.rank;
    for (k, &column) in qr.pivot.iter().enumerate() {
        if k >= rank {
            coef[column] = f64::NAN;
        }
    }
    let covariance = qr.unscaled_covariance(p);
    let aic = -2.0
        * y.iter()
            .zip(&mu)
            .map(|(&yi, &mi)| log_poisson(yi, mi))
            .sum::<f64>()
        + 2.0 * rank as f64;
    Ok(Fit {
        coefficients: coef,
        covariance,
        fitted: mu,
        deviance: dev_old,
        df_residual: (rows - rank) as f64,
        aic,
        rank,
        converged,
        iterations,
    })
}

/// R's `poisson()$linkinv`: `pmax(exp(eta), .Machine$double.eps)`.
fn inverse_link(eta: f64) -> f64 {
    eta.exp().max(f64::EPSILON)
}

/// The Poisson deviance `2 Σ (y log(y/mu) − (y − mu))`.
pub fn deviance(y: &[f64], mu: &[f64]) -> f64 {
    2.0 * y
        .iter()
        .zip(mu)
        .map(|(&yi, &mi)| {
            let log_term = if yi == 0.0 { 0.0 } else { yi * (yi / mi).ln() };
            log_term - (yi - mi)
        })
        .sum::<f64>()
}

/// `dpois(y, mu, log = TRUE)`, with `lgamma` for counts that are not whole.
fn log_poisson(y: f64, mu: f64) -> f64 {
    if y == 0.0 {
        -mu
    } else {
        y * mu.ln() - mu - libm::lgamma(y + 1.0)
    }
}

/// A Householder QR with LINPACK `dqrdc2`'s limited pivoting.
struct Qr {
    /// Column-major; after the decomposition the upper triangle holds R and the columns
    /// below the diagonal the Householder vectors (as in LINPACK).
    a: Vec<Vec<f64>>,
    qraux: Vec<f64>,
    /// `pivot[k]` is the original column now at position `k`.
    pivot: Vec<usize>,
    rank: usize,
}

impl Qr {
    fn new(mut a: Vec<Vec<f64>>) -> Qr {
        let p = a.len();
        let n = a.first().map_or(0, |c| c.len());
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let mut pivot: Vec<usize> = (0..p).collect();
        let mut qraux: Vec<f64> = a.iter().map(|c| norm(c)).collect();
        let mut work1 = qraux.clone();
        let mut work2: Vec<f64> = qraux
            .iter()
            .map(|&q| if q == 0.0 { 1.0 } else { q })
            .collect();
        let lup = n.min(p);
        let mut k = p + 1; // one past the last column still in play, 1-based as in LINPACK
        for l in 0..lup {
            // Move negligible columns to the end, keeping the order of the others.
            while l + 1 < k && qraux[l] < work2[l] * QR_TOLERANCE {
                a[l..].rotate_left(1);
                pivot[l..].rotate_left(1);
                qraux[l..].rotate_left(1);
                work1[l..].rotate_left(1);
                work2[l..].rotate_left(1);
                k -= 1;
            }
            if l + 1 == n {
                break;
            }
            let mut nrmxl = norm(&a[l][l..]);
            if nrmxl == 0.0 {
                continue;
            }
            if a[l][l] != 0.0 {
                nrmxl = nrmxl.copysign(a[l][l]);
            }
            for v in &mut a[l][l..] {
                *v /= nrmxl;
            }
            a[l][l] += 1.0;
            let (left, right) = a.split_at_mut(l + 1);
            let hl = &left[l];
            for (offset, col) in right.iter_mut().enumerate() {
                let j = l + 1 + offset;
                let dot: f64 = (l..n).map(|i| hl[i] * col[i]).sum();
                let t = -dot / hl[l];
                for i in l..n {
                    col[i] += t * hl[i];
                }
                if qraux[j] != 0.0 {
                    let tt = (1.0 - (col[l].abs() / qraux[j]).powi(2)).max(0.0);
                    if tt.abs() < 1e-6 {
                        qraux[j] = norm(&col[l + 1..]);
                        work1[j] = qraux[j];
                    } else {
                        qraux[j] *= tt.sqrt();
                    }
                }
            }
            qraux[l] = a[l][l];
            a[l][l] = -nrmxl;
        }
        let rank = (k - 1).min(n);
        let _ = work1;
        Qr {
            a,
            qraux,
            pivot,
            rank,
        }
    }

    /// Least-squares coefficients in the original column order; aliased columns get 0 (as
    /// `Cdqrls` leaves them inside the iterations).
    fn solve(&self, y: &[f64]) -> Vec<f64> {
        let n = y.len();
        let k = self.rank;
        let mut qty = y.to_vec();
        // Apply Q' (the Householder reflections of the first k columns).
        for l in 0..k.min(n.saturating_sub(1)) {
            if self.qraux[l] == 0.0 {
                continue;
            }
            let col = &self.a[l];
            let diag = self.qraux[l];
            let dot: f64 = diag * qty[l] + (l + 1..n).map(|i| col[i] * qty[i]).sum::<f64>();
            let t = -dot / diag;
            qty[l] += t * diag;
            for i in l + 1..n {
                qty[i] += t * col[i];
            }
        }
        // Back-substitute R b = Q'y over the first k columns.
        let mut b = vec![0.0; k];
        for row in (0..k).rev() {
            let mut s = qty[row];
            for c in row + 1..k {
                s -= self.a[c][row] * b[c];
            }
            b[row] = s / self.a[row][row];
        }
        let mut out = vec![0.0; self.a.len()];
        for (pos, &column) in self.pivot.iter().enumerate().take(k) {
            out[column] = b[pos];
        }
        out
    }

    /// `chol2inv(R)` over the estimable columns, mapped back to the original order.
    fn unscaled_covariance(&self, p: usize) -> Vec<Vec<f64>> {
        let k = self.rank;
        // Invert the upper-triangular R (k × k).
        let r = |i: usize, j: usize| self.a[j][i];
        let mut inv = vec![vec![0.0; k]; k];
        for j in 0..k {
            inv[j][j] = 1.0 / r(j, j);
            for i in (0..j).rev() {
                let s: f64 = (i + 1..=j).map(|m| r(i, m) * inv[m][j]).sum();
                inv[i][j] = -s / r(i, i);
            }
        }
        let mut cov = vec![vec![f64::NAN; p]; p];
        for a in 0..k {
            for b in 0..k {
                let s: f64 = (a.max(b)..k).map(|m| inv[a][m] * inv[b][m]).sum();
                cov[self.pivot[a]][self.pivot[b]] = s;
            }
        }
        cov
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn independence_of_two_lists_gives_lincoln_petersen() {
        // Cells 11, 10, 01 of Seber (1982, p. 107): N = n1 n2 / m.
        let y = [167.0, 781.0, 254.0];
        let mut d = Design::new();
        d.push("beta1", vec![1.0, 1.0, 0.0]);
        d.push("beta2", vec![1.0, 0.0, 1.0]);
        let f = fit(&y, &d).unwrap();
        let n1 = 167.0 + 781.0;
        let n2 = 167.0 + 254.0;
        let lp: f64 = n1 * n2 / 167.0;
        let n = 1202.0;
        assert!((n + f.coefficients[0].exp() - lp).abs() < 1e-6 * lp);
        assert!(f.converged && f.deviance.abs() < 1e-8);
        assert_eq!(f.rank, 3);
    }

    #[test]
    fn an_aliased_column_is_dropped_like_r_does() {
        let y = [10.0, 20.0, 30.0, 5.0];
        let mut d = Design::new();
        d.push("a", vec![1.0, 0.0, 1.0, 0.0]);
        d.push("twice_a", vec![2.0, 0.0, 2.0, 0.0]);
        d.push("b", vec![1.0, 1.0, 0.0, 0.0]);
        let f = fit(&y, &d).unwrap();
        assert_eq!(f.rank, 3);
        assert!(f.coefficients[2].is_nan());
        assert!(f.coefficients[1].is_finite() && f.coefficients[3].is_finite());
        assert!(f.aliased());
    }
}
