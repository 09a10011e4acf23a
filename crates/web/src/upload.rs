//! Import a spreadsheet from the browser: the same importer as `rightsdoc import` (CSV, XLSX,
//! ODS, the JSON export; columns named like fields or a UPR Info table), all or nothing, with
//! the row report on the page. Editors and admins only; the records are logged under their name.

use crate::AppState;
use crate::error::WebError;
use crate::pages::{Page, blocking, html, language};
use crate::session::{Visitor, check_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use rightsdoc_io::{DEFAULT_CHUNK_SIZE, ImportOptions, ImportReport, Input, Policy};
use rightsdoc_model::Kind;
use std::collections::HashMap;

/// The largest file accepted (a 1M-row CSV is about 100 MiB; bigger imports belong on the
/// command line).
const MAX_UPLOAD: usize = 128 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import", get(form).post(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

pub struct ReportView {
    pub file: String,
    pub rows: usize,
    pub valid: usize,
    pub invalid_count: usize,
    pub written: usize,
    pub checked_only: bool,
    pub errors: Vec<(usize, String, String)>,
    pub notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    page: Page,
    kinds: Vec<String>,
    report: Option<ReportView>,
    error: String,
}

fn page(
    visitor: &Visitor,
    lang: crate::i18n::Lang,
    report: Option<ReportView>,
    error: String,
) -> Result<Response, WebError> {
    let status = if error.is_empty() && report.as_ref().is_none_or(|r| r.invalid_count == 0) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = ImportPage {
        page: Page::new(lang, lang.t("import"), "/import", &HashMap::new(), visitor),
        kinds: Kind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
        report,
        error,
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
    page(&visitor, lang, None, String::new())
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
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("the upload was cut short: {e}")))?
    {
        let name = part.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = part.file_name().unwrap_or("upload").to_string();
            let data = part
                .bytes()
                .await
                .map_err(|e| WebError::BadRequest(format!("the file could not be read: {e}")))?;
            file = Some((file_name, data.to_vec()));
        } else {
            let text = part.text().await.unwrap_or_default();
            fields.insert(name, text);
        }
    }
    check_csrf(&visitor, fields.get("csrf").map_or("", String::as_str))?;
    let Some((file_name, data)) = file.filter(|(_, d)| !d.is_empty()) else {
        return page(&visitor, lang, None, lang.t("choose_file").to_string());
    };
    let kind = match fields.get("kind").map(String::as_str) {
        None | Some("") => None,
        Some(k) => Some(
            Kind::parse(k)
                .ok_or_else(|| WebError::BadRequest(format!("`{k}` is not a record kind")))?,
        ),
    };
    let checked_only = fields.contains_key("check_only");
    let opts = ImportOptions {
        kind,
        list: fields.get("list").filter(|l| !l.trim().is_empty()).cloned(),
        policy: if checked_only {
            Policy::DryRun
        } else {
            Policy::AllOrNothing
        },
        ..Default::default()
    };
    let library = app.library.clone();
    let outcome = blocking(move || {
        let context = format!("{file_name}: ");
        let result = rightsdoc_io::import_chunks(
            Input::bytes(&file_name, &data),
            &opts,
            DEFAULT_CHUNK_SIZE,
            |chunk| library.add_imported(&user, chunk, &context),
        );
        Ok(result.map_err(|e| e.to_string()))
    })
    .await?;
    match outcome {
        Ok(report) => page(
            &visitor,
            lang,
            Some(view(report, checked_only)),
            String::new(),
        ),
        Err(message) => page(&visitor, lang, None, message),
    }
}

fn view(r: ImportReport, checked_only: bool) -> ReportView {
    ReportView {
        errors: r
            .invalid
            .iter()
            .map(|e| {
                (
                    e.row,
                    e.column.clone().unwrap_or_default(),
                    e.reason.clone(),
                )
            })
            .collect(),
        file: r.file,
        rows: r.rows,
        valid: r.valid,
        invalid_count: r.invalid_count,
        written: r.written,
        checked_only,
        notes: r.notes,
    }
}
