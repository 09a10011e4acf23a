//! Command responsibility: who held posts, when an act or event happened, in the organizations
//! involved in it, in their parent organizations, and in those with jurisdiction over its place.

use crate::StatsError;
use crate::snapshot::{Snapshot, dates, strings};
use rightsdoc_model::dates::{Day, Edtf, IntervalEnd};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One post held by one person, and why it matters here.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeLine {
    pub person: String,
    pub person_label: String,
    pub role: String,
    pub organization: String,
    pub organization_label: String,
    /// The post's period as EDTF, or "unknown".
    pub period: String,
    /// How sure the dates make us that the post was held at the time.
    pub certainty: String,
    pub why: String,
    pub citations: Vec<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Involved {
    pub actor: String,
    pub label: String,
    pub role: String,
    pub citations: Vec<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Responsibility {
    pub target: String,
    pub label: String,
    /// The dates of the act or event, as EDTF.
    pub period: Vec<String>,
    pub involved: Vec<Involved>,
    pub posts: Vec<OfficeLine>,
}

const IMPLICATED: &str =
    "implicated in a documented violation (an involvement, or a post in an involved organization)";

/// One post as a line of an answer.
fn office_line(snap: &Snapshot, post: &Value, certainty: &str, why: &str) -> OfficeLine {
    let person = post
        .get("person")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let org = post
        .get("organization")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let held = dates(post.get("period"));
    OfficeLine {
        person: person.into(),
        person_label: snap.label(person),
        role: strings(post.get("role")).join(" / "),
        organization: org.into(),
        organization_label: snap.label(org),
        period: if held.is_empty() {
            "unknown".into()
        } else {
            held.iter()
                .map(Edtf::to_string)
                .collect::<Vec<_>>()
                .join(" | ")
        },
        certainty: certainty.into(),
        why: why.into(),
        citations: citations(post),
    }
}

fn citations(r: &Value) -> Vec<Value> {
    r.get("citations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The record and its chain of `parent`s (guarding against cycles).
fn with_ancestors(snap: &Snapshot, id: &str) -> Vec<String> {
    let mut out = vec![id.to_string()];
    let mut seen: BTreeSet<String> = out.iter().cloned().collect();
    let mut cur = id.to_string();
    while let Some(parent) = snap
        .get(&cur)
        .and_then(|r| r.get("parent"))
        .and_then(Value::as_str)
    {
        if !seen.insert(parent.to_string()) {
            break;
        }
        out.push(parent.to_string());
        cur = parent.to_string();
    }
    out
}

/// Is `inner` certainly inside `outer`? An unknown end (`1989/`) is not certainly anything;
/// an open end (`2021/..`) runs on.
fn within(inner: &Edtf, outer: &Edtf) -> bool {
    let (open_start, open_end) = match outer {
        Edtf::Interval { start, end } => (
            matches!(start, IntervalEnd::Open),
            matches!(end, IntervalEnd::Open),
        ),
        Edtf::Date(_) => (false, false),
    };
    let starts = match (outer.earliest(), inner.earliest()) {
        (Some(o), Some(i)) => o <= i,
        (None, _) => open_start,
        (Some(_), None) => false,
    };
    let ends = match (outer.latest(), inner.latest()) {
        (Some(o), Some(i)) => i <= o,
        (None, _) => open_end,
        (Some(_), None) => false,
    };
    starts && ends
}

pub fn responsible(snap: &Snapshot, id: &str) -> Result<Responsibility, StatsError> {
    let target = snap
        .get(id)
        .ok_or_else(|| StatsError::NotFound(id.to_string()))?;
    let kind = target["kind"].as_str().unwrap_or_default();
    let (period, events, places) = match kind {
        "act" => {
            let event = target.get("event").and_then(Value::as_str);
            let mut period = dates(target.get("date"));
            if period.is_empty() {
                period = event
                    .and_then(|e| snap.get(e))
                    .map(|e| dates(e.get("period")))
                    .unwrap_or_default();
            }
            let mut places = strings(target.get("place"));
            let events = event.map(|e| with_ancestors(snap, e)).unwrap_or_default();
            if places.is_empty() {
                places = event
                    .and_then(|e| snap.get(e))
                    .map(|e| strings(e.get("places")))
                    .unwrap_or_default();
            }
            (period, events, places)
        }
        "event" => (
            dates(target.get("period")),
            with_ancestors(snap, id),
            strings(target.get("places")),
        ),
        other => {
            return Err(StatsError::Invalid(format!(
                "`{id}` is a {other}; responsibility is asked of an act or an event"
            )));
        }
    };

    let mut involved = Vec::new();
    let mut orgs: BTreeMap<String, String> = BTreeMap::new();
    for inv in snap.of_kind("involvement") {
        let about_act = inv.get("act").and_then(Value::as_str) == Some(id);
        let about_event = inv
            .get("event")
            .and_then(Value::as_str)
            .is_some_and(|e| events.iter().any(|x| x == e));
        if !(about_act || about_event) {
            continue;
        }
        let Some(actor) = inv.get("actor").and_then(Value::as_str) else {
            continue;
        };
        let role = inv
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        involved.push(Involved {
            actor: actor.into(),
            label: snap.label(actor),
            role: role.clone(),
            citations: citations(inv),
        });
        if actor.starts_with("org_") {
            for (depth, org) in with_ancestors(snap, actor).into_iter().enumerate() {
                let why = if depth == 0 {
                    format!("the organization is involved ({role})")
                } else {
                    format!(
                        "parent organization of {} (involved: {role})",
                        snap.label(actor)
                    )
                };
                orgs.entry(org).or_insert(why);
            }
        }
    }
    let place_chain: Vec<String> = places
        .iter()
        .flat_map(|p| with_ancestors(snap, p))
        .collect();
    for org in snap.of_kind("organization") {
        let jurisdiction = strings(org.get("jurisdiction"));
        if let Some(p) = place_chain.iter().find(|p| jurisdiction.contains(p)) {
            let oid = org["id"].as_str().unwrap_or_default().to_string();
            orgs.entry(oid)
                .or_insert_with(|| format!("jurisdiction over {}", snap.label(p)));
        }
    }

    let mut posts = Vec::new();
    for post in snap.of_kind("post") {
        let Some(org) = post.get("organization").and_then(Value::as_str) else {
            continue;
        };
        let Some(why) = orgs.get(org) else { continue };
        let held = dates(post.get("period"));
        let certainty = if held.is_empty() || period.is_empty() {
            "dates unknown: may or may not have held the post at the time"
        } else if held.iter().all(|h| period.iter().all(|p| within(p, h))) {
            "held the post throughout"
        } else if held.iter().any(|h| period.iter().any(|p| p.overlaps(h))) {
            "held the post during part of the period, or the dates are uncertain"
        } else {
            continue;
        };
        posts.push(office_line(snap, post, certainty, why));
    }
    posts.sort_by(|a, b| {
        (a.certainty.len(), &a.person_label).cmp(&(b.certainty.len(), &b.person_label))
    });
    Ok(Responsibility {
        target: id.into(),
        label: snap.label(id),
        period: period.iter().map(Edtf::to_string).collect(),
        involved,
        posts,
    })
}

/// Posts still held (`…/..` or ending after `today`), then posts whose end is not recorded,
/// by people implicated in violations: actors in an involvement, or holders of posts in
/// organizations that are.
pub fn holds_office_now(snap: &Snapshot, today: Day) -> Vec<OfficeLine> {
    let mut implicated_people = BTreeSet::new();
    let mut implicated_orgs = BTreeSet::new();
    for inv in snap.of_kind("involvement") {
        if let Some(actor) = inv.get("actor").and_then(Value::as_str) {
            if actor.starts_with("org_") {
                implicated_orgs.insert(actor.to_string());
            } else {
                implicated_people.insert(actor.to_string());
            }
        }
    }
    for post in snap.of_kind("post") {
        if post
            .get("organization")
            .and_then(Value::as_str)
            .is_some_and(|o| implicated_orgs.contains(o))
            && let Some(p) = post.get("person").and_then(Value::as_str)
        {
            implicated_people.insert(p.to_string());
        }
    }
    let mut out = Vec::new();
    for post in snap.of_kind("post") {
        let person = post
            .get("person")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !implicated_people.contains(person) {
            continue;
        }
        let held = dates(post.get("period"));
        let started = |h: &Edtf| h.earliest().is_none_or(|s| s <= today);
        let runs_on = |h: &Edtf| {
            matches!(
                h,
                Edtf::Interval {
                    end: IntervalEnd::Open,
                    ..
                }
            ) || h.latest().is_some_and(|e| e >= today)
        };
        let unknown_end = |h: &Edtf| {
            matches!(
                h,
                Edtf::Interval {
                    end: IntervalEnd::Unknown,
                    ..
                }
            )
        };
        let certainty = if held.iter().any(|h| started(h) && runs_on(h)) {
            "holds the post now"
        } else if held.iter().any(|h| started(h) && unknown_end(h)) {
            "end of term not recorded: may still hold the post"
        } else {
            continue;
        };
        out.push(office_line(snap, post, certainty, IMPLICATED));
    }
    // Certain first, then those whose end is unknown.
    out.sort_by(|a, b| {
        (a.certainty.len(), &a.person_label).cmp(&(b.certainty.len(), &b.person_label))
    });
    out
}
