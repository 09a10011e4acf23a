//! Checks the name-pair tables in `tests/data`: every `match` row must give equal keys and
//! every `differ` row different keys. Failures are listed all at once.

use rightsdoc_names::{Script, match_key, script};

struct Row {
    line: usize,
    a: String,
    b: String,
    expect_match: bool,
}

/// Reads a CSV table with a header and columns `a, b, expect[, note]`; a field may be quoted.
fn read_table(name: &str) -> Vec<Row> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let fields = split_csv(line);
            let field = |n: usize| fields.get(n).cloned().unwrap_or_default();
            let expect_match = match field(2).as_str() {
                "match" => true,
                "differ" => false,
                other => panic!(
                    "{name}:{}: expect must be match or differ, not {other:?}",
                    i + 1
                ),
            };
            Row {
                line: i + 1,
                a: field(0),
                b: field(1),
                expect_match,
            }
        })
        .collect()
}

fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

/// Checks the rows, prints failures and returns how many failed.
fn check(name: &str, rows: &[Row]) -> usize {
    let mut failures = Vec::new();
    for row in rows {
        let (ka, kb) = (match_key(&row.a), match_key(&row.b));
        if (ka == kb) != row.expect_match {
            let want = if row.expect_match { "match" } else { "differ" };
            failures.push(format!(
                "{name}:{}: {} [{ka}] vs {} [{kb}]: expected {want}",
                row.line, row.a, row.b
            ));
        }
    }
    let matches = rows.iter().filter(|r| r.expect_match).count();
    println!(
        "{name}: {} rows, {matches} match, {} differ",
        rows.len(),
        rows.len() - matches
    );
    for failure in &failures {
        println!("FAIL {failure}");
    }
    failures.len()
}

#[test]
fn persian_latin_pairs() {
    let rows = read_table("name_pairs.csv");
    assert!(rows.len() >= 150 && rows.iter().filter(|r| !r.expect_match).count() >= 20);
    for row in &rows {
        assert_eq!(
            script(&row.a),
            Script::Persian,
            "line {}: {}",
            row.line,
            row.a
        );
        assert_eq!(
            script(&row.b),
            Script::Latin,
            "line {}: {}",
            row.line,
            row.b
        );
    }
    assert_eq!(
        check("name_pairs.csv", &rows),
        0,
        "see the FAIL lines above"
    );
}

#[test]
fn latin_variant_pairs() {
    let rows = read_table("latin_variants.csv");
    for row in &rows {
        assert_eq!(
            script(&row.a),
            Script::Latin,
            "line {}: {}",
            row.line,
            row.a
        );
        assert_eq!(
            script(&row.b),
            Script::Latin,
            "line {}: {}",
            row.line,
            row.b
        );
    }
    assert_eq!(
        check("latin_variants.csv", &rows),
        0,
        "see the FAIL lines above"
    );
}
