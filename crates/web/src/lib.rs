//! The web interface and JSON API of a rightsdoc archive (`rightsdoc serve`).
//!
//! Every route reads through [`reader::Reader`], the one access-control layer: it is built
//! for the visitor's [`reader::Viewer`] and returns only what that clearance may see.
//! Pages are server-rendered (askama, escaped by default) with no script, so the
//! Content-Security-Policy forbids scripts altogether.

pub mod accounts;
mod api;
mod error;
mod estimate;
mod evidence;
mod forms;
mod i18n;
mod map;
mod pages;
pub mod reader;
mod review;
mod session;
mod upload;
mod upr;
mod view;

pub use error::WebError;
pub use reader::{Library, Viewer};
pub use session::{App, MAX_FAILURES, MAX_FAILURES_PER_CLIENT, SESSION_COOKIE};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// Shared by every request.
pub type AppState = Arc<App>;

/// Every route of the server over `app`.
pub fn router(app: Arc<App>) -> Router {
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
    let mut router = pages::routes()
        .merge(api::routes())
        .merge(session::routes())
        .merge(forms::routes())
        .merge(upr::routes())
        .merge(estimate::routes())
        .merge(review::routes())
        .merge(upload::routes())
        .merge(evidence::routes())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            pages::on_readers,
        ))
        .with_state(app);
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// The runtime [`serve`] needs. Requests that read run on the library's own reader threads
/// ([`reader::Library`]); the runtime's blocking threads serve writes, uploads and downloads.
/// tokio's default of 512 such threads, each with its own allocator heap, let a server under
/// 32 connections grow to 80 threads and 650 MiB; 32 leaves room for uploads and writers
/// waiting on the store's lock.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
}

const BLOCKING_THREADS: usize = 32;

/// Serve the archive in `dir` on `addr` until the process is interrupted.
pub async fn serve(dir: &Path, addr: SocketAddr) -> Result<(), ServeError> {
    // Opening reads the store: off the async threads, where a blocking database client (the
    // PostgreSQL store's) may not run.
    let owned = dir.to_path_buf();
    let app = tokio::task::spawn_blocking(move || App::open(&owned))
        .await
        .map_err(|_| ServeError::Open(WebError::Cancelled))?
        .map_err(ServeError::Open)?;
    let app = Arc::new(app);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))?;
    // The client's address reaches handlers (login limits per address).
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
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
