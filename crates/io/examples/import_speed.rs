//! How fast rows become validated records: writes N synthetic people to a CSV file and imports
//! it with the default (all-or-nothing) policy into a writer that only counts.
//!
//! `POLICY=all|single|dry cargo run --release -p rightsdoc-io --example import_speed -- 1000000`

use rightsdoc_io::{DEFAULT_CHUNK_SIZE, ImportOptions, Input, Policy, import_chunks};
use rightsdoc_model::Kind;
use std::io::Write;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("rightsdoc-import-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("people.csv");
    let first = [
        "Mohammad", "Ali", "Reza", "Maryam", "Zahra", "Hossein", "Fatemeh", "Mehdi",
    ];
    let last = [
        "Rezaei", "Ahmadi", "Karimi", "Hosseini", "Moradi", "Jafari", "Sadeghi",
    ];
    let fa = [
        "محمد رضایی",
        "علی احمدی",
        "مریم کریمی",
        "زهرا حسینی",
        "حسین مرادی",
    ];
    let places = ["Tehran", "Rasht", "Tabriz", "Mashhad", "Shiraz", "Ahvaz"];
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        w,
        "id,first_name,last_name,father_name,name_fa,sex,birth_year,death,place,list"
    )
    .unwrap();
    for i in 0..n {
        let birth = if i % 3 == 0 {
            format!("{}", 1330 + i % 40)
        } else {
            format!("{}", 1940 + i % 50)
        };
        writeln!(
            w,
            "{i},{},{},{},{},{},{birth},1988-0{}~,{},Synthetic list",
            first[i % first.len()],
            last[i % last.len()],
            first[(i / 7) % first.len()],
            fa[i % fa.len()],
            if i % 2 == 0 { "male" } else { "female" },
            1 + i % 9,
            places[i % places.len()],
        )
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    // POLICY=dry|single|all (default all: validate, then read again to write).
    let policy = match std::env::var("POLICY").as_deref() {
        Ok("dry") => Policy::DryRun,
        Ok("single") => Policy::SinglePass,
        _ => Policy::AllOrNothing,
    };
    let label = format!("{policy:?}");
    let opts = ImportOptions {
        kind: Some(Kind::Person),
        policy,
        ..Default::default()
    };
    let started = Instant::now();
    let mut records = 0;
    let report = import_chunks(Input::path(&path), &opts, DEFAULT_CHUNK_SIZE, |chunk| {
        records += chunk.len();
        Ok::<(), std::io::Error>(())
    })
    .unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{label}: {} rows, {} valid, {records} records written in {secs:.2} s ({:.0} rows/s)",
        report.rows,
        report.valid,
        report.rows as f64 / secs
    );
    std::fs::remove_dir_all(&dir).ok();
}
