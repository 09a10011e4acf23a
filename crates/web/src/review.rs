//! The review queue of possible duplicates (`/review`): each proposed match shows both person
//! records side by side with the evidence for and against, and editors decide (same person,
//! different people, later). A decision is an edit of the match record, so it is in the log
//! under the editor's name and can be reversed by deciding again.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rightsdoc_model::Kind;
use rightsdoc_model::field_text as text;
use rightsdoc_model::vocab::vocabularies;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::{Page, blocking, html, language};
use crate::session::check_csrf;
use crate::view::href;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review", get(queue))
        .route("/review/{id}", post(decide))
}

/// Matches shown per page.
const SHOWN: usize = 50;
/// Match records read per step while collecting the open ones.
const STEP: usize = 500;

/// One person as the reviewer compares them.
pub struct Side {
    pub href: String,
    pub names: Vec<String>,
    pub facts: Vec<(String, String)>,
}

pub struct Candidate {
    pub id: String,
    pub href: String,
    pub decision: String,
    pub probability: String,
    pub evidence: Vec<String>,
    /// The two records, side by side.
    pub sides: Vec<Side>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct QueuePage {
    page: Page,
    candidates: Vec<Candidate>,
    open: usize,
}

fn term(decision: &str, lang: Lang) -> String {
    vocabularies().term("match_decision", decision).map_or_else(
        || decision.to_owned(),
        |t| match lang {
            Lang::En => t.en.clone(),
            Lang::Fa => t.fa.clone(),
        },
    )
}

fn side(id: &str, person: Option<&Value>, labels: &HashMap<String, String>, lang: Lang) -> Side {
    let Some(p) = person else {
        return Side {
            href: href(id),
            names: vec![lang.t("not_visible").to_owned()],
            facts: Vec::new(),
        };
    };
    let names = p
        .get("names")
        .and_then(Value::as_array)
        .map(|n| n.iter().map(|n| text(Some(n))).collect())
        .unwrap_or_default();
    let mut facts = Vec::new();
    for field in ["birth", "death", "father_name", "place", "sex"] {
        let value = text(p.get(field));
        if !value.is_empty() {
            facts.push((crate::i18n::field_label(field, lang), value));
        }
    }
    let lists: Vec<String> = p
        .get("lists")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|e| {
                    let id = text(e.get("list"));
                    labels.get(&id).cloned().unwrap_or(id)
                })
                .collect()
        })
        .unwrap_or_default();
    if !lists.is_empty() {
        facts.push((crate::i18n::field_label("lists", lang), lists.join(", ")));
    }
    Side {
        href: href(id),
        names,
        facts,
    }
}

async fn queue(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let body =
        blocking(move || {
            let mut open = Vec::new();
            let mut offset = 0;
            loop {
                let (page, total) = reader.list(Kind::Match, offset, STEP)?;
                open.extend(page.into_iter().filter(|m| {
                    matches!(text(m.get("decision")).as_str(), "proposed" | "deferred")
                }));
                offset += STEP;
                if offset >= total {
                    break;
                }
            }
            // The least certain first: those are where a person's judgement adds the most.
            let certainty = |m: &Value| {
                m.get("probability")
                    .and_then(Value::as_f64)
                    .map_or(0.0, |p| (p - 0.5).abs())
            };
            open.sort_by(|x, y| certainty(x).total_cmp(&certainty(y)));
            let open_count = open.len();
            open.truncate(SHOWN);
            let mut candidates = Vec::new();
            for m in &open {
                let ids: Vec<String> = m
                    .get("records")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().map(|v| text(Some(v))).collect())
                    .unwrap_or_default();
                let [a, b] = &ids[..] else { continue };
                let (pa, pb) = (reader.record(a)?, reader.record(b)?);
                let mut listed: Vec<String> = [&pa, &pb]
                    .iter()
                    .filter_map(|p| p.as_ref())
                    .flat_map(crate::view::referenced_ids)
                    .collect();
                listed.sort();
                listed.dedup();
                let labels = reader.labels(&listed)?;
                let id = text(m.get("id"));
                candidates.push(Candidate {
                    href: href(&id),
                    decision: term(&text(m.get("decision")), lang),
                    probability: m
                        .get("probability")
                        .and_then(Value::as_f64)
                        .map_or_else(|| "–".into(), |p| format!("{:.0}%", p * 100.0)),
                    evidence: text(m.get("evidence"))
                        .split("; ")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    sides: vec![
                        side(a, pa.as_ref(), &labels, lang),
                        side(b, pb.as_ref(), &labels, lang),
                    ],
                    id,
                });
            }
            let page = QueuePage {
                page: Page::new(lang, lang.t("review_queue"), "/review", &params, &visitor),
                candidates,
                open: open_count,
            };
            Ok(page.render()?)
        })
        .await?;
    Ok(html(body, lang, remember, StatusCode::OK))
}

async fn decide(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    let user = visitor.writer()?.to_string();
    check_csrf(&visitor, form.get("csrf").map_or("", String::as_str))?;
    let decision = form.get("decision").cloned().unwrap_or_default();
    if vocabularies().term("match_decision", &decision).is_none() {
        return Err(WebError::BadRequest(format!(
            "`{decision}` is not a decision: same, different, deferred or proposed"
        )));
    }
    let reader = app.reader(&visitor);
    let lookup = id.clone();
    let record = blocking(move || reader.record(&lookup))
        .await?
        .ok_or(WebError::NotFound)?;
    if record.get("kind").and_then(Value::as_str) != Some("match") {
        return Err(WebError::NotFound);
    }
    let writer = app.library.clone();
    blocking(move || writer.edit(&user, &id, &json!({"decision": decision}), None)).await?;
    Ok(Redirect::to("/review").into_response())
}
