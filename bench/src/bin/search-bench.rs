//! Search benchmark: index N synthetic people, then time 1,000 varied queries (p50/p99).
//! `cargo run --release -p rightsdoc-bench --bin search-bench -- N [DIR]`
use rand::{Rng, SeedableRng};
use rightsdoc_archive::Archive;
use rightsdoc_bench::measure::{dir_size, mib, peak_rss_bytes, reset_peak_rss};
use rightsdoc_bench::synth;
use rightsdoc_model::{Classification, Kind};
use rightsdoc_search::{Facet, SearchIndex, SearchQuery};
use serde_json::json;
use std::time::{Duration, Instant};

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(100_000, |a| a.parse().unwrap());
    let dir = std::env::args()
        .nth(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tempfile::tempdir().unwrap().keep());
    let archive_dir = dir.join("archive");
    let mut archive = if archive_dir.join("rightsdoc.toml").exists() {
        Archive::open(&archive_dir, "bench").unwrap()
    } else {
        let mut a = Archive::init(&archive_dir, "bench").unwrap();
        a.add_many(synth::fixtures(), "").unwrap();
        let t = Instant::now();
        let mut done = 0;
        while done < n {
            let to = (done + 50_000).min(n);
            a.add_many(
                synth::people(synth::DEFAULT_SEED, synth::Ids::Ordered, done, to).collect(),
                "",
            )
            .unwrap();
            done = to;
        }
        eprintln!("archive: {n} people appended in {:.1?}", t.elapsed());
        a
    };

    // Full indexing (rebuild from the log).
    let index_dir = archive_dir.join("search");
    let query_only = std::env::var("QUERY_ONLY").is_ok();
    if !query_only {
        let _ = std::fs::remove_dir_all(&index_dir);
    }
    reset_peak_rss();
    let cpu = cpu_seconds();
    let t = Instant::now();
    let mut index = SearchIndex::open(&index_dir).unwrap();
    let applied = index.catch_up(archive.store()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "index: {applied} operations in {secs:.2} s ({:.1} CPU-s) = {:.0} records/s; {:.1} MiB on disk; peak RSS {:.0} MiB; {} docs",
        cpu_seconds() - cpu,
        applied as f64 / secs,
        mib(dir_size(&index_dir)),
        mib(peak_rss_bytes().unwrap_or(0)),
        index.num_records()
    );

    // A small catch-up on the big index (an `add` then a search).
    if !query_only {
        let t = Instant::now();
        archive
            .add(json!({"kind": "person", "names": ["Bench Latecomer"]}))
            .unwrap();
        let add = t.elapsed();
        let t = Instant::now();
        index.catch_up(archive.store()).unwrap();
        println!(
            "one more record: archive add {:.1?}, catch_up {:.1?}",
            add,
            t.elapsed()
        );
    }

    // 1,000 varied queries drawn from the data: names as stored, other spellings, Persian,
    // surnames only, typos, filtered and facet-only queries.
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut queries = Vec::new();
    for q in 0..1000 {
        let i = rng.gen_range(0..n);
        let p = synth::people(synth::DEFAULT_SEED, synth::Ids::Ordered, i, i + 1)
            .next()
            .unwrap();
        let names: Vec<String> = p["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_string())
            .collect();
        let name = names[rng.gen_range(0..names.len())].clone();
        let mut query = SearchQuery::new(name.clone());
        match q % 10 {
            0..=2 => {}
            3 => query.text = name.split(' ').next_back().unwrap().to_string(),
            4 | 5 => {
                // One typo in the longest word.
                let mut words: Vec<String> = name.split(' ').map(String::from).collect();
                let w = words.iter_mut().max_by_key(|w| w.chars().count()).unwrap();
                let mut chars: Vec<char> = w.chars().collect();
                let k = rng.gen_range(1..chars.len());
                chars[k] = if chars[k].is_ascii() { 'x' } else { 'ب' };
                *w = chars.into_iter().collect();
                query.text = words.join(" ");
            }
            6 => query.kind = Some(Kind::Person),
            7 => {
                query.filters = vec![(Facet::List, "lst_bench-boroumand".into())];
            }
            8 => {
                query.text = String::new();
                query.filters = vec![(Facet::Year, "1988".into())];
            }
            _ => query.text = name.split(' ').next().unwrap().to_string(),
        }
        queries.push(query);
    }
    for clearance in [Classification::Public, Classification::Confidential] {
        // Warm the page cache once, then measure.
        for q in queries.iter().take(100) {
            index.search(q, clearance).unwrap();
        }
        let mut times: Vec<Duration> = Vec::new();
        let mut slow = Vec::new();
        let mut totals = 0usize;
        let mut slowest = (Duration::ZERO, String::new());
        for q in &queries {
            let t = Instant::now();
            let r = index.search(q, clearance).unwrap();
            let e = t.elapsed();
            totals += r.total;
            if e > slowest.0 {
                slowest = (
                    e,
                    format!("{:?} filters {:?} → {}", q.text, q.filters, r.total),
                );
            }
            times.push(e);
            if e > Duration::from_millis(15) {
                slow.push(format!(
                    "{:.1?} {:?} kind {:?} filters {:?} → {}",
                    e, q.text, q.kind, q.filters, r.total
                ));
            }
        }
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "queries at {clearance}: p50 {:.2?} p90 {:.2?} p99 {:.2?} max {:.2?}; mean total {}; slowest {}",
            pct(0.50),
            pct(0.90),
            pct(0.99),
            times[times.len() - 1],
            totals / queries.len(),
            slowest.1
        );
        if std::env::var("SHOW_SLOW").is_ok() {
            for s in &slow {
                println!("  slow: {s}");
            }
        }
    }
    let r = index
        .search(&SearchQuery::new("Mohammad Rezaei"), Classification::Public)
        .unwrap();
    println!(
        "example `Mohammad Rezaei`: total {}, top {:?}",
        r.total,
        r.hits.iter().take(3).map(|h| &h.label).collect::<Vec<_>>()
    );
    println!("data in {}", dir.display());
}
