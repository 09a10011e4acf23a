//! Tables on which a model's fit runs to a boundary: found by the `estimate_table` fuzz
//! target (`fuzz/corpus/estimate_table/crash-*.csv`). Such models are listed with a warning
//! and never chosen; tables that cannot identify anything are refused with a reason.

use rightsdoc_estimate::{Request, Selection, Table, estimate};
use std::path::Path;

fn table(csv: &str) -> Table {
    Table::parse_csv(Path::new("t.csv"), csv.as_bytes()).unwrap()
}

#[test]
fn a_saturated_model_that_fits_an_empty_pattern_is_never_chosen() {
    // No one is on the first and third lists without the second: [12,13,23] fits that
    // empty cell as exactly nobody and runs its total off to 1e16.
    let t = table("P,Q,E,freq\n1,1,1,13228\n1,1,0,21\n1,0,1,17\n1,0,0,69\n0,1,0,55\n0,0,1,81\n");
    let r = estimate(&t, &Request::default()).unwrap();
    assert_ne!(r.model, "[12,13,23]");
    assert!(r.estimate < 10.0 * t.observed(), "{}", r.estimate);
    let saturated = r.models.iter().find(|m| m.name == "[12,13,23]").unwrap();
    assert!(
        saturated
            .warnings
            .iter()
            .any(|w| w.contains("do not identify"))
    );
    // It is listed after every model that the data identify.
    assert_eq!(r.models.last().unwrap().name, "[12,13,23]");
    if let (Some(low), Some(high)) = (r.ci_low, r.ci_high) {
        assert!(low <= r.estimate && r.estimate <= high);
    }
}

#[test]
fn a_behavioural_model_below_the_number_observed_is_never_chosen() {
    let t = table("A,B,C,freq\n1,1,1,28\n1,1,0,21\n1,0,1,35\n1,0,0,69\n0,0,1,63\n");
    let request = Request {
        selection: Selection::Family,
        ..Request::default()
    };
    let r = estimate(&t, &request).unwrap();
    assert!(r.estimate >= t.observed());
    assert_ne!(r.model, "Mbh");
    let mbh = r.models.iter().find(|m| m.name == "Mbh").unwrap();
    assert!(mbh.estimate < t.observed());
    assert!(mbh.warnings.iter().any(|w| w.contains("do not identify")));
}

#[test]
fn a_list_that_names_nobody_is_refused() {
    for csv in ["P,Q,freq\n0,1,66\n", "P,Q,E,freq\n0,0,1,6\n"] {
        let err = estimate(&table(csv), &Request::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("names nobody"), "{err}");
    }
}
