//! `rightsdoc verify-bundle` reads a ZIP that anyone may have made: whatever the bytes, it must
//! answer with a report or an error, never panic or hang. A clerk runs it on files from
//! strangers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(data).expect("written");
    let _ = rightsdoc_bundle::verify_bundle(file.path(), None);
});
