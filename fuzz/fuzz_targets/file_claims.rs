//! Evidence files come from anyone: whatever their bytes, reading what they claim (EXIF, XMP,
//! a recording's container, C2PA credentials) must answer, never panic or hang. The first
//! byte picks a reader, so each is reached without having to guess another's magic numbers;
//! the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightsdoc_blobs::{InspectOptions, extract_credentials, extract_media, extract_metadata, extract_xmp, inspect_reader};
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else {
        return;
    };
    match which % 5 {
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
        3 => {
            let _ = extract_media(Cursor::new(file));
        }
        _ => {
            for media_type in ["image/jpeg", "image/png", "video/mp4"] {
                let _ = extract_credentials(media_type, Cursor::new(file), None);
            }
        }
    }
});
