//! Evidence ingest rate: `LocalBlobs::put` (hash, write, fsync, rename) against plain SHA-256
//! of the same bytes read from the same file.
//!
//!     cargo run --release -p rightsdoc-blobs --example ingest -- [MIB] [DIR]
//!
//! Writes a file of MIB mebibytes (default 1024) of pseudo-random bytes in DIR (default the
//! system temporary folder), then times both and prints MB/s (10^6 bytes per second).

use rightsdoc_blobs::{BlobStore, LocalBlobs};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args
        .next()
        .map_or(1024, |a| a.parse().expect("MIB is a number"));
    let dir = args.next().map_or_else(std::env::temp_dir, Into::into);
    let work = tempfile::tempdir_in(&dir).expect("a temporary folder");
    let input = work.path().join("input.bin");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..mib {
        for chunk in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        f.write_all(&block).unwrap();
    }
    f.into_inner().unwrap().sync_all().unwrap();
    let bytes = mib << 20;

    // Plain SHA-256 of the file (warm cache: the file was just written).
    let start = Instant::now();
    let mut hasher = Sha256::new();
    let mut r = std::fs::File::open(&input).unwrap();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let plain = hex::encode(hasher.finalize());
    let sha_s = start.elapsed().as_secs_f64();

    let blobs = LocalBlobs::new(work.path().join("blobs"));
    let start = Instant::now();
    let stored = blobs
        .put(&mut std::fs::File::open(&input).unwrap())
        .unwrap();
    let put_s = start.elapsed().as_secs_f64();
    assert_eq!(stored.sha256, plain);

    let start = Instant::now();
    assert!(blobs.check(&stored.sha256).unwrap());
    let check_s = start.elapsed().as_secs_f64();

    let mbps = |s: f64| bytes as f64 / 1e6 / s;
    println!(
        "{mib} MiB: sha256 {sha_s:.2} s ({:.0} MB/s); put {put_s:.2} s ({:.0} MB/s, {:.2}x sha256); check {check_s:.2} s ({:.0} MB/s)",
        mbps(sha_s),
        mbps(put_s),
        put_s / sha_s,
        mbps(check_s)
    );
}
