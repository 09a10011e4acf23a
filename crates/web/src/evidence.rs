//! Evidence files in the browser: uploading one (`/evidence/new`, editors and admins; a
//! derived copy names its original and how it was made), what an item's page shows of it
//! (hash, size, sniffed type, the claims its metadata makes, its original and derived
//! copies, its chain of custody), recording a hand-over (`/evidence/ID/hand-over`, editors and
//! admins) and downloading the original (`/evidence/ID/file`).
//!
//! Everything is read through the visitor's [`Reader`]; writes go through the [`Library`]
//! under the signed-in user's name. Uploaded files are untrusted: a download is always an
//! attachment with `nosniff`, never rendered by the browser, and its bytes are re-hashed as
//! they are sent. A confidential item is only sent after the visitor said why; the reason
//! is a `copied` entry in its chain of custody, written before the first byte.

use crate::AppState;
use crate::error::WebError;
use crate::i18n::{Lang, field_help, field_label};
use crate::pages::{Link, MessagePage, Page, blocking, encode, html, language, not_found};
use crate::reader::{EvidenceFile, FileAccess, Library, Reader, label_of};
use crate::session::{Visitor, check_csrf};
use crate::view::href;
use askama::Template;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rightsdoc_archive::{ChainEntry, EvidenceAdded, EvidenceInput};
use rightsdoc_model::vocab::vocabularies;
use rightsdoc_model::{Classification, Kind, plain_str};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The largest file the browser upload accepts. Bigger files (long videos, disk images)
/// belong on the server: `rightsdoc evidence add FILE` streams them the same way.
pub const MAX_EVIDENCE_BYTES: u64 = 2 << 30;
/// The text fields of the upload form (a note, a source id, the token) together.
const MAX_TEXT_BYTES: usize = 1 << 20;
/// Uploaded bytes are written to the spool file in batches of this size, off the async threads.
const SPOOL_BATCH: usize = 1 << 20;
/// Bytes read from the blob store per chunk of a download.
const DOWNLOAD_CHUNK: usize = 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/evidence/new",
            get(form).post(upload).layer(DefaultBodyLimit::max(
                MAX_EVIDENCE_BYTES as usize + MAX_TEXT_BYTES,
            )),
        )
        .route(
            "/evidence/{id}/file",
            get(download).post(download_with_reason),
        )
        .route(
            "/evidence/{id}/hand-over",
            get(hand_over_form).post(hand_over),
        )
}

// ---------------------------------------------------------------------------------------------
// Upload

/// What the upload form holds: as typed, with the reasons it was refused.
#[derive(Default)]
struct Typed {
    source: String,
    note: String,
    classification: String,
    /// For a derived copy: the original's id and how the copy was made.
    derived_from: String,
    derivation: String,
    /// A file had been chosen (the browser forgets it; the page says to choose it again).
    had_file: bool,
    file_error: String,
    source_error: String,
    classification_error: String,
    derived_error: String,
    derivation_error: String,
    error: String,
}

/// What was stored, for the page after an upload.
pub struct StoredView {
    pub href: String,
    pub id: String,
    pub label: String,
    pub sha256: String,
    pub size: String,
    pub media_type: String,
    pub classification: String,
    /// The same bytes were already an item: nothing new was made.
    pub existing: bool,
    pub warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "evidence_new.html")]
struct UploadPage {
    page: Page,
    sources: Vec<(String, String)>,
    classes: Vec<(String, String)>,
    /// Evidence items the visitor may see, as originals a copy can be made from.
    originals: Vec<(String, String)>,
    derivations: Vec<(String, String)>,
    source: String,
    note: String,
    classification: String,
    derived_from: String,
    derivation: String,
    had_file: bool,
    file_error: String,
    source_error: String,
    classification_error: String,
    derived_error: String,
    derivation_error: String,
    error: String,
    note_label: String,
    note_help: String,
    max_size: String,
    stored: Option<StoredView>,
}

/// The upload page: the form (as typed), and what the last upload stored.
async fn upload_page(
    app: &AppState,
    visitor: &Visitor,
    lang: Lang,
    params: &HashMap<String, String>,
    typed: Typed,
    stored: Option<StoredView>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let reader = app.reader(visitor);
    let (sources, originals) = blocking(move || {
        let choices = |kind| -> Result<Vec<(String, String)>, WebError> {
            let (records, _) = reader.list(kind, 0, 5_000)?;
            let mut out: Vec<(String, String)> = records
                .iter()
                .map(|s| {
                    (
                        s["id"].as_str().unwrap_or_default().to_string(),
                        label_of(s),
                    )
                })
                .collect();
            out.sort_by_key(|s| s.1.to_lowercase());
            Ok(out)
        };
        Ok((choices(Kind::Source)?, choices(Kind::Evidence)?))
    })
    .await?;
    let derivations = vocabularies()
        .terms("derivation")
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                match lang {
                    Lang::En => t.en.clone(),
                    Lang::Fa => t.fa.clone(),
                },
            )
        })
        .collect();
    let body = UploadPage {
        page: Page::new(lang, lang.t("ev_new"), "/evidence/new", params, visitor),
        sources,
        classes: ["public", "restricted", "confidential"]
            .iter()
            .map(|c| (c.to_string(), lang.t(c).to_string()))
            .collect(),
        originals,
        derivations,
        source: typed.source,
        note: typed.note,
        classification: typed.classification,
        derived_from: typed.derived_from,
        derivation: typed.derivation,
        had_file: typed.had_file,
        file_error: typed.file_error,
        source_error: typed.source_error,
        classification_error: typed.classification_error,
        derived_error: typed.derived_error,
        derivation_error: typed.derivation_error,
        error: typed.error,
        note_label: field_label("note", lang),
        note_help: field_help("what the file shows and how it was obtained", lang).to_string(),
        max_size: short_size(MAX_EVIDENCE_BYTES),
        stored,
    }
    .render()?;
    Ok(html(body, lang, false, status))
}

async fn form(
    State(app): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    visitor.writer()?;
    let (lang, _) = language(&params, &headers);
    let typed = Typed {
        // `?source=` preselects the source (the link on a source's page); `?derived_from=`
        // the original (the link on an item's page).
        source: params.get("source").cloned().unwrap_or_default(),
        derived_from: params.get("derived_from").cloned().unwrap_or_default(),
        ..Typed::default()
    };
    upload_page(&app, &visitor, lang, &params, typed, None, StatusCode::OK).await
}

/// An upload on its way in, in an unnamed temporary file.
struct Spooled {
    file: std::fs::File,
    size: u64,
    name: String,
}

enum Spool {
    Done(std::fs::File, u64),
    TooLarge,
    Cut(MultipartError),
}

/// Write a file field to an unnamed temporary file as it arrives, never holding more than a
/// batch of it in memory; stops at [`MAX_EVIDENCE_BYTES`].
async fn spool(library: &Arc<Library>, field: &mut Field<'_>) -> Result<Spool, WebError> {
    let lib = library.clone();
    let mut file = blocking(move || lib.spool().map_err(WebError::Spool)).await?;
    let mut size = 0u64;
    let mut pending: Vec<u8> = Vec::with_capacity(SPOOL_BATCH);
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                if size > MAX_EVIDENCE_BYTES {
                    return Ok(Spool::TooLarge);
                }
                pending.extend_from_slice(&chunk);
                if pending.len() >= SPOOL_BATCH {
                    let batch = std::mem::replace(&mut pending, Vec::with_capacity(SPOOL_BATCH));
                    file = write_batch(file, batch).await?;
                }
            }
            Ok(None) => break,
            Err(e) => return Ok(Spool::Cut(e)),
        }
    }
    if !pending.is_empty() {
        file = write_batch(file, pending).await?;
    }
    Ok(Spool::Done(file, size))
}

async fn write_batch(mut file: std::fs::File, batch: Vec<u8>) -> Result<std::fs::File, WebError> {
    blocking(move || {
        file.write_all(&batch).map_err(WebError::Spool)?;
        Ok(file)
    })
    .await
}

/// A text field, up to [`MAX_TEXT_BYTES`].
async fn text_field(field: &mut Field<'_>) -> Result<Option<String>, MultipartError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_BYTES {
            return Ok(None);
        }
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A file name as the browser sent it, without any folders (some browsers send a whole path).
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

async fn upload(
    State(app): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    let user = visitor.writer()?.to_string();
    let (lang, _) = language(&HashMap::new(), &headers);
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<Spooled> = None;
    let mut problem: Option<(StatusCode, &'static str)> = None;
    let cut_short = |e: &MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (StatusCode::PAYLOAD_TOO_LARGE, "ev_too_large")
        } else {
            (StatusCode::BAD_REQUEST, "ev_cut_short")
        }
    };
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                problem = Some(cut_short(&e));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            // The form sends its token first: a forged form stops before its file is
            // written anywhere.
            if let Some(csrf) = fields.get("csrf") {
                check_csrf(&visitor, csrf)?;
            }
            let file_name = field.file_name().map(base_name).unwrap_or_default();
            match spool(&app.library, &mut field).await? {
                Spool::Done(f, size) => {
                    file = Some(Spooled {
                        file: f,
                        size,
                        name: file_name,
                    })
                }
                Spool::TooLarge => {
                    problem = Some((StatusCode::PAYLOAD_TOO_LARGE, "ev_too_large"));
                    break;
                }
                Spool::Cut(e) => {
                    problem = Some(cut_short(&e));
                    break;
                }
            }
        } else {
            match text_field(&mut field).await {
                Ok(Some(text)) => {
                    fields.insert(name, text);
                }
                Ok(None) => {
                    problem = Some((StatusCode::PAYLOAD_TOO_LARGE, "ev_text_too_long"));
                    break;
                }
                Err(e) => {
                    problem = Some(cut_short(&e));
                    break;
                }
            }
        }
    }
    check_csrf(&visitor, fields.get("csrf").map_or("", String::as_str))?;
    let field = |k: &str| fields.get(k).map_or("", |v| v.trim()).to_string();
    let mut typed = Typed {
        source: field("source"),
        note: fields.get("note").cloned().unwrap_or_default(),
        classification: field("classification"),
        derived_from: field("derived_from"),
        derivation: field("derivation"),
        had_file: file.as_ref().is_some_and(|f| f.size > 0) || problem.is_some(),
        ..Typed::default()
    };
    let params = HashMap::new();
    if let Some((status, key)) = problem {
        typed.error = lang.t(key).to_string();
        return upload_page(&app, &visitor, lang, &params, typed, None, status).await;
    }
    let mut refused = false;
    let file = match file {
        Some(f) if f.size > 0 => Some(f),
        Some(f) if !f.name.is_empty() => {
            typed.file_error = lang.t("ev_empty_file").to_string();
            refused = true;
            None
        }
        _ => {
            typed.file_error = lang.t("ev_choose_file").to_string();
            refused = true;
            None
        }
    };
    let classification = match typed.classification.parse::<Classification>() {
        Ok(c) => Some(c),
        Err(_) => {
            typed.classification_error = lang.t("ev_class_required").to_string();
            refused = true;
            None
        }
    };
    // Only a source the uploader may see can be named.
    if !typed.source.is_empty() {
        let reader = app.reader(&visitor);
        let source = typed.source.clone();
        let visible = Kind::from_id(&source) == Some(Kind::Source)
            && blocking(move || reader.record(&source)).await?.is_some();
        if !visible {
            typed.source_error = lang.t("ev_unknown_source").to_string();
            refused = true;
        }
    }
    // A copy names a visible original and how it was made; an original names neither.
    match (typed.derived_from.is_empty(), typed.derivation.is_empty()) {
        (true, true) => {}
        (true, false) => {
            typed.derived_error = lang.t("ev_original_required").to_string();
            refused = true;
        }
        (false, true) => {
            typed.derivation_error = lang.t("ev_derivation_required").to_string();
            refused = true;
        }
        (false, false) => {
            if vocabularies()
                .term("derivation", &typed.derivation)
                .is_none()
            {
                typed.derivation_error = lang.t("ev_derivation_required").to_string();
                refused = true;
            }
            if visible_item(&app, &visitor, &typed.derived_from)
                .await?
                .is_none()
            {
                typed.derived_error = lang.t("ev_unknown_original").to_string();
                refused = true;
            }
        }
    }
    let (Some(file), Some(classification), false) = (file, classification, refused) else {
        typed.error = lang.t("ev_refused").to_string();
        return upload_page(
            &app,
            &visitor,
            lang,
            &params,
            typed,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = EvidenceInput {
        original_name: (!file.name.is_empty()).then(|| file.name.clone()),
        source: (!typed.source.is_empty()).then(|| typed.source.clone()),
        note: Some(typed.note.trim().to_string()).filter(|n| !n.is_empty()),
        classification,
        derived_from: (!typed.derived_from.is_empty()).then(|| typed.derived_from.clone()),
        derivation: (!typed.derivation.is_empty()).then(|| typed.derivation.clone()),
    };
    let library = app.library.clone();
    let writer = user.clone();
    let added = blocking(move || library.add_evidence(&writer, file.file, &input)).await;
    match added {
        Ok(added) => {
            let stored = stored_view(&app, &visitor, added, lang).await?;
            upload_page(
                &app,
                &visitor,
                lang,
                &params,
                Typed::default(),
                Some(stored),
                StatusCode::OK,
            )
            .await
        }
        Err(WebError::Invalid { path, message }) => {
            if path.starts_with("source") {
                typed.source_error = message;
            } else if path.starts_with("note") {
                typed.error = format!("{}: {message}", field_label("note", lang));
            } else if path.is_empty() {
                typed.error = message;
            } else {
                typed.error = format!("{path}: {message}");
            }
            upload_page(
                &app,
                &visitor,
                lang,
                &params,
                typed,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn stored_view(
    app: &AppState,
    visitor: &Visitor,
    added: EvidenceAdded,
    lang: Lang,
) -> Result<StoredView, WebError> {
    let reader = app.reader(visitor);
    let id = added.evidence.clone();
    let label = blocking(move || Ok(reader.record(&id)?.map(|v| label_of(&v))))
        .await?
        .unwrap_or_else(|| added.evidence.clone());
    Ok(StoredView {
        href: href(&added.evidence),
        label,
        sha256: added.sha256,
        size: human_size(added.size, lang),
        media_type: added.media_type,
        classification: lang.t(seen_by(added.classification.as_str())).to_string(),
        existing: added.existing,
        warnings: added.warnings,
        id: added.evidence,
    })
}

// ---------------------------------------------------------------------------------------------
// Download

#[derive(Template)]
#[template(path = "evidence_file.html")]
struct ReasonPage {
    page: Page,
    id: String,
    item_href: String,
    label: String,
    error: String,
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn download(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    let (lang, remember) = language(&params, &headers);
    let reader = app.reader(&visitor);
    let lookup = id.clone();
    let access = blocking(move || reader.evidence_file(&lookup, None)).await?;
    answer(
        access,
        &id,
        &visitor,
        lang,
        remember,
        &params,
        String::new(),
    )
}

async fn download_with_reason(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ReasonForm>,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    // The token is checked before the item is looked up: a forged form learns nothing.
    check_csrf(&visitor, &form.csrf)?;
    let (lang, _) = language(&HashMap::new(), &headers);
    let reader = app.reader(&visitor);
    let lookup = id.clone();
    let reason = form.reason.clone();
    let access = blocking(move || reader.evidence_file(&lookup, Some(&reason))).await?;
    answer(
        access,
        &id,
        &visitor,
        lang,
        false,
        &HashMap::new(),
        lang.t("ev_reason_required").to_string(),
    )
}

/// The response to a download: the file, the reason form, or a refusal.
fn answer(
    access: FileAccess,
    id: &str,
    visitor: &Visitor,
    lang: Lang,
    remember: bool,
    params: &HashMap<String, String>,
    reason_error: String,
) -> Result<Response, WebError> {
    let path = format!("/evidence/{id}/file");
    match access {
        FileAccess::Ready(file) => Ok(send_file(file)),
        FileAccess::NeedsReason { label } => {
            let status = if reason_error.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let body = ReasonPage {
                page: Page::new(lang, lang.t("ev_reason_title"), &path, params, visitor),
                id: id.to_string(),
                item_href: href(id),
                label,
                error: reason_error,
            }
            .render()?;
            Ok(html(body, lang, remember, status))
        }
        FileAccess::Hidden => Ok(html(
            not_found(lang, &path, params, visitor)?,
            lang,
            remember,
            StatusCode::NOT_FOUND,
        )),
        FileAccess::Damaged(problem) => {
            eprintln!("rightsdoc serve: {problem}; the file was not sent");
            let body = MessagePage {
                page: Page::new(lang, lang.t("ev_not_sent"), &path, params, visitor),
                message: lang.t("ev_damaged").to_string(),
            }
            .render()?;
            Ok(html(
                body,
                lang,
                remember,
                StatusCode::INTERNAL_SERVER_ERROR,
            ))
        }
    }
}

/// The original bytes as an attachment: `Content-Type` from the sniffed type, never rendered
/// (`attachment`, `nosniff`), never cached, with the SHA-256 the bytes must have.
fn send_file(file: EvidenceFile) -> Response {
    let EvidenceFile {
        id,
        sha256,
        size,
        media_type,
        original_name,
        bytes,
    } = file;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let name = original_name.unwrap_or_else(|| id.clone());
    let label = id.clone();
    tokio::task::spawn_blocking(move || pump(bytes, &tx, &label));
    let mut response = Response::new(Body::new(FileBody { rx, size }));
    let h = response.headers_mut();
    let media_type = media_type
        .filter(|t| is_media_type(t))
        .unwrap_or_else(|| "application/octet-stream".into());
    let mut put = |name: HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    put(header::CONTENT_TYPE, media_type);
    put(header::CONTENT_DISPOSITION, disposition(&name));
    put(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    put(header::CACHE_CONTROL, "no-store".into());
    if let Some(size) = size {
        put(header::CONTENT_LENGTH, size.to_string());
    }
    if let Some(digest) = repr_digest(&sha256) {
        put(HeaderName::from_static("repr-digest"), digest);
    }
    response
}

/// Read `bytes` to the end into `tx`, holding each chunk back until the next read succeeded:
/// the blob reader reports a hash mismatch at the end of the file, so the last bytes are only
/// sent once the whole file is known to be the original. On a mismatch the response stops
/// short (the client sees an incomplete download, never a complete altered one).
fn pump(
    mut bytes: Box<dyn Read + Send>,
    tx: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    id: &str,
) {
    let mut held: Option<Bytes> = None;
    loop {
        let mut buf = vec![0u8; DOWNLOAD_CHUNK];
        match bytes.read(&mut buf) {
            Ok(0) => {
                if let Some(last) = held.take() {
                    let _ = tx.blocking_send(Ok(last));
                }
                return;
            }
            Ok(n) => {
                buf.truncate(n);
                if let Some(previous) = held.replace(Bytes::from(buf))
                    && tx.blocking_send(Ok(previous)).is_err()
                {
                    return; // the visitor went away
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("rightsdoc serve: evidence {id}: {e}; the download was stopped");
                let _ = tx.blocking_send(Err(e));
                return;
            }
        }
    }
}

/// The body of a download: the chunks [`pump`] sends.
struct FileBody {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    size: Option<u64>,
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|chunk| chunk.map(|r| r.map(http_body::Frame::data)))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self.size {
            Some(n) => http_body::SizeHint::with_exact(n),
            None => http_body::SizeHint::default(),
        }
    }
}

/// `type/subtype` of token characters: fit for a `Content-Type`.
fn is_media_type(t: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    matches!(t.split_once('/'), Some((a, b)) if token(a) && token(b))
}

/// `attachment` with the original name: an ASCII stand-in, and the name itself (RFC 6266).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-()+ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ascii = ascii.trim_start_matches('.').trim();
    let ascii = if ascii.is_empty() { "evidence" } else { ascii };
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encode(name)
    )
}

/// The `Repr-Digest` header (RFC 9530) of a SHA-256 given in hex.
fn repr_digest(sha256: &str) -> Option<String> {
    let bytes = hex::decode(sha256).ok()?;
    Some(format!("sha-256=:{}:", base64(&bytes)))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Hand-over

#[derive(Template)]
#[template(path = "evidence_hand_over.html")]
struct HandOverPage {
    page: Page,
    id: String,
    item_href: String,
    label: String,
    to: String,
    reason: String,
    from: String,
    to_error: String,
    reason_error: String,
}

#[derive(Deserialize, Default)]
struct HandOverForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    from: String,
}

/// The item's label, if `id` is an evidence item the visitor may see.
async fn visible_item(
    app: &AppState,
    visitor: &Visitor,
    id: &str,
) -> Result<Option<String>, WebError> {
    if Kind::from_id(id) != Some(Kind::Evidence) {
        return Ok(None);
    }
    let reader = app.reader(visitor);
    let lookup = id.to_string();
    blocking(move || Ok(reader.record(&lookup)?.map(|v| label_of(&v)))).await
}

/// The hand-over form, as typed, with the reasons it was refused.
fn hand_over_page(
    visitor: &Visitor,
    lang: Lang,
    params: &HashMap<String, String>,
    id: &str,
    label: String,
    form: HandOverForm,
    status: StatusCode,
) -> Result<Response, WebError> {
    let path = format!("/evidence/{id}/hand-over");
    let refused = status != StatusCode::OK;
    let body = HandOverPage {
        page: Page::new(lang, lang.t("ev_hand_over"), &path, params, visitor),
        id: id.to_string(),
        item_href: href(id),
        label,
        to_error: if refused && form.to.trim().is_empty() {
            lang.t("ev_hand_over_to_required").to_string()
        } else {
            String::new()
        },
        reason_error: if refused && form.reason.trim().is_empty() {
            lang.t("ev_hand_over_reason_required").to_string()
        } else {
            String::new()
        },
        to: form.to,
        reason: form.reason,
        from: form.from,
    }
    .render()?;
    Ok(html(body, lang, false, status))
}

async fn hand_over_form(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    visitor.writer()?;
    let (lang, remember) = language(&params, &headers);
    let path = format!("/evidence/{id}/hand-over");
    let Some(label) = visible_item(&app, &visitor, &id).await? else {
        return Ok(html(
            not_found(lang, &path, &params, &visitor)?,
            lang,
            remember,
            StatusCode::NOT_FOUND,
        ));
    };
    hand_over_page(
        &visitor,
        lang,
        &params,
        &id,
        label,
        HandOverForm::default(),
        StatusCode::OK,
    )
}

/// Record a hand-over: a `handed_over` custody entry under the signed-in editor's name, as
/// `rightsdoc evidence hand-over` writes it; then back to the item's chain of custody.
async fn hand_over(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HandOverForm>,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    visitor.writer()?;
    // The token is checked before the item is looked up: a forged form learns nothing.
    check_csrf(&visitor, &form.csrf)?;
    let (lang, _) = language(&HashMap::new(), &headers);
    let params = HashMap::new();
    let path = format!("/evidence/{id}/hand-over");
    let Some(label) = visible_item(&app, &visitor, &id).await? else {
        return Ok(html(
            not_found(lang, &path, &params, &visitor)?,
            lang,
            false,
            StatusCode::NOT_FOUND,
        ));
    };
    let (to, reason) = (form.to.trim().to_string(), form.reason.trim().to_string());
    if to.is_empty() || reason.is_empty() {
        return hand_over_page(
            &visitor,
            lang,
            &params,
            &id,
            label,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let from = Some(form.from.trim().to_string()).filter(|f| !f.is_empty());
    let reader = app.reader(&visitor);
    let item = id.clone();
    let written = blocking(move || reader.hand_over(&item, &to, &reason, from.as_deref())).await?;
    match written {
        Some(_) => {
            Ok(axum::response::Redirect::to(&format!("/evidence/{id}#custody")).into_response())
        }
        None => Ok(html(
            not_found(lang, &path, &params, &visitor)?,
            lang,
            false,
            StatusCode::NOT_FOUND,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// The item's page

/// Fields the page shows in its own panels rather than among the record's details.
pub const SHOWN_FIELDS: &[&str] = &[
    "sha256",
    "size",
    "media_type",
    "original_name",
    "acquired",
    "acquired_by",
    "source",
    "note",
    "derived_from",
    "derivation",
    "metadata",
];

pub struct CopyLink {
    pub href: String,
    pub text: String,
    pub how: String,
}

pub struct CustodyRow {
    pub href: String,
    pub when: String,
    /// The date the entry gives for the act, when it differs from the day it was logged.
    pub date: String,
    pub action: String,
    pub who: String,
    pub logged_by: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub notes: String,
}

/// What an evidence item's page shows of its file.
pub struct EvidenceView {
    pub sha256: String,
    pub size: String,
    pub media_type: String,
    pub original_name: String,
    /// Who may see it, in words.
    pub classification: String,
    pub acquired: String,
    pub acquired_by: String,
    pub source: Option<Link>,
    pub note: String,
    pub claims: Vec<ClaimGroup>,
    pub original: Option<Link>,
    pub derivation: String,
    pub copies: Vec<CopyLink>,
    pub custody: Vec<CustodyRow>,
    /// `file` (a link), `reason` (a form first: confidential) or `` (no file visible).
    pub download: &'static str,
    pub download_href: String,
}

/// The text key saying who may see an item of a classification.
fn seen_by(classification: &str) -> &'static str {
    match classification {
        "confidential" => "ev_seen_confidential",
        "restricted" => "ev_seen_restricted",
        _ => "ev_seen_public",
    }
}

fn term(vocab: &str, id: &str, lang: Lang) -> String {
    vocabularies().term(vocab, id).map_or_else(
        || crate::view::humanize(id),
        |t| match lang {
            Lang::En => t.en.clone(),
            Lang::Fa => t.fa.clone(),
        },
    )
}

/// The panels of evidence `v` (visible to `reader`, already redacted): `referring` are the
/// visible records that refer to it (its derived copies among them).
pub fn item_view(
    reader: &Reader,
    v: &Value,
    referring: &[(Value, String)],
    lang: Lang,
) -> Result<EvidenceView, WebError> {
    let id = v["id"].as_str().unwrap_or_default();
    let text = |k: &str| v.get(k).and_then(plain_str).unwrap_or_default().to_string();
    let mut refs: Vec<String> = ["source", "derived_from"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(plain_str).map(str::to_string))
        .collect();
    refs.retain(|r| Kind::from_id(r).is_some());
    let labels = reader.labels(&refs)?;
    let link = |k: &str| {
        let target = v.get(k).and_then(plain_str)?;
        // A reference to a record the visitor may not see shows nothing of it.
        let text = labels.get(target)?.clone();
        Some(Link {
            href: href(target),
            text,
        })
    };
    let claims = claims(v.get("metadata"), lang);
    let copies = referring
        .iter()
        .filter(|(r, path)| r["kind"] == "evidence" && path.starts_with("derived_from"))
        .map(|(r, _)| CopyLink {
            href: href(r["id"].as_str().unwrap_or_default()),
            text: label_of(r),
            how: r
                .get("derivation")
                .and_then(plain_str)
                .map(|d| term("derivation", d, lang))
                .unwrap_or_default(),
        })
        .collect();
    let custody = reader
        .custody_chain(id)?
        .unwrap_or_default()
        .into_iter()
        .filter(|e| Kind::from_id(&e.record) == Some(Kind::Custody))
        .map(|e| custody_row(e, lang))
        .collect();
    let has_file = !text("sha256").is_empty();
    let confidential = v["classification"] == "confidential";
    Ok(EvidenceView {
        sha256: text("sha256"),
        size: v
            .get("size")
            .and_then(Value::as_u64)
            .map(|n| human_size(n, lang))
            .unwrap_or_default(),
        media_type: text("media_type"),
        original_name: text("original_name"),
        classification: lang
            .t(seen_by(v["classification"].as_str().unwrap_or_default()))
            .to_string(),
        acquired: text("acquired"),
        acquired_by: text("acquired_by"),
        source: link("source"),
        note: text("note"),
        claims,
        original: link("derived_from"),
        derivation: v
            .get("derivation")
            .and_then(plain_str)
            .map(|d| term("derivation", d, lang))
            .unwrap_or_default(),
        copies,
        custody,
        download: match (has_file, confidential) {
            (false, _) => "",
            (true, false) => "file",
            (true, true) => "reason",
        },
        download_href: format!("/evidence/{id}/file"),
    })
}

/// One kind of claim a file makes (its EXIF block, its XMP packet, its container, its C2PA
/// credentials), with the rows to show.
pub struct ClaimGroup {
    pub title: String,
    /// For content credentials: `trusted`, `untrusted`, `invalid` or `remote` (a CSS class
    /// and the state shown first); empty for the others.
    pub state: String,
    pub rows: Vec<(String, String)>,
}

/// A claimed value as text: a point as `lat, lon`, a list item by item, an object's values
/// one after the other.
fn shown(v: &Value) -> String {
    match v {
        Value::Object(o) if o.contains_key("lat") && o.contains_key("lon") => {
            format!("{}, {}", o["lat"], o["lon"])
        }
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| *k != "classification")
            .map(|(_, v)| shown(v))
            .collect::<Vec<_>>()
            .join(" · "),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join("; "),
        Value::String(s) => s.clone(),
        other => plain_str(other).map_or_else(|| other.to_string(), str::to_string),
    }
}

/// The rows of a claims object: `known` keys first under their labels, then any other key
/// under its field's label.
fn rows(
    o: &serde_json::Map<String, Value>,
    known: &[(&str, &str)],
    skip: &[&str],
    lang: Lang,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = known
        .iter()
        .filter_map(|(k, label)| Some((lang.t(label).to_string(), shown(o.get(*k)?))))
        .collect();
    for (k, v) in o {
        if k != "classification"
            && !skip.contains(&k.as_str())
            && !known.iter().any(|(n, _)| n == k)
        {
            out.push((field_label(k, lang), shown(v)));
        }
    }
    out
}

/// What the file claims about itself, labelled as claims, kind by kind.
fn claims(metadata: Option<&Value>, lang: Lang) -> Vec<ClaimGroup> {
    let Some(Value::Object(m)) = metadata else {
        return Vec::new();
    };
    let mut groups = Vec::new();
    let exif = rows(
        m,
        &[
            ("date_time_original", "claim_taken"),
            ("gps", "claim_gps"),
            ("make", "claim_make"),
            ("model", "claim_model"),
            ("software", "claim_software"),
        ],
        &["xmp", "media", "c2pa"],
        lang,
    );
    let mut group = |title: &str, state: String, rows: Vec<(String, String)>| {
        if !rows.is_empty() {
            groups.push(ClaimGroup {
                title: lang.t(title).to_string(),
                state,
                rows,
            });
        }
    };
    group("claims_exif", String::new(), exif);
    if let Some(Value::Object(x)) = m.get("xmp") {
        group("claims_xmp", String::new(), rows(x, &[], &[], lang));
    }
    if let Some(Value::Object(r)) = m.get("media") {
        group("claims_media", String::new(), rows(r, &[], &[], lang));
    }
    if let Some(Value::Object(c)) = m.get("c2pa") {
        let state = c
            .get("state")
            .and_then(plain_str)
            .filter(|s| ["trusted", "untrusted", "invalid", "remote"].contains(s))
            .unwrap_or("invalid")
            .to_string();
        let mut shown_rows = vec![(
            lang.t("c2pa_state").to_string(),
            lang.t(&format!("c2pa_{state}")).to_string(),
        )];
        shown_rows.extend(rows(c, &[], &["state"], lang));
        group("claims_c2pa", state, shown_rows);
    }
    groups
}

fn custody_row(e: ChainEntry, lang: Lang) -> CustodyRow {
    let when = log_time(&e.time);
    let date = e
        .date
        .filter(|d| !e.time.starts_with(d.as_str()))
        .unwrap_or_default();
    let who = e.actor.clone().unwrap_or_else(|| e.logged_by.clone());
    CustodyRow {
        href: href(&e.record),
        when,
        date,
        action: term("custody_action", &e.action, lang),
        logged_by: if who == e.logged_by {
            String::new()
        } else {
            e.logged_by
        },
        who,
        from: e.from.unwrap_or_default(),
        to: e.to.unwrap_or_default(),
        reason: e.reason.unwrap_or_default(),
        notes: e.notes.unwrap_or_default(),
    }
}

/// `2026-11-25T10:00:00.000Z` → `2026-11-25 10:00 UTC`.
fn log_time(t: &str) -> String {
    match (t.get(..10), t.get(11..16)) {
        (Some(day), Some(hm)) if t.ends_with('Z') => format!("{day} {hm} UTC"),
        _ => t.to_string(),
    }
}

/// `1536` → `1.5 KiB (1,536 bytes)`.
pub fn human_size(n: u64, lang: Lang) -> String {
    let mut digits = n.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let exact = format!("{digits}{grouped} {}", lang.t("bytes"));
    match short_size(n) {
        short if n >= 1024 => format!("{short} ({exact})"),
        _ => exact,
    }
}

/// `1536` → `1.5 KiB` (from 1 KiB up; smaller sizes in bytes, `B`).
fn short_size(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let (mut v, mut unit) = (n as f64, 0);
    while v >= 1024.0 && unit < units.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", units[unit])
    } else {
        format!("{v:.1} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `data`, then fails at the end like a blob whose bytes no longer match its hash.
    struct AlteredAtTheEnd {
        data: Vec<u8>,
        at: usize,
    }

    impl Read for AlteredAtTheEnd {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.data.len() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "altered",
                ));
            }
            let n = buf.len().min(self.data.len() - self.at).min(1000);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn pumped(reader: Box<dyn Read + Send>) -> (Vec<u8>, bool) {
        let (tx, mut rx) = tokio::sync::mpsc::channel(1_000);
        pump(reader, &tx, "evd_test");
        drop(tx);
        let (mut sent, mut failed) = (Vec::new(), false);
        while let Ok(chunk) = rx.try_recv() {
            match chunk {
                Ok(b) => sent.extend_from_slice(&b),
                Err(_) => failed = true,
            }
        }
        (sent, failed)
    }

    #[test]
    fn a_download_that_fails_its_hash_never_sends_its_last_bytes() {
        let data: Vec<u8> = (0..5_000u32).map(|i| i as u8).collect();
        let (sent, failed) = pumped(Box::new(AlteredAtTheEnd {
            data: data.clone(),
            at: 0,
        }));
        assert!(failed);
        assert!(sent.len() < data.len(), "stopped short: {}", sent.len());
        let (sent, failed) = pumped(Box::new(std::io::Cursor::new(data.clone())));
        assert!(!failed);
        assert_eq!(sent, data);
    }

    #[test]
    fn downloads_are_named_safely_and_carry_their_digest() {
        assert_eq!(
            disposition("عکس ۱.jpg"),
            "attachment; filename=\"___ _.jpg\"; filename*=UTF-8''%D8%B9%DA%A9%D8%B3%20%DB%B1.jpg"
        );
        assert!(disposition("a\"b\r\n.txt").starts_with("attachment; filename=\"a_b__.txt\""));
        assert!(disposition("..").contains("filename=\"evidence\""));
        // SHA-256 of the empty string.
        assert_eq!(
            repr_digest("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .unwrap(),
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
        );
        assert!(is_media_type("image/jpeg") && is_media_type("application/vnd.ms-excel"));
        assert!(!is_media_type("text/html\r\nX: y") && !is_media_type("nonsense"));
    }

    #[test]
    fn sizes_read_both_ways() {
        assert_eq!(human_size(0, Lang::En), "0 bytes");
        assert_eq!(human_size(1536, Lang::En), "1.5 KiB (1,536 bytes)");
        assert_eq!(
            human_size(MAX_EVIDENCE_BYTES, Lang::En),
            "2 GiB (2,147,483,648 bytes)"
        );
        assert_eq!(short_size(MAX_EVIDENCE_BYTES), "2 GiB");
        assert_eq!(log_time("2026-11-25T10:00:00.000Z"), "2026-11-25 10:00 UTC");
        assert_eq!(base_name("C:\\Users\\x\\photo.jpg"), "photo.jpg");
        assert_eq!(base_name("dir/a.png"), "a.png");
    }
}
