//! C2PA content credentials are read from files anyone may have made (the `c2pa` feature):
//! whatever their bytes, checking them must give a report or nothing, never panic or hang.
//! The first byte picks the format the bytes are read as.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_blobs::extract_credentials;
use std::io::Cursor;

const FORMATS: [&str; 4] = ["image/jpeg", "image/png", "video/mp4", "image/tiff"];

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else {
        return;
    };
    let media_type = FORMATS[usize::from(which) % FORMATS.len()];
    let _ = extract_credentials(media_type, Cursor::new(file), None);
});
