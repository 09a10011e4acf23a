//! Evidence files come from anyone: whatever their bytes, reading what they claim (EXIF, XMP,
//! a recording's container) must answer, never panic or hang. The first byte picks a reader,
//! so each is reached without having to guess another's magic numbers; the rest is the file.
//! C2PA credentials have their own target, `content_credentials`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_blobs::{
    InspectOptions, extract_media, extract_metadata, extract_xmp, inspect_reader,
};
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else {
        return;
    };
    match which % 4 {
        // The whole path `evidence add` takes: sniff, then every reader the type calls for.
        0 => {
            let reader = Box::new(Cursor::new(file.to_vec()));
            let _ = inspect_reader(reader, "fuzz", &InspectOptions::default());
        }
        1 => {
            let _ = extract_metadata(Cursor::new(file));
        }
        2 => {
            let _ = extract_xmp(file);
        }
        _ => {
            let _ = extract_media(Cursor::new(file));
        }
    }
});
