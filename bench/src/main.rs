//! `rightsdoc-bench`: how fast the archive foundation is. Every subcommand prints one line for
//! people, or one JSON object with `--json`; `all` prints a Markdown table for RESULTS.md.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use rightsdoc_archive::Archive;
use rightsdoc_bench::measure::{dir_size, mib, peak_rss_bytes, reset_peak_rss};
use rightsdoc_bench::synth;
use rightsdoc_ledger::{Hash, MemoryTree, SealedOp};
use rightsdoc_store::projection::Rebuilt;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tempfile::TempDir;

const ACTOR: &str = "bench";
/// Operations read per `read_log` call, as verification does.
const CHUNK: u64 = 20_000;

#[derive(Parser)]
#[command(about = "Benchmarks of the rightsdoc archive foundation")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Print a JSON object instead of a line of text.
    #[arg(long, global = true)]
    json: bool,
    /// Folder for temporary archives (default: the system temp folder). Put it on the disk you
    /// want to measure: commits are fsync'd.
    #[arg(long, global = true)]
    dir: Option<PathBuf>,
    /// Seed of the synthetic people.
    #[arg(long, global = true, default_value_t = synth::DEFAULT_SEED)]
    seed: u64,
    /// Person ids in insertion order (as the archive generates them) or scattered (as an
    /// importer with its own stable ids may bring them).
    #[arg(long, global = true, value_enum, default_value_t = IdOrder::Ordered)]
    ids: IdOrder,
}

#[derive(Clone, Copy, ValueEnum)]
enum IdOrder {
    Ordered,
    Random,
}

#[derive(Subcommand)]
enum Cmd {
    /// Bulk append: `Archive::add_many` in batches, one transaction per batch.
    Append {
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
        #[arg(long, default_value_t = 10_000)]
        batch: u64,
    },
    /// One `Archive::add` (one fsync'd transaction) per record.
    AppendSingle {
        #[arg(long, default_value_t = 5_000)]
        records: u64,
    },
    /// Full verification of an archive of N people.
    Verify {
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
        /// Use the archive in DIR, building it there first if DIR holds none.
        #[arg(long)]
        archive: Option<PathBuf>,
        /// Also time verification's phases one by one (a second pass over the log).
        #[arg(long)]
        breakdown: bool,
    },
    /// Plain SHA-256 over the log's header and payload bytes: the floor for verification.
    Sha256 {
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
        /// Use the archive in DIR, building it there first if DIR holds none.
        #[arg(long)]
        archive: Option<PathBuf>,
        /// Verification time to compare against; measured (one extra verify) when not given.
        #[arg(long)]
        verify_seconds: Option<f64>,
    },
    /// Print synthetic people as JSON lines (fixtures first with --fixtures), to look at or to
    /// feed other tools.
    Synth {
        #[arg(long, default_value_t = 10)]
        records: u64,
        #[arg(long)]
        fixtures: bool,
    },
    /// append, append-single, verify and sha256 in turn; prints a Markdown table.
    All {
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
        #[arg(long, default_value_t = 10_000)]
        batch: u64,
        #[arg(long, default_value_t = 5_000)]
        single: u64,
    },
}

/// One measurement: a table row, a line for people and the details for `--json`.
struct Outcome {
    what: String,
    n: u64,
    seconds: f64,
    rate: String,
    line: String,
    json: Value,
}

impl Outcome {
    fn print(&self, json: bool) {
        if json {
            println!("{}", self.json);
        } else {
            println!("{}", self.line);
        }
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let ctx = Ctx {
        dir: cli.dir.unwrap_or_else(std::env::temp_dir),
        seed: cli.seed,
        ids: match cli.ids {
            IdOrder::Ordered => synth::Ids::Ordered,
            IdOrder::Random => synth::Ids::Random,
        },
    };
    match cli.cmd {
        Cmd::Append { records, batch } => {
            let tmp = ctx.temp()?;
            ctx.append(tmp.path(), records, batch)?.print(cli.json);
        }
        Cmd::AppendSingle { records } => ctx.append_single(records)?.print(cli.json),
        Cmd::Verify {
            records,
            archive,
            breakdown,
        } => {
            let (_tmp, path) = ctx.archive_of(records, archive)?;
            ctx.verify(&path)?.print(cli.json);
            if breakdown {
                let b = verify_breakdown(&path)?;
                if cli.json {
                    println!("{b}")
                } else {
                    println!("breakdown (seconds): {b}")
                }
            }
        }
        Cmd::Sha256 {
            records,
            archive,
            verify_seconds,
        } => {
            let (_tmp, path) = ctx.archive_of(records, archive)?;
            let verify_seconds = match verify_seconds {
                Some(s) => s,
                None => ctx.verify(&path)?.seconds,
            };
            ctx.sha256(&path, verify_seconds)?.print(cli.json);
        }
        Cmd::Synth { records, fixtures } => {
            let head = if fixtures {
                synth::fixtures()
            } else {
                Vec::new()
            };
            let t = Instant::now();
            for p in head
                .into_iter()
                .chain(synth::people(ctx.seed, ctx.ids, 0, records))
            {
                println!("{p}");
            }
            eprintln!("{records} people in {:.2} s", t.elapsed().as_secs_f64());
        }
        Cmd::All {
            records,
            batch,
            single,
        } => ctx.all(records, batch, single, cli.json)?,
    }
    Ok(())
}

struct Ctx {
    dir: PathBuf,
    seed: u64,
    ids: synth::Ids,
}

impl Ctx {
    fn ids_name(&self) -> &'static str {
        match self.ids {
            synth::Ids::Ordered => "ordered",
            synth::Ids::Random => "random",
        }
    }

    fn temp(&self) -> Result<TempDir> {
        std::fs::create_dir_all(&self.dir)?;
        tempfile::Builder::new()
            .prefix("rightsdoc-bench-")
            .tempdir_in(&self.dir)
            .with_context(|| {
                format!(
                    "cannot create a temporary archive in {}",
                    self.dir.display()
                )
            })
    }

    /// The archive to measure: `given` if it holds one, else a new one of `records` people
    /// (in `given`, kept, or in a temporary folder removed with the returned guard).
    fn archive_of(
        &self,
        records: u64,
        given: Option<PathBuf>,
    ) -> Result<(Option<TempDir>, PathBuf)> {
        match given {
            Some(dir) if dir.join("rightsdoc.toml").exists() => Ok((None, dir)),
            Some(dir) => {
                eprintln!(
                    "building an archive of {records} people in {}",
                    dir.display()
                );
                self.append(&dir, records, 10_000)?;
                Ok((None, dir))
            }
            None => {
                let tmp = self.temp()?;
                let path = tmp.path().join("archive");
                eprintln!(
                    "building an archive of {records} people in {}",
                    path.display()
                );
                self.append(&path, records, 10_000)?;
                Ok((Some(tmp), path))
            }
        }
    }

    /// A new archive in `path` holding the fixtures and `records` people added in batches.
    fn append(&self, path: &Path, records: u64, batch: u64) -> Result<Outcome> {
        if batch == 0 {
            bail!("--batch must be at least 1");
        }
        let mut archive = Archive::init(path, ACTOR)?;
        archive.add_many(synth::fixtures(), "fixtures: ")?;
        reset_peak_rss();
        let (mut generate, mut add) = (0.0, 0.0);
        // Rates of the first and last tenth show whether appends slow down as the archive grows.
        let tenth = (records / 10).max(1);
        // (operations, seconds) of the batches that start in the first and end in the last tenth.
        let (mut first_tenth, mut last_tenth) = ((0, 0.0), (0, 0.0));
        let mut done = 0;
        while done < records {
            let to = (done + batch).min(records);
            let t = Instant::now();
            let people: Vec<Value> = synth::people(self.seed, self.ids, done, to).collect();
            generate += t.elapsed().as_secs_f64();
            let t = Instant::now();
            archive.add_many(people, "")?;
            let s = t.elapsed().as_secs_f64();
            add += s;
            if done < tenth {
                first_tenth = (first_tenth.0 + to - done, first_tenth.1 + s);
            }
            if to > records - tenth {
                last_tenth = (last_tenth.0 + to - done, last_tenth.1 + s);
            }
            if (done / tenth) != (to / tenth) || to == records {
                eprintln!(
                    "  appended {to}/{records} ({:.0} ops/s so far)",
                    to as f64 / add
                );
            }
            done = to;
        }
        let peak = peak_rss_bytes();
        let t = Instant::now();
        let cp = archive.checkpoint()?;
        let checkpoint = t.elapsed().as_secs_f64();
        drop(archive); // closing the last connection folds the WAL into archive.db
        let size = dir_size(path);
        let rate = records as f64 / add;
        let rows_per_batch = batch.min(records);
        let edge_rate = |(ops, s): (u64, f64)| {
            if s > 0.0 {
                (ops as f64 / s).round()
            } else {
                0.0
            }
        };
        Ok(Outcome {
            what: format!(
                "append, `add_many` in batches of {batch}, {} ids",
                self.ids_name()
            ),
            n: records,
            seconds: add,
            rate: format!("{rate:.0} ops/s"),
            line: format!(
                "append: {records} people ({} ids) in batches of {rows_per_batch}: {add:.2} s ({rate:.0} ops/s; first tenth {:.0}, last tenth {:.0} ops/s); \
                 generating them {generate:.2} s; checkpoint {:.3} s; archive {:.1} MiB ({:.0} bytes/op); peak RSS {:.0} MiB",
                self.ids_name(),
                edge_rate(first_tenth),
                edge_rate(last_tenth),
                checkpoint,
                mib(size),
                size as f64 / records.max(1) as f64,
                mib(peak.unwrap_or(0)),
            ),
            json: json!({
                "bench": "append", "records": records, "batch": batch, "ids": self.ids_name(), "seconds": add, "ops_per_s": rate,
                "first_tenth_ops_per_s": edge_rate(first_tenth), "last_tenth_ops_per_s": edge_rate(last_tenth),
                "generate_seconds": generate, "checkpoint_seconds": checkpoint, "log_size": cp.size,
                "archive_bytes": size, "bytes_per_op": size as f64 / records.max(1) as f64, "peak_rss_bytes": peak,
            }),
        })
    }

    fn append_single(&self, records: u64) -> Result<Outcome> {
        let tmp = self.temp()?;
        let mut archive = Archive::init(tmp.path(), ACTOR)?;
        archive.add_many(synth::fixtures(), "fixtures: ")?;
        let people: Vec<Value> = synth::people(self.seed, self.ids, 0, records).collect();
        reset_peak_rss();
        let t = Instant::now();
        for p in people {
            archive.add(p)?;
        }
        let seconds = t.elapsed().as_secs_f64();
        let rate = records as f64 / seconds;
        Ok(Outcome {
            what: "append-single, one `add` (fsync'd transaction) each".into(),
            n: records,
            seconds,
            rate: format!("{rate:.0} ops/s"),
            line: format!(
                "append-single: {records} people, one transaction each: {seconds:.2} s ({rate:.0} ops/s, {:.2} ms/op)",
                1000.0 * seconds / records.max(1) as f64
            ),
            json: json!({"bench": "append-single", "records": records, "seconds": seconds, "ops_per_s": rate, "peak_rss_bytes": peak_rss_bytes()}),
        })
    }

    fn verify(&self, path: &Path) -> Result<Outcome> {
        let archive = Archive::open(path, ACTOR)?;
        reset_peak_rss();
        let t = Instant::now();
        let report = archive.verify(&[])?;
        let seconds = t.elapsed().as_secs_f64();
        let peak = peak_rss_bytes();
        let ops = report.operations;
        let rate = ops as f64 / seconds;
        Ok(Outcome {
            what: "verify (`Archive::verify(&[])`)".into(),
            n: ops,
            seconds,
            rate: format!("{rate:.0} ops/s"),
            line: format!(
                "verify: {ops} operations, {} records, {} checkpoint(s): {seconds:.2} s ({rate:.0} ops/s); peak RSS {:.0} MiB",
                report.records,
                report.checkpoints.len(),
                mib(peak.unwrap_or(0))
            ),
            json: json!({
                "bench": "verify", "operations": ops, "records": report.records, "checkpoints": report.checkpoints.len(),
                "seconds": seconds, "ops_per_s": rate, "peak_rss_bytes": peak,
            }),
        })
    }

    fn sha256(&self, path: &Path, verify_seconds: f64) -> Result<Outcome> {
        let (bytes, spans) = log_bytes(path)?;
        let headers = spans.iter().filter(|s| s.header).count() as u64;
        let hashes = spans.len() as u64;
        reset_peak_rss();
        let t = Instant::now();
        let mut check = [0u8; 32];
        for s in &spans {
            // The same inputs verification hashes: 0x00 || header (the RFC 6962 leaf) and
            // salt || payload (the payload digest, the salt being the span's first 32 bytes).
            let mut h = Sha256::new();
            if s.header {
                h.update([0u8]);
            }
            h.update(&bytes[s.start..s.end]);
            let d = h.finalize();
            check[0] ^= d[0]; // keeps the work observable to the optimizer
        }
        let seconds = t.elapsed().as_secs_f64();
        std::hint::black_box(check);
        let total = bytes.len() as u64 + headers;
        let mbps = total as f64 / 1e6 / seconds;
        let hps = hashes as f64 / seconds;
        let ratio = verify_seconds / seconds;
        Ok(Outcome {
            what: "SHA-256 of the same header and payload bytes".into(),
            n: headers,
            seconds,
            rate: format!("{mbps:.0} MB/s, {hps:.0} hashes/s"),
            line: format!(
                "sha256: {hashes} hashes over {:.1} MiB from {headers} operations: {seconds:.3} s ({mbps:.0} MB/s, {hps:.0} hashes/s); \
                 verify takes {ratio:.0}x as long ({verify_seconds:.2} s)",
                mib(total)
            ),
            json: json!({
                "bench": "sha256", "operations": headers, "hashes": hashes, "bytes": total, "seconds": seconds,
                "mb_per_s": mbps, "hashes_per_s": hps, "verify_seconds": verify_seconds, "verify_over_sha256": ratio,
            }),
        })
    }

    fn all(&self, records: u64, batch: u64, single: u64, json: bool) -> Result<()> {
        let tmp = self.temp()?;
        let path = tmp.path().join("archive");
        eprintln!("append: {records} people in batches of {batch}");
        let append = self.append(&path, records, batch)?;
        eprintln!("{}", append.line);
        eprintln!("append-single: {single} people");
        let single = self.append_single(single)?;
        eprintln!("{}", single.line);
        eprintln!("verify");
        let verify = self.verify(&path)?;
        eprintln!("{}", verify.line);
        eprintln!("sha256");
        let sha = self.sha256(&path, verify.seconds)?;
        eprintln!("{}", sha.line);
        let all = [&append, &single, &verify, &sha];
        if json {
            println!(
                "{}",
                json!({"append": append.json, "append_single": single.json, "verify": verify.json, "sha256": sha.json})
            );
            return Ok(());
        }
        println!("| what | N | seconds | rate |\n|---|---:|---:|---:|");
        for o in all {
            println!(
                "| {} | {} | {:.2} | {} |",
                o.what,
                thousands(o.n),
                o.seconds,
                o.rate
            );
        }
        println!(
            "\nverify / SHA-256 time: {:.0}x",
            sha.json["verify_over_sha256"].as_f64().unwrap_or(0.0)
        );
        println!(
            "archive on disk: {:.1} MiB for {} operations; peak RSS: append {:.0} MiB, verify {:.0} MiB",
            mib(append.json["archive_bytes"].as_u64().unwrap_or(0)),
            thousands(verify.n),
            mib(append.json["peak_rss_bytes"].as_u64().unwrap_or(0)),
            mib(verify.json["peak_rss_bytes"].as_u64().unwrap_or(0)),
        );
        Ok(())
    }
}

/// A slice of the log bytes to hash: a header, or a payload with its salt in front.
struct Span {
    start: usize,
    end: usize,
    header: bool,
}

/// Every header and salted payload of the log, read back through the store (not timed).
fn log_bytes(path: &Path) -> Result<(Vec<u8>, Vec<Span>)> {
    let archive = Archive::open(path, ACTOR)?;
    let store = archive.store();
    let size = store.log_size()?;
    let mut bytes = Vec::new();
    let mut spans = Vec::with_capacity(2 * size as usize);
    let mut push = |bytes: &mut Vec<u8>, parts: &[&[u8]], header: bool| {
        let start = bytes.len();
        for p in parts {
            bytes.extend_from_slice(p);
        }
        spans.push(Span {
            start,
            end: bytes.len(),
            header,
        });
    };
    for from in (0..size).step_by(CHUNK as usize) {
        for op in store.read_log(from, (from + CHUNK).min(size))? {
            push(&mut bytes, &[&op.header_bytes], true);
            if let Some((salt, body)) = &op.payload {
                push(&mut bytes, &[&salt.0, body], false);
            }
        }
    }
    Ok((bytes, spans))
}

/// Verification's phases timed one by one, to see where its time goes. Mirrors
/// `rightsdoc_store::verify` without its checks; reopen (re-hash and re-encode) is timed apart
/// from the SQL read by reopening the read operations a second time.
fn verify_breakdown(path: &Path) -> Result<Value> {
    let archive = Archive::open(path, ACTOR)?;
    let store = archive.store();
    let mut out = Map::new();
    let mut time = |name: &str, t: Instant| {
        out.insert(name.into(), json!(t.elapsed().as_secs_f64()));
    };

    let t = Instant::now();
    store.check_storage()?;
    time("integrity_check", t);

    let size = store.log_size()?;
    let (mut read, mut reopen, mut rebuild, mut tree_s) = (0.0, 0.0, 0.0, 0.0);
    let mut rebuilt = Rebuilt::default();
    let mut tree = MemoryTree::new();
    for from in (0..size).step_by(CHUNK as usize) {
        let t = Instant::now();
        let ops = store.read_log(from, (from + CHUNK).min(size))?;
        read += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for op in &ops {
            SealedOp::reopen(op.header_bytes.clone(), op.payload.clone())?;
        }
        reopen += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for op in &ops {
            rebuilt.apply(op)?;
        }
        rebuild += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for op in &ops {
            tree.append(op.leaf);
        }
        tree_s += t.elapsed().as_secs_f64();
    }
    out.insert("read_log_incl_reopen".into(), json!(read));
    out.insert("reopen_alone".into(), json!(reopen));
    out.insert("projection_rebuild".into(), json!(rebuild));
    out.insert("memory_tree".into(), json!(tree_s));

    let mut time = |name: &str, t: Instant| {
        out.insert(name.into(), json!(t.elapsed().as_secs_f64()));
    };
    let t = Instant::now();
    let mut n = 0u64;
    store.for_each_stored_hash(&mut |_, _: Hash| {
        n += 1;
        Ok(())
    })?;
    time("scan_tree", t);
    let t = Instant::now();
    store.for_each_record(None, &mut |_| Ok(()))?;
    time("scan_records", t);
    let t = Instant::now();
    store.for_each_ref(&mut |_| Ok(()))?;
    time("scan_refs", t);
    out.insert("stored_hashes".into(), json!(n));
    out.insert("rebuilt_records".into(), json!(rebuilt.records.len()));
    Ok(Value::Object(out))
}

/// 1000000 as 1,000,000.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
