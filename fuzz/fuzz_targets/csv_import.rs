//! The CSV reader and importer must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_io::{ImportOptions, Input, Policy, read};
use rightsdoc_model::Kind;

fuzz_target!(|data: &[u8]| {
    // As people (the common case), and with the kind left to the header (UPR, guessing).
    for kind in [Some(Kind::Person), None] {
        let opts = ImportOptions {
            kind,
            policy: Policy::DryRun,
            ..Default::default()
        };
        if let Ok(r) = read(Input::bytes("fuzz.csv", data), &opts) {
            assert_eq!(r.report.rows, r.report.valid + r.report.invalid_count);
            for e in &r.report.invalid {
                assert!(e.row >= 1, "{e}");
            }
        }
    }
});
