//! The JSON importer (arrays and JSON Lines) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_io::{ImportOptions, Input, Policy, read};

fuzz_target!(|data: &[u8]| {
    let opts = ImportOptions {
        policy: Policy::DryRun,
        source: Some("src_fuzz".into()),
        list: Some("Fuzz list".into()),
        ..Default::default()
    };
    if let Ok(r) = read(Input::bytes("fuzz.json", data), &opts) {
        assert_eq!(r.report.rows, r.report.valid + r.report.invalid_count);
    }
});
