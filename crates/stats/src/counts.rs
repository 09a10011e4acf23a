//! `rightsdoc stats --by …`: counts of documented records.
//!
//! Uncertain dates are intervals: a record dated `1988` or `1988-08~` counts in 1988; one whose
//! interval spans several years goes to its own bucket, never counted twice or guessed; records
//! whose sources give different years go to "sources disagree". Juvenile status is derived from
//! the victim's birth and the alleged offence, never typed.

use crate::StatsError;
use crate::snapshot::{Person, Snapshot, dates, strings, values};
use rightsdoc_model::Kind;
use rightsdoc_model::dates::{Day, Edtf};
use rightsdoc_model::vocab::vocabularies;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub const SPANS_YEARS: &str = "spans several years";
pub const DISAGREE: &str = "sources disagree";
pub const UNKNOWN: &str = "unknown";

/// What to count by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Year,
    Act,
    Place,
    Sex,
    Age,
    List,
    Response,
    Cycle,
    Theme,
    RecommendingState,
}

impl By {
    /// The vocabulary whose term ids this dimension's row keys are, if any (interfaces label
    /// rows in their own language from it).
    pub fn vocabulary(self) -> Option<&'static str> {
        match self {
            By::Act => Some("act_type"),
            By::Sex => Some("sex"),
            By::Response => Some("upr_response"),
            By::Theme => Some("theme"),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Result<By, StatsError> {
        Ok(match s {
            "year" => By::Year,
            "act" => By::Act,
            "place" => By::Place,
            "sex" => By::Sex,
            "age" => By::Age,
            "list" => By::List,
            "response" => By::Response,
            "cycle" => By::Cycle,
            "theme" => By::Theme,
            "recommending-state" => By::RecommendingState,
            other => {
                return Err(StatsError::Invalid(format!(
                    "cannot count by `{other}`; use year, act, place, sex, age, list, response, cycle, theme or recommending-state"
                )));
            }
        })
    }
}

/// A `--where key=value` condition.
#[derive(Clone, Debug)]
pub struct Filter {
    pub key: String,
    pub value: String,
}

impl Filter {
    pub fn parse(s: &str) -> Result<Filter, StatsError> {
        match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Filter {
                key: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err(StatsError::Invalid(format!(
                "`--where {s}`: write a condition as key=value, e.g. act_type=execution"
            ))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub count: u64,
    /// Rates and sub-counts, where the dimension has them (UPR acceptance and implementation).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub detail: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub by: String,
    /// What one unit of `count` is.
    pub counts: String,
    pub total: u64,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

const DOCUMENTED: &str = "Counts are of documented records in this archive: a minimum, not an estimate of the true total.";

pub fn stats(snap: &Snapshot, by: By, filters: &[Filter]) -> Result<Table, StatsError> {
    match by {
        By::Year | By::Act | By::Place | By::Sex | By::Age => acts(snap, by, filters),
        By::List => lists(snap, filters),
        By::Response | By::Cycle | By::Theme | By::RecommendingState => {
            recommendations(snap, by, filters)
        }
    }
}

/// The kinds of record [`stats`] reads for `by` and `filters`: a snapshot of only these gives
/// the same table. People are left out wherever neither the dimension nor a condition is about
/// them (at 1M records, reading every person takes about 6 s).
pub fn kinds_read(by: By, filters: &[Filter]) -> &'static [Kind] {
    let about_acts_alone = filters.iter().all(|f| {
        matches!(
            f.key.as_str(),
            "act_type" | "act" | "year" | "place" | "event"
        )
    });
    match by {
        By::Response | By::Cycle | By::Theme | By::RecommendingState => &[Kind::Recommendation],
        By::Year | By::Act | By::Place if about_acts_alone => {
            &[Kind::Act, Kind::Event, Kind::Place]
        }
        _ => &Kind::ALL,
    }
}

/// A term's label in both languages (`Noted / یادداشت شد`), for the command line.
fn vocab_label(by: By, id: &str) -> String {
    by.vocabulary()
        .and_then(|vocab| vocabularies().term(vocab, id))
        .map(|t| format!("{} / {}", t.en, t.fa))
        .unwrap_or_else(|| id.to_string())
}

/// The year bucket of a set of (possibly conflicting) dates.
pub fn year_bucket(ds: &[Edtf]) -> String {
    let spans: Vec<Option<(i32, i32)>> = ds.iter().map(Edtf::year_span).collect();
    if spans.is_empty() {
        return UNKNOWN.into();
    }
    if spans.iter().any(|s| s.is_none_or(|(a, b)| a != b)) {
        return if spans.len() == 1 {
            SPANS_YEARS.into()
        } else {
            DISAGREE.into()
        };
    }
    let first = spans[0].expect("checked");
    if spans.iter().all(|s| *s == Some(first)) {
        first.0.to_string()
    } else {
        DISAGREE.into()
    }
}

/// The act's dates: its own, or failing that its event's period.
fn act_dates(snap: &Snapshot, act: &Value) -> Vec<Edtf> {
    let own = dates(act.get("date"));
    if !own.is_empty() {
        return own;
    }
    act.get("event")
        .and_then(Value::as_str)
        .and_then(|e| snap.get(e))
        .map(|e| dates(e.get("period")))
        .unwrap_or_default()
}

/// Full years between two days.
fn years_between(from: Day, to: Day) -> i32 {
    let mut y = to.year - from.year;
    if (to.month, to.day) < (from.month, from.day) {
        y -= 1;
    }
    y
}

/// "under 18", "18 or older" or unknown, from a stated age or from birth and offence dates.
pub fn juvenile_status(snap: &Snapshot, act: &Value) -> &'static str {
    let ages: Vec<i64> = values(act.get("age_at_offence"))
        .into_iter()
        .filter_map(Value::as_i64)
        .collect();
    if !ages.is_empty() {
        return match (ages.iter().all(|a| *a < 18), ages.iter().all(|a| *a >= 18)) {
            (true, _) => "under 18 at the alleged offence",
            (_, true) => "18 or older at the alleged offence",
            _ => UNKNOWN,
        };
    }
    let births = victim(snap, act).map_or(&[][..], |v| &v.birth[..]);
    let offences = dates(act.get("offence_date"));
    if births.is_empty() || offences.is_empty() {
        return UNKNOWN;
    }
    // The youngest and oldest the victim could have been, over every date a source gives.
    let mut youngest = i32::MAX;
    let mut oldest = i32::MIN;
    for b in births {
        for o in &offences {
            match (b.earliest(), b.latest(), o.earliest(), o.latest()) {
                (Some(b0), Some(b1), Some(o0), Some(o1)) => {
                    youngest = youngest.min(years_between(b1, o0));
                    oldest = oldest.max(years_between(b0, o1));
                }
                _ => return UNKNOWN,
            }
        }
    }
    if oldest < 18 {
        "under 18 at the alleged offence"
    } else if youngest >= 18 {
        "18 or older at the alleged offence"
    } else {
        UNKNOWN
    }
}

fn act_matches(snap: &Snapshot, act: &Value, f: &Filter) -> Result<bool, StatsError> {
    Ok(match f.key.as_str() {
        "act_type" | "act" => strings(act.get("act_type")).contains(&f.value),
        "year" => year_bucket(&act_dates(snap, act)) == f.value,
        "place" => strings(act.get("place")).contains(&f.value),
        "event" => strings(act.get("event")).contains(&f.value),
        "sex" => victim(snap, act).is_some_and(|v| v.sex.iter().any(|s| **s == *f.value)),
        "list" => victim(snap, act).is_some_and(|v| v.lists.iter().any(|l| **l == *f.value)),
        other => {
            return Err(StatsError::Invalid(format!(
                "`--where {other}=…` does not apply to acts; use act_type, year, place, event, sex or list"
            )));
        }
    })
}

/// The victim of an act, if the reader may see them.
fn victim<'a>(snap: &'a Snapshot, act: &Value) -> Option<&'a Person> {
    act.get("victim")
        .and_then(Value::as_str)
        .and_then(|v| snap.person(v))
}

fn one_or(keys: Vec<String>, several: &str) -> String {
    match keys.len() {
        0 => UNKNOWN.into(),
        1 => keys.into_iter().next().expect("one"),
        _ => several.into(),
    }
}

fn acts(snap: &Snapshot, by: By, filters: &[Filter]) -> Result<Table, StatsError> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0;
    for act in snap.of_kind("act") {
        let mut keep = true;
        for f in filters {
            keep &= act_matches(snap, act, f)?;
        }
        if !keep {
            continue;
        }
        total += 1;
        let key = match by {
            By::Year => year_bucket(&act_dates(snap, act)),
            By::Act => one_or(strings(act.get("act_type")), DISAGREE),
            By::Place => one_or(strings(act.get("place")), DISAGREE),
            By::Sex => one_or(
                victim(snap, act).map_or(vec![], |v| v.sex.iter().map(|s| s.to_string()).collect()),
                DISAGREE,
            ),
            By::Age => juvenile_status(snap, act).to_string(),
            _ => unreachable!("acts() handles act dimensions only"),
        };
        *counts.entry(key).or_default() += 1;
    }
    let rows = counts
        .into_iter()
        .map(|(key, count)| {
            let label = match by {
                By::Act | By::Sex => vocab_label(by, &key),
                By::Place if snap.get(&key).is_some() => snap.label(&key),
                _ => key.clone(),
            };
            Row {
                key,
                label,
                count,
                detail: BTreeMap::new(),
            }
        })
        .collect();
    let mut notes = vec![DOCUMENTED.to_string()];
    if by == By::Year {
        notes.push(format!("An act dated to an interval that covers more than one year is counted under \"{SPANS_YEARS}\", never split or guessed; acts whose sources give different years are under \"{DISAGREE}\"."));
    }
    if by == By::Age {
        notes.push("Juvenile status is derived from the victim's birth date and the alleged offence date (or an age a source states); \"unknown\" where the dates cannot decide.".into());
    }
    Ok(Table {
        by: by_name(by).into(),
        counts: "documented acts".into(),
        total,
        rows: sort_rows(by, rows),
        notes,
    })
}

fn lists(snap: &Snapshot, filters: &[Filter]) -> Result<Table, StatsError> {
    if let Some(f) = filters.first() {
        return Err(StatsError::Invalid(format!(
            "`--where {}` is not supported with --by list",
            f.key
        )));
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0;
    for (_, person) in snap.people() {
        if !person.lists.is_empty() {
            total += 1;
        }
        let mut lists: Vec<&str> = person.lists.iter().map(|l| &**l).collect();
        lists.sort_unstable();
        lists.dedup();
        for l in lists {
            *counts.entry(l.to_string()).or_default() += 1;
        }
    }
    let rows = counts
        .into_iter()
        .map(|(key, count)| Row {
            label: snap.label(&key),
            key,
            count,
            detail: BTreeMap::new(),
        })
        .collect();
    Ok(Table {
        by: "list".into(),
        counts: "people on each list (one person on several lists counts once per list)".into(),
        total,
        rows: sort_rows(By::List, rows),
        notes: vec![DOCUMENTED.into(), "Until duplicates are merged (record linkage), one person may appear as several records.".into()],
    })
}

/// The latest implementation assessment's status, if any.
fn implementation(rec: &Value) -> Option<String> {
    let list = rec.get("implementation")?.as_array()?;
    list.iter()
        .max_by_key(|a| dates(a.get("date")).first().and_then(Edtf::latest))
        .and_then(|a| a.get("status").and_then(Value::as_str))
        .map(str::to_string)
}

fn recommendations(snap: &Snapshot, by: By, filters: &[Filter]) -> Result<Table, StatsError> {
    struct Acc {
        count: u64,
        responded: u64,
        accepted: u64,
        assessed: u64,
        implemented: u64,
    }
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    let mut total = 0;
    for rec in snap.of_kind("recommendation") {
        let cycle = values(rec.get("cycle"))
            .first()
            .and_then(|v| v.as_i64())
            .map(|c| c.to_string());
        let responses = strings(rec.get("response"));
        let themes = strings(rec.get("themes"));
        let states = strings(rec.get("recommending_states"));
        let mut keep = true;
        for f in filters {
            keep &= match f.key.as_str() {
                "cycle" => cycle.as_deref() == Some(f.value.as_str()),
                "response" => responses.contains(&f.value),
                "theme" => themes.contains(&f.value),
                "recommending_state" | "recommending-state" => states.contains(&f.value),
                "state" | "state_under_review" => {
                    strings(rec.get("state_under_review")).contains(&f.value)
                }
                other => {
                    return Err(StatsError::Invalid(format!(
                        "`--where {other}=…` does not apply to recommendations; use cycle, response, theme, recommending_state or state"
                    )));
                }
            };
        }
        if !keep {
            continue;
        }
        total += 1;
        let keys = match by {
            By::Response => vec![one_or(responses.clone(), DISAGREE)],
            By::Cycle => vec![cycle.unwrap_or_else(|| UNKNOWN.into())],
            By::Theme if themes.is_empty() => vec![UNKNOWN.into()],
            By::Theme => themes,
            By::RecommendingState if states.is_empty() => vec![UNKNOWN.into()],
            By::RecommendingState => states,
            _ => unreachable!("recommendations() handles UPR dimensions only"),
        };
        let response = (responses.len() == 1).then(|| responses[0].clone());
        let status = implementation(rec);
        for key in keys {
            let a = acc.entry(key).or_insert(Acc {
                count: 0,
                responded: 0,
                accepted: 0,
                assessed: 0,
                implemented: 0,
            });
            a.count += 1;
            if let Some(r) = &response
                && r != "pending"
            {
                a.responded += 1;
                a.accepted += u64::from(r == "supported" || r == "partially_supported");
            }
            if let Some(s) = &status
                && s != "unclear"
            {
                a.assessed += 1;
                a.implemented +=
                    u64::from(s == "fully_implemented" || s == "partially_implemented");
            }
        }
    }
    let rows = acc
        .into_iter()
        .map(|(key, a)| {
            let mut detail = BTreeMap::new();
            if by != By::Response && a.responded > 0 {
                detail.insert("responded".into(), a.responded as f64);
                detail.insert(
                    "acceptance_rate".into(),
                    a.accepted as f64 / a.responded as f64,
                );
            }
            if a.assessed > 0 {
                detail.insert("assessed".into(), a.assessed as f64);
                detail.insert(
                    "implementation_rate".into(),
                    a.implemented as f64 / a.assessed as f64,
                );
            }
            let label = match by {
                By::Response | By::Theme => vocab_label(by, &key),
                By::Cycle if key != UNKNOWN => format!("cycle {key}"),
                _ => key.clone(),
            };
            Row {
                key,
                label,
                count: a.count,
                detail,
            }
        })
        .collect();
    let mut notes = vec![DOCUMENTED.to_string(),
        "Acceptance rate = (supported + partially supported) / recommendations with a response. Implementation rate = (fully + partially implemented) / recommendations with an assessment, using each one's latest assessment.".to_string()];
    if by == By::Theme || by == By::RecommendingState {
        notes.push("A recommendation under several themes or made by several states counts once under each.".into());
    }
    Ok(Table {
        by: by_name(by).into(),
        counts: "UPR recommendations".into(),
        total,
        rows: sort_rows(by, rows),
        notes,
    })
}

fn by_name(by: By) -> &'static str {
    match by {
        By::Year => "year",
        By::Act => "act",
        By::Place => "place",
        By::Sex => "sex",
        By::Age => "age",
        By::List => "list",
        By::Response => "response",
        By::Cycle => "cycle",
        By::Theme => "theme",
        By::RecommendingState => "recommending-state",
    }
}

/// Years and cycles in order (special buckets last); everything else by count, largest first.
fn sort_rows(by: By, mut rows: Vec<Row>) -> Vec<Row> {
    match by {
        By::Year | By::Cycle => rows.sort_by_key(|r| {
            (
                r.key.parse::<i64>().map_or(1, |_| 0),
                r.key.parse::<i64>().unwrap_or(0),
                r.key.clone(),
            )
        }),
        _ => rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key))),
    }
    rows
}
