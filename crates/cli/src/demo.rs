//! `rightsdoc demo`: build an archive from the bundled demo data set.

use anyhow::{Context, Result, bail};
use rightsdoc_archive::{Archive, InitOptions, KeySource};
use serde_json::Value;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// Marker file that tells a demo archive from a real one, so `demo` never touches real data.
const MARKER: &str = "DEMO-ARCHIVE";

/// Build the demo archive; returns its folder.
pub fn run(dir: &Path, actor: &str, json: bool) -> Result<PathBuf> {
    let dir = if dir == Path::new("archive") {
        Path::new("rightsdoc-demo")
    } else {
        dir
    };
    if dir.join("rightsdoc.toml").exists() {
        if !dir.join(MARKER).exists() {
            bail!(
                "{} holds an archive that is not the demo; choose another folder with --archive",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("cannot replace the old demo in {}", dir.display()))?;
    }
    // The demo is encrypted like a real archive. Its key is a file beside it (a real
    // archive's key never is), so the demo runs without a prompt.
    let key_file = dir.with_file_name(format!(
        "{}.key",
        dir.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("rightsdoc-demo")
    ));
    let source = match KeySource::from_env() {
        Some(source) => source,
        None => {
            let _ = std::fs::remove_file(&key_file); // the old demo's
            let source = KeySource::new_key_file(&key_file)?;
            KeySource::set_for_process(source.clone());
            source
        }
    };
    let options = InitOptions {
        encryption: Some(source),
        ..InitOptions::default()
    };
    let mut archive = Archive::init_with(dir, actor, &options)?;
    std::fs::write(
        dir.join(MARKER),
        "This archive was built by `rightsdoc demo` and is rebuilt on every run.\n",
    )?;
    let mut records = Vec::new();
    for (name, text) in DEMO_FILES {
        let v: Vec<Value> =
            serde_json::from_str(text).with_context(|| format!("demo file {name}"))?;
        records.extend(v);
    }
    let n = records.len();
    archive.add_many(records, "demo data: ")?;
    let cp = archive.checkpoint()?;
    let report = archive.verify(&[])?;
    if json {
        println!(
            "{}",
            serde_json::json!({"archive": dir, "records": n, "operations": report.operations})
        );
    } else {
        println!(
            "built the demo archive in {}: {n} records, {} operations, verified",
            dir.display(),
            report.operations
        );
        println!("signed checkpoint at size {}:\n{}", cp.size, cp.text);
        println!(
            "try: rightsdoc --archive {} show <id> | history <id> | export --clearance public",
            dir.display()
        );
        if key_file.exists() {
            println!(
                "confidential values are encrypted at rest; to read them from the command line: export RIGHTSDOC_KEY_FILE={}",
                key_file.display()
            );
        }
    }
    Ok(dir.to_path_buf())
}
