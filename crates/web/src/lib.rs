//! The web interface and JSON API of a rightsdoc archive (`rightsdoc serve`).
//!
//! Every route reads through [`reader::Reader`], the one access-control layer: it is built
//! for the visitor's [`reader::Viewer`] and returns only what that clearance may see.
//! Pages are server-rendered (askama, escaped by default) with no script, so the
//! Content-Security-Policy forbids scripts altogether.

mod api;
mod error;
mod i18n;
mod pages;
pub mod reader;
mod view;

pub use error::WebError;
pub use reader::{Library, Viewer};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// Shared by every request.
pub type AppState = Arc<Library>;

/// Every route of the server over `library`.
pub fn router(library: Arc<Library>) -> Router {
    let headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut app = pages::routes().merge(api::routes()).with_state(library);
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app
}

/// Serve the archive in `dir` on `addr` until the process is interrupted.
pub async fn serve(dir: &Path, addr: SocketAddr) -> Result<(), ServeError> {
    let library = Arc::new(Library::open(dir).map_err(ServeError::Open)?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))?;
    axum::serve(listener, router(library))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Io)
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot open the archive: {0}")]
    Open(WebError),
    #[error(
        "cannot listen on {0}: {1} (is another server using that address? try --addr 127.0.0.1:8081)"
    )]
    Bind(SocketAddr, std::io::Error),
    #[error("the server stopped: {0}")]
    Io(std::io::Error),
}
