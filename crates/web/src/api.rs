//! The JSON API under `/api/v1`: records, history, search, statistics and export, all read
//! through the visitor's [`Reader`](crate::reader::Reader).

use crate::AppState;
use crate::error::WebError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use rightsdoc_model::Kind;
use rightsdoc_search::{Facet, SearchQuery};
use rightsdoc_stats::{By, Filter, stats};
use serde_json::{Value, json};
use std::collections::HashMap;

const MAX_LIMIT: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/records", get(list))
        .route("/api/v1/records/{id}", get(record))
        .route("/api/v1/records/{id}/history", get(history))
        .route("/api/v1/search", get(search))
        .route("/api/v1/stats", get(statistics))
        .route("/api/v1/export", get(export))
}

type Params = Query<HashMap<String, String>>;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<Json<T>, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| WebError::Cancelled)?
        .map(Json)
}

fn number(params: &HashMap<String, String>, key: &str, default: usize) -> Result<usize, WebError> {
    params.get(key).map_or(Ok(default), |v| {
        v.parse()
            .map_err(|_| WebError::BadRequest(format!("`{key}` must be a whole number, not `{v}`")))
    })
}

fn kind_param(params: &HashMap<String, String>) -> Result<Option<Kind>, WebError> {
    params
        .get("kind")
        .map(|k| {
            Kind::parse(k)
                .ok_or_else(|| WebError::BadRequest(format!("`{k}` is not a record kind")))
        })
        .transpose()
}

async fn record(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, WebError> {
    let visitor = app.visitor(&headers);
    let reader = app.library.reader(visitor.viewer);
    blocking(move || reader.record(&id)?.ok_or(WebError::NotFound)).await
}

async fn history(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, WebError> {
    let visitor = app.visitor(&headers);
    let reader = app.library.reader(visitor.viewer);
    blocking(move || {
        let entries = reader.history(&id)?.ok_or(WebError::NotFound)?;
        Ok(serde_json::to_value(entries).expect("history serializes"))
    })
    .await
}

async fn list(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, WebError> {
    let visitor = app.visitor(&headers);
    let reader = app.library.reader(visitor.viewer);
    let kind = kind_param(&params)?
        .ok_or_else(|| WebError::BadRequest("give the record `kind` to list".into()))?;
    let offset = number(&params, "offset", 0)?;
    let limit = number(&params, "limit", 100)?.min(MAX_LIMIT);
    blocking(move || {
        let (records, total) = reader.list(kind, offset, limit)?;
        Ok(json!({"total": total, "offset": offset, "records": records}))
    })
    .await
}

async fn search(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, WebError> {
    let visitor = app.visitor(&headers);
    let reader = app.library.reader(visitor.viewer);
    let mut q = SearchQuery::new(params.get("q").cloned().unwrap_or_default());
    q.kind = kind_param(&params)?;
    q.limit = number(&params, "limit", 20)?.min(MAX_LIMIT);
    q.filters = Facet::ALL
        .iter()
        .filter(|f| **f != Facet::Kind)
        .filter_map(|f| params.get(f.as_str()).map(|v| (*f, v.clone())))
        .collect();
    blocking(move || Ok(reader.search(&q)?.to_json())).await
}

async fn statistics(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, WebError> {
    let visitor = app.visitor(&headers);
    let reader = app.library.reader(visitor.viewer);
    let by = By::parse(params.get("by").map_or("year", String::as_str))?;
    let filters = params
        .get("where")
        .map(|w| {
            w.split(',')
                .map(Filter::parse)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    blocking(move || {
        let snap = reader.snapshot()?;
        Ok(serde_json::to_value(stats(&snap, by, &filters)?).expect("tables serialize"))
    })
    .await
}

async fn export(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, WebError> {
    let visitor = app.visitor(&headers);
    let reader = app.library.reader(visitor.viewer);
    let kinds: Vec<Kind> = match kind_param(&params)? {
        Some(k) => vec![k],
        None => Kind::ALL.to_vec(),
    };
    blocking(move || {
        let mut out = Vec::new();
        for kind in kinds {
            out.extend(reader.list(kind, 0, usize::MAX)?.0);
        }
        Ok(Value::Array(out))
    })
    .await
}
