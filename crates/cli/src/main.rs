//! `rightsdoc`: the command line. A thin layer: parse arguments, call the archive, print.

mod bundle;
mod demo;
mod estimate;
mod evidence;
mod keys;
mod link;
mod progress;
mod render;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use rightsdoc_archive::{Archive, Written};
use rightsdoc_io::{DEFAULT_CHUNK_SIZE, ImportOptions, Input, Mapping, Policy};
use rightsdoc_model::{Classification, Kind};
use rightsdoc_search::{Facet, SearchIndex, SearchQuery};
use rightsdoc_stats::{By, Filter, Snapshot, stats};
use rightsdoc_web::accounts::{Accounts, Role};
use serde_json::Value;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "rightsdoc",
    version,
    about = "Document human-rights violations in a verifiable archive"
)]
struct Cli {
    /// The archive folder.
    #[arg(
        long,
        global = true,
        env = "RIGHTSDOC_ARCHIVE",
        default_value = "archive"
    )]
    archive: PathBuf,
    /// Who is acting; recorded on every operation.
    #[arg(long, global = true, env = "RIGHTSDOC_ACTOR")]
    actor: Option<String>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    /// The highest classification shown: public, restricted or confidential. Public by
    /// default, so nothing confidential leaves the archive unless asked for.
    #[arg(
        long,
        global = true,
        env = "RIGHTSDOC_CLEARANCE",
        default_value = "public"
    )]
    clearance: Classification,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input (one line, at least 12
    /// characters). Admins and editors get a TOTP secret for their authenticator app.
    Add {
        name: String,
        /// admin, editor (see everything, change records), researcher (public and
        /// restricted) or viewer (public).
        #[arg(long)]
        role: String,
    },
    /// A new API token for scripts (send it as `Authorization: Bearer TOKEN`).
    Token {
        name: String,
        /// What the token is for, to tell tokens apart later.
        #[arg(long, default_value = "script")]
        label: String,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Create an empty archive with its signing key.
    Init {
        /// Keep the evidence files in S3-compatible storage, `s3://BUCKET/PREFIX`, instead
        /// of the archive's `blobs/` folder. The endpoint, region and credentials are read
        /// from the environment (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,
        /// AWS_SECRET_ACCESS_KEY; AWS_ALLOW_HTTP=true for an http:// endpoint) whenever the
        /// archive is used, and never written to it.
        #[arg(long, value_name = "s3://BUCKET/PREFIX")]
        blobs: Option<String>,
        /// Keep confidential values and files in the clear instead of encrypting them
        /// under a passphrase (RIGHTSDOC_PASSPHRASE) or key file (RIGHTSDOC_KEY_FILE: 64
        /// hex digits, e.g. from `openssl rand -hex 32`). Anyone who copies such an archive
        /// can read every witness's name.
        #[arg(long)]
        no_encryption: bool,
        /// Keep the log and projections in PostgreSQL instead of `archive.db`, for several
        /// servers and many writers: an empty schema, postgres://USER@HOST:PORT/DB?schema=NAME
        /// (the folder still holds the configuration, keys and local evidence files).
        #[arg(long, value_name = "postgres://…")]
        database: Option<String>,
    },
    /// Build the demo archive from the bundled data set and serve it on localhost.
    Demo {
        /// Where the web interface listens.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Build the demo archive and stop, without serving it.
        #[arg(long)]
        no_serve: bool,
    },
    /// Accounts of the web interface.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Serve the archive's web interface and JSON API.
    Serve {
        /// Where to listen. Keep it on 127.0.0.1 unless a TLS proxy is in front.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Create a record; prints its id.
    Add {
        /// Record kind (person, source, event, …); may also be given inside the JSON.
        kind: Option<String>,
        /// A file holding the record JSON (`-` for standard input).
        #[arg(short = 'f', long = "file", conflicts_with = "inline")]
        file: Option<PathBuf>,
        /// The record JSON itself.
        #[arg(long = "data", id = "inline")]
        data: Option<String>,
    },
    /// Change a record with an RFC 7396 JSON merge patch.
    Edit {
        id: String,
        #[arg(short = 'f', long = "file", conflicts_with = "inline")]
        file: Option<PathBuf>,
        #[arg(long = "data", id = "inline")]
        data: Option<String>,
    },
    /// Withdraw a record from the current state (its history stays in the log).
    Delete {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Crypto-shredding: destroy the key of a record's encrypted (confidential) values, so
    /// nobody can read them again, anywhere they were written. The log keeps the reason and
    /// still verifies; the record stays with what was not confidential.
    Redact {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Show a record.
    Show { id: String },
    /// Every operation that touched a record.
    History { id: String },
    /// Sign a checkpoint of the log, keep it, and print it.
    Checkpoint,
    /// Re-hash the log, check checkpoints and projections.
    Verify {
        /// A checkpoint kept outside the archive; may be repeated.
        #[arg(long = "checkpoint")]
        checkpoints: Vec<PathBuf>,
    },
    /// Export the records visible at --clearance.
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// CSV: the kind of record (one table); without it, --out is a folder of one CSV per kind.
        /// Bundle: the same as --where kind=K.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Bundle: which records, `id=ID` or `kind=KIND` (repeatable; any matches); each brings
        /// the visible records it refers to. Without it, everything visible.
        #[arg(long = "where")]
        conditions: Vec<String>,
    },
    /// Check a court bundle (`export --format bundle`): its BagIt manifests, every operation's
    /// leaf and inclusion proof, the checkpoint's signature, and the records against the log.
    VerifyBundle {
        file: PathBuf,
        /// The archive's verifier key obtained separately (a `verifier.key` file): proves the
        /// bundle comes from that archive; the key inside the bundle only proves consistency.
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Search names (any script or spelling) and text; the index catches up with the log first.
    Search {
        query: String,
        /// Only records of this kind.
        #[arg(long)]
        kind: Option<String>,
        /// A facet condition facet=value (kind, act_type, year, place, list, theme, response); may be repeated.
        #[arg(long = "where")]
        conditions: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Rebuild the index from the log first (after damage or an upgrade).
        #[arg(long)]
        rebuild: bool,
    },
    /// Count documented records (never an estimate).
    Stats {
        /// year, act, place, sex, age, list, response, cycle, theme or recommending-state
        #[arg(long, default_value = "year")]
        by: String,
        /// A condition key=value (e.g. act_type=execution, cycle=2); may be repeated.
        #[arg(long = "where")]
        conditions: Vec<String>,
    },
    /// Who held posts, at the time of an act or event, in the organizations responsible for it.
    Responsible { id: String },
    /// Posts held by people implicated in violations.
    Posts {
        /// Only posts still held today.
        #[arg(long)]
        holds_office_now: bool,
    },
    /// Import records from a JSON export (a JSON array, or one record per line).
    /// Import records from CSV, XLSX/ODS or a JSON export (array or JSON Lines). Any bad row
    /// and nothing is written, unless --skip-invalid.
    Import {
        file: PathBuf,
        /// Record kind of the rows (person, recommendation, …); guessed from the columns if absent.
        #[arg(long)]
        kind: Option<String>,
        /// A TOML file renaming columns, setting constants, splitting and joining columns.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Record every imported person as a member of this list (created if needed).
        #[arg(long)]
        list: Option<String>,
        /// Cite this source (an existing `src_…` id) on every imported record.
        #[arg(long)]
        source: Option<String>,
        /// Validate and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the good rows and save the rejected ones to FILE.rejected.csv.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Find the same person across or within lists (CSV files; no archive needed) and write
    /// `id,cluster_id`.
    Link(link::LinkArgs),
    /// Find people recorded twice in this archive and propose each pair for review (a `match`
    /// record, decision `proposed`). Pairs decided before are not proposed again.
    Dedupe(link::DedupeArgs),
    /// List the proposed matches, or decide one: `review mch_… --decide same|different|deferred`.
    /// Deciding `different` after `same` undoes the merge; every decision is in the log.
    Review(link::ReviewArgs),
    /// Estimate how many people no list recorded (multiple systems estimation), from a table
    /// of list overlaps or from the archive's own lists (--lists).
    Estimate(estimate::EstimateArgs),
    /// Evidence files: store one (`add FILE`), copy one out (`get`), show its chain of
    /// custody (`custody`), record a hand-over (`hand-over`).
    Evidence(evidence::EvidenceArgs),
    /// Copy the archive (log, keys, accounts, evidence files) to the new folder OUT,
    /// consistently, even while a server or an import is writing to it.
    Backup { out: PathBuf },
    /// Restore a backup into the new folder given by --archive, verify it, and check its
    /// log against the backup's manifest.
    Restore { backup: PathBuf },
    /// Move an embedded archive's log and projections into an empty PostgreSQL schema,
    /// verify the copy (same operations, root and projections) and switch the archive to it.
    /// Stop servers on the archive first; the old file is kept as archive.db.migrated.
    Migrate {
        #[arg(long, value_name = "postgres://USER@HOST:PORT/DB?schema=NAME")]
        to: String,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    Json,
    Csv,
    Geojson,
    /// A court bundle: a BagIt ZIP with records, log operations, proofs and evidence files.
    Bundle,
}

fn main() {
    // Behave like other Unix tools when output is piped into `head`: stop quietly.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        // One line, on stderr, and a non-zero exit: the contract scripts rely on.
        let msg = format!("{e:#}").replace('\n', " ");
        eprintln!("error: {msg}");
        std::process::exit(1);
    }
}

/// Commands that write records (which may hold confidential values to seal) or read at
/// confidential clearance: on a terminal, they ask for the passphrase of an encrypted archive
/// that no environment variable unlocks.
fn needs_key(command: &Command, clearance: Classification) -> bool {
    clearance == Classification::Confidential
        || matches!(
            command,
            Command::Add { .. }
                | Command::Edit { .. }
                | Command::Import { .. }
                | Command::Evidence(_)
                | Command::Dedupe(_)
                | Command::Review(_)
                | Command::Serve { .. }
        )
}

fn actor(cli: &Cli) -> String {
    cli.actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".into())
}

fn run(cli: Cli) -> Result<()> {
    let actor = actor(&cli);
    let dir = cli.archive.as_path();
    if needs_key(&cli.command, cli.clearance) {
        keys::ask_if_locked(dir)?;
    }
    match &cli.command {
        Command::Init {
            blobs,
            no_encryption,
            database,
        } => {
            let options = rightsdoc_archive::InitOptions {
                blobs: blobs.clone(),
                database: database.clone(),
                encryption: if *no_encryption {
                    None
                } else {
                    Some(keys::for_new_archive()?)
                },
            };
            let a = Archive::init_with(dir, &actor, &options)?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({"archive": dir, "origin": a.origin(),
                        "blobs": a.blobs().location()})
                );
            } else {
                println!(
                    "created archive {} (log origin {})",
                    dir.display(),
                    a.origin()
                );
                println!(
                    "its public verifier key is in {}",
                    dir.join("keys/verifier.key").display()
                );
                if let Some(url) = a.blobs_url() {
                    println!("its evidence files are kept in {url}");
                }
            }
        }
        Command::Demo { addr, no_serve } => {
            let built = demo::run(dir, &actor, cli.json)?;
            // A researcher account (public and restricted records) to try signing in with.
            let (demo_user, demo_password) = ("demo", "demo-password-2026");
            Accounts::open(&built)?.add_user(demo_user, Role::Researcher, demo_password)?;
            if !no_serve {
                println!("serving the demo archive on http://{addr}/ (Ctrl-C stops it)");
                println!("sign in as `{demo_user}`, password `{demo_password}` (researcher)");
                serve(&built, *addr)?;
            }
        }
        Command::User { command } => {
            Archive::open(dir, &actor)?;
            let accounts = Accounts::open(dir)?;
            match command {
                UserCommand::Add { name, role } => {
                    let role = Role::parse(role).with_context(|| {
                        format!("--role {role}: use admin, editor, researcher or viewer")
                    })?;
                    let mut password = String::new();
                    std::io::stdin()
                        .read_line(&mut password)
                        .context("cannot read the password from standard input")?;
                    let password = password.trim_end_matches(['\r', '\n']);
                    let secret = accounts.add_user(name, role, password)?;
                    println!("added {name} ({})", role.as_str());
                    if let Some(secret) = secret {
                        println!(
                            "TOTP secret (add it to an authenticator app now; it is not shown again): {secret}"
                        );
                        if let Some(uri) = Accounts::totp_uri(name, &secret) {
                            println!("{uri}");
                        }
                    }
                }
                UserCommand::Token { name, label } => {
                    println!("{}", accounts.add_token(name, label)?);
                }
            }
        }
        Command::Link(args) => link::run(args, cli.json)?,
        Command::Evidence(args) => evidence::run(args, dir, &actor, cli.clearance, cli.json)?,
        Command::Backup { out } => {
            let m = Archive::open(dir, &actor)?.backup(out)?;
            if cli.json {
                println!("{}", serde_json::to_string(&m)?);
            } else {
                println!(
                    "backed up {} operations ({} files, {} bytes) to {}; log root {}",
                    m.operations,
                    m.files,
                    m.bytes,
                    out.display(),
                    m.root
                );
                if let Some(url) = &m.external_blobs {
                    println!(
                        "the evidence files were not copied: they stay in {url}; back up that bucket separately (versioning, replication or your provider's copy tools)"
                    );
                }
            }
        }
        Command::Migrate { to } => migrate(dir, &actor, to, cli.json)?,
        Command::Restore { backup } => {
            let (_, m, report) = Archive::restore(backup, dir, &actor)?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({"archive": dir, "backup": m,
                        "verified": {"operations": report.operations, "records": report.records}})
                );
            } else {
                println!(
                    "restored {} operations into {}; verified, log root {} as in the backup",
                    m.operations,
                    dir.display(),
                    m.root
                );
            }
        }
        Command::Estimate(args) => {
            estimate::run(args, || snapshot(dir, &actor, cli.clearance), cli.json)?
        }
        Command::Dedupe(args) => {
            let mut archive = Archive::open(dir, &actor)?;
            link::dedupe(&mut archive, cli.clearance, args, cli.json)?;
        }
        Command::Review(args) => {
            let mut archive = Archive::open(dir, &actor)?;
            link::review(&mut archive, cli.clearance, args, cli.json)?;
        }
        Command::Serve { addr } => {
            if Archive::open(dir, &actor)?.is_locked() {
                eprintln!(
                    "rightsdoc serve: no key given (RIGHTSDOC_PASSPHRASE or RIGHTSDOC_KEY_FILE): confidential values stay encrypted, so no one sees or writes them through this server"
                );
            }
            println!(
                "serving {} on http://{addr}/ (Ctrl-C stops it)",
                dir.display()
            );
            serve(dir, *addr)?;
        }
        Command::Add { kind, file, data } => {
            let mut value = read_json_input(file.as_deref(), data.as_deref())?;
            if let (Some(k), Value::Object(o)) = (kind, &mut value) {
                match o.get("kind") {
                    Some(Value::String(existing)) if existing != k => {
                        bail!("kind `{k}` given, but the JSON says `{existing}`")
                    }
                    _ => {
                        o.insert("kind".into(), Value::String(k.clone()));
                    }
                }
            }
            let record = Archive::open(dir, &actor)?.add(value)?;
            print_record_id(&record, cli.json);
        }
        Command::Edit { id, file, data } => {
            let patch = read_json_input(file.as_deref(), data.as_deref())?;
            let record = Archive::open(dir, &actor)?.edit(id, &patch)?;
            print_record_id(&record, cli.json);
        }
        Command::Delete { id, reason } => {
            Archive::open(dir, &actor)?.delete(id, reason)?;
            println!("{id}");
        }
        Command::Redact { id, reason } => {
            Archive::open(dir, &actor)?.redact(id, reason)?;
            if cli.json {
                println!("{}", serde_json::json!({"redacted": id}));
            } else {
                println!("{id}: its confidential values are destroyed (the log records why)");
            }
        }
        Command::Show { id } => {
            let a = Archive::open(dir, &actor)?;
            let Some(visible) = a.get_visible(id, cli.clearance)? else {
                bail!(
                    "no record `{id}` visible at clearance {} in {}",
                    cli.clearance,
                    dir.display()
                );
            };
            if cli.json {
                println!("{visible}");
            } else {
                print!("{}", render::record(&a, cli.clearance, &visible));
            }
        }
        Command::History { id } => {
            let a = Archive::open(dir, &actor)?;
            let history = a.history(id, cli.clearance)?;
            if history.is_empty() {
                bail!(
                    "no record `{id}` visible at clearance {} in {}",
                    cli.clearance,
                    dir.display()
                );
            }
            if cli.json {
                println!("{}", serde_json::to_string(&history)?);
            } else {
                let mut before: Option<Value> = None;
                for h in history {
                    println!("#{} {} {} {}", h.seq, h.time, h.actor, h.action);
                    match (&before, &h.record) {
                        (_, None) if h.action == "delete" => {}
                        (_, None) if h.redacted => println!("    (content destroyed by redaction)"),
                        (_, None) => println!("    (not visible at clearance {})", cli.clearance),
                        (None, Some(r)) => println!("    {r}"),
                        (Some(b), Some(r)) => {
                            for line in describe_diff(b, r) {
                                println!("    {line}");
                            }
                        }
                    }
                    before = h.record;
                }
            }
        }
        Command::Checkpoint => {
            let cp = Archive::open(dir, &actor)?.checkpoint()?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({"size": cp.size, "checkpoint": cp.text})
                );
            } else {
                print!("{}", cp.text);
            }
        }
        Command::Verify { checkpoints } => {
            let mut given = Vec::new();
            for path in checkpoints {
                given.push(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read checkpoint {}", path.display()))?,
                );
            }
            let a = Archive::open(dir, &actor)?;
            let report = a
                .verify(&given)
                .with_context(|| format!("verification of {} FAILED", dir.display()))?;
            let root: String = report.root.0.iter().map(|b| format!("{b:02x}")).collect();
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({"ok": true, "operations": report.operations, "root": root, "records": report.records,
                        "checkpoints": report.checkpoints.len(), "redacted": report.redacted,
                        "shredded": report.shredded.iter().map(|(seq, id, reason)| serde_json::json!({"seq": seq, "id": id, "reason": reason})).collect::<Vec<_>>(),
                        "encrypted": a.is_encrypted(),
                        "blobs": report.blobs})
                );
            } else {
                println!(
                    "ok: {} operations, {} records, {} checkpoints consistent, root {root}",
                    report.operations,
                    report.records,
                    report.checkpoints.len()
                );
                match report.blobs {
                    0 => {}
                    1 => println!("1 evidence file re-hashed"),
                    n => println!("{n} evidence files re-hashed"),
                }
                if report.redacted > 0 {
                    println!(
                        "{} operations have redacted payloads (their headers still verify)",
                        report.redacted
                    );
                }
                for (seq, id, reason) in &report.shredded {
                    println!(
                        "redacted: `{id}` had its confidential values destroyed by operation {seq} ({reason})"
                    );
                }
            }
        }
        Command::Export {
            format: Format::Bundle,
            kind,
            out,
            conditions,
        } => bundle::export(
            dir,
            &actor,
            cli.clearance,
            kind.as_deref(),
            out.as_deref(),
            conditions,
            cli.json,
        )?,
        Command::VerifyBundle { file, key } => bundle::verify(file, key.as_deref(), cli.json)?,
        Command::Export {
            format,
            kind,
            out,
            conditions,
        } => {
            if !conditions.is_empty() {
                bail!("--where selects records for --format bundle only");
            }
            let records = Archive::open(dir, &actor)?.export(cli.clearance)?;
            export(&records, *format, kind.as_deref(), out.as_deref())?;
        }
        Command::Search {
            query,
            kind,
            conditions,
            limit,
            rebuild,
        } => {
            let a = Archive::open(dir, &actor)?;
            let index_dir = dir.join("search");
            let mut index = match SearchIndex::open(&index_dir) {
                Err(e) if *rebuild => {
                    eprintln!("{e}; rebuilding");
                    SearchIndex::reset(&index_dir)?
                }
                other => other?,
            };
            if *rebuild {
                index.rebuild(a.store())?;
            } else {
                index.catch_up(a.store())?;
            }
            let mut q = SearchQuery::new(query);
            q.limit = *limit;
            q.kind = kind
                .as_deref()
                .map(|k| Kind::parse(k).with_context(|| format!("--kind {k}: not a record kind")))
                .transpose()?;
            for c in conditions {
                let (facet, value) = c
                    .split_once('=')
                    .with_context(|| format!("--where {c}: write facet=value"))?;
                let facet: Facet = facet
                    .parse()
                    .map_err(|e| anyhow::anyhow!("--where {c}: {e}"))?;
                q.filters.push((facet, value.to_string()));
            }
            let results = index.search(&q, cli.clearance)?;
            if cli.json {
                println!("{}", results.to_json());
            } else {
                println!("{} matches (showing {})", results.total, results.hits.len());
                for h in &results.hits {
                    println!("  {:<28} {:<14} {}", h.id, h.kind.as_str(), h.label);
                }
                for (facet, values) in &results.facets {
                    let shown: Vec<String> = values
                        .iter()
                        .take(8)
                        .map(|(v, n)| format!("{v} ({n})"))
                        .collect();
                    println!("  {facet}: {}", shown.join(", "));
                }
            }
        }
        Command::Stats { by, conditions } => {
            let by = By::parse(by)?;
            let filters = conditions
                .iter()
                .map(|c| Filter::parse(c))
                .collect::<Result<Vec<_>, _>>()?;
            let table = stats(&snapshot(dir, &actor, cli.clearance)?, by, &filters)?;
            if cli.json {
                println!("{}", serde_json::to_string(&table)?);
            } else {
                print!("{}", render::table(&table));
            }
        }
        Command::Responsible { id } => {
            let r = rightsdoc_stats::responsible(&snapshot(dir, &actor, cli.clearance)?, id)?;
            if cli.json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                print!("{}", render::responsibility(&r));
            }
        }
        Command::Posts { holds_office_now } => {
            if !holds_office_now {
                bail!("say which posts: --holds-office-now");
            }
            let lines =
                rightsdoc_stats::holds_office_now(&snapshot(dir, &actor, cli.clearance)?, today());
            if cli.json {
                println!("{}", serde_json::to_string(&lines)?);
            } else {
                print!("{}", render::office_lines(&lines));
            }
        }
        Command::Import {
            file,
            kind,
            mapping,
            list,
            source,
            dry_run,
            skip_invalid,
        } => {
            let kind = kind
                .as_deref()
                .map(|k| Kind::parse(k).with_context(|| format!("--kind {k}: not a record kind")))
                .transpose()?;
            let mapping = mapping
                .as_deref()
                .map(Mapping::load)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let mut archive = Archive::open(dir, &actor)?;
            if let Some(s) = source
                && archive.get(s)?.is_none()
            {
                bail!(
                    "--source {s}: no such source in {}; add it first",
                    dir.display()
                );
            }
            // One transaction when the store can: the file is then read once, and a bad row
            // anywhere discards everything. Otherwise every row is validated before any is
            // written, and a valid file is written chunk by chunk.
            let bulk = !*dry_run && archive.begin_bulk()?;
            let policy = if *dry_run {
                Policy::DryRun
            } else if *skip_invalid {
                Policy::SkipInvalid {
                    rejects: file.with_extension("rejected.csv"),
                }
            } else if bulk {
                Policy::SinglePass
            } else {
                Policy::AllOrNothing
            };
            let (bar, update) = progress::import_bar();
            let opts = ImportOptions {
                kind,
                mapping,
                list: list.clone(),
                source: source.clone(),
                policy,
                progress: Some(update),
                ..Default::default()
            };
            let context = format!("{}: ", file.display());
            let indexer = (!*dry_run).then(|| ImportIndexer::start(dir, &actor));
            let report = rightsdoc_io::import_chunks(
                Input::path(file),
                &opts,
                DEFAULT_CHUNK_SIZE,
                |chunk| -> Result<(), rightsdoc_archive::ArchiveError> {
                    let written = archive.add_imported(chunk, &context)?;
                    if let Some(indexer) = &indexer {
                        indexer.add(written);
                    }
                    Ok(())
                },
            );
            bar.finish_and_clear();
            let keep = match &report {
                Ok(r) => r.invalid_count == 0 || !matches!(opts.policy, Policy::SinglePass),
                Err(_) => false,
            };
            if bulk {
                archive.end_bulk(keep)?;
            }
            let spinner = progress::spinner("indexing for search");
            let indexed = indexer.map_or(Ok(()), |i| i.finish(keep));
            spinner.finish_and_clear();
            let mut report = report?;
            if !keep {
                report.written = 0;
            }
            if let Err(e) = indexed {
                // The records are in; the next search catches the index up.
                eprintln!(
                    "warning: the search index is behind the archive ({e:#}); the next search updates it"
                );
            }
            if cli.json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{report}");
            }
            if report.invalid_count > 0 && !skip_invalid {
                let first = report
                    .invalid
                    .first()
                    .map(|e| format!(" (first: {e})"))
                    .unwrap_or_default();
                bail!(
                    "{}: {} invalid rows{first}; nothing was written",
                    file.display(),
                    report.invalid_count
                );
            }
        }
    }
    Ok(())
}

/// Write `records` (already filtered for the reader's clearance) in `format`.
fn export(records: &[Value], format: Format, kind: Option<&str>, out: Option<&Path>) -> Result<()> {
    let kind = kind
        .map(|k| Kind::parse(k).with_context(|| format!("--kind {k}: not a record kind")))
        .transpose()?;
    let mut sink: Box<dyn std::io::Write> = match out {
        Some(path) if !(format == Format::Csv && kind.is_none()) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        ),
        _ => Box::new(std::io::stdout().lock()),
    };
    match (format, kind) {
        (Format::Json, _) => writeln!(sink, "{}", serde_json::to_string_pretty(records)?)?,
        (Format::Csv, Some(kind)) => {
            rightsdoc_io::export_csv(records, kind, &mut sink)?;
        }
        (Format::Csv, None) => {
            let dir = out.context(
                "a CSV export of every kind needs --out FOLDER (or --kind K for one table)",
            )?;
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            for (kind, path, summary) in rightsdoc_io::export_csv_by_kind(records, dir)? {
                eprintln!("{kind}: {} ({summary:?})", path.display());
            }
        }
        (Format::Geojson, _) => {
            rightsdoc_io::export_geojson(records, &mut sink)?;
        }
        (Format::Bundle, _) => bail!("a bundle is written by bundle::export"),
    }
    Ok(())
}

/// The records visible at `clearance`, indexed for analysis.
fn snapshot(dir: &Path, actor: &str, clearance: Classification) -> Result<Snapshot> {
    let a = Archive::open(dir, actor)?;
    let mut snap = Snapshot::default();
    a.visible(clearance, None, &mut |v| snap.add(v))?;
    Ok(snap)
}

/// Today's date in UTC (a calendar day; no timezone shifts a stored date).
fn today() -> rightsdoc_model::dates::Day {
    use chrono::Datelike;
    let d = chrono::Utc::now().date_naive();
    rightsdoc_model::dates::Day::new(d.year(), d.month() as u8, d.day() as u8)
        .expect("today is a valid day")
}

fn print_record_id(record: &rightsdoc_model::Record, json: bool) {
    if json {
        println!("{}", record.to_value());
    } else {
        println!("{}", record.id);
    }
}

/// JSON from `--data`, from a file, or from standard input (`-f -`).
fn read_json_input(file: Option<&Path>, data: Option<&str>) -> Result<Value> {
    let (text, origin) = match (file, data) {
        (_, Some(d)) => (d.to_string(), "--data".to_string()),
        (Some(p), None) if p == Path::new("-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            (s, "standard input".to_string())
        }
        (Some(p), None) => (
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
            p.display().to_string(),
        ),
        (None, None) => {
            bail!("give the record as -f FILE.json, -f - (standard input) or --data '{{…}}'")
        }
    };
    serde_json::from_str(&text).with_context(|| format!("{origin} is not valid JSON"))
}

/// Field-level summary of what changed between two versions of a record.
fn describe_diff(before: &Value, after: &Value) -> Vec<String> {
    let (Value::Object(b), Value::Object(a)) = (before, after) else {
        return vec![format!("{after}")];
    };
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("+ {k}: {v}")),
            Some(old) if old != v => out.push(format!("~ {k}: {old} -> {v}")),
            _ => {}
        }
    }
    for (k, v) in b {
        if !a.contains_key(k) {
            out.push(format!("- {k}: {v}"));
        }
    }
    out
}

/// Indexes the records an import writes, on a thread of its own, from memory (a
/// [`BulkIndex`]): the import ends with its records searchable, at little extra time. The
/// index commits only after the import has, so a discarded import leaves it as it was.
struct ImportIndexer {
    sender: std::sync::mpsc::SyncSender<Indexing>,
    thread: std::thread::JoinHandle<Result<()>>,
}

enum Indexing {
    Records(Vec<Written>),
    /// The import committed: commit the index too.
    Commit,
}

impl ImportIndexer {
    fn start(dir: &Path, actor: &str) -> ImportIndexer {
        // A few chunks in flight at most, so memory stays bounded when indexing lags.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Indexing>(4);
        let (dir, actor) = (dir.to_path_buf(), actor.to_string());
        let thread = std::thread::spawn(move || -> Result<()> {
            // A store handle of its own, for the operations other writers append meanwhile.
            let archive = Archive::open(&dir, &actor)?;
            let index = SearchIndex::open(&dir.join("search"))?;
            let mut bulk = index.into_bulk(archive.store())?;
            for message in receiver {
                match message {
                    Indexing::Records(written) => {
                        let written: Vec<(u64, &rightsdoc_model::Record)> =
                            written.iter().map(|w| (w.seq, &w.record)).collect();
                        bulk.add(&written, archive.store())?;
                    }
                    Indexing::Commit => {
                        bulk.commit(archive.store())?;
                        return Ok(());
                    }
                }
            }
            // The import was discarded (or failed): nothing it wrote is in the log.
            bulk.abandon()?;
            Ok(())
        });
        ImportIndexer { sender, thread }
    }

    /// Hands over the records a chunk wrote; a failed indexer is reported by [`Self::finish`].
    fn add(&self, written: Vec<Written>) {
        let _ = self.sender.send(Indexing::Records(written));
    }

    /// Waits for the index: committed when the import was, otherwise left as it was.
    fn finish(self, committed: bool) -> Result<()> {
        if committed {
            let _ = self.sender.send(Indexing::Commit);
        }
        drop(self.sender);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the indexing thread panicked"))?
    }
}

/// Run the web server until Ctrl-C.
fn serve(dir: &Path, addr: SocketAddr) -> Result<()> {
    let runtime = rightsdoc_web::runtime().context("cannot start the server's runtime")?;
    runtime.block_on(rightsdoc_web::serve(dir, addr))?;
    Ok(())
}

#[cfg(feature = "postgres")]
fn migrate(dir: &Path, actor: &str, to: &str, json: bool) -> Result<()> {
    let m = Archive::open(dir, actor)?.migrate_to(to)?;
    if json {
        println!(
            "{}",
            serde_json::json!({"operations": m.operations, "root": m.root, "records": m.records,
                "to": m.to, "kept": m.kept})
        );
    } else {
        println!(
            "moved {} operations and {} records into {}; verified, log root {} as before",
            m.operations, m.records, m.to, m.root
        );
        println!(
            "the embedded database is kept as {}; delete it once you have checked the archive",
            m.kept.display()
        );
    }
    Ok(())
}

#[cfg(not(feature = "postgres"))]
fn migrate(_: &Path, _: &str, _: &str, _: bool) -> Result<()> {
    bail!("this build of rightsdoc has no PostgreSQL support; build it with the `postgres` feature")
}
