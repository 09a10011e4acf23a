//! Errors of the JSON API as RFC 9457 problem details: a status, the reason in words that say
//! what to do next, and for a refused record the field at fault. Like every error of the
//! server, a problem never shows a stored value: details of server faults go to its log.

use crate::error::WebError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An API error (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The HTTP status's name, e.g. "Unprocessable Entity".
    title: String,
    status: u16,
    /// What went wrong and what to do about it.
    detail: String,
    /// The JSON path of the field at fault in a refused record, e.g. `names[0].value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

/// The challenge of a 401: what kind of credentials the API takes (RFC 6750).
const CHALLENGE: &str = r#"Bearer realm="rightsdoc""#;
const CHALLENGE_BAD_TOKEN: &str = r#"Bearer realm="rightsdoc", error="invalid_token""#;

/// A [`WebError`] answered as a problem.
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl From<crate::accounts::AccountError> for ApiError {
    fn from(e: crate::accounts::AccountError) -> Self {
        ApiError(e.into())
    }
}

impl From<rightsdoc_stats::StatsError> for ApiError {
    fn from(e: rightsdoc_stats::StatsError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut field = None;
        let mut extra: Option<(header::HeaderName, HeaderValue)> = None;
        let (status, detail) = match self.0 {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "no such record, or not one this caller may see".to_string(),
            ),
            WebError::SignInFirst | WebError::NeedsToken { invalid: false } => {
                extra = Some((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(CHALLENGE),
                ));
                (
                    StatusCode::UNAUTHORIZED,
                    "send `Authorization: Bearer TOKEN` with an editor's or admin's API token \
                     (an admin makes one with `rightsdoc user token NAME`); in a browser, use \
                     the forms instead"
                        .to_string(),
                )
            }
            WebError::NeedsToken { invalid: true } => {
                extra = Some((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(CHALLENGE_BAD_TOKEN),
                ));
                (
                    StatusCode::UNAUTHORIZED,
                    "this is not a valid API token (unknown, withdrawn, or a browser's session); \
                     an admin makes one with `rightsdoc user token NAME`"
                        .to_string(),
                )
            }
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "this token's user may read but not write: editors and admins write records"
                    .to_string(),
            ),
            WebError::Invalid { path, message } => {
                field = (!path.is_empty()).then_some(path);
                (StatusCode::UNPROCESSABLE_ENTITY, message)
            }
            WebError::Conflict(message) => (StatusCode::CONFLICT, message),
            e @ WebError::Busy => {
                extra = Some((header::RETRY_AFTER, HeaderValue::from_static("60")));
                (StatusCode::SERVICE_UNAVAILABLE, e.to_string())
            }
            WebError::Stale { found } => {
                extra = Some((header::ETAG, etag(found)));
                (
                    StatusCode::PRECONDITION_FAILED,
                    format!(
                        "the record changed since that copy was read (it is now at ETag \"{found}\"); \
                         read it again, make the change on the new copy and send that ETag in If-Match"
                    ),
                )
            }
            WebError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            WebError::Stats(e) => (StatusCode::BAD_REQUEST, e.to_string()),
            other => {
                eprintln!("rightsdoc serve: {other}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server could not answer; the error is in its log".to_string(),
                )
            }
        };
        let problem = Problem {
            title: status.canonical_reason().unwrap_or_default().to_string(),
            status: status.as_u16(),
            detail,
            field,
        };
        let body = serde_json::to_string(&problem).expect("problems serialize");
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            )],
            body,
        )
            .into_response();
        if let Some((name, value)) = extra {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// The ETag of a record's version (the sequence number of the operation that last changed
/// it): a strong validator, the same for every reader of that version.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits and quotes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rightsdoc_archive::ArchiveError;
    use rightsdoc_store::StoreError;

    #[test]
    fn a_write_blocked_by_an_import_is_503_with_a_time_to_retry() {
        let e: WebError = ArchiveError::Store(StoreError::Busy).into();
        let response = ApiError(e).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "60");
        let page = WebError::from(StoreError::Busy).into_response();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
