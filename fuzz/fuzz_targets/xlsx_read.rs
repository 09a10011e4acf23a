//! The spreadsheet reader (calamine and the row conversion) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_io::{ImportOptions, Input, Policy, read};
use rightsdoc_model::Kind;

fuzz_target!(|data: &[u8]| {
    let opts = ImportOptions {
        kind: Some(Kind::Person),
        policy: Policy::DryRun,
        ..Default::default()
    };
    let _ = read(Input::bytes("fuzz.xlsx", data), &opts);
});
