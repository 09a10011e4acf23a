//! Arbitrary input never panics the readers, and every row error names a row.

use proptest::prelude::*;
use rightsdoc_io::{At, ImportOptions, Input, Policy, read};
use rightsdoc_model::Kind;

fn opts() -> ImportOptions {
    ImportOptions {
        kind: Some(Kind::Person),
        policy: Policy::DryRun,
        ..Default::default()
    }
}

/// CSV-ish text: the characters that matter to a CSV parser, names, dates and formulas.
fn csv_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just(String::new()),
        Just("\"".to_string()),
        Just("\"a,b\"".to_string()),
        Just("=SUM(A1)".to_string()),
        Just("19x5".to_string()),
        Just("1340".to_string()),
        Just("علی".to_string()),
        "[a-zA-Z ]{0,8}",
        "[,;\"\r\n\t x=@+-]{0,4}",
    ];
    let row = prop::collection::vec(cell, 0..6).prop_map(|cells| cells.join(","));
    let header = prop_oneof![
        Just("full_name,birth,sex".to_string()),
        Just("first_name;last_name;name_fa".to_string()),
        Just("\u{feff}full_name".to_string()),
        "[a-z_,]{0,20}",
    ];
    let newline = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
    (header, prop::collection::vec(row, 0..8), newline)
        .prop_map(|(h, rows, nl)| std::iter::once(h).chain(rows).collect::<Vec<_>>().join(nl))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn csv_text_never_panics_and_errors_name_rows(text in csv_text()) {
        if let Ok(r) = read(Input::bytes("p.csv", text.as_bytes()), &opts()) {
            prop_assert_eq!(r.report.rows, r.report.valid + r.report.invalid_count);
            for e in &r.report.invalid {
                prop_assert!(e.row >= 1);
                prop_assert!(matches!(e.at, At::Line(l) if l >= 2));
                let shown = e.to_string();
                prop_assert!(shown.starts_with(&format!("row {} (line ", e.row)), "{}", shown);
                prop_assert!(!e.reason.is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for name in ["x.csv", "x.json", "x.xlsx", "x"] {
            if let Ok(r) = read(Input::bytes(name, &bytes), &opts()) {
                for e in &r.report.invalid {
                    prop_assert!(e.row >= 1);
                }
            }
        }
    }
}
