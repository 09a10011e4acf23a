//! End-to-end import benchmark: a spreadsheet of N synthetic people (a CSV like a victim list's)
//! imported by the real `rightsdoc` binary into a fresh archive, as a user would run it. The
//! time includes reading, validation, the log, the projections and the search index; the peak
//! memory is the import process's own.
//!
//! `cargo build --release -p rightsdoc-cli -p rightsdoc-bench`, then
//! `target/release/import-bench [N] [DIR]` (N defaults to 1,000,000; the CSV is kept in DIR and
//! reused by later runs).
use rightsdoc_bench::measure::{dir_size, mib};
use rightsdoc_bench::synth;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(1_000_000, |a| a.parse().expect("N: a number of people"));
    let dir = std::env::args()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| tempfile::tempdir().unwrap().keep());
    std::fs::create_dir_all(&dir).unwrap();
    let exe = std::env::current_exe().unwrap().with_file_name("rightsdoc");
    assert!(
        exe.exists(),
        "{} is missing: cargo build --release -p rightsdoc-cli",
        exe.display()
    );

    let csv = dir.join(format!("people-{n}.csv"));
    if !csv.exists() {
        let t = Instant::now();
        write_csv(&csv, n);
        eprintln!("{}: {n} rows written in {:.1?}", csv.display(), t.elapsed());
    }

    let archive = dir.join("archive");
    let _ = std::fs::remove_dir_all(&archive);
    run(&exe, &archive, &["init"]);

    let t = Instant::now();
    run(
        &exe,
        &archive,
        &["import", csv.to_str().unwrap(), "--kind", "person"],
    );
    let secs = t.elapsed().as_secs_f64();
    let peak = children_peak_rss();
    println!(
        "import: {n} rows in {secs:.2} s = {:.0} rows/s; peak RSS {:.0} MiB; archive {:.0} MiB (database {:.0} MiB, search index {:.0} MiB); CSV {:.0} MiB",
        n as f64 / secs,
        mib(peak),
        mib(dir_size(&archive)),
        mib(dir_size(&archive) - dir_size(&archive.join("search"))),
        mib(dir_size(&archive.join("search"))),
        mib(std::fs::metadata(&csv).unwrap().len()),
    );

    // The index is ready: a search right after the import finds people at once.
    let t = Instant::now();
    let out = run(
        &exe,
        &archive,
        &["search", "Mohammad Rezaei", "--limit", "3"],
    );
    println!(
        "first search after the import: {:.0?} (process start to exit), {}",
        t.elapsed(),
        out.lines().next().unwrap_or_default()
    );

    // Importing the same file again changes nothing.
    let t = Instant::now();
    run(
        &exe,
        &archive,
        &["import", csv.to_str().unwrap(), "--kind", "person"],
    );
    println!("re-import of the same file: {:.1?}", t.elapsed());
}

fn write_csv(path: &Path, n: u64) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(synth::CSV_COLUMNS).unwrap();
    for p in synth::people(synth::DEFAULT_SEED, synth::Ids::Ordered, 0, n) {
        w.write_record(synth::person_csv_row(&p)).unwrap();
    }
    w.flush().unwrap();
}

/// Run `rightsdoc --archive DIR ARGS…`; panics with its error output when it fails.
fn run(exe: &Path, archive: &Path, args: &[&str]) -> String {
    let out = Command::new(exe)
        // An encrypted archive, as `rightsdoc init` makes by default; the passphrase is
        // given as a script gives it.
        .env("RIGHTSDOC_PASSPHRASE", "import bench passphrase")
        .arg("--archive")
        .arg(archive)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rightsdoc {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The largest resident set of any child process waited for so far (Linux reports KiB).
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}
