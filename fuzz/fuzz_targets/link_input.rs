//! `rightsdoc link` must never panic on its input, whatever the bytes: reading the CSV, and
//! preparing, blocking, scoring and clustering whatever names, years and places it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_linkage::{Labels, Options, link, read_csv_bytes};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = read_csv_bytes(Path::new("fuzz.csv"), data, None) else {
        return;
    };
    if records.len() > 200 {
        return;
    }
    let linked = link(&records, &Labels::new(), &Options::default());
    assert_eq!(linked.clusters.of.len(), records.len());
    for pair in &linked.pairs {
        assert!((0.0..=1.0).contains(&pair.probability), "{pair:?}");
    }
});
