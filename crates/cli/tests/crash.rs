//! `kill -9` at random moments while writing loses no acknowledged write and leaves an
//! archive that verifies.

mod common;
use common::*;
use rand::Rng;
use std::collections::BTreeSet;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

fn ids_in(archive: &std::path::Path) -> BTreeSet<String> {
    let v: Vec<serde_json::Value> =
        serde_json::from_str(&ok(archive, &["export", "--clearance", "confidential"])).unwrap();
    v.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// SIGKILL the child's whole process group (it was spawned as the group's leader).
fn kill_group(child: &mut std::process::Child) {
    let pgid = child.id() as libc::pid_t;
    assert!(pgid > 1, "refusing to signal process group {pgid}");
    // SAFETY: kill(2) with a negative pid signals exactly that process group.
    let rc = unsafe { libc::kill(-pgid, libc::SIGKILL) };
    assert!(rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH));
    child.wait().unwrap();
}

#[test]
fn kill_dash_nine_loses_no_acknowledged_write() {
    let seed: u64 = rand::random();
    eprintln!("seed {seed}");
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed);
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("archive");
    ok(&a, &["init"]);
    let bin = env!("CARGO_BIN_EXE_rightsdoc");

    let mut acknowledged = BTreeSet::new();
    for round in 0..12 {
        // A writer adding records one by one; each printed id was acknowledged as committed.
        let printed = tmp.path().join(format!("printed-{round}.txt"));
        let script = format!(
            "for i in $(seq 1 400); do {bin} --archive '{}' add --data '{{\"kind\":\"person\",\"names\":[\"Round {round} person '$i'\"]}}' || exit 1; done",
            a.display()
        );
        let mut child = Command::new("bash")
            .args(["-c", &script])
            .env("RIGHTSDOC_KEY_FILE", common::TEST_KEY_FILE)
            .stdout(Stdio::from(std::fs::File::create(&printed).unwrap()))
            .process_group(0)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(30..600)));
        kill_group(&mut child);

        let text = std::fs::read_to_string(&printed).unwrap();
        // Only complete lines count: a line cut by the kill was never acknowledged.
        for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            acknowledged.insert(line.trim().to_string());
        }
        let present = ids_in(&a);
        let lost: Vec<_> = acknowledged.difference(&present).collect();
        assert!(
            lost.is_empty(),
            "round {round} (seed {seed}): acknowledged ids lost: {lost:?}"
        );
        ok(&a, &["verify"]);
    }
    assert!(
        acknowledged.len() > 12,
        "the writer barely ran; the test proved little ({} writes)",
        acknowledged.len()
    );

    // A large import killed mid-way is all or nothing.
    let file = tmp.path().join("batch.jsonl");
    let lines: Vec<String> = (0..3000)
        .map(|i| format!(r#"{{"kind":"person","id":"psn_batch-{i}","names":["Batch {i}"]}}"#))
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    for round in 0..4 {
        let mut child = Command::new(bin)
            .args([
                "--archive",
                a.to_str().unwrap(),
                "import",
                file.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..400)));
        kill_group(&mut child);
        let batch = ids_in(&a)
            .iter()
            .filter(|id| id.starts_with("psn_batch-"))
            .count();
        assert!(
            batch == 0 || batch == 3000,
            "round {round} (seed {seed}): a killed import left {batch} of 3000 records"
        );
        ok(&a, &["verify"]);
    }
}
