//! Writes through the JSON API: create a record, change it with an RFC 7396 merge patch,
//! delete it. Only API tokens write ([`App::token_visitor`](crate::App)) and only those of
//! users whose role writes ([`Visitor::writer`](crate::session::Visitor)); every write is an
//! operation in the log under that user's name. Edits and deletes honour `If-Match` with the
//! ETag of a GET (the record's version), so a client that changes an old copy is told so
//! (412) instead of overwriting what someone else wrote since.

use super::problem::{ApiError, Problem, etag};
use crate::error::WebError;
use crate::pages::blocking;
use crate::session::Visitor;
use crate::{App, AppState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Create a record.
///
/// The body is a record in the archive's Record JSON (`kind` and its fields; Solar Hijri dates
/// are converted, keeping what was written). Give its `id` (the kind's prefix, e.g. `psn_`,
/// then 1–64 lower-case letters, digits or hyphens) to make the request safe to retry: the
/// same record sent again answers 200 and writes nothing; different content under an id that
/// is taken answers 409. Without an `id`, one is made. Evidence records are made by storing
/// their file (`/evidence/new`, `rightsdoc evidence add`).
#[utoipa::path(post, path = "/api/v1/records", tag = "records",
    request_body(content = Object, content_type = "application/json",
        description = r#"a record, e.g. {"kind": "person", "id": "psn_list-a-17", "names": [{"value": "محمد رضایی", "lang": "fa"}], "birth": "1341 SH"}"#),
    responses(
        (status = 201, description = "written: the record as stored, shown at the caller's clearance", body = Object,
            headers(("Location" = String, description = "the record's URL in this API"),
                ("ETag" = String, description = "its version, for If-Match"))),
        (status = 200, description = "the same record was there already (a retry): nothing written", body = Object,
            headers(("Location" = String, description = "the record's URL in this API"),
                ("ETag" = String, description = "its version, for If-Match"))),
        (status = 400, description = "the body is not JSON", body = Problem),
        (status = 401, description = "no API token, or not a valid one", body = Problem),
        (status = 403, description = "the token's user may not write", body = Problem),
        (status = 409, description = "the id is taken by a record with other content", body = Problem),
        (status = 422, description = "the record was refused: the field at fault and why", body = Problem)),
    security(("token" = [])))]
pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (visitor, user) = writer(&app, &headers)?;
    let record = json_body(&body)?;
    if record.get("kind").and_then(Value::as_str) == Some("evidence") {
        return Err(WebError::Invalid {
            path: "kind".into(),
            message: "an evidence record is made by storing its file: upload it at \
                      /evidence/new or run `rightsdoc evidence add FILE`"
                .into(),
        }
        .into());
    }
    let library = app.library.clone();
    let reader = app.reader(&visitor);
    let (new, id, (shown, version)) = blocking(move || {
        let (id, new) = library.create(&user, record)?;
        // Shown without a view entry: every value in it is one the caller just sent.
        let shown = reader.record_versioned(&id)?.ok_or(WebError::NotFound)?;
        Ok((new, id, shown))
    })
    .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = answer(status, shown, version);
    let location = HeaderValue::from_str(&format!("/api/v1/records/{id}"))
        .map_err(|_| WebError::BadRequest(format!("`{id}` cannot be a URL")))?;
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Change a record with an RFC 7396 merge patch.
///
/// Fields in the patch replace the stored ones, `null` removes a field, nested objects merge;
/// `kind` and `id` cannot change. Send the ETag of the copy the change was made on as
/// `If-Match`: if the record changed since, the answer is 412 and nothing is written.
#[utoipa::path(patch, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "record id"),
        ("If-Match" = Option<String>, Header, description = "the ETag of the copy the change was made on; `*` for any")),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = r#"a merge patch, e.g. {"death": "1367-05 SH", "notes": null}"#),
    responses(
        (status = 200, description = "written: the record as it is now, at the caller's clearance", body = Object,
            headers(("ETag" = String, description = "its new version"))),
        (status = 400, description = "the body is not JSON, or If-Match is not one ETag", body = Problem),
        (status = 401, description = "no API token, or not a valid one", body = Problem),
        (status = 403, description = "the token's user may not write", body = Problem),
        (status = 404, description = "no such record", body = Problem),
        (status = 409, description = "the record changed while this edit was made; send it again", body = Problem),
        (status = 412, description = "the record changed since the If-Match copy; its ETag is the current one", body = Problem),
        (status = 422, description = "the changed record was refused: the field at fault and why", body = Problem)),
    security(("token" = [])))]
pub async fn edit(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (visitor, user) = writer(&app, &headers)?;
    let expect = if_match(&headers)?;
    let patch = json_body(&body)?;
    let library = app.library.clone();
    let reader = app.reader(&visitor);
    let (shown, version) = blocking(move || {
        library.edit(&user, &id, &patch, expect)?;
        // The answer shows the whole record, not only what was sent: a view like a GET.
        reader.open_versioned(&id, "api")?.ok_or(WebError::NotFound)
    })
    .await?;
    Ok(answer(StatusCode::OK, shown, version))
}

/// Why a record is withdrawn.
#[derive(Deserialize, ToSchema)]
pub struct Withdrawal {
    /// Kept in the log with the delete.
    reason: String,
}

/// Delete a record.
///
/// The record leaves the current state; its history stays in the log with the reason. A
/// record that others refer to is not deleted (409 names them): change those first.
#[utoipa::path(delete, path = "/api/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "record id"),
        ("If-Match" = Option<String>, Header, description = "the ETag of the copy the decision was made on; `*` for any")),
    request_body(content = Withdrawal, content_type = "application/json"),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the body is not JSON, or If-Match is not one ETag", body = Problem),
        (status = 401, description = "no API token, or not a valid one", body = Problem),
        (status = 403, description = "the token's user may not write", body = Problem),
        (status = 404, description = "no such record", body = Problem),
        (status = 409, description = "other records still refer to it", body = Problem),
        (status = 412, description = "the record changed since the If-Match copy", body = Problem),
        (status = 422, description = "no reason given", body = Problem)),
    security(("token" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (_, user) = writer(&app, &headers)?;
    let expect = if_match(&headers)?;
    let withdrawal: Withdrawal =
        serde_json::from_value(json_body(&body)?).map_err(|e| WebError::Invalid {
            path: "reason".into(),
            message: format!("give the reason as {{\"reason\": \"…\"}}: {e}"),
        })?;
    let reason = withdrawal.reason.trim().to_string();
    if reason.is_empty() {
        return Err(WebError::Invalid {
            path: "reason".into(),
            message: "say why the record is withdrawn; the log keeps the reason".into(),
        }
        .into());
    }
    let library = app.library.clone();
    blocking(move || library.delete(&user, &id, &reason, expect)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The caller and the name its writes are logged under: the user of an API token whose role
/// writes.
fn writer(app: &App, headers: &HeaderMap) -> Result<(Visitor, String), WebError> {
    let visitor = app.token_visitor(headers)?;
    let user = visitor.writer()?.to_string();
    Ok((visitor, user))
}

/// A record as JSON with its version as the ETag.
pub fn answer(status: StatusCode, record: Value, version: u64) -> Response {
    let mut response = (status, Json(record)).into_response();
    response.headers_mut().insert(header::ETAG, etag(version));
    response
}

fn json_body(body: &[u8]) -> Result<Value, WebError> {
    serde_json::from_slice(body).map_err(|e| {
        WebError::BadRequest(format!(
            "the body must be JSON (with Content-Type: application/json): {e}"
        ))
    })
}

/// The version an `If-Match` header requires: `None` without one or for `*` (the record must
/// merely exist). Anything but one ETag as this API gives them is refused with the reason
/// rather than answered 412, which would send the client to read the record again in vain (a
/// weak `W/"…"` tag, as some proxies make of ours, cannot prove two copies equal).
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, WebError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let bad = || {
        WebError::BadRequest(format!(
            "If-Match must be one ETag as a GET answered it, like \"42\", or *; not `{text}`"
        ))
    };
    let version = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(bad)?;
    Ok(Some(version.parse().map_err(|_| bad())?))
}
