//! Rows to records: a [`Plan`] made once from the header and the mapping turns each row of
//! text cells into record JSON, which `rightsdoc_model::validate` then checks and normalizes.
//!
//! The plan knows which column fed which field, so a validation error on `birth` is reported
//! on the column the user sees (say `Year of birth`).

use crate::ids;
use crate::mapping::Mapping;
use crate::report::{At, RowError};
use crate::table::CellRow;
use rightsdoc_model::schema::{Field, Kind, Ty};
use rightsdoc_model::vocab::vocabularies;
use rightsdoc_model::{Record, ValidationError, id, validate};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// Solar Hijri years a bare four-digit birth or death year is read as: 1200–1410 SH is
/// 1821–2032 CE, while a Gregorian year 1200–1410 cannot be the birth of anyone documented.
const SOLAR_HIJRI_YEARS: std::ops::RangeInclusive<i32> = 1200..=1410;

/// What a column (or split part, join, constant) gives.
#[derive(Debug, Clone, Copy)]
enum Target {
    Field(&'static Field),
    /// A person's birth or death: a bare Solar Hijri year is marked as one.
    LifeDate(&'static Field),
    Id,
    Classification,
    Notes,
    /// Source ids separated by `;`.
    Citations,
    /// A per-row source id, cited with the row as locator.
    RowSource,
    /// A `kind` column: must agree with the kind imported.
    KindCheck,
    Name(NameForm),
    FirstName,
    LastName,
    /// A person's list, by name or `lst_` id.
    List,
    Lat,
    Lon,
    /// A field of a nested object (`status` → status.status, `status_date` → status.date).
    Sub(&'static Field, &'static Field),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NameForm {
    /// Language from the script.
    Detect,
    Fa,
    En,
    /// Several names separated by `;`.
    Many,
}

impl Target {
    /// Targets that take one value: two columns giving the same slot are a mapping error.
    fn slot(&self) -> Option<String> {
        Some(match self {
            Target::Field(f) | Target::LifeDate(f) => f.name.to_string(),
            Target::Id => "id".into(),
            Target::Classification => "classification".into(),
            Target::Notes => "notes".into(),
            Target::FirstName => "first_name".into(),
            Target::LastName => "last_name".into(),
            Target::Lat => "lat".into(),
            Target::Lon => "lon".into(),
            Target::Sub(f, s) => format!("{}.{}", f.name, s.name),
            Target::KindCheck => "kind".into(),
            Target::Citations | Target::RowSource | Target::Name(_) | Target::List => return None,
        })
    }
}

/// Where an entry's text comes from.
#[derive(Debug, Clone)]
enum Input {
    Column(usize),
    /// Part `part` of `column` split into `of` parts.
    Split {
        column: usize,
        part: usize,
        of: usize,
        on: String,
    },
    Join {
        columns: Vec<usize>,
        with: String,
    },
    Constant(String),
}

#[derive(Debug, Clone)]
struct Entry {
    input: Input,
    target: Target,
    /// Index into `Plan::labels`.
    label: usize,
    /// Cell translations, keys lower-cased.
    values: Option<HashMap<String, String>>,
    /// Separator of a list-valued field.
    separator: String,
}

/// Options that shape every record of an import.
#[derive(Debug, Clone, Default)]
pub(crate) struct Common {
    /// Names the data set in ids.
    pub dataset: String,
    /// A source cited by every record, with the row as locator.
    pub source: Option<String>,
    /// Lists every person is a member of: (list id, list record to create if new).
    pub lists: Vec<(String, Option<Record>)>,
}

/// Mutable state across the rows of one import.
#[derive(Default)]
pub(crate) struct State {
    lists_emitted: HashSet<String>,
    /// List names (from a `list` column) already made into ids and records.
    list_cache: HashMap<String, (String, Option<Record>)>,
    /// Ids given by the data (an id column, JSON ids) and the row that gave them.
    ids: HashMap<String, usize>,
}

/// A valid row: its record and the list records it is the first to need.
pub(crate) struct Converted {
    pub record: Record,
    pub new_lists: Vec<Record>,
}

/// How a table's rows become records of one kind.
pub(crate) struct Plan {
    kind: Kind,
    entries: Vec<Entry>,
    /// Column header (or "constant `x`") per entry label, as messages show it.
    labels: Vec<String>,
    /// The entry giving the row key.
    id_entry: Option<usize>,
    pub unused: Vec<String>,
    common: Common,
    recommendation_cycle: bool,
}

/// A header cell as a field name: `Father name` → `father_name`.
fn normalize_header(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// What a column named `name` gives a record of `kind`, if anything.
fn resolve(kind: Kind, name: &str) -> Option<Target> {
    let schema = kind.schema();
    let person = kind == Kind::Person;
    if let Some(f) = schema.field(name) {
        return Some(match f.ty {
            Ty::Names => Target::Name(NameForm::Many),
            Ty::Object(fields) => Target::Sub(f, &fields[0]),
            Ty::Date if person => Target::LifeDate(f),
            _ => Target::Field(f),
        });
    }
    match name {
        "id" => return Some(Target::Id),
        "classification" => return Some(Target::Classification),
        "notes" | "note" => return Some(Target::Notes),
        "citations" => return Some(Target::Citations),
        "source" => return Some(Target::RowSource),
        "kind" => return Some(Target::KindCheck),
        _ => {}
    }
    if schema.fields.iter().any(|f| matches!(f.ty, Ty::Names)) {
        match name {
            "name" | "full_name" => return Some(Target::Name(NameForm::Detect)),
            "name_fa" => return Some(Target::Name(NameForm::Fa)),
            "name_en" => return Some(Target::Name(NameForm::En)),
            _ => {}
        }
    }
    if person {
        let field = |n| schema.field(n).expect("person field");
        match name {
            "first_name" | "given_name" => return Some(Target::FirstName),
            "last_name" | "family_name" | "surname" => return Some(Target::LastName),
            "birth_year" | "birth_date" | "year_of_birth" | "date_of_birth" => {
                return Some(Target::LifeDate(field("birth")));
            }
            "death_year" | "death_date" | "year_of_death" | "date_of_death" => {
                return Some(Target::LifeDate(field("death")));
            }
            "list" => return Some(Target::List),
            _ => {}
        }
    }
    if schema.fields.iter().any(|f| matches!(f.ty, Ty::Point)) {
        match name {
            "lat" | "latitude" => return Some(Target::Lat),
            "lon" | "lng" | "long" | "longitude" => return Some(Target::Lon),
            _ => {}
        }
    }
    for f in schema.fields {
        if let Ty::Object(subs) = f.ty
            && let Some(rest) = name.strip_prefix(f.name).and_then(|r| r.strip_prefix('_'))
            && let Some(s) = subs.iter().find(|s| s.name == rest)
        {
            return Some(Target::Sub(f, s));
        }
    }
    None
}

fn find_column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name).or_else(|| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
    })
}

/// Which fields a kind's records must have, and the columns that give them.
fn required_hint(kind: Kind, f: &Field) -> String {
    match (kind, f.ty) {
        (Kind::Person, Ty::Names) => {
            "name a column full_name, first_name and last_name, or name_fa".into()
        }
        (_, Ty::Names) => "name a column name, name_fa or name_en".into(),
        _ => format!("name a column {}", f.name),
    }
}

impl Plan {
    pub fn new(
        header: &[String],
        mapping: &Mapping,
        kind: Kind,
        common: Common,
    ) -> Result<Plan, String> {
        let mut plan = Plan {
            kind,
            entries: Vec::new(),
            labels: Vec::new(),
            id_entry: None,
            unused: Vec::new(),
            common,
            recommendation_cycle: false,
        };
        let what = |name: &str| {
            format!(
                "`{name}` is not a field of a {kind} nor a column name the importer understands"
            )
        };
        let separator = |field: &str| {
            mapping
                .separators
                .get(field)
                .cloned()
                .unwrap_or_else(|| ";".into())
        };
        let values_for = |column: &str| {
            mapping
                .values
                .iter()
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(column.trim()))
                .map(|(_, v)| {
                    v.iter()
                        .map(|(a, b)| (a.trim().to_lowercase(), b.clone()))
                        .collect::<HashMap<_, _>>()
                })
        };
        let mut consumed = vec![false; header.len()];
        let locate = |name: &str, role: &str| {
            find_column(header, name).ok_or_else(|| {
                format!(
                    "the mapping's {role} column `{name}` is not in the header (columns: {})",
                    header.join(", ")
                )
            })
        };
        for s in &mapping.split {
            let column = locate(&s.column, "[[split]]")?;
            consumed[column] = true;
            for (part, into) in s.into.iter().enumerate() {
                let target = resolve(kind, into).ok_or_else(|| what(into))?;
                plan.push(
                    Input::Split {
                        column,
                        part,
                        of: s.into.len(),
                        on: s.on.clone(),
                    },
                    target,
                    header[column].clone(),
                    None,
                    separator(into),
                );
            }
        }
        for j in &mapping.join {
            let columns = j
                .columns
                .iter()
                .map(|c| locate(c, "[[join]]"))
                .collect::<Result<Vec<_>, _>>()?;
            for &c in &columns {
                consumed[c] = true;
            }
            let target = resolve(kind, &j.into).ok_or_else(|| what(&j.into))?;
            let label = columns
                .iter()
                .map(|&c| header[c].as_str())
                .collect::<Vec<_>>()
                .join(" + ");
            plan.push(
                Input::Join {
                    columns,
                    with: j.with.clone(),
                },
                target,
                label,
                None,
                separator(&j.into),
            );
        }
        for (i, h) in header.iter().enumerate() {
            if consumed[i] {
                continue;
            }
            let label = if h.is_empty() {
                format!("(column {})", i + 1)
            } else {
                h.clone()
            };
            let renamed = mapping
                .columns
                .iter()
                .find(|(k, _)| k.as_str() == h)
                .or_else(|| {
                    mapping
                        .columns
                        .iter()
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case(h.trim()))
                })
                .map(|(_, v)| v.clone());
            let name = match renamed {
                Some(v) if v.trim().is_empty() => {
                    plan.unused.push(label);
                    continue;
                }
                Some(v) => {
                    let target = resolve(kind, v.trim()).ok_or_else(|| {
                        format!("the mapping renames column `{h}` to {}", what(v.trim()))
                    })?;
                    plan.push(
                        Input::Column(i),
                        target,
                        label,
                        values_for(h),
                        separator(v.trim()),
                    );
                    continue;
                }
                None => normalize_header(h),
            };
            match (h.is_empty(), resolve(kind, &name)) {
                (false, Some(target)) => {
                    plan.push(
                        Input::Column(i),
                        target,
                        label,
                        values_for(h),
                        separator(&name),
                    );
                }
                _ => plan.unused.push(label),
            }
        }
        for (k, v) in &mapping.constants {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match k.as_str() {
                "kind" | "source" | "list" => continue,
                _ => {}
            }
            let target = resolve(kind, k).ok_or_else(|| format!("constant {}", what(k)))?;
            plan.push(
                Input::Constant(text),
                target,
                format!("(constant `{k}` of the mapping)"),
                None,
                separator(k),
            );
        }
        if let Some(c) = &mapping.id_column {
            // The key column may also feed a field; it keys the rows all the same.
            let column = locate(c, "id_column")?;
            let already = plan.entries.iter().any(
                |e| matches!((&e.input, e.target), (Input::Column(i), Target::Id) if *i == column),
            );
            if !already {
                plan.push(
                    Input::Column(column),
                    Target::Id,
                    header[column].clone(),
                    None,
                    String::new(),
                );
                plan.unused.retain(|u| u != &header[column]);
            }
        }
        plan.check_slots()?;
        plan.id_entry = plan
            .entries
            .iter()
            .position(|e| matches!(e.target, Target::Id));
        plan.check_required()?;
        if kind != Kind::Person
            && (!plan.common.lists.is_empty() || plan.has(|t| matches!(t, Target::List)))
        {
            return Err(format!(
                "lists are for people; a {kind} cannot be on a list"
            ));
        }
        plan.recommendation_cycle = kind == Kind::Recommendation
            && !plan.has(|t| matches!(t, Target::Field(f) if f.name == "cycle"));
        Ok(plan)
    }

    fn push(
        &mut self,
        input: Input,
        target: Target,
        label: String,
        values: Option<HashMap<String, String>>,
        separator: String,
    ) {
        self.labels.push(label);
        self.entries.push(Entry {
            input,
            target,
            label: self.labels.len() - 1,
            values,
            separator,
        });
    }

    fn has(&self, pred: impl Fn(&Target) -> bool) -> bool {
        self.entries.iter().any(|e| pred(&e.target))
    }

    fn check_slots(&self) -> Result<(), String> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for e in &self.entries {
            if let Some(slot) = e.target.slot() {
                if let Some(&other) = seen.get(&slot) {
                    return Err(format!(
                        "both {} and {} give `{slot}`; rename or ignore one in a mapping",
                        quote_label(&self.labels[other]),
                        quote_label(&self.labels[e.label])
                    ));
                }
                seen.insert(slot, e.label);
            }
        }
        Ok(())
    }

    /// A required field no column gives would refuse every row: say so once, up front.
    fn check_required(&self) -> Result<(), String> {
        for f in self.kind.schema().fields.iter().filter(|f| f.required) {
            let given = self.has(|t| match t {
                Target::Field(g) | Target::LifeDate(g) | Target::Sub(g, _) => g.name == f.name,
                Target::Name(_) | Target::FirstName | Target::LastName => {
                    matches!(f.ty, Ty::Names)
                }
                Target::Lat | Target::Lon => matches!(f.ty, Ty::Point),
                _ => false,
            });
            if !given {
                return Err(format!(
                    "no column gives `{}`, which every {} needs ({}): {}, or map one in a \
                     mapping file",
                    f.name,
                    self.kind,
                    f.help,
                    required_hint(self.kind, f)
                ));
            }
        }
        Ok(())
    }

    /// Names the data set in ids (see `import::dataset_key`).
    pub fn set_dataset(&mut self, key: String) {
        self.common.dataset = key;
    }

    /// Are rows keyed by an id column (rather than by their number)?
    pub fn keyed_by_column(&self) -> bool {
        self.id_entry.is_some()
    }

    /// Turn one row into a validated record.
    pub fn convert(&self, row: &CellRow, state: &mut State) -> Result<Converted, RowError> {
        let fail = |column: Option<usize>, reason: String| RowError {
            row: row.row,
            at: row.at.clone(),
            column: column.map(|l| self.labels[l].clone()),
            reason,
        };
        if let Some(shape) = &row.shape {
            return Err(fail(None, shape.clone()));
        }
        let mut b = Builder::default();
        for e in &self.entries {
            if let Some(why) = self.bad_cell(e, row) {
                return Err(fail(Some(e.label), why));
            }
            let Some(text) = self.text(e, row) else {
                continue;
            };
            if !matches!(e.input, Input::Constant(_)) && looks_like_formula(&text) {
                return Err(fail(
                    Some(e.label),
                    format!(
                        "looks like a spreadsheet formula ({}); formulas are refused so that \
                         they cannot run when the data is opened in a spreadsheet again: \
                         remove the leading `{}` or type the text the formula shows",
                        quote_value(&text),
                        text.trim_start().chars().next().unwrap_or('=')
                    ),
                ));
            }
            let text = match &e.values {
                Some(map) => match map.get(&text.to_lowercase()) {
                    Some(t) if t.trim().is_empty() => continue,
                    Some(t) => t.clone(),
                    None => text,
                },
                None => text,
            };
            self.apply(e, &text, &mut b)
                .map_err(|reason| fail(Some(e.label), reason))?;
        }
        let row_key = match &b.row_key {
            Some(k) => k.clone(),
            None => row.row.to_string(),
        };
        let record_id = match &b.row_key {
            Some(k) if id::check(self.kind, k).is_ok() => k.clone(),
            _ => ids::row_id(self.kind, &self.common.dataset, &row_key),
        };
        let keyed = b.row_key.is_some();
        if keyed && let Some(first) = state.ids.get(&record_id) {
            return Err(fail(
                self.id_entry.map(|e| self.entries[e].label),
                format!("the key `{row_key}` was already used by row {first}"),
            ));
        }
        let (record, new_lists) = self
            .finish(b, record_id.clone(), &row_key, row.row, state)
            .map_err(|(label, reason)| fail(label, reason))?;
        if keyed {
            state.ids.insert(record_id, row.row);
        }
        Ok(Converted { record, new_lists })
    }

    /// A cell the entry reads that could not be read.
    fn bad_cell(&self, e: &Entry, row: &CellRow) -> Option<String> {
        if row.bad_cells.is_empty() {
            return None;
        }
        let reads = |c: usize| match &e.input {
            Input::Column(i) | Input::Split { column: i, .. } => *i == c,
            Input::Join { columns, .. } => columns.contains(&c),
            Input::Constant(_) => false,
        };
        row.bad_cells
            .iter()
            .find(|(c, _)| reads(*c))
            .map(|(_, why)| why.clone())
    }

    /// The entry's text for this row, trimmed; `None` when empty.
    fn text(&self, e: &Entry, row: &CellRow) -> Option<String> {
        let cell = |i: usize| row.cells.get(i).map_or("", |s| s.trim());
        let text = match &e.input {
            Input::Column(i) => cell(*i).to_string(),
            Input::Constant(s) => s.trim().to_string(),
            Input::Join { columns, with } => columns
                .iter()
                .map(|&c| cell(c))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(with),
            Input::Split {
                column,
                part,
                of,
                on,
            } => split_part(cell(*column), *part, *of, on),
        };
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    fn apply(&self, e: &Entry, text: &str, b: &mut Builder) -> Result<(), String> {
        match e.target {
            Target::Field(f) => {
                if self.kind == Kind::Recommendation
                    && f.name == "response"
                    && text.eq_ignore_ascii_case("voluntary pledge")
                {
                    b.pledge = true;
                    return Ok(());
                }
                let value = if f.many {
                    let items = split_list(text, &e.separator)
                        .map(|t| scalar(self.kind, f, t))
                        .collect::<Result<Vec<_>, _>>()?;
                    if items.is_empty() {
                        return Ok(());
                    }
                    Value::Array(items)
                } else {
                    scalar(self.kind, f, text)?
                };
                b.set(f.name, value, e.label);
            }
            Target::LifeDate(f) => {
                let value = match text.parse::<i32>() {
                    Ok(y) if text.len() == 4 && SOLAR_HIJRI_YEARS.contains(&y) => {
                        format!("{y} SH")
                    }
                    _ => text.to_string(),
                };
                b.set(f.name, Value::String(value), e.label);
            }
            Target::Id => b.row_key = Some(text.to_string()),
            Target::Classification => b.set("classification", Value::String(text.into()), e.label),
            Target::Notes => b.set("notes", Value::String(text.into()), e.label),
            Target::Citations => {
                for s in split_list(text, ";") {
                    b.citations.push((json!({"source": s}), e.label));
                }
            }
            Target::RowSource => b.row_sources.push((text.to_string(), e.label)),
            Target::KindCheck => {
                if !text.eq_ignore_ascii_case(self.kind.as_str()) {
                    return Err(format!(
                        "this row is a `{text}`, not a {}; import each kind on its own with --kind",
                        self.kind
                    ));
                }
            }
            Target::Name(form) => {
                b.full_name |= matches!(form, NameForm::Detect | NameForm::Many);
                let parts: Vec<&str> = if form == NameForm::Many {
                    split_list(text, &e.separator).collect()
                } else {
                    vec![text]
                };
                for p in parts {
                    let lang = match form {
                        NameForm::Fa if !is_arabic_script(p) => {
                            return Err(format!(
                                "{} is not in Persian script; put Latin spellings in name_en or full_name",
                                quote_value(p)
                            ));
                        }
                        NameForm::Fa => Some("fa"),
                        NameForm::En => Some("en"),
                        NameForm::Detect | NameForm::Many => detect_lang(p),
                    };
                    b.names.push((name_value(p, lang), e.label));
                }
            }
            Target::FirstName => b.first = Some((text.to_string(), e.label)),
            Target::LastName => b.last = Some((text.to_string(), e.label)),
            Target::List => {
                for l in split_list(text, &e.separator) {
                    b.lists.push((l.to_string(), e.label));
                }
            }
            Target::Lat => b.lat = Some((number(text, "latitude")?, e.label)),
            Target::Lon => b.lon = Some((number(text, "longitude")?, e.label)),
            Target::Sub(f, s) => {
                let value = scalar(self.kind, s, text)?;
                let slot = b
                    .subs
                    .iter()
                    .position(|(name, ..)| *name == f.name)
                    .unwrap_or_else(|| {
                        b.subs.push((f.name, f.many, Map::new(), e.label));
                        b.subs.len() - 1
                    });
                b.subs[slot].2.insert(s.name.into(), value);
                b.labels.push((f.name, e.label));
            }
        }
        Ok(())
    }

    /// Assemble the record and validate it. Errors carry the label of the entry to blame.
    fn finish(
        &self,
        mut b: Builder,
        record_id: String,
        row_key: &str,
        row: usize,
        state: &mut State,
    ) -> Result<(Record, Vec<Record>), (Option<usize>, String)> {
        let mut obj = Map::new();
        obj.insert("kind".into(), Value::String(self.kind.as_str().into()));
        obj.insert("id".into(), Value::String(record_id));
        // First and last name make the name the list gives, unless a full name is given.
        if !b.full_name {
            let joined = match (&b.first, &b.last) {
                (Some((f, l)), Some((s, _))) => Some((format!("{f} {s}"), *l)),
                (Some((f, l)), None) | (None, Some((f, l))) => Some((f.clone(), *l)),
                (None, None) => None,
            };
            if let Some((name, label)) = joined {
                let lang = detect_lang(&name);
                b.names.insert(0, (name_value(&name, lang), label));
            }
        }
        let name_as_listed = b
            .names
            .first()
            .and_then(|(n, _)| n["value"].as_str())
            .map(str::to_string);
        if !b.names.is_empty() {
            let names = b.names.iter().map(|(n, _)| n.clone()).collect();
            obj.insert("names".into(), Value::Array(names));
        }
        match (b.lat, b.lon) {
            (Some((lat, _)), Some((lon, _))) => {
                obj.insert("point".into(), json!({"lat": lat, "lon": lon}));
            }
            (Some((_, l)), None) => {
                return Err((
                    Some(l),
                    "has a latitude but the row has no longitude".into(),
                ));
            }
            (None, Some((_, l))) => {
                return Err((
                    Some(l),
                    "has a longitude but the row has no latitude".into(),
                ));
            }
            (None, None) => {}
        }
        for (name, many, sub, _) in std::mem::take(&mut b.subs) {
            let v = Value::Object(sub);
            obj.insert(name.into(), if many { Value::Array(vec![v]) } else { v });
        }
        for (k, v) in std::mem::take(&mut b.fields) {
            obj.insert(k.into(), v);
        }
        let mut citations: Vec<Value> = b.citations.iter().map(|(c, _)| c.clone()).collect();
        for (s, _) in &b.row_sources {
            citations.push(json!({"source": s, "locator": format!("row {row}")}));
        }
        if let Some(s) = &self.common.source {
            citations.push(json!({"source": s, "locator": format!("row {row}")}));
        }
        if !citations.is_empty() {
            obj.insert("citations".into(), Value::Array(citations));
        }
        let mut new_lists = Vec::new();
        if self.kind == Kind::Person {
            let list_cache = &mut state.list_cache;
            let lists_emitted = &state.lists_emitted;
            let mut entries = Vec::new();
            let mut add = |list_id: &str, record: Option<&Record>| {
                if entries
                    .iter()
                    .any(|e: &Value| e["list"].as_str() == Some(list_id))
                {
                    return;
                }
                if let Some(r) = record
                    && !lists_emitted.contains(list_id)
                    && !new_lists.contains(r)
                {
                    new_lists.push(r.clone());
                }
                let mut m = Map::new();
                m.insert("list".into(), Value::String(list_id.to_string()));
                m.insert("entry".into(), Value::String(row_key.to_string()));
                if let Some(n) = &name_as_listed {
                    m.insert("name_as_listed".into(), Value::String(n.clone()));
                }
                entries.push(Value::Object(m));
            };
            for (name, label) in &b.lists {
                if !list_cache.contains_key(name) {
                    let made = list_record(name, self.common.source.as_deref())
                        .map_err(|e| (Some(*label), e))?;
                    list_cache.insert(name.clone(), made);
                }
                let (list_id, record) = &list_cache[name];
                add(list_id, record.as_ref());
            }
            for (list_id, record) in &self.common.lists {
                add(list_id, record.as_ref());
            }
            if !entries.is_empty() {
                obj.insert("lists".into(), Value::Array(entries));
            }
        }
        if self.kind == Kind::Recommendation {
            if b.pledge {
                let note = "Voluntary pledge: a commitment the state under review made itself \
                            (UPR Info response \"Voluntary Pledge\"), not a recommendation it \
                            answered; it has no response and does not count in acceptance rates.";
                let notes = match obj.get("notes").and_then(Value::as_str) {
                    Some(n) => format!("{n}\n{note}"),
                    None => note.to_string(),
                };
                obj.insert("notes".into(), Value::String(notes));
            }
            if self.recommendation_cycle
                && let Some(s) = obj.get("session").and_then(Value::as_i64)
                && let Some(c) = upr_cycle(s)
            {
                obj.insert("cycle".into(), Value::from(c));
            }
        }
        let record = validate(Value::Object(obj)).map_err(|e| self.blame(&b, e))?;
        for r in &new_lists {
            state.lists_emitted.insert(r.id.clone());
        }
        Ok((record, new_lists))
    }

    /// The entry behind a validation error's path.
    fn blame(&self, b: &Builder, e: ValidationError) -> (Option<usize>, String) {
        let head = e.path.split(['.', '[']).next().unwrap_or_default();
        let index = e
            .path
            .strip_prefix(head)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok());
        let label = match head {
            "names" => index
                .and_then(|i| b.names.get(i))
                .or(b.names.first())
                .map(|(_, l)| *l),
            "citations" => index
                .and_then(|i| b.citations.get(i).map(|(_, l)| *l))
                .or_else(|| b.row_sources.first().map(|(_, l)| *l)),
            "lists" => b.lists.first().map(|(_, l)| *l),
            "point" => b.lat.map(|(_, l)| l),
            _ => b
                .labels
                .iter()
                .find(|(k, _)| *k == head)
                .map(|(_, l)| *l)
                .or_else(|| (head == "cycle").then(|| b.session_label()).flatten()),
        };
        // A required field left empty: blame the column that should have given it.
        let label = label.or_else(|| {
            self.entries
                .iter()
                .find(|en| match en.target {
                    Target::Field(f) | Target::LifeDate(f) | Target::Sub(f, _) => f.name == head,
                    Target::Name(_) | Target::FirstName | Target::LastName => head == "names",
                    _ => false,
                })
                .map(|en| en.label)
        });
        match label {
            Some(l) => (Some(l), e.message),
            None => (None, e.to_string()),
        }
    }
}

/// What one row has gathered before its record is assembled.
#[derive(Default)]
struct Builder {
    fields: Vec<(&'static str, Value)>,
    labels: Vec<(&'static str, usize)>,
    subs: Vec<(&'static str, bool, Map<String, Value>, usize)>,
    names: Vec<(Value, usize)>,
    first: Option<(String, usize)>,
    last: Option<(String, usize)>,
    lat: Option<(f64, usize)>,
    lon: Option<(f64, usize)>,
    lists: Vec<(String, usize)>,
    citations: Vec<(Value, usize)>,
    row_sources: Vec<(String, usize)>,
    row_key: Option<String>,
    pledge: bool,
    /// A full name (or a names list) was given; first and last name are then not joined.
    full_name: bool,
}

impl Builder {
    /// A derived cycle is blamed on the session column.
    fn session_label(&self) -> Option<usize> {
        self.labels
            .iter()
            .find(|(k, _)| *k == "session")
            .map(|(_, l)| *l)
    }

    fn set(&mut self, field: &'static str, value: Value, label: usize) {
        self.fields.push((field, value));
        self.labels.push((field, label));
    }
}

/// The list a name or `lst_` id stands for, and the list record to create when it is a name.
pub(crate) fn list_record(
    name: &str,
    source: Option<&str>,
) -> Result<(String, Option<Record>), String> {
    let name = name.trim();
    if id::check(Kind::List, name).is_ok() {
        return Ok((name.to_string(), None));
    }
    let list_id = ids::list_id(name);
    let mut record = json!({"kind": "list", "id": list_id, "title": name});
    if let Some(s) = source {
        record["source"] = Value::String(s.to_string());
    }
    let record = validate(record).map_err(|e| format!("list `{name}`: {}", e.message))?;
    Ok((list_id, Some(record)))
}

/// UPR cycle of a Working Group session: 1–12 → 1, then 14 sessions a cycle up to 54.
pub fn upr_cycle(session: i64) -> Option<i64> {
    match session {
        1..=12 => Some(1),
        13..=54 => Some((session - 13) / 14 + 2),
        _ => None,
    }
}

fn split_list<'a>(text: &'a str, sep: &str) -> impl Iterator<Item = &'a str> {
    let parts: Vec<&str> = if sep.is_empty() {
        vec![text]
    } else {
        text.split(sep).collect()
    };
    parts.into_iter().map(str::trim).filter(|s| !s.is_empty())
}

/// Part `part` of `text` split into at most `of` parts.
fn split_part(text: &str, part: usize, of: usize, on: &str) -> String {
    let words = || text.split_whitespace();
    let parts: Vec<String> = match on {
        "last space" => {
            let all: Vec<&str> = words().collect();
            if all.len() <= of {
                all.iter().map(|s| s.to_string()).collect()
            } else {
                // The first part keeps every word but the last `of - 1`.
                let head = all.len() - (of - 1);
                std::iter::once(all[..head].join(" "))
                    .chain(all[head..].iter().map(|s| s.to_string()))
                    .collect()
            }
        }
        "first space" => {
            let all: Vec<&str> = words().collect();
            if all.len() <= of {
                all.iter().map(|s| s.to_string()).collect()
            } else {
                all[..of - 1]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(std::iter::once(all[of - 1..].join(" ")))
                    .collect()
            }
        }
        sep => text.splitn(of, sep).map(|s| s.trim().to_string()).collect(),
    };
    parts.get(part).cloned().unwrap_or_default()
}

/// One value of a field from cell text. Numbers, booleans and vocabulary terms are read here,
/// so that messages can quote the text; everything else is left to validation.
fn scalar(kind: Kind, f: &Field, text: &str) -> Result<Value, String> {
    match f.ty {
        Ty::Int { .. } => {
            let t = ascii_digits(text);
            let n = t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|x| x.fract() == 0.0 && x.abs() < 9e15)
                    .map(|x| x as i64)
            });
            n.map(Value::from)
                .ok_or_else(|| format!("{} is not a whole number", quote_value(text)))
        }
        Ty::Number => number(text, "number")
            .map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        Ty::Bool => match text.to_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "x" | "بله" => Ok(Value::Bool(true)),
            "false" | "no" | "n" | "0" | "خیر" => Ok(Value::Bool(false)),
            _ => Err(format!("{} is not yes or no", quote_value(text))),
        },
        Ty::Vocab(vocab) => vocab_term(kind, vocab, text).map(Value::String),
        Ty::Point => {
            let (lat, lon) = text
                .split_once(',')
                .ok_or_else(|| format!("{} is not `latitude, longitude`", quote_value(text)))?;
            Ok(json!({"lat": number(lat, "latitude")?, "lon": number(lon, "longitude")?}))
        }
        Ty::Names => Ok(Value::Array(vec![name_value(text, detect_lang(text))])),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// Persian and Arabic-Indic digits as ASCII digits.
fn ascii_digits(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '٫' => '.',
            _ => c,
        })
        .collect()
}

fn number(text: &str, what: &str) -> Result<f64, String> {
    ascii_digits(text)
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("{} is not a number ({what})", quote_value(text)))
}

/// A term of `vocab` by id or label, with the spellings tables commonly use.
fn vocab_term(kind: Kind, vocab: &str, text: &str) -> Result<String, String> {
    let lower = text.trim().to_lowercase();
    let alias = match (vocab, lower.as_str()) {
        ("sex", "m") => Some("male"),
        ("sex", "f") => Some("female"),
        ("upr_response", "accepted" | "accept" | "supported" | "support") => Some("supported"),
        ("upr_response", "noted" | "rejected" | "not accepted" | "not supported") => Some("noted"),
        ("upr_response", "partially accepted" | "partially supported" | "accepted in part") => {
            Some("partially_supported")
        }
        _ => None,
    };
    let vocabs = vocabularies();
    if let Some(t) = vocabs.lookup(vocab, alias.unwrap_or(text)) {
        return Ok(t.id.clone());
    }
    let terms = vocabs.terms(vocab);
    let suggestion = terms.iter().find(|t| {
        let en = t.en.to_lowercase();
        lower.len() >= 4 && (en.contains(&lower) || lower.contains(&en))
    });
    let what = match vocab {
        "theme" => "theme".to_string(),
        "upr_response" if kind == Kind::Recommendation => "response".to_string(),
        v => format!("{v} term"),
    };
    let help = match suggestion {
        Some(t) => format!("; did you mean `{}`?", t.en),
        None if terms.len() <= 12 => format!(
            "; use one of: {}",
            terms
                .iter()
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!(
            "; the {vocab} vocabulary has {} terms, e.g. {}",
            terms.len(),
            terms
                .iter()
                .take(5)
                .map(|t| format!("`{}`", t.en))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(format!(
        "unknown {what} {}: not in the {vocab} vocabulary{help}",
        quote_value(text)
    ))
}

fn name_value(value: &str, lang: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("value".into(), Value::String(value.to_string()));
    if let Some(l) = lang {
        m.insert("lang".into(), Value::String(l.into()));
    }
    Value::Object(m)
}

fn is_arabic_script(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
    })
}

/// `fa` for Persian script, `en` for Latin letters, nothing otherwise.
fn detect_lang(s: &str) -> Option<&'static str> {
    if is_arabic_script(s) {
        Some("fa")
    } else if s.chars().any(|c| c.is_ascii_alphabetic()) {
        Some("en")
    } else {
        None
    }
}

/// Would a spreadsheet run this cell? `=…` always; `+`, `-` and `@` when a function call or
/// a DDE link (`cmd|' /C calc'!A0`) follows.
pub fn looks_like_formula(text: &str) -> bool {
    let t = text.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some('=') => t.len() > 1,
        Some('+' | '-' | '@') => {
            let rest = chars.as_str().trim_start();
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let call = name_len > 0
                && rest.as_bytes()[0].is_ascii_alphabetic()
                && rest[name_len..].starts_with('(');
            call || (rest.contains('|') && rest.contains('!'))
        }
        _ => false,
    }
}

/// A cell's text for a message: in backticks, cut at 60 characters.
pub(crate) fn quote_value(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        s.push('…');
    }
    format!("`{}`", s.replace(['\n', '\r'], " "))
}

fn quote_label(label: &str) -> String {
    if label.starts_with('(') {
        label.to_string()
    } else {
        format!("column `{label}`")
    }
}

/// Record JSON from a JSON import: options applied, then validated.
pub(crate) fn json_record(
    value: Value,
    kind: Option<Kind>,
    common: &Common,
    row: usize,
    at: &At,
    state: &mut State,
) -> Result<Converted, RowError> {
    let fail = |column: Option<String>, reason: String| RowError {
        row,
        at: at.clone(),
        column,
        reason,
    };
    let Value::Object(mut obj) = value else {
        return Err(fail(
            None,
            "is not a JSON object like {\"kind\": \"person\", …}".into(),
        ));
    };
    let record_kind = match (obj.get("kind").and_then(Value::as_str), kind) {
        (Some(k), Some(want)) if k != want.as_str() => {
            return Err(fail(
                Some("kind".into()),
                format!("is `{k}`, but this import is of {want} records"),
            ));
        }
        (None, Some(want)) => {
            obj.insert("kind".into(), Value::String(want.as_str().into()));
            Some(want)
        }
        (k, _) => k.and_then(Kind::parse),
    };
    if let Some(k) = record_kind {
        if obj.get("id").is_none_or(Value::is_null) {
            obj.insert(
                "id".into(),
                Value::String(ids::row_id(k, &common.dataset, &row.to_string())),
            );
        } else if let Some(id) = obj.get("id").and_then(Value::as_str)
            && let Some(first) = state.ids.get(id)
        {
            return Err(fail(
                Some("id".into()),
                format!("`{id}` is also the id of record {first}"),
            ));
        }
    }
    let locator = format!("record {row}");
    if let Some(s) = &common.source {
        let citation = json!({"source": s, "locator": locator});
        match obj.get_mut("citations") {
            Some(Value::Array(list)) => {
                if !list.contains(&citation) {
                    list.push(citation);
                }
            }
            _ => {
                obj.insert("citations".into(), Value::Array(vec![citation]));
            }
        }
    }
    let mut new_lists = Vec::new();
    if record_kind == Some(Kind::Person) && !common.lists.is_empty() {
        let name = obj
            .get("names")
            .and_then(|n| n.get(0))
            .and_then(|n| n.get("value").or(Some(n)))
            .and_then(Value::as_str)
            .map(str::to_string);
        let entries = obj
            .entry("lists")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(entries) = entries {
            for (list_id, record) in &common.lists {
                if entries
                    .iter()
                    .any(|e| e.get("list").and_then(Value::as_str) == Some(list_id))
                {
                    continue;
                }
                let mut m = Map::new();
                m.insert("list".into(), Value::String(list_id.clone()));
                m.insert("entry".into(), Value::String(row.to_string()));
                if let Some(n) = &name {
                    m.insert("name_as_listed".into(), Value::String(n.clone()));
                }
                entries.push(Value::Object(m));
                if let Some(r) = record
                    && !state.lists_emitted.contains(list_id)
                {
                    new_lists.push(r.clone());
                }
            }
        }
    }
    let record = validate(Value::Object(obj)).map_err(|e| {
        if e.path.is_empty() {
            fail(None, e.message)
        } else {
            fail(Some(e.path), e.message)
        }
    })?;
    state.ids.insert(record.id.clone(), row);
    for r in &new_lists {
        state.lists_emitted.insert(r.id.clone());
    }
    Ok(Converted { record, new_lists })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_recognised_and_ordinary_text_is_not() {
        for f in [
            "=HYPERLINK(\"http://x\",\"y\")",
            " =1+1",
            "+SUM(A1:A2)",
            "-cmd|' /C calc'!A0",
            "@SUM(1)",
        ] {
            assert!(looks_like_formula(f), "{f}");
        }
        for t in [
            "-",
            "=",
            "- Ratify the Convention (CEDAW)",
            "+98 21 555",
            "@handle",
            "Ali",
            "-5",
        ] {
            assert!(!looks_like_formula(t), "{t}");
        }
    }

    #[test]
    fn splitting_names() {
        assert_eq!(
            split_part("Mohammad Reza  Rezaei", 0, 2, "last space"),
            "Mohammad Reza"
        );
        assert_eq!(
            split_part("Mohammad Reza Rezaei", 1, 2, "last space"),
            "Rezaei"
        );
        assert_eq!(split_part("Rezaei", 1, 2, "last space"), "");
        assert_eq!(
            split_part("Mohammad Reza Rezaei", 1, 2, "first space"),
            "Reza Rezaei"
        );
        assert_eq!(split_part("Rezaei, Ali", 1, 2, ","), "Ali");
    }

    #[test]
    fn upr_cycles() {
        let cycles: Vec<_> = [1, 12, 13, 26, 27, 40, 41, 54, 55, 0]
            .into_iter()
            .map(upr_cycle)
            .collect();
        assert_eq!(
            cycles,
            [
                Some(1),
                Some(1),
                Some(2),
                Some(2),
                Some(3),
                Some(3),
                Some(4),
                Some(4),
                None,
                None
            ]
        );
    }
}
