//! One request, one report: choose the method, fit, select, compute intervals, and say in
//! plain words what the number means and what it rests on.

use std::collections::HashMap;

use crate::EstimateError;
use crate::lcmcr::{LcmcrEstimate, LcmcrOptions, lcmcr};
use crate::loglinear::{Hierarchical, all_models, fit_hierarchical};
use crate::models::{ClosedModel, FittedModel, Heterogeneity, fit_closed};
use crate::profile::add_profile_interval;
use crate::table::Table;
use crate::two_lists::{TwoLists, Z_95, all_pairs, log_normal_interval, two_lists};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Chapman for two lists, the log-linear search from three.
    Auto,
    Chapman,
    Loglinear,
    Lcmcr,
}

impl Method {
    pub fn parse(text: &str) -> Option<Method> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Some(Method::Auto),
            "chapman" | "lincoln-petersen" => Some(Method::Chapman),
            "loglinear" | "log-linear" => Some(Method::Loglinear),
            "lcmcr" => Some(Method::Lcmcr),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Criterion {
    Aic,
    Bic,
}

impl Criterion {
    pub fn parse(text: &str) -> Option<Criterion> {
        match text.to_ascii_lowercase().as_str() {
            "aic" => Some(Criterion::Aic),
            "bic" => Some(Criterion::Bic),
            _ => None,
        }
    }

    fn of(&self, m: &FittedModel) -> f64 {
        match self {
            Criterion::Aic => m.aic,
            Criterion::Bic => m.bic,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Criterion::Aic => "AIC",
            Criterion::Bic => "BIC",
        }
    }
}

/// Which log-linear models to fit.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// Every hierarchical model up to the maximum order, best by the criterion (stepwise
    /// when there are too many to fit them all).
    Search,
    /// Rcapture's `closedp.t` family: M0, Mt, Mh…, Mth…, Mb, Mbh.
    Family,
    /// One model, by name: `[12,13,24]`, `[12,3]+h=Darroch`, `Mth Poisson2`, `M0`, …
    Model(String),
}

#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    pub selection: Selection,
    pub criterion: Criterion,
    /// The highest interaction order in the search (default 2 from five lists, else t − 1).
    pub max_order: Option<usize>,
    /// Added to every model of the search (Rcapture's `closedpMS.t(h = …)`).
    pub heterogeneity: Option<Heterogeneity>,
    pub lcmcr: LcmcrOptions,
    /// Above this many hierarchical models, the search goes stepwise.
    pub exhaustive_limit: usize,
    /// How many of the best models get a profile-likelihood interval in a search.
    pub intervals_for: usize,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            method: Method::Auto,
            selection: Selection::Search,
            criterion: Criterion::Bic,
            max_order: None,
            heterogeneity: None,
            lcmcr: LcmcrOptions::default(),
            exhaustive_limit: 100_000,
            intervals_for: 10,
        }
    }
}

/// One model's line in the report (`models[]` of the JSON contract).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ModelRow {
    pub name: String,
    pub estimate: f64,
    pub stderr: Option<f64>,
    pub deviance: Option<f64>,
    pub df: Option<f64>,
    pub aic: Option<f64>,
    pub bic: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// `profile`, `log-normal` or `posterior`.
    pub ci_method: Option<String>,
    /// The criterion's distance from the best model (0 for the best).
    pub delta: Option<f64>,
    /// False when the data do not identify this model's estimate (see the warnings); such
    /// models come after the others and are never chosen.
    pub identified: bool,
    pub warnings: Vec<String>,
}

impl ModelRow {
    /// A row for an estimator that is not a fitted log-linear model (Chapman, LCMCR).
    fn estimator(
        name: &str,
        estimate: f64,
        stderr: f64,
        ci: [f64; 2],
        ci_method: &str,
        warnings: Vec<String>,
    ) -> ModelRow {
        ModelRow {
            name: name.into(),
            estimate,
            stderr: Some(stderr),
            deviance: None,
            df: None,
            aic: None,
            bic: None,
            ci_low: Some(ci[0]),
            ci_high: Some(ci[1]),
            ci_method: Some(ci_method.into()),
            delta: None,
            identified: true,
            warnings,
        }
    }

    fn from_fit(m: &FittedModel, delta: Option<f64>) -> ModelRow {
        ModelRow {
            name: m.name.clone(),
            estimate: m.estimate,
            stderr: Some(m.stderr),
            deviance: Some(m.deviance),
            df: Some(m.df),
            aic: Some(m.aic),
            bic: Some(m.bic),
            ci_low: m.ci_low,
            ci_high: m.ci_high,
            ci_method: m.ci_method.clone(),
            delta,
            identified: m.identified,
            warnings: m.warnings.clone(),
        }
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ListSize {
    pub name: String,
    pub size: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Search {
    /// `exhaustive` or `stepwise`.
    pub kind: String,
    pub criterion: String,
    pub max_order: usize,
    pub fitted: usize,
    /// How many hierarchical models there are (`None` when too many to count).
    pub possible: Option<usize>,
}

/// What `rightsdoc estimate` prints (`--json` prints this).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub estimate: f64,
    pub ci_low: Option<f64>,
    /// `None` when the data set no upper bound.
    pub ci_high: Option<f64>,
    pub method: String,
    pub model: String,
    /// Every model fitted, best first.
    pub models: Vec<ModelRow>,
    /// People documented on at least one list.
    pub observed: f64,
    pub lists: Vec<ListSize>,
    /// The criterion models were ranked by (`BIC` or `AIC`), when several were fitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<Search>,
    /// Chapman for every pair of lists (how strongly the lists depend on one another).
    pub pairs: Vec<TwoLists>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lcmcr: Option<LcmcrEstimate>,
    pub warnings: Vec<String>,
    pub assumptions: Vec<String>,
    /// A sentence a journalist can quote.
    pub summary: String,
}

/// Runs the request on the table.
pub fn estimate(table: &Table, request: &Request) -> Result<Report, EstimateError> {
    let t = table.t();
    let method = match request.method {
        Method::Auto if t == 2 && request.selection == Selection::Search => Method::Chapman,
        Method::Auto => Method::Loglinear,
        m => m,
    };
    if let Some(j) = (0..t).find(|&j| table.list_size(j) == 0.0) {
        return Err(EstimateError::Input(format!(
            "list `{}` names nobody in this table; leave it out (an empty list says nothing about how lists overlap)",
            table.lists()[j]
        )));
    }
    let mut warnings = table_warnings(table);
    let mut assumptions = vec![
        "Closed population: every list covers the same people over the same period; nobody entered or left the population between the lists.".to_string(),
        "Matching without error: each person is counted once across the lists. Missed matches make the estimate too high; people wrongly merged make it too low.".to_string(),
    ];
    let pairs = all_pairs(table);
    let mut criterion_used = None;
    let (estimate, ci_low, ci_high, model, models, search, lcmcr_result) = match method {
        Method::Chapman => {
            if t != 2 {
                return Err(EstimateError::Input(format!(
                    "Chapman's estimator uses two lists; this table has {t}. Use --method loglinear or lcmcr, or a table of two lists"
                )));
            }
            assumptions.push(
                "The two lists are independent: being on one does not change the chance of being on the other, and everyone had the same chance to be listed. With two lists nothing in the data can check this.".into(),
            );
            let c = two_lists(table, 0, 1);
            let mut rows = vec![ModelRow::estimator(
                "Chapman",
                c.chapman,
                c.se_chapman,
                c.ci,
                "log-normal",
                Vec::new(),
            )];
            if let (Some(lp), Some(se)) = (c.lincoln_petersen, c.se_lincoln_petersen) {
                rows.push(ModelRow::estimator(
                    "Lincoln-Petersen",
                    lp,
                    se,
                    [lp - Z_95 * se, lp + Z_95 * se],
                    "wald",
                    Vec::new(),
                ));
            }
            if c.both == 0.0 {
                warnings.push("Nobody is on both lists: without any overlap the estimate is only a rough upper figure.".into());
            }
            (
                c.chapman,
                Some(c.ci[0]),
                Some(c.ci[1]),
                "Chapman".to_string(),
                rows,
                None,
                None,
            )
        }
        Method::Lcmcr => {
            assumptions.push(
                "People fall into a few hidden groups; within a group the lists record people independently. The figure is the median of a Bayesian posterior, and the interval a 95% credible interval.".into(),
            );
            let result = lcmcr(table, &request.lcmcr)?;
            warnings.extend(result.warnings.iter().cloned());
            let name = format!("LCMCR K={}", result.options.k);
            let row = ModelRow::estimator(
                &name,
                result.median,
                result.sd,
                [result.ci_low, result.ci_high],
                "posterior",
                result.warnings.clone(),
            );
            (
                result.median,
                Some(result.ci_low),
                Some(result.ci_high),
                name,
                vec![row],
                None,
                Some(result),
            )
        }
        Method::Loglinear | Method::Auto => {
            assumptions.push(
                "The model's interaction terms describe how the lists depend on one another; the interaction of all lists together is taken to be zero, which nothing in the data can check.".into(),
            );
            if t == 2 {
                assumptions.push(
                    "With two lists the only log-linear model is independence (Lincoln–Petersen)."
                        .into(),
                );
            }
            let (mut fitted, search) = match &request.selection {
                Selection::Model(name) => (vec![fit_named(table, name)?], None),
                Selection::Family => {
                    let family = ClosedModel::family(t)
                        .into_iter()
                        .map(|m| fit_closed(table, m))
                        .collect::<Result<Vec<_>, _>>()?;
                    (family, None)
                }
                Selection::Search => {
                    let (models, search) = search(table, request)?;
                    (models, Some(search))
                }
            };
            let criterion = request.criterion;
            if fitted.len() > 1 {
                criterion_used = Some(criterion.name().to_string());
            }
            // Models the data identify first, each group by the criterion.
            fitted.sort_by(|a, b| {
                b.identified
                    .cmp(&a.identified)
                    .then(criterion.of(a).total_cmp(&criterion.of(b)))
            });
            if fitted.len() > 1 && !fitted[0].identified {
                return Err(EstimateError::Fit(
                    "no model fitted to this table identifies the total: every one ends on a boundary (empty capture patterns fitted as nobody) or below the number observed. Combine sparse lists, or add lists that overlap".into(),
                ));
            }
            let limit = match request.selection {
                Selection::Search => request.intervals_for,
                _ => usize::MAX,
            };
            for m in fitted.iter_mut().take(limit) {
                add_interval(table, m);
            }
            let best = criterion.of(&fitted[0]);
            let rows: Vec<ModelRow> = fitted
                .iter()
                .map(|m| ModelRow::from_fit(m, Some(criterion.of(m) - best)))
                .collect();
            warnings.extend(fitted[0].warnings.iter().cloned());
            if fitted.len() > 1 {
                warnings.extend(model_uncertainty(&fitted, criterion));
            }
            if let Some(s) = &search
                && s.kind == "stepwise"
            {
                warnings.push(format!(
                    "There are too many models to fit every one; the search went step by step from independence ({} models fitted) and may have missed a better model.",
                    s.fitted
                ));
            }
            let best = &fitted[0];
            (
                best.estimate,
                best.ci_low,
                best.ci_high,
                best.name.clone(),
                rows,
                search,
                None,
            )
        }
    };
    let observed = table.observed();
    let summary = summary(estimate, ci_low, ci_high, observed, t, &model, method);
    Ok(Report {
        estimate,
        ci_low,
        ci_high,
        method: match method {
            Method::Chapman => "chapman",
            Method::Lcmcr => "lcmcr",
            _ => "loglinear",
        }
        .into(),
        model,
        models,
        observed,
        criterion: criterion_used,
        lists: (0..t)
            .map(|j| ListSize {
                name: table.lists()[j].clone(),
                size: table.list_size(j),
            })
            .collect(),
        search,
        pairs,
        lcmcr: lcmcr_result,
        warnings,
        assumptions,
        summary,
    })
}

/// A profile-likelihood interval where Rcapture has one (every model whose unobserved cell
/// is `exp(β0)`), Chao's log-normal interval for the behavioural models.
fn add_interval(table: &Table, m: &mut FittedModel) {
    if m.name == "Mb" || m.name == "Mbh" {
        if let Some([low, high]) = log_normal_interval(table.observed(), m.estimate, m.stderr) {
            m.ci_low = Some(low);
            m.ci_high = Some(high);
            m.ci_method = Some("log-normal".into());
        }
    } else {
        add_profile_interval(table, m);
    }
}

/// A model by name: Rcapture's bracket notation (optionally `+h=Darroch`, `+h=Chao`,
/// `+h=Poisson2`, `+h=Gamma3.5`) or a `closedp.t` model name.
pub fn fit_named(table: &Table, name: &str) -> Result<FittedModel, EstimateError> {
    let trimmed = name.trim();
    if trimmed.starts_with('[') {
        let (model, h) = match trimmed.split_once('+') {
            Some((m, h)) => {
                let label = h.trim().trim_start_matches("h=").trim_start_matches("h =");
                let h = Heterogeneity::parse(label).ok_or_else(|| {
                    EstimateError::Input(format!(
                        "model `{name}`: unknown heterogeneity `{label}`; use Chao, Poisson2, Darroch or Gamma3.5"
                    ))
                })?;
                (m, Some(h))
            }
            None => (trimmed, None),
        };
        let model = Hierarchical::parse(table.t(), model)?;
        return fit_hierarchical(table, &model, h);
    }
    let model = ClosedModel::parse(trimmed).ok_or_else(|| {
        EstimateError::Input(format!(
            "unknown model `{name}`: use a log-linear model such as `[12,13,3]`, or one of M0, Mt, Mh Chao, Mh Poisson2, Mh Darroch, Mh Gamma3.5, Mth Chao, Mth Poisson2, Mth Darroch, Mth Gamma3.5, Mb, Mbh"
        ))
    })?;
    fit_closed(table, model)
}

/// The default highest interaction order: 2 from five lists on, else t − 1.
pub fn default_max_order(t: usize) -> usize {
    if t >= 5 { 2 } else { t - 1 }
}

fn search(table: &Table, request: &Request) -> Result<(Vec<FittedModel>, Search), EstimateError> {
    let t = table.t();
    if t > 9 {
        return Err(EstimateError::Input(format!(
            "the log-linear search numbers lists 1 to 9; this table has {t} lists. Merge lists or use --method lcmcr"
        )));
    }
    let max_order = request.max_order.unwrap_or_else(|| default_max_order(t));
    if max_order < 1 || max_order >= t {
        return Err(EstimateError::Input(format!(
            "--max-order must be between 1 and {} for {t} lists",
            t - 1
        )));
    }
    let h = request.heterogeneity;
    let criterion = request.criterion;
    if let Some(models) = all_models(t, max_order, request.exhaustive_limit) {
        let possible = models.len();
        let fitted = models
            .iter()
            .map(|m| fit_hierarchical(table, m, h))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((
            fitted,
            Search {
                kind: "exhaustive".into(),
                criterion: criterion.name().into(),
                max_order,
                fitted: possible,
                possible: Some(possible),
            },
        ));
    }
    // Stepwise, both ways, from independence: take the best single addition or removal
    // until none improves the criterion.
    let mut cache: HashMap<Hierarchical, FittedModel> = HashMap::new();
    let mut fit = |m: &Hierarchical| -> Result<f64, EstimateError> {
        if let Some(f) = cache.get(m) {
            return Ok(criterion.of(f));
        }
        let f = fit_hierarchical(table, m, h)?;
        let c = criterion.of(&f);
        cache.insert(m.clone(), f);
        Ok(c)
    };
    let mut current = Hierarchical::independence(t);
    let mut current_score = fit(&current)?;
    loop {
        let moves: Vec<Hierarchical> = current
            .addable(max_order)
            .into_iter()
            .map(|s| current.with(s))
            .chain(current.removable().into_iter().map(|s| current.without(s)))
            .collect();
        let mut best: Option<(f64, Hierarchical)> = None;
        for m in moves {
            let score = fit(&m)?;
            if best.as_ref().is_none_or(|(b, _)| score < *b) {
                best = Some((score, m));
            }
        }
        match best {
            Some((score, m)) if score < current_score - 1e-9 => {
                current = m;
                current_score = score;
            }
            _ => break,
        }
    }
    let fitted: Vec<FittedModel> = cache.into_values().collect();
    let count = fitted.len();
    Ok((
        fitted,
        Search {
            kind: "stepwise".into(),
            criterion: criterion.name().into(),
            max_order,
            fitted: count,
            possible: None,
        },
    ))
}

fn table_warnings(table: &Table) -> Vec<String> {
    let mut warnings = Vec::new();
    let t = table.t();
    let cells = table.counts().len();
    let empty = table.counts().iter().filter(|c| **c == 0.0).count();
    if t == 2 {
        warnings.push("Only two lists: whether they are independent cannot be checked from the data, and dependence between them biases the estimate.".into());
    }
    if cells > 3 && empty * 2 > cells {
        warnings.push(format!(
            "The table is sparse: {empty} of its {cells} capture patterns have nobody. Models with many interactions cannot be told apart on such data."
        ));
    }
    if table.observed() < 50.0 {
        warnings.push(format!(
            "Only {} people are documented in all; estimates from so few are very uncertain.",
            table.observed()
        ));
    }
    for a in 0..t {
        for b in a + 1..t {
            if table.pair(a, b).counts()[0] == 0.0 {
                warnings.push(format!(
                    "Lists `{}` and `{}` share nobody; check that they were matched against each other.",
                    table.lists()[a],
                    table.lists()[b]
                ));
            }
        }
    }
    warnings
}

/// When models about as good as the best disagree strongly, say so.
fn model_uncertainty(sorted: &[FittedModel], criterion: Criterion) -> Option<String> {
    let best = criterion.of(&sorted[0]);
    let close: Vec<&FittedModel> = sorted
        .iter()
        .take_while(|m| m.identified && criterion.of(m) - best <= 2.0)
        .collect();
    if close.len() < 2 {
        return None;
    }
    let low = close
        .iter()
        .map(|m| m.estimate)
        .fold(f64::INFINITY, f64::min);
    let high = close.iter().map(|m| m.estimate).fold(0.0, f64::max);
    (high > 1.25 * low).then(|| {
        format!(
            "{} models fit about as well as the best ({} within 2) but estimate from {} to {}: the choice of model matters more than the interval shows.",
            close.len(),
            criterion.name(),
            thousands(low),
            thousands(high)
        )
    })
}

fn summary(
    estimate: f64,
    low: Option<f64>,
    high: Option<f64>,
    observed: f64,
    t: usize,
    model: &str,
    method: Method,
) -> String {
    let interval = match (low, high) {
        (Some(l), Some(h)) => format!(" (95% interval {}–{})", thousands(l), thousands(h)),
        (Some(l), None) => format!(
            " (95% interval from {}, with no upper end the data can set)",
            thousands(l)
        ),
        _ => String::new(),
    };
    let how = match method {
        Method::Lcmcr => "a Bayesian latent-class model (LCMCR)".to_string(),
        Method::Chapman => "Chapman's two-list estimator".to_string(),
        _ => format!("the log-linear model {model}"),
    };
    format!(
        "An estimated {} people{interval}, of whom {} are documented on at least one of the {t} lists. This is a statistical estimate from {how}, not a count.",
        thousands(estimate),
        thousands(observed)
    )
}

/// A whole number with thousands separators: `11,125`.
pub fn thousands(v: f64) -> String {
    let rounded = v.round() as i64;
    let digits = rounded.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if rounded < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(11124.6), "11,125");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_000_000.0), "1,000,000");
    }
}
