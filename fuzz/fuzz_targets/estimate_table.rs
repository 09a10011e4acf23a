//! A capture table read from any bytes must never make `rightsdoc estimate` panic, and what
//! it reports must make sense: a finite estimate no smaller than the number of people observed,
//! inside its own interval, whose lower end is not below the number observed either.
//! LCMCR is left out (far too slow per input).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rightsdoc_estimate::{Report, Request, Selection, Table, estimate};

/// Absolute slack for comparisons of people counts (sums of up to 1e6 whole numbers).
fn slack(observed: f64) -> f64 {
    1e-6 * observed.max(1.0)
}

fn check(table: &Table, what: &str, report: &Report) {
    let n = table.observed();
    let e = report.estimate;
    let ctx = || format!("{what}, model {}, table {:?}", report.model, table.counts());
    assert_eq!(report.observed, n, "{}", ctx());
    assert!(e.is_finite(), "{}: estimate {e} is not finite", ctx());
    assert!(e >= n - slack(n), "{}: estimate {e} < observed {n}", ctx());
    if let Some(low) = report.ci_low {
        assert!(
            low >= n - slack(n),
            "{}: ci_low {low} < observed {n}",
            ctx()
        );
        assert!(
            low <= e + slack(e),
            "{}: ci_low {low} > estimate {e}",
            ctx()
        );
    }
    if let Some(high) = report.ci_high {
        assert!(
            high >= e - slack(e),
            "{}: ci_high {high} < estimate {e}",
            ctx()
        );
    }
    assert!(!report.models.is_empty(), "{}: no model rows", ctx());
    assert!(!report.summary.is_empty(), "{}", ctx());
}

fuzz_target!(|data: &[u8]| {
    let Ok(table) = Table::parse_csv(Path::new("fuzz.csv"), data) else {
        return;
    };
    let t = table.t();
    if t > 6 || table.observed() > 1e6 {
        return;
    }
    // The default request: Chapman for two lists, the BIC search over log-linear models
    // otherwise. For six lists the exhaustive search fits 2^15 models (seconds per input), so
    // there it goes stepwise, which is what larger tables get anyway.
    let search = Request {
        exhaustive_limit: if t >= 6 { 1_000 } else { 100_000 },
        ..Request::default()
    };
    let family = Request {
        selection: Selection::Family,
        ..Request::default()
    };
    for (what, request) in [("search", &search), ("family", &family)] {
        if let Ok(report) = estimate(&table, request) {
            check(&table, what, &report);
        }
    }
});
