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

/// What [`run_measured`] saw of a child process.
pub struct Measured {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    pub seconds: f64,
    /// The child's own peak resident set (from `wait4`), not that of earlier children.
    pub peak_rss_bytes: u64,
}

/// Runs a command to completion, timing it and reading its peak memory.
pub fn run_measured(command: &mut std::process::Command) -> std::io::Result<Measured> {
    use std::io::Read;
    use std::process::Stdio;
    let started = std::time::Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let mut err_pipe = child.stderr.take().expect("piped");
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout)?;
    stderr.push_str(&err_thread.join().unwrap_or_default());
    let mut status = 0;
    // SAFETY: wait4 writes only the status and the usage struct it is given; the pid is our
    // child, not yet waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(Measured {
        stdout,
        stderr,
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
    })
}
