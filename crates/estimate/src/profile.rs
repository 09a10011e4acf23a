//! The profile-likelihood interval for the population size (Cormack 1992), as Rcapture's
//! `closedpCI.t` computes it: for each candidate N the table is completed with `N − n` people
//! in the unobserved cell and refitted; the multinomial profile log-likelihood is
//! `−D(N)/2 + log N! − log n0! + n0 log n0 − N log N` (Stirling's form above 100, as
//! Rcapture), and the 95% interval is where it stays within `χ²₁(0.95)/2` of its maximum.

use crate::models::{FittedModel, fit_with_chao};
use crate::table::Table;

/// `qchisq(0.95, 1) / 2`.
const HALF_CHI2_95: f64 = 3.841_458_820_694_124 / 2.0;
/// Rcapture searches the upper bound up to this multiple of the Poisson estimate.
pub const MAX_UPPER_FACTOR: f64 = 3.0;

/// The interval and the multinomial estimate at its centre.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileInterval {
    /// The N that maximises the profile likelihood.
    pub estimate: f64,
    /// Never below n, the number of people observed.
    pub low: f64,
    /// `None` when the likelihood has not fallen enough by `3 × N`: the data set no upper
    /// bound.
    pub high: Option<f64>,
    /// The lower bound had to be set to n.
    pub low_is_observed: bool,
}

/// Computes the interval for a fitted model and fills it into the model.
pub fn add_profile_interval(table: &Table, model: &mut FittedModel) {
    if model.fit.aliased() {
        model
            .warnings
            .push("no interval: the model's design is not of full rank for this table".into());
        return;
    }
    match profile_interval(table, model) {
        Ok(ci) => {
            model.profile_estimate = Some(ci.estimate);
            model.ci_low = Some(ci.low);
            model.ci_high = ci.high;
            model.ci_method = Some("profile".into());
            if ci.low_is_observed {
                model.warnings.push(
                    "the interval's lower end is the number of people observed: the data do not rule out that almost everyone was recorded".into(),
                );
            }
            if ci.high.is_none() {
                model.warnings.push(format!(
                    "the interval has no upper end within {MAX_UPPER_FACTOR} times the estimate ({:.0}): the data cannot say how large the total may be",
                    MAX_UPPER_FACTOR * model.estimate
                ));
            }
        }
        Err(e) => model
            .warnings
            .push(format!("no profile-likelihood interval: {e}")),
    }
}

pub fn profile_interval(table: &Table, model: &FittedModel) -> Result<ProfileInterval, String> {
    let n = table.observed();
    let poisson_n = model.estimate;
    let design = model.design.with_zero_row();
    let mut y: Vec<f64> = table.counts().to_vec();
    y.push(0.0);
    let failure: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    let mut loglik = |total: f64| -> f64 {
        let n0 = (total - n).max(0.0);
        *y.last_mut().expect("the unobserved cell") = n0;
        // Every fit starts afresh, as R's does: a start from a distant neighbour's fitted
        // values can send the iterations astray.
        let fit = match fit_with_chao(&y, design.clone(), model.chao_fixed) {
            Ok((fit, _, _)) => fit,
            Err(e) => {
                failure.borrow_mut().get_or_insert(e);
                return f64::NEG_INFINITY;
            }
        };
        -fit.deviance / 2.0 + correction(total, n0)
    };
    let upper_limit = MAX_UPPER_FACTOR * poisson_n;
    let (estimate, max) = maximise(&mut loglik, n, 1.5 * poisson_n);
    if let Some(e) = failure.borrow_mut().take() {
        return Err(e);
    }
    let target = max - HALF_CHI2_95;
    let mut shifted = |x: f64| loglik(x) - target;
    let (low, low_is_observed) = if shifted(n) < 0.0 {
        (root(&mut shifted, n, estimate), false)
    } else {
        (n, true)
    };
    let high = if shifted(upper_limit) < 0.0 {
        Some(root(&mut shifted, estimate, upper_limit))
    } else {
        None
    };
    Ok(ProfileInterval {
        estimate,
        low,
        high,
        low_is_observed,
    })
}

/// `log(n0^n0 N! / (N^N n0!))`, in Stirling's form when `N > 100` (Rcapture's choice).
///
/// Below one unobserved person Stirling's form for `log n0!` is no approximation at all: it
/// runs to +∞ as `n0 → 0`, and a root finder can mistake that spike for the lower bound. There
/// the `n0` part is computed exactly; it agrees with Rcapture at `n0 = 0` and `n0 = 1`.
fn correction(total: f64, n0: f64) -> f64 {
    let exact_n0 = |n0: f64| {
        let n0_log_n0 = if n0 == 0.0 { 0.0 } else { n0 * n0.ln() };
        n0_log_n0 - libm::lgamma(n0 + 1.0)
    };
    if total > 100.0 {
        let stirling_total = -total + 0.5 * (2.0 * std::f64::consts::PI * total).ln();
        if n0 <= 1.0 {
            stirling_total + exact_n0(n0)
        } else {
            n0 - total - 0.5 * (n0 / total).ln()
        }
    } else {
        exact_n0(n0) + libm::lgamma(total + 1.0) - total * total.ln()
    }
}

/// Brent's minimiser (the algorithm of R's `optimize`), maximising `f` on `[a, b]`.
/// Returns the argument and the maximum.
fn maximise(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let golden = 0.5 * (3.0 - 5f64.sqrt());
    let tol = 1e-10 * (a.abs() + b.abs()).max(1.0);
    let (mut a, mut b) = (a, b);
    let mut v = a + golden * (b - a);
    let mut w = v;
    let mut x = v;
    let mut fx = -f(x);
    let (mut fv, mut fw) = (fx, fx);
    let mut d: f64 = 0.0;
    let mut e: f64 = 0.0;
    for _ in 0..200 {
        let xm = 0.5 * (a + b);
        let tol1 = f64::EPSILON.sqrt() * x.abs() + tol / 3.0;
        let tol2 = 2.0 * tol1;
        if (x - xm).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden_step = true;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            } else {
                q = -q;
            }
            let r = e;
            e = d;
            if p.abs() < (0.5 * q * r).abs() && p > q * (a - x) && p < q * (b - x) {
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = if x < xm { tol1 } else { -tol1 };
                }
                golden_step = false;
            }
        }
        if golden_step {
            e = if x < xm { b - x } else { a - x };
            d = golden * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else if d > 0.0 {
            x + tol1
        } else {
            x - tol1
        };
        let fu = -f(u);
        if fu <= fx {
            if u < x {
                b = x;
            } else {
                a = x;
            }
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if fu <= fv || v == x || v == w {
                v = u;
                fv = fu;
            }
        }
    }
    (x, -fx)
}

/// Brent's root finder (R's `uniroot`, `zeroin`) on `[a, b]`, where `f(a)` and `f(b)` have
/// opposite signs.
fn root(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> f64 {
    let tol = 1e-9 * (a.abs() + b.abs()).max(1.0);
    let (mut a, mut b) = (a, b);
    let mut fa = f(a);
    let mut fb = f(b);
    let mut c = a;
    let mut fc = fa;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * tol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * xm * q - (tol1 * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_a_maximum_and_a_root() {
        let (x, fx) = maximise(&mut |x: f64| -(x - 3.0).powi(2) + 2.0, 0.0, 10.0);
        assert!((x - 3.0).abs() < 1e-6 && (fx - 2.0).abs() < 1e-12);
        let r = root(&mut |x: f64| x * x - 2.0, 0.0, 2.0);
        assert!((r - 2f64.sqrt()).abs() < 1e-8);
    }
}
