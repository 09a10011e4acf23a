//! Validation and normalization of record JSON against the schema table.
//!
//! The output is the record exactly as the log will hold it: dates normalized to EDTF (with the
//! original text kept when converted), wrappers that say nothing unwrapped, default
//! classifications made explicit. Errors name the offending field by its JSON path.

use crate::classification::Classification;
use crate::id;
use crate::record::{Record, Reference};
use crate::schema::{COMMON_FIELDS, Field, Kind, Ty};
use crate::sealed::{SEALED, is_sealed};
use crate::vocab::vocabularies;
use serde_json::{Map, Value};
use std::fmt;

/// Why a record was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// JSON path of the field, e.g. `names[0].value`; empty for the record as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "field `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ValidationError {}

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, ValidationError> {
    Err(ValidationError {
        path: path.to_string(),
        message: message.into(),
    })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Validate and normalize a record. Without an `id` one is generated. Sealed values are
/// refused: only the archive writes them ([`validate_stored`]).
pub fn validate(input: Value) -> Result<Record, ValidationError> {
    validate_with(input, false)
}

/// Validate a record as the archive stored it, whose confidential values may be sealed
/// (see `sealed.rs`): a sealed value is taken as it is, its `refs` as references.
pub fn validate_stored(input: Value) -> Result<Record, ValidationError> {
    validate_with(input, true)
}

fn validate_with(input: Value, allow_sealed: bool) -> Result<Record, ValidationError> {
    let Value::Object(obj) = input else {
        return err(
            "",
            "a record must be a JSON object like {\"kind\": \"person\", …}",
        );
    };
    let kind_name = match obj.get("kind") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return err("kind", "must be a string"),
        None => return err("kind", format!("is required; one of: {}", kind_list())),
    };
    let Some(kind) = Kind::parse(&kind_name) else {
        return err(
            "kind",
            format!("unknown kind `{kind_name}`; one of: {}", kind_list()),
        );
    };
    let schema = kind.schema();

    for key in obj.keys() {
        if !COMMON_FIELDS.contains(&key.as_str()) && schema.field(key).is_none() {
            let known: Vec<&str> = schema.fields.iter().map(|f| f.name).collect();
            return err(
                key,
                format!(
                    "unknown field for a {kind}; its fields are {} (and {})",
                    known.join(", "),
                    COMMON_FIELDS[2..].join(", ")
                ),
            );
        }
    }

    let mut v = Walker {
        refs: Vec::new(),
        allow_sealed,
    };
    let mut out = Map::new();
    out.insert("kind".into(), Value::String(kind_name));
    let id = match obj.get("id") {
        None | Some(Value::Null) => id::generate(kind),
        Some(Value::String(s)) => {
            id::check(kind, s).map_err(|m| ValidationError {
                path: "id".into(),
                message: m,
            })?;
            s.clone()
        }
        Some(_) => return err("id", "must be a string"),
    };
    out.insert("id".into(), Value::String(id.clone()));
    let classification = match obj.get("classification") {
        None | Some(Value::Null) => Classification::Public,
        Some(c) => v.classification("classification", c)?,
    };
    out.insert(
        "classification".into(),
        Value::String(classification.as_str().into()),
    );

    for field in schema.fields {
        match obj.get(field.name) {
            None | Some(Value::Null) => {
                if field.required {
                    return err(
                        field.name,
                        format!("is required for a {kind} ({})", field.help),
                    );
                }
            }
            Some(value) => {
                let normalized = v.field(field.name, field, value)?;
                out.insert(field.name.into(), normalized);
            }
        }
    }
    if let Some(c) = obj.get("citations") {
        let c = match v.sealed("citations", c)? {
            Some(sealed) => sealed,
            None => v.citations("citations", c)?,
        };
        out.insert("citations".into(), c);
    }
    if let Some(n) = obj.get("notes") {
        let n = match v.sealed("notes", n)? {
            Some(sealed) => sealed,
            None => v.scalar("notes", &Ty::LongText, n)?,
        };
        out.insert("notes".into(), n);
    }
    if kind == Kind::Involvement && !out.contains_key("event") && !out.contains_key("act") {
        return err("event", "an involvement needs an `event` or an `act`");
    }
    if kind == Kind::Evidence {
        check_evidence(&id, &mut out)?;
    }
    Ok(Record {
        id,
        kind,
        classification,
        body: out,
        references: v.refs,
    })
}

/// An evidence record names its file by SHA-256 (lower-case hex, as the blob store does), and
/// a derived copy says both what it was made from and how.
fn check_evidence(id: &str, out: &mut Map<String, Value>) -> Result<(), ValidationError> {
    match out.get_mut("sha256") {
        Some(Value::String(s)) => {
            *s = s.to_ascii_lowercase();
            if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return err(
                    "sha256",
                    format!("`{s}` is not a SHA-256 (64 hexadecimal characters)"),
                );
            }
        }
        _ => return err("sha256", "must be the file's SHA-256 as a plain string"),
    }
    match (out.get("derived_from"), out.get("derivation")) {
        (Some(_), None) => {
            return err(
                "derivation",
                "is required with `derived_from`: thumbnail, transcode, redacted or other",
            );
        }
        (None, Some(_)) => {
            return err(
                "derived_from",
                "is required with `derivation`: the id of the original evidence",
            );
        }
        (Some(from), Some(_)) if crate::record::plain_str(from) == Some(id) => {
            return err(
                "derived_from",
                "an evidence item cannot be derived from itself",
            );
        }
        _ => {}
    }
    Ok(())
}

fn kind_list() -> String {
    Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

struct Walker {
    refs: Vec<Reference>,
    /// Stored records may hold sealed values; input from people may not.
    allow_sealed: bool,
}

impl Walker {
    /// `Some(value)` when `value` is a sealed value (checked, its `refs` recorded).
    fn sealed(&mut self, path: &str, value: &Value) -> Result<Option<Value>, ValidationError> {
        if !is_sealed(value) {
            return Ok(None);
        }
        if !self.allow_sealed {
            return err(
                &join(path, SEALED),
                "sealed values are written by the archive itself, not given as input",
            );
        }
        let o = value.as_object().expect("a sealed value is an object");
        for key in o.keys() {
            if !["classification", SEALED, "refs"].contains(&key.as_str()) {
                return err(&join(path, key), "unknown key in a sealed value");
            }
        }
        if o.get("classification").and_then(Value::as_str) != Some("confidential") {
            return err(
                &join(path, "classification"),
                "a sealed value must be confidential",
            );
        }
        if !o.get(SEALED).is_some_and(Value::is_string) {
            return err(&join(path, SEALED), "must be a string");
        }
        if let Some(refs) = o.get("refs") {
            let Some(refs) = refs.as_array() else {
                return err(&join(path, "refs"), "must be a list of record ids");
            };
            for (i, r) in refs.iter().enumerate() {
                let p = format!("{path}.refs[{i}]");
                match r.as_str() {
                    Some(target) if !target.is_empty() => self.refs.push(Reference {
                        path: p,
                        target: target.to_string(),
                    }),
                    _ => return err(&p, "must be a record id"),
                }
            }
        }
        Ok(Some(value.clone()))
    }

    fn field(
        &mut self,
        path: &str,
        field: &Field,
        value: &Value,
    ) -> Result<Value, ValidationError> {
        if let Some(sealed) = self.sealed(path, value)? {
            return Ok(sealed);
        }
        if field.many {
            let Value::Array(items) = value else {
                return err(path, "must be a list (JSON array)");
            };
            if field.required && items.is_empty() {
                return err(path, "must not be empty");
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(self.value(&format!("{path}[{i}]"), field, item)?);
            }
            return Ok(Value::Array(out));
        }
        if let (Value::Array(items), false) = (value, matches!(field.ty, Ty::Names)) {
            if !field.conflicts {
                return err(
                    path,
                    "takes one value, not a list (this field cannot hold conflicting values)",
                );
            }
            match items.as_slice() {
                [] => return err(path, "a list of conflicting values must not be empty"),
                // One value is stored as itself, so its references have the same path either way.
                [only] => return self.value(path, field, only),
                _ => {}
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(self.value(&format!("{path}[{i}]"), field, item)?);
            }
            return Ok(Value::Array(out));
        }
        self.value(path, field, value)
    }

    /// One value of a field: plain, or wrapped as `{"value", "citations", "classification", "note"}`.
    fn value(
        &mut self,
        path: &str,
        field: &Field,
        value: &Value,
    ) -> Result<Value, ValidationError> {
        if let Some(sealed) = self.sealed(path, value)? {
            return Ok(sealed);
        }
        let structured = matches!(field.ty, Ty::Object(_) | Ty::Names);
        let wrapped = !structured && matches!(value, Value::Object(o) if o.contains_key("value"));
        if !wrapped {
            let inner = self.scalar(path, &field.ty, value)?;
            if field.default_class > Classification::Public && !structured {
                let mut w = Map::new();
                w.insert("value".into(), inner);
                w.insert(
                    "classification".into(),
                    Value::String(field.default_class.as_str().into()),
                );
                return Ok(Value::Object(w));
            }
            return Ok(inner);
        }
        let obj = value.as_object().expect("checked above");
        let mut out = Map::new();
        for key in obj.keys() {
            if !["value", "citations", "classification", "note"].contains(&key.as_str()) {
                return err(
                    &join(path, key),
                    "unknown key in a cited value; use value, citations, classification, note",
                );
            }
        }
        out.insert(
            "value".into(),
            self.scalar(&join(path, "value"), &field.ty, &obj["value"])?,
        );
        if let Some(c) = obj.get("citations") {
            out.insert(
                "citations".into(),
                self.citations(&join(path, "citations"), c)?,
            );
        }
        let class = match obj.get("classification") {
            Some(c) => self.classification(&join(path, "classification"), c)?,
            None => field.default_class,
        };
        if class > Classification::Public {
            out.insert(
                "classification".into(),
                Value::String(class.as_str().into()),
            );
        }
        if let Some(n) = obj.get("note") {
            out.insert(
                "note".into(),
                self.scalar(&join(path, "note"), &Ty::LongText, n)?,
            );
        }
        if out.len() == 1 {
            return Ok(out.remove("value").expect("value present"));
        }
        Ok(Value::Object(out))
    }

    fn scalar(&mut self, path: &str, ty: &Ty, value: &Value) -> Result<Value, ValidationError> {
        match ty {
            Ty::Text | Ty::LongText => {
                let Value::String(s) = value else {
                    return err(path, "must be a string");
                };
                let s = s.trim();
                if s.is_empty() {
                    return err(path, "must not be empty");
                }
                let limit = if matches!(ty, Ty::Text) {
                    2_000
                } else {
                    1_000_000
                };
                if s.chars().count() > limit {
                    return err(path, format!("is longer than {limit} characters"));
                }
                if matches!(ty, Ty::Text) && s.contains(['\n', '\r']) {
                    return err(path, "must be a single line");
                }
                Ok(Value::String(s.to_string()))
            }
            Ty::Int { min, max } => match value.as_i64() {
                Some(n) if (*min..=*max).contains(&n) => Ok(Value::from(n)),
                Some(n) => err(path, format!("{n} is out of range {min}..={max}")),
                None => err(path, "must be a whole number"),
            },
            Ty::Number => match value.as_f64() {
                Some(x) if x.is_finite() => Ok(value.clone()),
                _ => err(path, "must be a number"),
            },
            Ty::Bool => match value {
                Value::Bool(_) => Ok(value.clone()),
                _ => err(path, "must be true or false"),
            },
            Ty::Date => {
                let parsed = match value {
                    Value::String(s) => rightsdoc_dates::parse_date(s).map_err(|e| e.to_string()),
                    Value::Object(_) => {
                        serde_json::from_value::<rightsdoc_dates::DateValue>(value.clone())
                            .map_err(|e| e.to_string())
                    }
                    _ => {
                        Err("must be a date string such as 1988, 1988-07 or 1988-07-19".to_string())
                    }
                };
                match parsed {
                    Ok(d) => Ok(serde_json::to_value(d).expect("dates serialize")),
                    Err(m) => err(path, m),
                }
            }
            Ty::Url => {
                let Value::String(s) = value else {
                    return err(path, "must be a URL string");
                };
                let s = s.trim();
                if !(s.starts_with("https://") || s.starts_with("http://"))
                    || s.contains(char::is_whitespace)
                {
                    return err(path, format!("`{s}` is not an http(s) URL"));
                }
                Ok(Value::String(s.to_string()))
            }
            Ty::Ref(kinds) => {
                let Value::String(s) = value else {
                    return err(path, "must be a record id string");
                };
                let target = Kind::from_id(s);
                if !target.is_some_and(|k| kinds.contains(&k)) {
                    let want: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                    return err(
                        path,
                        format!("`{s}` is not the id of a {}", want.join(" or ")),
                    );
                }
                self.refs.push(Reference {
                    path: path.to_string(),
                    target: s.clone(),
                });
                Ok(Value::String(s.clone()))
            }
            Ty::Vocab(vocab) => {
                let Value::String(s) = value else {
                    return err(path, "must be a string");
                };
                match vocabularies().lookup(vocab, s) {
                    Some(t) => Ok(Value::String(t.id.clone())),
                    None => {
                        let terms: Vec<&str> = vocabularies()
                            .terms(vocab)
                            .iter()
                            .map(|t| t.id.as_str())
                            .collect();
                        err(
                            path,
                            format!(
                                "`{s}` is not in the {vocab} vocabulary ({})",
                                terms.join(", ")
                            ),
                        )
                    }
                }
            }
            Ty::Names => self.names(path, value),
            Ty::Point => {
                let Value::Object(o) = value else {
                    return err(path, "must be {\"lat\": …, \"lon\": …}");
                };
                if let Some(k) = o.keys().find(|k| *k != "lat" && *k != "lon") {
                    return err(&join(path, k), "unknown key; a point has lat and lon");
                }
                let lat = o
                    .get("lat")
                    .and_then(Value::as_f64)
                    .filter(|x| (-90.0..=90.0).contains(x));
                let lon = o
                    .get("lon")
                    .and_then(Value::as_f64)
                    .filter(|x| (-180.0..=180.0).contains(x));
                match (lat, lon) {
                    (Some(_), Some(_)) => Ok(value.clone()),
                    (None, _) => err(&join(path, "lat"), "must be a number from -90 to 90"),
                    (_, None) => err(&join(path, "lon"), "must be a number from -180 to 180"),
                }
            }
            Ty::Object(fields) => self.object(path, fields, value),
        }
    }

    fn object(
        &mut self,
        path: &str,
        fields: &'static [Field],
        value: &Value,
    ) -> Result<Value, ValidationError> {
        let Value::Object(o) = value else {
            return err(path, "must be an object");
        };
        for k in o.keys() {
            if !fields.iter().any(|f| f.name == k)
                && !["citations", "classification", "note"].contains(&k.as_str())
            {
                let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
                return err(
                    &join(path, k),
                    format!(
                        "unknown key; expected {} (and citations, classification, note)",
                        known.join(", ")
                    ),
                );
            }
        }
        let mut out = Map::new();
        for field in fields {
            let p = join(path, field.name);
            match o.get(field.name) {
                None | Some(Value::Null) if field.required => {
                    return err(&p, format!("is required ({})", field.help));
                }
                None | Some(Value::Null) => {}
                Some(v) => {
                    out.insert(field.name.into(), self.field(&p, field, v)?);
                }
            }
        }
        self.annotations(path, o, &mut out)?;
        Ok(Value::Object(out))
    }

    /// The optional `citations`, `classification` and `note` of a nested object.
    fn annotations(
        &mut self,
        path: &str,
        o: &Map<String, Value>,
        out: &mut Map<String, Value>,
    ) -> Result<(), ValidationError> {
        if let Some(c) = o.get("citations") {
            out.insert(
                "citations".into(),
                self.citations(&join(path, "citations"), c)?,
            );
        }
        if let Some(c) = o.get("classification") {
            let class = self.classification(&join(path, "classification"), c)?;
            if class > Classification::Public {
                out.insert(
                    "classification".into(),
                    Value::String(class.as_str().into()),
                );
            }
        }
        if let Some(n) = o.get("note") {
            out.insert(
                "note".into(),
                self.scalar(&join(path, "note"), &Ty::LongText, n)?,
            );
        }
        Ok(())
    }

    fn names(&mut self, path: &str, value: &Value) -> Result<Value, ValidationError> {
        let Value::Array(items) = value else {
            return err(
                path,
                "must be a list of names, e.g. [{\"value\": \"محمد رضایی\", \"lang\": \"fa\"}]",
            );
        };
        if items.is_empty() {
            return err(path, "needs at least one name");
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            if let Some(sealed) = self.sealed(&p, item)? {
                out.push(sealed);
                continue;
            }
            let name = match item {
                Value::String(_) => {
                    let mut m = Map::new();
                    m.insert(
                        "value".into(),
                        self.scalar(&join(&p, "value"), &Ty::Text, item)?,
                    );
                    m
                }
                Value::Object(o) => {
                    for k in o.keys() {
                        if ![
                            "value",
                            "lang",
                            "kind",
                            "citations",
                            "classification",
                            "note",
                        ]
                        .contains(&k.as_str())
                        {
                            return err(
                                &join(&p, k),
                                "unknown key in a name; use value, lang, kind, citations, classification, note",
                            );
                        }
                    }
                    let mut m = Map::new();
                    let Some(v) = o.get("value") else {
                        return err(&join(&p, "value"), "is required");
                    };
                    m.insert(
                        "value".into(),
                        self.scalar(&join(&p, "value"), &Ty::Text, v)?,
                    );
                    if let Some(lang) = o.get("lang") {
                        match lang.as_str() {
                            Some(l)
                                if (2..=8).contains(&l.len())
                                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
                            {
                                m.insert("lang".into(), Value::String(l.to_ascii_lowercase()));
                            }
                            _ => {
                                return err(
                                    &join(&p, "lang"),
                                    "must be a language code such as fa or en",
                                );
                            }
                        }
                    }
                    if let Some(k) = o.get("kind") {
                        m.insert(
                            "kind".into(),
                            self.scalar(&join(&p, "kind"), &Ty::Vocab("name_kind"), k)?,
                        );
                    }
                    self.annotations(&p, o, &mut m)?;
                    m
                }
                _ => return err(&p, "a name must be a string or an object with `value`"),
            };
            out.push(Value::Object(name));
        }
        Ok(Value::Array(out))
    }

    fn citations(&mut self, path: &str, value: &Value) -> Result<Value, ValidationError> {
        let Value::Array(items) = value else {
            return err(
                path,
                "must be a list of citations, e.g. [{\"source\": \"src_…\", \"locator\": \"p. 12\"}]",
            );
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let mut m = Map::new();
            match item {
                Value::String(_) => {
                    m.insert(
                        "source".into(),
                        self.scalar(&join(&p, "source"), &Ty::Ref(&[Kind::Source]), item)?,
                    );
                }
                Value::Object(o) => {
                    for k in o.keys() {
                        if !["source", "locator", "credibility", "quote", "note"]
                            .contains(&k.as_str())
                        {
                            return err(
                                &join(&p, k),
                                "unknown key in a citation; use source, locator, credibility, quote, note",
                            );
                        }
                    }
                    let Some(src) = o.get("source") else {
                        return err(&join(&p, "source"), "is required");
                    };
                    m.insert(
                        "source".into(),
                        self.scalar(&join(&p, "source"), &Ty::Ref(&[Kind::Source]), src)?,
                    );
                    if let Some(l) = o.get("locator") {
                        m.insert(
                            "locator".into(),
                            self.scalar(&join(&p, "locator"), &Ty::Text, l)?,
                        );
                    }
                    if let Some(c) = o.get("credibility") {
                        let n =
                            self.scalar(&join(&p, "credibility"), &Ty::Int { min: 1, max: 6 }, c)?;
                        m.insert("credibility".into(), n);
                    }
                    if let Some(q) = o.get("quote") {
                        m.insert(
                            "quote".into(),
                            self.scalar(&join(&p, "quote"), &Ty::LongText, q)?,
                        );
                    }
                    if let Some(n) = o.get("note") {
                        m.insert(
                            "note".into(),
                            self.scalar(&join(&p, "note"), &Ty::LongText, n)?,
                        );
                    }
                }
                _ => {
                    return err(
                        &p,
                        "a citation must be a source id or an object with `source`",
                    );
                }
            }
            out.push(Value::Object(m));
        }
        Ok(Value::Array(out))
    }

    fn classification(&self, path: &str, value: &Value) -> Result<Classification, ValidationError> {
        match value.as_str().map(str::parse::<Classification>) {
            Some(Ok(c)) => Ok(c),
            Some(Err(m)) => err(path, m),
            None => err(path, "must be public, restricted or confidential"),
        }
    }
}
