//! Rcapture's closed-population models (`closedp.t`): M0, Mt, the heterogeneity models Mh
//! and Mth (Chao's lower bound, Poisson, Darroch, Gamma), and the behavioural models Mb and
//! Mbh. Each is a Poisson log-linear model of the capture table, and each is named as
//! Rcapture names it so results can be compared line by line.

// Matrix arithmetic reads best with the indices written out.
#![allow(clippy::needless_range_loop)]

use crate::EstimateError;
use crate::glm::{self, Design, Fit};
use crate::table::Table;

/// How capture probabilities vary between people.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Heterogeneity {
    /// Chao's lower bound: one η per number of captures from 3 up, negative ones set to 0.
    Chao,
    /// Rivest's Poisson model with parameter θ (`θ^k − 1`), Rcapture's default θ = 2.
    Poisson(f64),
    /// Darroch's model (`k² / 2`).
    Darroch,
    /// The Gamma model with parameter θ (`−log(θ + k) + log θ`), Rcapture's default 3.5.
    Gamma(f64),
}

impl Heterogeneity {
    /// Rcapture's label: `Chao (LB)`, `Poisson2`, `Darroch`, `Gamma3.5`.
    pub fn label(&self) -> String {
        match self {
            Heterogeneity::Chao => "Chao (LB)".into(),
            Heterogeneity::Poisson(theta) => format!("Poisson{}", number(*theta)),
            Heterogeneity::Darroch => "Darroch".into(),
            Heterogeneity::Gamma(theta) => format!("Gamma{}", number(*theta)),
        }
    }

    /// Reads `chao`, `lb`, `poisson`, `poisson2`, `darroch`, `gamma`, `gamma3.5`, …
    pub fn parse(text: &str) -> Option<Heterogeneity> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.trim_end_matches(" (lb)");
        let theta = |rest: &str, default: f64| -> Option<f64> {
            if rest.is_empty() {
                Some(default)
            } else {
                rest.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0)
            }
        };
        if t == "chao" || t == "lb" {
            Some(Heterogeneity::Chao)
        } else if t == "darroch" {
            Some(Heterogeneity::Darroch)
        } else if let Some(rest) = t.strip_prefix("poisson") {
            theta(rest, 2.0).map(Heterogeneity::Poisson)
        } else if let Some(rest) = t.strip_prefix("gamma") {
            theta(rest, 3.5).map(Heterogeneity::Gamma)
        } else {
            None
        }
    }

    /// The columns this heterogeneity adds, as functions of the number of captures.
    pub fn columns(&self, t: usize, captures: &[f64]) -> Vec<(String, Vec<f64>)> {
        match *self {
            Heterogeneity::Chao => (3..=t)
                .map(|j| {
                    let col = captures
                        .iter()
                        .map(|&k| (k - j as f64 + 1.0).max(0.0))
                        .collect();
                    (format!("eta{j}"), col)
                })
                .collect(),
            Heterogeneity::Poisson(theta) => vec![(
                "tau".into(),
                captures.iter().map(|&k| theta.powf(k) - 1.0).collect(),
            )],
            Heterogeneity::Darroch => {
                vec![(
                    "tau".into(),
                    captures.iter().map(|&k| k * k / 2.0).collect(),
                )]
            }
            Heterogeneity::Gamma(theta) => vec![(
                "tau".into(),
                captures
                    .iter()
                    .map(|&k| -(theta + k).ln() + theta.ln())
                    .collect(),
            )],
        }
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One of Rcapture's closed-population models.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClosedModel {
    M0,
    Mt,
    Mh(Heterogeneity),
    Mth(Heterogeneity),
    Mb,
    Mbh,
}

impl ClosedModel {
    /// The models `closedp.t` fits, in its order: M0, Mt and Mb for two lists; all twelve
    /// from three lists on.
    pub fn family(t: usize) -> Vec<ClosedModel> {
        use ClosedModel::*;
        use Heterogeneity::*;
        if t == 2 {
            return vec![M0, Mt, Mb];
        }
        vec![
            M0,
            Mt,
            Mh(Chao),
            Mh(Poisson(2.0)),
            Mh(Darroch),
            Mh(Gamma(3.5)),
            Mth(Chao),
            Mth(Poisson(2.0)),
            Mth(Darroch),
            Mth(Gamma(3.5)),
            Mb,
            Mbh,
        ]
    }

    /// Rcapture's name: `M0`, `Mt`, `Mh Chao (LB)`, `Mth Poisson2`, `Mb`, …
    pub fn name(&self) -> String {
        match self {
            ClosedModel::M0 => "M0".into(),
            ClosedModel::Mt => "Mt".into(),
            ClosedModel::Mh(h) => format!("Mh {}", h.label()),
            ClosedModel::Mth(h) => format!("Mth {}", h.label()),
            ClosedModel::Mb => "Mb".into(),
            ClosedModel::Mbh => "Mbh".into(),
        }
    }

    /// Reads a model name as Rcapture writes it (case and spacing are forgiven): `M0`, `Mt`,
    /// `Mh Chao`, `Mh Chao (LB)`, `Mth Poisson2`, `Mh Gamma3.5`, `Mb`, `Mbh`.
    pub fn parse(text: &str) -> Option<ClosedModel> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "m0" => return Some(ClosedModel::M0),
            "mt" => return Some(ClosedModel::Mt),
            "mb" => return Some(ClosedModel::Mb),
            "mbh" => return Some(ClosedModel::Mbh),
            _ => {}
        }
        if let Some(rest) = lower.strip_prefix("mth") {
            return Heterogeneity::parse(rest).map(ClosedModel::Mth);
        }
        if let Some(rest) = lower.strip_prefix("mh") {
            return Heterogeneity::parse(rest).map(ClosedModel::Mh);
        }
        None
    }

    /// The heterogeneity terms, if any.
    pub fn heterogeneity(&self) -> Option<Heterogeneity> {
        match self {
            ClosedModel::Mh(h) | ClosedModel::Mth(h) => Some(*h),
            _ => None,
        }
    }

    /// The design matrix (without the intercept) over the table's rows.
    pub fn design(&self, table: &Table) -> Design {
        let t = table.t();
        let rows = table.counts().len();
        let captures: Vec<f64> = (0..rows)
            .map(|r| table.pattern(r).count_ones() as f64)
            .collect();
        let mut d = Design::new();
        let per_list = |d: &mut Design| {
            for j in 0..t {
                let col = (0..rows)
                    .map(|r| f64::from(u8::from(table.on_list(r, j))))
                    .collect();
                d.push(format!("beta{}", j + 1), col);
            }
        };
        // Occasions before the first capture, and captures after it (the behavioural models).
        let before: Vec<f64> = (0..rows)
            .map(|r| table.pattern(r).trailing_zeros() as f64)
            .collect();
        let after: Vec<f64> = captures.iter().map(|k| k - 1.0).collect();
        match self {
            ClosedModel::M0 | ClosedModel::Mh(_) => d.push("beta", captures.clone()),
            ClosedModel::Mt | ClosedModel::Mth(_) => per_list(&mut d),
            ClosedModel::Mb => {
                d.push("beta1", before);
                d.push("beta2", after);
            }
            ClosedModel::Mbh => {
                let not_first = (0..rows)
                    .map(|r| f64::from(u8::from(!table.on_list(r, 0))))
                    .collect();
                d.push("eta", not_first);
                d.push("beta1", before);
                d.push("beta2", after);
            }
        }
        if let Some(h) = self.heterogeneity() {
            for (name, col) in h.columns(t, &captures) {
                d.push(name, col);
            }
        }
        d
    }

    /// Coefficients (with the intercept) that do not model heterogeneity; Chao's η come after.
    fn fixed_coefficients(&self, t: usize) -> usize {
        match self {
            ClosedModel::Mh(_) | ClosedModel::M0 => 2,
            _ => t + 1,
        }
    }
}

/// A fitted model with everything Rcapture reports about it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FittedModel {
    pub name: String,
    /// Rcapture's "abundance": the Poisson estimate of the population, `n + exp(β0)`
    /// (Mb and Mbh have their own formulas).
    pub estimate: f64,
    pub stderr: f64,
    pub deviance: f64,
    pub df: f64,
    pub aic: f64,
    pub bic: f64,
    /// The asymptotic bias of the estimate (Rivest & Lévesque 2001), when the fit allows it.
    pub bias: Option<f64>,
    /// The η terms of Chao's model that were negative and set to zero.
    pub eta_removed: Vec<String>,
    /// Coefficients by name, intercept first.
    pub coefficients: Vec<(String, f64)>,
    /// Plain-language notes about this fit (not converged, large bias, aliased terms).
    pub warnings: Vec<String>,
    /// Whether the data identify the estimate: false when the fit ends on a boundary (an
    /// empty capture pattern or the unobserved cell fitted as nobody), or the estimate is
    /// below the number observed. Such models are listed but never chosen.
    pub identified: bool,
    /// The 95% interval, when computed.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// How the interval was computed: `profile` (profile likelihood) or `log-normal`.
    pub ci_method: Option<String>,
    /// The multinomial (profile) maximum-likelihood estimate, with the profile interval.
    pub profile_estimate: Option<f64>,
    #[serde(skip)]
    pub(crate) fit: Fit,
    /// The design before any η was removed (the profile likelihood refits from it).
    #[serde(skip)]
    pub(crate) design: Design,
    /// Chao's η handling, kept for the profile likelihood: how many leading coefficients are
    /// not η (None when η are not removed).
    #[serde(skip)]
    pub(crate) chao_fixed: Option<usize>,
}

/// Fits the model to the table.
pub fn fit_closed(table: &Table, model: ClosedModel) -> Result<FittedModel, EstimateError> {
    let t = table.t();
    if matches!(model, ClosedModel::Mh(_) | ClosedModel::Mth(_)) && t < 3 {
        return Err(EstimateError::Input(format!(
            "{} needs at least three lists; this table has two",
            model.name()
        )));
    }
    let design = model.design(table);
    let chao = matches!(model.heterogeneity(), Some(Heterogeneity::Chao))
        .then(|| model.fixed_coefficients(t));
    let mut fitted = fit_design(table, &model.name(), design, chao)?;
    let fit = &fitted.fit;
    let b = &fit.coefficients;
    let v = &fit.covariance;
    let tf = t as f64;
    match model {
        ClosedModel::Mb => {
            let (e1, e2) = (b[1].exp(), b[2].exp());
            let n = b[0].exp() * (1.0 + e2).powf(tf) / (1.0 + e2 - e1);
            let g = [
                n,
                n * e1 / (1.0 + e2 - e1),
                n * (tf * e2 / (1.0 + e2) - e2 / (1.0 + e2 - e1)),
            ];
            fitted.estimate = n;
            fitted.stderr = (quadratic(&g, v) - n).sqrt();
        }
        ClosedModel::Mbh => {
            // Coefficients: intercept, eta (not on the first list), beta1, beta2.
            let (c3, c4) = (b[2].exp(), b[3].exp());
            let d = 1.0 + c4 - c3;
            let c23 = (b[1] + b[2]).exp();
            let scale = b[0].exp() * (1.0 + c4).powf(tf - 1.0);
            let n = scale * (1.0 + c23 / d);
            let g = [
                scale * (1.0 + c23 / d),
                scale * c23 / d,
                scale * (c23 / d + (b[1] + 2.0 * b[2]).exp() / (d * d)),
                scale * ((tf - 1.0) * c4 / (1.0 + c4) - (b[1] + b[2] + b[3]).exp() / (d * d)),
            ];
            fitted.estimate = n;
            fitted.stderr = (quadratic(&g, v) - n).sqrt();
        }
        _ => {}
    }
    warn_if_biased(&mut fitted);
    check_identified(
        &mut fitted,
        table,
        !matches!(model, ClosedModel::Mb | ClosedModel::Mbh),
    );
    Ok(fitted)
}

/// Marks a fit whose estimate the data do not identify (see [`FittedModel::identified`]).
/// `unseen_is_intercept`: the unobserved cell is `exp(β0)` (every model but Mb and Mbh).
pub(crate) fn check_identified(fitted: &mut FittedModel, table: &Table, unseen_is_intercept: bool) {
    let n = table.observed();
    let empty_fitted_away = table
        .counts()
        .iter()
        .zip(&fitted.fit.fitted)
        .any(|(&y, &mu)| y == 0.0 && mu < 1e-6);
    let unseen_away = unseen_is_intercept && fitted.fit.coefficients[0].exp() < 1e-3;
    let reason = if !(fitted.estimate.is_finite() && fitted.stderr.is_finite()) {
        Some("its estimate is not finite".to_string())
    } else if fitted.estimate < n * (1.0 - 1e-9) {
        Some(format!(
            "its estimate ({:.1}) is below the {n} people observed",
            fitted.estimate
        ))
    } else if empty_fitted_away {
        Some(
            "it fits an empty capture pattern as exactly nobody, so its estimate rests on no data"
                .to_string(),
        )
    } else if unseen_away {
        Some("it puts nobody outside the lists, a boundary fit".to_string())
    } else {
        None
    };
    if let Some(reason) = reason {
        fitted.identified = false;
        fitted.warnings.push(format!(
            "the data do not identify this model's estimate: {reason}; it is never chosen as the best"
        ));
    }
}

/// Rcapture's warning when the asymptotic bias exceeds a tenth of the estimate.
pub(crate) fn warn_if_biased(fitted: &mut FittedModel) {
    if let Some(bias) = fitted.bias
        && bias.abs() > 0.1 * fitted.estimate
    {
        fitted.warnings.push(format!(
            "the estimate's asymptotic bias ({bias:.1}) is more than a tenth of the estimate ({:.1}): the table is too thin for this model to be trusted",
            fitted.estimate
        ));
    }
}

fn quadratic(g: &[f64], v: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..g.len() {
            s += g[i] * v[i][j] * g[j];
        }
    }
    s
}

/// Fits a design to the table's counts and computes Rcapture's summary (N = n + exp(β0)).
/// With `chao_fixed`, negative η coefficients after the first `chao_fixed` are removed one
/// at a time, as Rcapture's `Chao.neg` does.
pub(crate) fn fit_design(
    table: &Table,
    name: &str,
    design: Design,
    chao_fixed: Option<usize>,
) -> Result<FittedModel, EstimateError> {
    let y = table.counts();
    let n = table.observed();
    let mut warnings = Vec::new();
    if design.columns.len() + 1 > y.len() {
        warnings.push(format!(
            "the model has {} parameters but the table only {} cells: some terms cannot be estimated",
            design.columns.len() + 1,
            y.len()
        ));
    }
    // The profile likelihood starts again from the whole design, as Rcapture does.
    let original = design.clone();
    let (fit, design, eta_removed) = fit_with_chao(y, design, chao_fixed)
        .map_err(|e| EstimateError::Fit(format!("model {name}: {e}")))?;
    if !fit.converged {
        warnings.push(format!(
            "the fit of {name} did not converge in {} iterations; treat its numbers as rough",
            fit.iterations
        ));
    }
    if fit.aliased() {
        warnings.push(
            "some terms of this model are not estimable from this table (the design is not of full rank)"
                .into(),
        );
    }
    let b0 = fit.coefficients[0];
    let estimate = n + b0.exp();
    let stderr = (b0.exp() + (2.0 * b0).exp() * fit.covariance[0][0]).sqrt();
    let bias = (!fit.aliased()).then(|| asymptotic_bias(&fit, &design));
    let bic = fit.aic + (n.ln() - 2.0) * fit.rank as f64;
    let mut coefficients = vec![("Intercept".to_string(), fit.coefficients[0])];
    coefficients.extend(
        design
            .names
            .iter()
            .cloned()
            .zip(fit.coefficients[1..].iter().copied()),
    );
    let fixed = chao_fixed;
    Ok(FittedModel {
        name: name.to_string(),
        estimate,
        stderr,
        deviance: fit.deviance,
        df: fit.df_residual,
        aic: fit.aic,
        bic,
        bias,
        eta_removed,
        coefficients,
        warnings,
        identified: true,
        ci_low: None,
        ci_high: None,
        ci_method: None,
        profile_estimate: None,
        fit,
        design: original,
        chao_fixed: fixed,
    })
}

/// Fits, then (for Chao's models) removes the first negative η and refits until none is
/// negative. Returns the final fit, its design and the names of the removed terms.
pub(crate) fn fit_with_chao(
    y: &[f64],
    mut design: Design,
    chao_fixed: Option<usize>,
) -> Result<(Fit, Design, Vec<String>), String> {
    let mut fit = glm::fit(y, &design)?;
    let mut removed = Vec::new();
    let Some(fixed) = chao_fixed else {
        return Ok((fit, design, removed));
    };
    loop {
        let negative = fit
            .coefficients
            .iter()
            .enumerate()
            .skip(fixed)
            .find(|(_, c)| !c.is_nan() && **c < 0.0)
            .map(|(i, _)| i);
        let Some(position) = negative else {
            return Ok((fit, design, removed));
        };
        let reduced = design.without(position - 1);
        match glm::fit(y, &reduced) {
            Ok(refit) => {
                removed.push(design.names[position - 1].clone());
                design = reduced;
                fit = refit;
            }
            // Rcapture keeps the previous fit when the refit fails.
            Err(_) => return Ok((fit, design, removed)),
        }
    }
}

/// Rcapture's asymptotic bias of N (code of Louis-Paul Rivest, generalised).
fn asymptotic_bias(fit: &Fit, design: &Design) -> f64 {
    let rows = fit.fitted.len();
    let p = fit.coefficients.len();
    let x = |r: usize, c: usize| {
        if c == 0 {
            1.0
        } else {
            design.columns[c - 1][r]
        }
    };
    let v = &fit.covariance;
    // xi_r = -0.5 x_r' V x_r
    let xi: Vec<f64> = (0..rows)
        .map(|r| {
            let mut s = 0.0;
            for a in 0..p {
                for b in 0..p {
                    s += x(r, a) * v[a][b] * x(r, b);
                }
            }
            -0.5 * s
        })
        .collect();
    let mut psi: Vec<f64> = (0..p)
        .map(|c| {
            -2.0 * (0..rows)
                .map(|r| x(r, c) * fit.fitted[r] * xi[r])
                .sum::<f64>()
        })
        .collect();
    psi[0] -= 1.0;
    let vec1_0: f64 = -(0..p).map(|c| v[0][c] * psi[c]).sum::<f64>();
    0.5 * fit.coefficients[0].exp() * vec1_0
}
