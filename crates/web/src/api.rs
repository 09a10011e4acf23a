//! The JSON API under `/api/v1`: records, history, search, statistics and export, all read
//! through the visitor's [`Reader`](crate::reader::Reader); records written by API tokens of
//! editors and admins ([`write`]). Errors are problem details ([`problem`]).

mod problem;
mod write;

use crate::AppState;
use crate::error::WebError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use problem::ApiError;
use rightsdoc_model::Kind;
use rightsdoc_search::{Facet, SearchQuery};
use rightsdoc_stats::{By, Filter, kinds_read, stats};
use serde_json::{Value, json};
use std::collections::HashMap;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

const MAX_LIMIT: usize = 1000;

/// The OpenAPI document of this API, generated from the handlers below.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "rightsdoc API",
        description = "Records, history, search, statistics and export of a rightsdoc archive. \
Every answer shows only what the caller's clearance permits: anonymous callers see public \
records; send `Authorization: Bearer TOKEN` (from `rightsdoc user token NAME`) to read as a user. \
Editors and admins create, edit and delete records with their tokens; every write is in the \
archive's log under their name. Errors are RFC 9457 problem details."
    ),
    paths(record, history, list, search, statistics, export, write::create, write::edit, write::delete),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/records", get(list).post(write::create))
        .route(
            "/api/v1/records/{id}",
            get(record).patch(write::edit).delete(write::delete),
        )
        .route("/api/v1/records/{id}/history", get(history))
        .route("/api/v1/search", get(search))
        .route("/api/v1/stats", get(statistics))
        .route("/api/v1/export", get(export))
}

type Params = Query<HashMap<String, String>>;

/// Archive work off the async threads, answered as JSON.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<Json<T>, ApiError> {
    Ok(crate::pages::blocking(f).await.map(Json)?)
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

/// One record, as the caller's clearance shows it.
///
/// Opening a record that holds confidential values is logged (who saw what, when). The ETag
/// is the record's version: send it as `If-Match` with an edit.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "record id, e.g. psn_…")),
    responses((status = 200, description = "the record, redacted to the caller's clearance", body = Object,
            headers(("ETag" = String, description = "its version, for If-Match"))),
        (status = 404, description = "no such record, or not visible to the caller", body = problem::Problem)),
    security((), ("token" = [])))]
async fn record(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let (shown, version) = crate::pages::blocking(move || {
        reader.open_versioned(&id, "api")?.ok_or(WebError::NotFound)
    })
    .await?;
    Ok(write::answer(StatusCode::OK, shown, version))
}

/// Every operation on a record, each version as the caller's clearance shows it.
#[utoipa::path(get, path = "/api/v1/records/{id}/history", tag = "records",
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, description = "operations, oldest first: seq, time, actor, action, record", body = [Object]),
        (status = 404, description = "no such record, or not visible to the caller")),
    security((), ("token" = [])))]
async fn history(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    blocking(move || {
        let entries = reader.history(&id)?.ok_or(WebError::NotFound)?;
        Ok(serde_json::to_value(entries).expect("history serializes"))
    })
    .await
}

/// Records of one kind, in id order.
#[utoipa::path(get, path = "/api/v1/records", tag = "records",
    params(("kind" = String, Query, description = "person, organization, post, place, event, act, involvement, detention, source, list, review, recommendation, figure, evidence or match"),
        ("offset" = Option<usize>, Query, description = "records to skip"),
        ("limit" = Option<usize>, Query, description = "at most this many (default 100, at most 1000)")),
    responses((status = 200, description = "{total, offset, records}", body = Object),
        (status = 400, description = "a missing or unknown kind, or a bad number")),
    security((), ("token" = [])))]
async fn list(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
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

/// Search names in any script or spelling, and text; with facets.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(("q" = Option<String>, Query, description = "the query: names in Persian or Latin script, any spelling, words"),
        ("kind" = Option<String>, Query, description = "only records of this kind"),
        ("limit" = Option<usize>, Query, description = "hits to return (default 20)"),
        ("act_type" = Option<String>, Query, description = "facet filter"),
        ("year" = Option<String>, Query, description = "facet filter"),
        ("place" = Option<String>, Query, description = "facet filter (a place id)"),
        ("list" = Option<String>, Query, description = "facet filter (a list id)"),
        ("theme" = Option<String>, Query, description = "facet filter"),
        ("response" = Option<String>, Query, description = "facet filter")),
    responses((status = 200, description = "{total, hits: [{id, kind, label, score}], facets}", body = Object)),
    security((), ("token" = [])))]
async fn search(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
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

/// Counts of documented records (a minimum, never an estimate of the true total).
#[utoipa::path(get, path = "/api/v1/stats", tag = "statistics",
    params(("by" = Option<String>, Query, description = "year (default), act, place, sex, age, list, response, cycle, theme or recommending-state"),
        ("where" = Option<String>, Query, description = "conditions key=value, comma-separated, e.g. act_type=execution")),
    responses((status = 200, description = "{by, counts, total, rows: [{key, label, count, detail}], notes}", body = Object),
        (status = 400, description = "an unknown dimension or condition")),
    security((), ("token" = [])))]
async fn statistics(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
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
        let snap = reader.snapshot_of(kinds_read(by, &filters))?;
        Ok(serde_json::to_value(stats(&snap, by, &filters)?).expect("tables serialize"))
    })
    .await
}

/// Every record the caller may see (optionally of one kind), as JSON.
#[utoipa::path(get, path = "/api/v1/export", tag = "records",
    params(("kind" = Option<String>, Query, description = "only records of this kind")),
    responses((status = 200, description = "an array of records", body = [Object])),
    security((), ("token" = [])))]
async fn export(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
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
