//! The UPR tracker: recommendations by cycle, response, recommending state and theme, with
//! acceptance and implementation rates; choosing a row narrows the other tables.

use crate::AppState;
use crate::error::WebError;
use crate::pages::{Page, blocking, html, language};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use rightsdoc_model::Kind;
use rightsdoc_stats::{By, Filter, stats};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/upr", get(tracker))
}

/// The dimensions, their query parameter and the search facet that lists their records.
const DIMENSIONS: [(By, &str, &str, Option<&str>); 4] = [
    (By::Cycle, "cycle", "by_cycle", None),
    (By::Response, "response", "by_response", Some("response")),
    (
        By::RecommendingState,
        "recommending_state",
        "by_state",
        None,
    ),
    (By::Theme, "theme", "by_theme", Some("theme")),
];

pub struct TableRow {
    pub label: String,
    pub count: u64,
    pub accepted: String,
    pub implemented: String,
    pub filter_href: String,
    pub search_href: String,
}

pub struct TableView {
    pub title: String,
    pub dimension: String,
    pub rows: Vec<TableRow>,
}

#[derive(Template)]
#[template(path = "upr.html")]
struct TrackerPage {
    page: Page,
    tables: Vec<TableView>,
    /// The filters in force, each with the link that removes it.
    active: Vec<(String, String)>,
    notes: Vec<String>,
}

fn percent(rate: Option<&f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{:.0}%", r * 100.0))
}

fn query(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded(pairs);
    if !s.is_empty() {
        s.insert(0, '?');
    }
    s
}

fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::pages::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn tracker(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let body = blocking(move || {
        let chosen: Vec<(&str, String)> = DIMENSIONS
            .iter()
            .filter_map(|(_, key, _, _)| params.get(*key).map(|v| (*key, v.clone())))
            .collect();
        let filters: Vec<Filter> = chosen
            .iter()
            .map(|(k, v)| Filter {
                key: k.to_string(),
                value: v.clone(),
            })
            .collect();
        let snap = reader.snapshot_of(&[Kind::Recommendation, Kind::Review])?;
        let mut notes = Vec::new();
        let mut tables = Vec::new();
        for (by, key, title, facet) in DIMENSIONS {
            let table = stats(&snap, by, &filters)?;
            for n in table.notes {
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
            let rows = table
                .rows
                .iter()
                .map(|r| {
                    // This row's filter added to the others (replacing one on the same key).
                    let mut with: Vec<(&str, &str)> = chosen
                        .iter()
                        .filter(|(k, _)| *k != key)
                        .map(|(k, v)| (*k, v.as_str()))
                        .collect();
                    with.push((key, r.key.as_str()));
                    let search_href = match facet {
                        Some(f) => format!(
                            "/search{}",
                            query(&[("kind", "recommendation"), (f, r.key.as_str())])
                        ),
                        None => format!(
                            "/search{}",
                            query(&[("q", r.key.as_str()), ("kind", "recommendation")])
                        ),
                    };
                    TableRow {
                        label: crate::pages::row_label(by, r, lang),
                        count: r.count,
                        accepted: percent(r.detail.get("acceptance_rate")),
                        implemented: percent(r.detail.get("implementation_rate")),
                        filter_href: format!("/upr{}", query(&with)),
                        search_href,
                    }
                })
                .collect();
            tables.push(TableView {
                title: lang.t(title).to_string(),
                dimension: lang
                    .t(key.split('_').next_back().unwrap_or(key))
                    .to_string(),
                rows,
            });
        }
        let active = chosen
            .iter()
            .map(|(k, v)| {
                let rest: Vec<(&str, &str)> = chosen
                    .iter()
                    .filter(|(k2, _)| k2 != k)
                    .map(|(k2, v2)| (*k2, v2.as_str()))
                    .collect();
                (
                    format!("{}: {v}", lang.t(k.split('_').next_back().unwrap_or(k))),
                    format!("/upr{}", query(&rest)),
                )
            })
            .collect();
        let page = TrackerPage {
            page: Page::new(lang, lang.t("upr_tracker"), "/upr", &params, &visitor),
            tables,
            active,
            notes,
        };
        Ok(page.render()?)
    })
    .await?;
    Ok(html(body, lang, remember, StatusCode::OK))
}
