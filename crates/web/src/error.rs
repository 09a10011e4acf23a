use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a request failed. What reaches the visitor is a status and a generic message: details
/// (paths, store errors) go to the server's log, never to the page, so an error cannot leak
/// what the visitor may not see.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Archive(rightsdoc_archive::ArchiveError),
    #[error(transparent)]
    Store(rightsdoc_store::StoreError),
    #[error(transparent)]
    Search(#[from] rightsdoc_search::SearchError),
    #[error(transparent)]
    Stats(#[from] rightsdoc_stats::StatsError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("{0}")]
    BadRequest(String),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign in first")]
    SignInFirst,
    /// The archive refused a record: the field (JSON path) and why.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// A write that would contradict what is stored (an id taken by another record, a record
    /// others still refer to, a change made meanwhile): why, in words for the writer.
    #[error("{0}")]
    Conflict(String),
    /// An edit made from a copy older than the stored record (`If-Match`): the current version.
    #[error("the record changed since it was read (now at version {found})")]
    Stale { found: u64 },
    /// An API write without an API token (`invalid`: the token is unknown or withdrawn).
    #[error("an API token is needed")]
    NeedsToken { invalid: bool },
    #[error(transparent)]
    Accounts(#[from] crate::accounts::AccountError),
    /// Another writer holds the archive (an import): the write may be sent again later.
    #[error("the archive is busy with another write (an import); try again in a minute")]
    Busy,
    #[error("the request was cancelled")]
    Cancelled,
    /// An upload could not be written to its temporary file (a full disk).
    #[error("an upload could not be written to its temporary file: {0}")]
    Spool(std::io::Error),
    /// The server could not start the threads that read the archive (the system's limit on
    /// threads).
    #[error("the server could not start its reader threads: {0}")]
    Threads(std::io::Error),
}

// A store that another writer holds is [`WebError::Busy`] however the error reaches a
// handler, so that every response says to try again.
impl From<rightsdoc_archive::ArchiveError> for WebError {
    fn from(e: rightsdoc_archive::ArchiveError) -> Self {
        match e {
            rightsdoc_archive::ArchiveError::Store(e) => e.into(),
            other => WebError::Archive(other),
        }
    }
}

impl From<rightsdoc_store::StoreError> for WebError {
    fn from(e: rightsdoc_store::StoreError) -> Self {
        match e {
            rightsdoc_store::StoreError::Busy => WebError::Busy,
            other => WebError::Store(other),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "not found".to_string()),
            WebError::SignInFirst => {
                return axum::response::Redirect::to("/login").into_response();
            }
            WebError::Invalid { path, message } => {
                (StatusCode::UNPROCESSABLE_ENTITY, format!("{path}: {message}"))
            }
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "this form has expired or did not come from this site; reload the page and try again"
                    .to_string(),
            ),
            // Stats errors are about the question asked (an unknown dimension), not the data.
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            WebError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
            WebError::Busy => (StatusCode::SERVICE_UNAVAILABLE, self.to_string()),
            WebError::Stats(e) => (StatusCode::BAD_REQUEST, e.to_string()),
            other => {
                eprintln!("rightsdoc serve: {other}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server could not answer; the error is in its log".to_string(),
                )
            }
        };
        (status, message).into_response()
    }
}
