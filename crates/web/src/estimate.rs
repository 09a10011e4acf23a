//! `/estimate`: how many victims no list recorded, from the overlap of the archive's lists
//! (multiple systems estimation), for readers who never open a terminal. The people counted
//! are those the visitor may see; records a reviewer decided are one person count once.

use crate::AppState;
use crate::error::WebError;
use crate::pages::{Page, blocking, html, language};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use rightsdoc_estimate::estimate::thousands;
use rightsdoc_estimate::{Method, Report, Request, Table, estimate};
use rightsdoc_model::Kind;
use rightsdoc_stats::list_overlap;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/estimate", get(page))
}

pub struct ListChoice {
    pub id: String,
    pub title: String,
    pub checked: bool,
}

pub struct ModelLine {
    pub name: String,
    pub estimate: String,
    pub interval: String,
}

/// The documented count, the estimate and its interval on one horizontal scale (SVG units).
pub struct Bar {
    pub documented: f64,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    /// The interval's upper end is beyond the scale (the data set none).
    pub open: bool,
    pub scale_label: String,
}

pub struct Result_ {
    pub summary: String,
    pub documented: String,
    pub estimate: String,
    pub interval: String,
    pub method: String,
    pub bar: Bar,
    pub models: Vec<ModelLine>,
    pub warnings: Vec<String>,
    pub assumptions: Vec<String>,
    /// Capture patterns ("on lists 1 and 3") and how many people have each.
    pub patterns: Vec<(String, String)>,
    pub records: usize,
    pub merged: usize,
}

#[derive(Template)]
#[template(path = "estimate.html")]
struct EstimatePage {
    page: Page,
    lists: Vec<ListChoice>,
    bayesian: bool,
    result: Option<Result_>,
    error: String,
}

async fn page(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let body = blocking(move || {
        let chosen: Vec<String> = params
            .iter()
            .filter(|(k, v)| k.starts_with("l_") && v.as_str() == "1")
            .map(|(k, _)| k["l_".len()..].to_string())
            .collect();
        // Only an estimate needs the people (at 1M records, 4 s and 660 MiB the first time);
        // the page that offers the lists needs the lists alone.
        let snap = if chosen.is_empty() {
            reader.snapshot_of(&[Kind::List])?
        } else {
            reader.snapshot_of(&[Kind::List, Kind::Person, Kind::Match, Kind::Act])?
        };
        let mut lists: Vec<ListChoice> = snap
            .of_kind("list")
            .filter_map(|l| l.get("id").and_then(|v| v.as_str()))
            .map(|id| ListChoice {
                id: id.to_string(),
                title: snap.label(id),
                checked: chosen.iter().any(|c| c == id),
            })
            .collect();
        lists.sort_by(|a, b| a.title.cmp(&b.title));
        let bayesian = params.get("method").map(String::as_str) == Some("lcmcr");
        let mut error = String::new();
        let mut result = None;
        if !chosen.is_empty() {
            // Keep the order the lists are shown in.
            let ordered: Vec<String> = lists
                .iter()
                .filter(|l| l.checked)
                .map(|l| l.id.clone())
                .collect();
            match run(&snap, &ordered, bayesian) {
                Ok(r) => result = Some(r),
                Err(e) => error = e,
            }
        }
        let page = EstimatePage {
            page: Page::new(
                lang,
                lang.t("estimate_title"),
                "/estimate",
                &params,
                &visitor,
            ),
            lists,
            bayesian,
            result,
            error,
        };
        Ok(page.render()?)
    })
    .await?;
    Ok(html(body, lang, remember, StatusCode::OK))
}

fn run(
    snap: &rightsdoc_stats::Snapshot,
    lists: &[String],
    bayesian: bool,
) -> Result<Result_, String> {
    let overlap = list_overlap(snap, lists, &[]).map_err(|e| e.to_string())?;
    let table = Table::from_patterns(
        overlap.titles.clone(),
        overlap.patterns.iter().map(|&p| (p, 1.0)),
    )
    .map_err(|e| e.to_string())?;
    if table.observed() == 0.0 {
        return Err("Nobody you may see is on these lists.".into());
    }
    let request = Request {
        method: if bayesian {
            Method::Lcmcr
        } else {
            Method::Auto
        },
        ..Request::default()
    };
    let report = estimate(&table, &request).map_err(|e| e.to_string())?;
    Ok(view(&report, &table, overlap.records, overlap.merged))
}

fn interval(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{} – {}", thousands(l), thousands(h)),
        (Some(l), None) => format!("{} – ?", thousands(l)),
        _ => "–".into(),
    }
}

fn view(report: &Report, table: &Table, records: usize, merged: usize) -> Result_ {
    let top = report
        .ci_high
        .unwrap_or(report.estimate * 3.0)
        .max(report.estimate);
    let scale = 600.0 / (top * 1.1);
    let bar = Bar {
        documented: report.observed * scale,
        estimate: report.estimate * scale,
        low: report.ci_low.unwrap_or(report.observed) * scale,
        high: top * scale,
        open: report.ci_high.is_none(),
        scale_label: thousands(top * 1.1),
    };
    let patterns = (0..table.counts().len())
        .filter(|&row| table.counts()[row] > 0.0)
        .map(|row| {
            let on: Vec<&str> = (0..table.t())
                .filter(|&j| table.on_list(row, j))
                .map(|j| table.lists()[j].as_str())
                .collect();
            (on.join(" + "), thousands(table.counts()[row]))
        })
        .collect();
    Result_ {
        summary: report.summary.clone(),
        documented: thousands(report.observed),
        estimate: thousands(report.estimate),
        interval: interval(report.ci_low, report.ci_high),
        method: format!("{} ({})", report.method, report.model),
        bar,
        models: report
            .models
            .iter()
            .take(5)
            .map(|m| ModelLine {
                name: m.name.clone(),
                estimate: thousands(m.estimate),
                interval: interval(m.ci_low, m.ci_high),
            })
            .collect(),
        warnings: report.warnings.clone(),
        assumptions: report.assumptions.clone(),
        patterns,
        records,
        merged,
    }
}
