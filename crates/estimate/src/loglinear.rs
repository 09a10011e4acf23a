//! Hierarchical log-linear models in Rcapture's bracket notation: `[12,13,24]` has the
//! interactions of lists 1 and 2, 1 and 3, 2 and 4 (and every main effect). A model is a set
//! of generators; its terms are every subset of a generator, so the model is hierarchical by
//! construction. The highest-order interaction of all lists is never estimable: the
//! unobserved cell is what it would need.

use crate::EstimateError;
use crate::models::{FittedModel, Heterogeneity, check_identified, fit_design, warn_if_biased};
use crate::table::Table;

/// A hierarchical model over `t` lists: the set of its interaction terms (bit `j` of a term =
/// list `j`), closed under subsets; main effects are always in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hierarchical {
    t: usize,
    /// Interaction terms of order ≥ 2, sorted by order then by their digits.
    terms: Vec<u32>,
}

impl Hierarchical {
    /// The model with main effects only (the lists are independent).
    pub fn independence(t: usize) -> Hierarchical {
        Hierarchical {
            t,
            terms: Vec::new(),
        }
    }

    /// The model with the given generators (bit masks), closed under subsets.
    pub fn from_generators(t: usize, generators: &[u32]) -> Hierarchical {
        let mut terms: Vec<u32> = Vec::new();
        for &g in generators {
            // Every subset of g with at least two members.
            let mut s = g;
            loop {
                if s.count_ones() >= 2 && !terms.contains(&s) {
                    terms.push(s);
                }
                if s == 0 {
                    break;
                }
                s = (s - 1) & g;
            }
        }
        let mut m = Hierarchical { t, terms };
        m.sort();
        m
    }

    fn sort(&mut self) {
        let t = self.t;
        self.terms.sort_by_key(|&s| (s.count_ones(), digits(t, s)));
    }

    /// Parses Rcapture's notation, e.g. `[12,13,24]` or `[1,2,3]`; digits are 1-based list
    /// numbers. Main effects that are not written are added.
    pub fn parse(t: usize, text: &str) -> Result<Hierarchical, EstimateError> {
        let trimmed = text.trim();
        let inner = trimmed
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or_else(|| {
                EstimateError::Input(format!(
                    "model `{text}`: write a log-linear model in brackets, e.g. `[12,3]` or `[12,13,23]`"
                ))
            })?;
        if t > 9 {
            return Err(EstimateError::Input(format!(
                "model `{text}`: the bracket notation numbers lists 1 to 9; this table has {t} lists"
            )));
        }
        let mut generators = Vec::new();
        for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let mut g = 0u32;
            for ch in part.chars() {
                let d = ch.to_digit(10).filter(|d| (1..=t as u32).contains(d)).ok_or_else(|| {
                    EstimateError::Input(format!(
                        "model `{text}`: `{part}` names list `{ch}`, but lists are numbered 1 to {t}"
                    ))
                })?;
                if g & (1 << (d - 1)) != 0 {
                    return Err(EstimateError::Input(format!(
                        "model `{text}`: `{part}` names list {d} twice"
                    )));
                }
                g |= 1 << (d - 1);
            }
            if g.count_ones() as usize == t {
                return Err(EstimateError::Input(format!(
                    "model `{text}`: the interaction of all {t} lists cannot be estimated (it is what the unobserved cell would need)"
                )));
            }
            generators.push(g);
        }
        Ok(Hierarchical::from_generators(t, &generators))
    }

    pub fn t(&self) -> usize {
        self.t
    }

    /// Interaction terms (order ≥ 2).
    pub fn terms(&self) -> &[u32] {
        &self.terms
    }

    /// Rcapture's name: maximal terms by order (highest first), then by digits; lists in no
    /// interaction as single digits. `[12,13,24]`, `[123,4]`, `[1,2,3]`.
    pub fn name(&self) -> String {
        let t = self.t;
        let mut generators: Vec<u32> = self
            .terms
            .iter()
            .copied()
            .filter(|&s| !self.terms.iter().any(|&o| o != s && o & s == s))
            .collect();
        let covered = generators.iter().fold(0u32, |a, g| a | g);
        generators.extend((0..t).map(|j| 1u32 << j).filter(|b| covered & b == 0));
        generators.sort_by(|a, b| {
            b.count_ones()
                .cmp(&a.count_ones())
                .then_with(|| digits(t, *a).cmp(&digits(t, *b)))
        });
        let parts: Vec<String> = generators.iter().map(|g| digits(t, *g)).collect();
        format!("[{}]", parts.join(","))
    }

    /// The design: one column per list, then one per interaction term (Rcapture's
    /// `beta1…`, `lambda1_2…`).
    pub fn design(&self, table: &Table) -> crate::glm::Design {
        let rows = table.counts().len();
        let mut d = crate::glm::Design::new();
        let column = |s: u32| -> Vec<f64> {
            (0..rows)
                .map(|r| f64::from(u8::from(table.pattern(r) & s == s)))
                .collect()
        };
        for j in 0..self.t {
            d.push(format!("beta{}", j + 1), column(1 << j));
        }
        for &s in &self.terms {
            let name: Vec<String> = (0..self.t)
                .filter(|j| s & (1 << j) != 0)
                .map(|j| (j + 1).to_string())
                .collect();
            d.push(format!("lambda{}", name.join("_")), column(s));
        }
        d
    }

    /// Terms that could be added while staying hierarchical and within `max_order`.
    pub fn addable(&self, max_order: usize) -> Vec<u32> {
        let t = self.t;
        let full = (1u32 << t) - 1;
        (1..full)
            .filter(|&s| {
                let k = s.count_ones() as usize;
                k >= 2
                    && k <= max_order
                    && !self.terms.contains(&s)
                    && (0..t).filter(|j| s & (1 << j) != 0).all(|j| {
                        let sub = s & !(1 << j);
                        sub.count_ones() < 2 || self.terms.contains(&sub)
                    })
            })
            .collect()
    }

    /// Terms that could be removed while staying hierarchical (no larger term contains them).
    pub fn removable(&self) -> Vec<u32> {
        self.terms
            .iter()
            .copied()
            .filter(|&s| !self.terms.iter().any(|&o| o != s && o & s == s))
            .collect()
    }

    pub fn with(&self, term: u32) -> Hierarchical {
        let mut m = self.clone();
        m.terms.push(term);
        m.sort();
        m
    }

    pub fn without(&self, term: u32) -> Hierarchical {
        let mut m = self.clone();
        m.terms.retain(|&s| s != term);
        m
    }
}

/// A term's digits, `"124"` for lists 1, 2 and 4.
fn digits(t: usize, s: u32) -> String {
    (0..t)
        .filter(|j| s & (1 << j) != 0)
        .map(|j| char::from_digit(j as u32 + 1, 36).expect("at most 36 lists"))
        .collect()
}

/// Every hierarchical model with all main effects and terms of order at most `max_order`, or
/// `None` when there are more than `limit`. The order is arbitrary.
pub fn all_models(t: usize, max_order: usize, limit: usize) -> Option<Vec<Hierarchical>> {
    let full = (1u32 << t) - 1;
    let mut candidates: Vec<u32> = (1..full)
        .filter(|s| (2..=max_order).contains(&(s.count_ones() as usize)))
        .collect();
    candidates.sort_by_key(|&s| (s.count_ones(), digits(t, s)));
    let mut out = Vec::new();
    let mut chosen = Vec::new();
    if enumerate(t, &candidates, 0, &mut chosen, &mut out, limit) {
        Some(out)
    } else {
        None
    }
}

/// Depth-first over candidate terms in order of size: a term may join only when all its
/// subsets of one fewer list already did. Returns false once `limit` is passed.
fn enumerate(
    t: usize,
    candidates: &[u32],
    next: usize,
    chosen: &mut Vec<u32>,
    out: &mut Vec<Hierarchical>,
    limit: usize,
) -> bool {
    if next == candidates.len() {
        if out.len() >= limit {
            return false;
        }
        out.push(Hierarchical {
            t,
            terms: chosen.clone(),
        });
        return true;
    }
    let s = candidates[next];
    if !enumerate(t, candidates, next + 1, chosen, out, limit) {
        return false;
    }
    let allowed = (0..t).filter(|j| s & (1 << j) != 0).all(|j| {
        let sub = s & !(1 << j);
        sub.count_ones() < 2 || chosen.contains(&sub)
    });
    if allowed {
        chosen.push(s);
        let ok = enumerate(t, candidates, next + 1, chosen, out, limit);
        chosen.pop();
        if !ok {
            return false;
        }
    }
    true
}

/// Fits a hierarchical model, optionally with a heterogeneity term added to it (Rcapture's
/// `closedpCI.t(mX = …, h = …)`), named `[12,13]` or `[12,13]+h=Darroch`.
pub fn fit_hierarchical(
    table: &Table,
    model: &Hierarchical,
    heterogeneity: Option<Heterogeneity>,
) -> Result<FittedModel, EstimateError> {
    let mut design = model.design(table);
    let mut name = model.name();
    let mut chao = None;
    if let Some(h) = heterogeneity {
        let captures: Vec<f64> = (0..table.counts().len())
            .map(|r| table.pattern(r).count_ones() as f64)
            .collect();
        if matches!(h, Heterogeneity::Chao) {
            chao = Some(design.columns.len() + 1);
        }
        for (n, c) in h.columns(table.t(), &captures) {
            design.push(n, c);
        }
        name = format!("{name}+h={}", h.label());
    }
    let mut fitted = fit_design(table, &name, design, chao)?;
    warn_if_biased(&mut fitted);
    check_identified(&mut fitted, table, true);
    Ok(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_rcapture_order() {
        for name in [
            "[12,13,24]",
            "[123,4]",
            "[1,2,3,4]",
            "[134,234,12]",
            "[123,14,24,34]",
        ] {
            let m = Hierarchical::parse(4, name).unwrap();
            assert_eq!(m.name(), name);
        }
        // Main effects are implied, generators may come in any order.
        assert_eq!(
            Hierarchical::parse(4, "[24,12]").unwrap().name(),
            "[12,24,3]"
        );
        assert!(Hierarchical::parse(4, "[1234]").is_err());
        assert!(Hierarchical::parse(3, "[14]").is_err());
        assert!(Hierarchical::parse(3, "12").is_err());
    }

    #[test]
    fn counts_of_hierarchical_models() {
        // Rcapture's closedpMS.t fits 113 models for 4 lists and 8 for 3 (maxorder t - 1);
        // every graph on 5 vertices for 5 lists at order 2.
        assert_eq!(all_models(3, 2, usize::MAX).unwrap().len(), 8);
        assert_eq!(all_models(4, 3, usize::MAX).unwrap().len(), 113);
        assert_eq!(all_models(5, 2, usize::MAX).unwrap().len(), 1024);
        assert!(all_models(8, 2, 100_000).is_none());
    }

    #[test]
    fn stepwise_moves_stay_hierarchical() {
        let m = Hierarchical::parse(3, "[12,13]").unwrap();
        assert_eq!(m.addable(2), vec![0b110]);
        assert!(m.with(0b110).addable(2).is_empty());
        // The interaction of all lists is never a candidate.
        assert!(m.with(0b110).addable(3).is_empty());
        assert_eq!(m.removable(), vec![0b011, 0b101]);
    }
}
