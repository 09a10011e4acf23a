//! Mapping files (TOML): how the columns of someone else's spreadsheet become record fields.
//! The format is documented, with an example, in this crate's README.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A mapping from a table's columns to record fields. Every part is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Sheet of a workbook to read (default: the first).
    pub sheet: Option<String>,
    /// Encoding of a CSV file that is not UTF-8 (a WHATWG label: `windows-1252`, `macintosh`…).
    pub encoding: Option<String>,
    /// CSV delimiter, one character (default: guessed from the header among `,` `;` and tab).
    pub delimiter: Option<String>,
    /// Names the data set in record ids instead of the file name, so that a renamed or
    /// re-exported file still maps to the same records.
    pub key: Option<String>,
    /// The column whose values key the rows (default: a column named `id`, else the row number).
    pub id_column: Option<String>,
    /// Column header → field (or one of the understood column names, such as `full_name`).
    /// An empty field name ignores the column.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Set on every record: `kind`, `source`, `list`, `classification`, or any field.
    #[serde(default)]
    pub constants: BTreeMap<String, toml::Value>,
    /// One column split into several.
    #[serde(default)]
    pub split: Vec<Split>,
    /// Several columns joined into one.
    #[serde(default)]
    pub join: Vec<Join>,
    /// Cell values translated before use, per column header (case-insensitive); a value
    /// translated to "" leaves the field out.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Separator of a list-valued field (default `;`).
    #[serde(default)]
    pub separators: BTreeMap<String, String>,
    /// Where the mapping came from, for the report.
    #[serde(skip)]
    pub name: String,
}

/// `[[split]]`: one column into several fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub column: String,
    pub into: Vec<String>,
    /// `"last space"` (the default: "Mohammad Reza Rezaei" → "Mohammad Reza" + "Rezaei"),
    /// `"first space"`, or a separator such as `","`.
    #[serde(default = "last_space")]
    pub on: String,
}

fn last_space() -> String {
    "last space".into()
}

/// `[[join]]`: several columns into one field, empty cells left out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    pub columns: Vec<String>,
    pub into: String,
    #[serde(default = "space")]
    pub with: String,
}

fn space() -> String {
    " ".into()
}

/// The built-in mapping of UPR Info's recommendation exports.
const UPR: &str = include_str!("upr.toml");

/// The headers that identify a UPR Info export.
const UPR_HEADERS: [&str; 6] = ["To", "Text", "From", "Response", "Issue", "Session"];

impl Mapping {
    /// Parse a mapping; `name` (usually the file path) appears in messages and the report.
    pub fn from_toml(text: &str, name: &str) -> Result<Mapping, String> {
        let mut m: Mapping = toml::from_str(text).map_err(|e| format!("mapping {name}: {e}"))?;
        m.name = name.to_string();
        m.check().map_err(|e| format!("mapping {name}: {e}"))?;
        Ok(m)
    }

    /// Read and parse a mapping file.
    pub fn load(path: &Path) -> Result<Mapping, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read mapping {}: {e}", path.display()))?;
        Mapping::from_toml(&text, &path.display().to_string())
    }

    /// The built-in mapping for UPR Info recommendation tables (columns To, To-Rgrp, To-Org,
    /// Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session).
    pub fn upr() -> Mapping {
        let mut m = Mapping::from_toml(UPR, "upr").expect("the built-in UPR mapping is valid");
        m.name = "built-in UPR Info mapping".into();
        m
    }

    /// Does this header look like a UPR Info export?
    pub fn is_upr_header(header: &[String]) -> bool {
        UPR_HEADERS
            .iter()
            .all(|h| header.iter().any(|c| c.trim().eq_ignore_ascii_case(h)))
    }

    /// The `kind` constant, if any.
    pub fn kind(&self) -> Option<&str> {
        self.constants.get("kind").and_then(toml::Value::as_str)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(d) = &self.delimiter
            && (d.chars().count() != 1 || !d.is_ascii())
        {
            return Err(format!(
                "delimiter must be one ASCII character such as \",\" or \";\", not `{d}`"
            ));
        }
        for s in &self.split {
            if s.into.len() < 2 {
                return Err(format!(
                    "[[split]] of `{}` needs at least two fields in `into`",
                    s.column
                ));
            }
            if s.on.is_empty() {
                return Err(format!(
                    "[[split]] of `{}`: `on` must not be empty",
                    s.column
                ));
            }
        }
        for j in &self.join {
            if j.columns.len() < 2 {
                return Err(format!(
                    "[[join]] into `{}` needs at least two columns",
                    j.into
                ));
            }
        }
        for (k, v) in &self.constants {
            if matches!(v, toml::Value::Table(_) | toml::Value::Array(_)) {
                return Err(format!(
                    "constant `{k}` must be a string, number or boolean"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_upr_mapping_parses() {
        let m = Mapping::upr();
        assert_eq!(m.kind(), Some("recommendation"));
        assert_eq!(m.columns["Issue"], "themes");
        let header: Vec<String> =
            "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"
                .split(',')
                .map(String::from)
                .collect();
        assert!(Mapping::is_upr_header(&header));
        assert!(!Mapping::is_upr_header(&header[..5]));
    }

    #[test]
    fn typos_are_refused_with_the_mapping_named() {
        let e = Mapping::from_toml("[colums]\nA = \"b\"\n", "m.toml").unwrap_err();
        assert!(
            e.starts_with("mapping m.toml:") && e.contains("colums"),
            "{e}"
        );
        let e = Mapping::from_toml("delimiter = \";;\"\n", "m.toml").unwrap_err();
        assert!(e.contains("one ASCII character"), "{e}");
    }
}
