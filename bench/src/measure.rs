//! Measuring helpers: peak memory of this process per phase, and bytes on disk.

use std::fs;
use std::path::Path;

/// Peak resident set size of this process since start or the last [`reset_peak_rss`]
/// (Linux `VmHWM`); `None` where /proc is not available.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Start a new peak-memory measurement, so each phase reports its own peak rather than the
/// largest so far (Linux: writing 5 to `clear_refs` resets `VmHWM`). Best effort.
pub fn reset_peak_rss() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// Total size of the regular files under `path`.
pub fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// `bytes` in MiB, for people.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
