//! The capture table: how many people each combination of lists recorded.
//!
//! Rows are kept in Rcapture's order (`histpos.t`): row `i` is the binary expansion of
//! `2^t - 1 - i` with the first list as the most significant bit, so `11…1` comes first and
//! `00…01` last. The all-zero pattern (people on no list) is never a row: it is what the
//! estimate is about.

use std::path::Path;

use crate::EstimateError;

/// Counts per capture pattern for `t` lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    lists: Vec<String>,
    /// `counts[i]` is the number of people with the pattern of row `i` (see the module docs).
    counts: Vec<f64>,
}

impl Table {
    /// A table from list names and counts in Rcapture's row order. At least two lists.
    pub fn new(lists: Vec<String>, counts: Vec<f64>) -> Result<Table, EstimateError> {
        let t = lists.len();
        if t < 2 {
            return Err(EstimateError::Input(format!(
                "an estimate needs at least two lists; the table has {t}"
            )));
        }
        if t > 16 {
            return Err(EstimateError::Input(format!(
                "the table has {t} lists; rightsdoc estimates with at most 16"
            )));
        }
        if counts.len() != (1usize << t) - 1 {
            return Err(EstimateError::Input(format!(
                "{t} lists have {} capture patterns, but {} counts were given",
                (1usize << t) - 1,
                counts.len()
            )));
        }
        if let Some(bad) = counts.iter().find(|c| !(c.is_finite() && **c >= 0.0)) {
            return Err(EstimateError::Input(format!(
                "counts must be whole numbers of people, not {bad}"
            )));
        }
        Ok(Table { lists, counts })
    }

    /// A table from `(pattern, count)` pairs, where bit `j` of a pattern means "on list `j`".
    /// Patterns may repeat (their counts add up); patterns not given count zero.
    pub fn from_patterns(
        lists: Vec<String>,
        patterns: impl IntoIterator<Item = (u32, f64)>,
    ) -> Result<Table, EstimateError> {
        let t = lists.len();
        let mut counts = vec![0.0; (1usize << t.min(16)) - 1];
        for (pattern, count) in patterns {
            if pattern == 0 || pattern >= 1 << t {
                return Err(EstimateError::Input(format!(
                    "capture pattern {pattern:#b} does not fit {t} lists"
                )));
            }
            counts[row_of(t, pattern)] += count;
        }
        Table::new(lists, counts)
    }

    /// Reads the `estimate` file contract (DESIGN.md): a CSV with one 0/1 column per list and
    /// a `count` (or `freq`) column. Rows with zero counts are fine; an all-zero row must
    /// count zero. Without a count column, every row is one person. Errors name the file,
    /// row and field.
    pub fn read_csv(path: &Path) -> Result<Table, EstimateError> {
        let bytes = std::fs::read(path)
            .map_err(|e| EstimateError::Input(format!("cannot read {}: {e}", path.display())))?;
        Table::parse_csv(path, &bytes)
    }

    /// As [`Table::read_csv`], from bytes; `path` only names the file in errors.
    pub fn parse_csv(path: &Path, bytes: &[u8]) -> Result<Table, EstimateError> {
        let file = path.display();
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|e| EstimateError::Input(format!("{file}: cannot read the header: {e}")))?
            .clone();
        let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        let count_columns: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.to_ascii_lowercase().as_str(), "count" | "freq"))
            .map(|(i, _)| i)
            .collect();
        if count_columns.len() > 1 {
            return Err(EstimateError::Input(format!(
                "{file}: the header has both `count` and `freq`; keep one count column"
            )));
        }
        let count_column = count_columns.first().copied();
        let list_columns: Vec<usize> = (0..names.len())
            .filter(|i| Some(*i) != count_column)
            .collect();
        for &i in &list_columns {
            if names[i].is_empty() {
                return Err(EstimateError::Input(format!(
                    "{file}: column {} has no name; name every list column",
                    i + 1
                )));
            }
            if names[..i].contains(&names[i]) {
                return Err(EstimateError::Input(format!(
                    "{file}: the list column `{}` appears twice",
                    names[i]
                )));
            }
        }
        let t = list_columns.len();
        if t < 2 {
            return Err(EstimateError::Input(format!(
                "{file}: found {t} list column(s); an estimate needs at least two lists (one 0/1 column each, plus `count`)"
            )));
        }
        if t > 16 {
            return Err(EstimateError::Input(format!(
                "{file}: {t} list columns; rightsdoc estimates with at most 16 lists"
            )));
        }
        let lists: Vec<String> = list_columns.iter().map(|&i| names[i].clone()).collect();
        let mut patterns = Vec::new();
        for (index, record) in reader.records().enumerate() {
            // Row 1 is the header, as a spreadsheet numbers it.
            let row = index + 2;
            let record =
                record.map_err(|e| EstimateError::Input(format!("{file}: row {row}: {e}")))?;
            let mut pattern = 0u32;
            for (j, &i) in list_columns.iter().enumerate() {
                match record[i].trim() {
                    "1" => pattern |= 1 << j,
                    "0" => {}
                    other => {
                        return Err(EstimateError::Input(format!(
                            "{file}: row {row}, column `{}`: expected 0 or 1, found `{other}`",
                            names[i]
                        )));
                    }
                }
            }
            let count = match count_column {
                None => 1.0,
                Some(i) => {
                    let text = record[i].trim();
                    match text.parse::<u64>() {
                        Ok(c) => c as f64,
                        Err(_) => {
                            return Err(EstimateError::Input(format!(
                                "{file}: row {row}, column `{}`: expected a whole number of people, found `{text}`",
                                names[i]
                            )));
                        }
                    }
                }
            };
            if pattern == 0 {
                if count > 0.0 {
                    return Err(EstimateError::Input(format!(
                        "{file}: row {row}: {count} people on no list; nobody can be observed on no list — that number is what the estimate is for, so leave the row out"
                    )));
                }
                continue;
            }
            patterns.push((pattern, count));
        }
        let table = Table::from_patterns(lists, patterns)
            .map_err(|e| EstimateError::Input(format!("{file}: {e}")))?;
        if table.observed() == 0.0 {
            return Err(EstimateError::Input(format!(
                "{file}: every count is zero; there is nobody to estimate from"
            )));
        }
        Ok(table)
    }

    /// The number of lists, `t`.
    pub fn t(&self) -> usize {
        self.lists.len()
    }

    /// The list names, in column order.
    pub fn lists(&self) -> &[String] {
        &self.lists
    }

    /// Counts in Rcapture's row order (`2^t - 1` of them).
    pub fn counts(&self) -> &[f64] {
        &self.counts
    }

    /// The pattern of row `i`: bit `j` set means "on list `j`".
    pub fn pattern(&self, row: usize) -> u32 {
        pattern_of(self.t(), row)
    }

    /// Whether row `i` is on list `j`.
    pub fn on_list(&self, row: usize, list: usize) -> bool {
        self.pattern(row) & (1 << list) != 0
    }

    /// The number of distinct people observed on at least one list (`n`).
    pub fn observed(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// How many people list `j` names.
    pub fn list_size(&self, list: usize) -> f64 {
        (0..self.counts.len())
            .filter(|&row| self.on_list(row, list))
            .map(|row| self.counts[row])
            .sum()
    }

    /// The two-list table of lists `a` and `b`, collapsing the others.
    pub fn pair(&self, a: usize, b: usize) -> Table {
        let patterns = (0..self.counts.len()).filter_map(|row| {
            let p = self.pattern(row);
            let q = (p >> a & 1) | (p >> b & 1) << 1;
            (q != 0).then_some((q, self.counts[row]))
        });
        Table::from_patterns(vec![self.lists[a].clone(), self.lists[b].clone()], patterns)
            .expect("two lists always make a table")
    }
}

/// The pattern (bit `j` = list `j`) of Rcapture row `row` for `t` lists.
pub fn pattern_of(t: usize, row: usize) -> u32 {
    let v = ((1usize << t) - 1 - row) as u32;
    // v has list 0 as its most significant bit; reverse the t low bits.
    v.reverse_bits() >> (32 - t)
}

/// The Rcapture row of a pattern (bit `j` = list `j`) for `t` lists.
pub fn row_of(t: usize, pattern: u32) -> usize {
    let v = (pattern.reverse_bits() >> (32 - t)) as usize;
    (1usize << t) - 1 - v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_rcapture_order() {
        // t = 3: 111, 110, 101, 100, 011, 010, 001 (first list = leftmost digit).
        let patterns: Vec<u32> = (0..7).map(|r| pattern_of(3, r)).collect();
        assert_eq!(
            patterns,
            vec![0b111, 0b011, 0b101, 0b001, 0b110, 0b010, 0b100]
        );
        for row in 0..7 {
            assert_eq!(row_of(3, pattern_of(3, row)), row);
        }
    }

    #[test]
    fn csv_with_freq_zero_rows_and_names() {
        let csv = "A,B,freq\n1,1,5\n1,0,0\n0,1,7\n";
        let table = Table::parse_csv(Path::new("t.csv"), csv.as_bytes()).unwrap();
        assert_eq!(table.lists(), &["A".to_string(), "B".to_string()]);
        assert_eq!(table.counts(), &[5.0, 0.0, 7.0]);
        assert_eq!(table.list_size(0), 5.0);
        assert_eq!(table.list_size(1), 12.0);
    }

    #[test]
    fn one_row_per_person_without_a_count_column() {
        let csv = "a,b,c\n1,0,0\n1,0,0\n0,1,1\n";
        let table = Table::parse_csv(Path::new("p.csv"), csv.as_bytes()).unwrap();
        assert_eq!(table.observed(), 3.0);
        assert_eq!(table.counts()[row_of(3, 0b001)], 2.0);
        assert_eq!(table.counts()[row_of(3, 0b110)], 1.0);
    }

    #[test]
    fn errors_name_file_row_and_field() {
        let err = |csv: &str| {
            Table::parse_csv(Path::new("lists.csv"), csv.as_bytes())
                .unwrap_err()
                .to_string()
        };
        let e = err("A,B,count\n1,1,3\n1,2,4\n");
        assert!(
            e.contains("lists.csv") && e.contains("row 3") && e.contains("`B`"),
            "{e}"
        );
        let e = err("A,B,count\n1,1,3\n1,0,x\n");
        assert!(e.contains("row 3") && e.contains("`count`"), "{e}");
        let e = err("A,B,count\n0,0,3\n");
        assert!(e.contains("row 2") && e.contains("no list"), "{e}");
        let e = err("A,count\n1,3\n");
        assert!(e.contains("at least two lists"), "{e}");
        let e = err("A,B,count\n1,1,3\n1,0\n");
        assert!(e.contains("row 3"), "{e}");
    }
}
