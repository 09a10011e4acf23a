//! Reading `shared/data/mse/reference.json` (R's Rcapture, LCMCR and CARE1 results on the
//! tables that ship with those packages; see its README) for the tests.
#![allow(dead_code)]

use rightsdoc_estimate::Table;
use serde_json::Value;

pub fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mse/reference.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (the shared data folder sits beside the repository)")
    });
    serde_json::from_str(&text).unwrap()
}

/// A case's table: history "110" means on the first and second lists (first list leftmost).
pub fn table(case: &Value) -> Table {
    let data = &case["data"];
    let lists: Vec<String> = data["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let patterns = data["histories"]
        .as_array()
        .unwrap()
        .iter()
        .zip(data["counts"].as_array().unwrap())
        .map(|(h, c)| {
            let p = h
                .as_str()
                .unwrap()
                .chars()
                .enumerate()
                .fold(0u32, |p, (j, ch)| if ch == '1' { p | 1 << j } else { p });
            (p, c.as_f64().unwrap())
        });
    Table::from_patterns(lists, patterns).unwrap()
}

/// One case of the reference file.
pub fn reference_case(name: &str) -> Value {
    reference()["cases"][name].clone()
}
