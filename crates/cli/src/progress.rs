//! The import's progress bar: drawn on a terminal, silent when stderr is a pipe or a file
//! (indicatif hides a bar that no one watches), so scripts and logs see only the report.

use indicatif::{ProgressBar, ProgressStyle};
use rightsdoc_io::{Progress, ProgressFn};
use std::sync::Arc;

/// A bar over the file's bytes, labelled with the pass ("checking", then "writing").
pub fn import_bar() -> (ProgressBar, ProgressFn) {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>9} [{bar:40}] {bytes}/{total_bytes} {per_sec} eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let shown = bar.clone();
    let update: ProgressFn = Arc::new(move |p: &Progress| {
        if let Some(total) = p.bytes_total {
            shown.set_length(total);
        }
        shown.set_position(p.bytes_read);
        shown.set_message(match (p.pass, p.passes) {
            (1, 2) => "checking",
            _ => "importing",
        });
    });
    (bar, update)
}

/// A spinner for a step without a measurable length (indexing for search).
pub fn spinner(message: &'static str) -> ProgressBar {
    let s = ProgressBar::new_spinner();
    s.set_message(message);
    s.enable_steady_tick(std::time::Duration::from_millis(120));
    s
}
