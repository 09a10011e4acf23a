//! Court bundle benchmark: export and verify a bundle of N synthetic people (every record
//! visible at public clearance, with one log operation and one inclusion proof each), then the
//! same with evidence files of about G GiB in all (random bytes, so nothing compresses: the
//! worst case for size and the usual one for photos and video), against plain SHA-256 of the
//! same files as the floor.
//!
//! `cargo build --release -p rightsdoc-bench --bin bundle-bench`, then
//! `target/release/bundle-bench [N] [G] [DIR]` (N = 10,000 people, G = 1 GiB; DIR keeps the
//! generated evidence files for later runs, default a folder in /var/tmp).
use rand::RngCore;
use rightsdoc_archive::{Archive, EvidenceInput, InitOptions, KeySource};
use rightsdoc_bench::measure::mib;
use rightsdoc_bench::synth;
use rightsdoc_bundle::{Selection, export_bundle, verify_bundle};
use rightsdoc_model::Classification;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Size of each generated evidence file.
const FILE_MIB: u64 = 4;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map_or(10_000, |a| a.parse().expect("N: a number of people"));
    let gib: f64 = args
        .next()
        .map_or(1.0, |a| a.parse().expect("G: GiB of evidence files"));
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/rightsdoc-bundle-bench"));
    std::fs::create_dir_all(&dir).unwrap();

    let archive_dir = dir.join("archive");
    let _ = std::fs::remove_dir_all(&archive_dir);
    let mut a = Archive::init(&archive_dir, "bench").unwrap();
    a.add_many(synth::fixtures(), "").unwrap();
    let t = Instant::now();
    let people: Vec<_> = synth::people(7, synth::Ids::Ordered, 0, n).collect();
    for chunk in people.chunks(10_000) {
        a.add_many(chunk.to_vec(), "").unwrap();
    }
    eprintln!("{n} people added in {:.1?}", t.elapsed());

    println!(
        "bundle-bench: {n} people (+{} places and lists)",
        synth::fixtures().len()
    );
    let records_only = dir.join("records.zip");
    bundle(&mut a, &records_only, "records only");

    let one = dir.join("one.zip");
    let id = synth::person_id(n / 2, synth::Ids::Ordered);
    let t = Instant::now();
    let s = export_bundle(&mut a, &Selection::ids([id]), Classification::Public, &one).unwrap();
    println!(
        "  one person of {n} (and what it refers to): {} records, export {:.3} s",
        s.records,
        t.elapsed().as_secs_f64()
    );

    if gib <= 0.0 {
        return;
    }
    let files = evidence_files(&dir.join("files"), gib);
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    let t = Instant::now();
    for f in &files {
        let mut h = Sha256::new();
        let mut file = std::fs::File::open(f).unwrap();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let k = file.read(&mut buf).unwrap();
            if k == 0 {
                break;
            }
            h.update(&buf[..k]);
        }
        std::hint::black_box(h.finalize());
    }
    let floor = t.elapsed().as_secs_f64();
    println!(
        "  {} evidence files, {:.0} MiB: plain SHA-256 {:.2} s ({:.0} MiB/s)",
        files.len(),
        mib(total),
        floor,
        mib(total) / floor
    );
    let t = Instant::now();
    for f in &files {
        let mut file = std::fs::File::open(f).unwrap();
        a.add_evidence(
            &mut file,
            &EvidenceInput {
                original_name: f.file_name().map(|n| n.to_string_lossy().to_string()),
                ..EvidenceInput::default()
            },
        )
        .unwrap();
    }
    let ingest = t.elapsed().as_secs_f64();
    println!(
        "  evidence add: {:.2} s ({:.0} MiB/s)",
        ingest,
        mib(total) / ingest
    );
    let with_files = dir.join("with-files.zip");
    bundle(&mut a, &with_files, "records and evidence files");
    let _ = std::fs::remove_dir_all(&archive_dir);
    sealed_ingest(&dir, &files, total);
}

/// The same files as confidential items of an encrypted archive: sealed (XChaCha20-Poly1305
/// STREAM) on the way into the blob store, then copied out again (decrypted and re-hashed).
fn sealed_ingest(dir: &Path, files: &[PathBuf], total: u64) {
    let archive_dir = dir.join("sealed-archive");
    let key = dir.join("sealed-archive.key");
    let _ = std::fs::remove_dir_all(&archive_dir);
    let _ = std::fs::remove_file(&key);
    let options = InitOptions {
        encryption: Some(KeySource::new_key_file(&key).unwrap()),
        ..InitOptions::default()
    };
    let mut a = Archive::init_with(&archive_dir, "bench", &options).unwrap();
    let t = Instant::now();
    let mut ids = Vec::new();
    for f in files {
        let mut file = std::fs::File::open(f).unwrap();
        let added = a
            .add_evidence(
                &mut file,
                &EvidenceInput {
                    original_name: f.file_name().map(|n| n.to_string_lossy().to_string()),
                    classification: Classification::Confidential,
                    ..EvidenceInput::default()
                },
            )
            .unwrap();
        ids.push(added.evidence);
    }
    let ingest = t.elapsed().as_secs_f64();
    println!(
        "  evidence add, confidential and encrypted: {:.2} s ({:.0} MiB/s)",
        ingest,
        mib(total) / ingest
    );
    let t = Instant::now();
    for id in &ids {
        let item = a
            .get_visible(id, Classification::Confidential)
            .unwrap()
            .unwrap();
        let mut r = a.open_evidence_file(id, &item).unwrap();
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
    }
    let read = t.elapsed().as_secs_f64();
    println!(
        "  read back, decrypted and re-hashed: {:.2} s ({:.0} MiB/s)",
        read,
        mib(total) / read
    );
    let _ = std::fs::remove_dir_all(&archive_dir);
    let _ = std::fs::remove_file(&key);
}

/// Export everything at public clearance to `out`, then verify it; print both times.
fn bundle(a: &mut Archive, out: &Path, what: &str) {
    let _ = std::fs::remove_file(out);
    let t = Instant::now();
    let s = export_bundle(a, &Selection::everything(), Classification::Public, out).unwrap();
    let export = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let r = verify_bundle(out, None).unwrap();
    let verify = t.elapsed().as_secs_f64();
    let rate = if s.evidence_bytes > 0 {
        format!(" ({:.0} MiB/s of evidence)", mib(s.evidence_bytes) / export)
    } else {
        String::new()
    };
    println!(
        "  {what}: {} records, {} operations, {} evidence files ({:.0} MiB); ZIP {:.1} MiB; \
         export {export:.2} s{rate}, verify-bundle {verify:.2} s",
        s.records,
        s.operations,
        s.evidence_files,
        mib(s.evidence_bytes),
        mib(s.bytes),
    );
    assert_eq!(r.records, s.records);
    std::fs::remove_file(out).unwrap();
}

/// Files of random bytes, `FILE_MIB` each, about `gib` GiB in all; kept for later runs.
fn evidence_files(dir: &Path, gib: f64) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let count = ((gib * 1024.0) / FILE_MIB as f64).ceil() as u64;
    let mut rng = synth::rng(11);
    let mut buf = vec![0u8; (FILE_MIB << 20) as usize];
    (0..count)
        .map(|i| {
            let p = dir.join(format!("evidence-{i:05}.bin"));
            rng.fill_bytes(&mut buf);
            if std::fs::metadata(&p).map(|m| m.len()).ok() != Some(buf.len() as u64) {
                std::fs::write(&p, &buf).unwrap();
            }
            p
        })
        .collect()
}
