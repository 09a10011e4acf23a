//! SQLite against PostgreSQL: writes/s and reads/s at 1, 4 and 16 concurrent clients, side by
//! side in one run. Each client is a thread with an archive handle of its own (as each server
//! worker or command has), working through the archive service: a write is a validated person
//! record through canonical JSON, the log, the tree and the projections, committed; a read is
//! one record by id as a public reader sees it.
//!
//! `cargo build --release -p rightsdoc-bench`, then
//! `target/release/backends-bench [SECONDS_PER_CELL] [POSTGRES_URL]` (5 s;
//! `RIGHTSDOC_TEST_POSTGRES` or postgres://postgres@127.0.0.1:5432/test). The PostgreSQL
//! archive lives in a schema of its own, dropped at the end.
use rand::{Rng, SeedableRng};
use rightsdoc_archive::{Archive, InitOptions};
use rightsdoc_bench::synth;
use rightsdoc_model::Classification;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Records in the archive before the clients start (what reads choose from).
const SEEDED: u64 = 20_000;
const CLIENTS: [usize; 3] = [1, 4, 16];

struct Cell {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .map_or(5, |a| a.parse().expect("SECONDS"));
    let base = std::env::args().nth(2).unwrap_or_else(|| {
        std::env::var("RIGHTSDOC_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
    });
    let schema = format!("rdbench_{:016x}", rand::random::<u64>());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    let tmp = tempfile::tempdir().unwrap();
    let backends: [(&str, PathBuf, Option<String>); 2] = [
        ("SQLite", tmp.path().join("sqlite"), None),
        ("PostgreSQL", tmp.path().join("postgres"), Some(url)),
    ];
    let period = Duration::from_secs(secs);
    println!(
        "{SEEDED} people seeded, {secs} s per cell, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "| backend | clients | writes/s | write p50 | write p99 | reads/s | read p50 | read p99 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let result = std::panic::catch_unwind(|| {
        for (name, dir, database) in &backends {
            let options = InitOptions {
                database: database.clone(),
                ..InitOptions::default()
            };
            let mut a = Archive::init_with(dir, "bench", &options).expect("a new archive");
            a.add_many(synth::fixtures(), "").unwrap();
            let people: Vec<_> =
                synth::people(synth::DEFAULT_SEED, synth::Ids::Ordered, 0, SEEDED).collect();
            let ids: Vec<String> = people
                .iter()
                .map(|p| {
                    p["id"]
                        .as_str()
                        .expect("synthetic people have ids")
                        .to_string()
                })
                .collect();
            a.add_many(people, "").unwrap();
            drop(a);
            for clients in CLIENTS {
                let w = run(dir, clients, period, |a, c, i, _| {
                    a.add(json!({"kind": "person", "names": [format!("Client {c} Write {i}")]}))
                        .map(drop)
                        .expect("a write");
                });
                let r = run(dir, clients, period, |a, _, _, rng| {
                    let id = &ids[rng.gen_range(0..ids.len())];
                    assert!(a.get_visible(id, Classification::Public).unwrap().is_some());
                });
                println!(
                    "| {name} | {clients} | {:.0} | {:.1} ms | {:.1} ms | {:.0} | {:.2} ms | {:.2} ms |",
                    w.per_second, w.p50_ms, w.p99_ms, r.per_second, r.p50_ms, r.p99_ms
                );
            }
        }
    });
    drop_schema(&base, &schema);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// `clients` threads doing `op` for `period`, each with its own archive handle.
fn run(
    dir: &Path,
    clients: usize,
    period: Duration,
    op: impl Fn(&mut Archive, usize, u64, &mut rand::rngs::StdRng) + Sync,
) -> Cell {
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let op = &op;
                s.spawn(move || {
                    let mut a = Archive::open(dir, "bench").unwrap();
                    let mut rng = rand::rngs::StdRng::seed_from_u64(c as u64);
                    let mut times = Vec::new();
                    let mut i = 0;
                    while started.elapsed() < period {
                        let t = Instant::now();
                        op(&mut a, c, i, &mut rng);
                        times.push(t.elapsed());
                        i += 1;
                    }
                    times
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Cell {
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

fn drop_schema(base: &str, schema: &str) {
    match postgres::Client::connect(base, postgres::NoTls) {
        Ok(mut c) => {
            if let Err(e) = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            {
                eprintln!("could not drop schema {schema}: {e}");
            }
        }
        Err(e) => eprintln!("could not drop schema {schema}: {e}"),
    }
}
