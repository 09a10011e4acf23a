//! Forms to create and edit records, generated from the schema table: one input per field
//! (a list of names, a choice from a vocabulary, a date, a reference by id, text). Only
//! editors and admins may write; every write is an operation in the log under their name.
//! A record the archive refuses comes back with the form as it was typed and the reason next
//! to the field at fault.

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::{Page, blocking, html, language};
use crate::session::{Visitor, check_csrf};
use crate::view::{href, humanize};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rightsdoc_model::names::{Script, script};
use rightsdoc_model::vocab::vocabularies;
use rightsdoc_model::{Field, Kind, Ty, plain_str};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/new/{kind}", get(new_form).post(create))
        .route("/edit/{id}", get(edit_form).post(update))
}

/// One input of the form.
pub struct Input {
    pub name: String,
    pub label: String,
    pub help: String,
    /// text, textarea, select, checkbox, names
    pub widget: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub error: String,
    /// Holds sourced or conflicting values the form cannot show: left as it is.
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    page: Page,
    action: String,
    heading: String,
    inputs: Vec<Input>,
    error: String,
}

/// What an evidence record says about its file: set when the file is stored, never edited.
const EVIDENCE_FILE_FIELDS: &[&str] = &[
    "sha256",
    "size",
    "media_type",
    "original_name",
    "acquired",
    "acquired_by",
    "derived_from",
    "derivation",
];

/// The fields a form offers: every field but nested objects (edited through the API) and an
/// evidence record's description of its file.
fn form_fields(kind: Kind) -> impl Iterator<Item = &'static Field> {
    kind.schema().fields.iter().filter(move |f| {
        let nested = matches!(f.ty, Ty::Object(_) | Ty::Point);
        let file = kind == Kind::Evidence && EVIDENCE_FILE_FIELDS.contains(&f.name);
        !nested && !file
    })
}

/// The text an input shows for a stored value; `None` when it holds more than the form can
/// show (citations on the value, conflicting values).
fn text_of(field: &Field, v: &Value) -> Option<String> {
    match (field.ty, v) {
        (Ty::Names, Value::Array(names)) => names
            .iter()
            .map(|n| match n {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) if o.keys().all(|k| matches!(k.as_str(), "value" | "lang")) => {
                    o.get("value").and_then(Value::as_str).map(str::to_string)
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("\n")),
        (_, Value::Array(items)) if field.many => items
            .iter()
            .map(simple)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("\n")),
        (_, other) => simple(other),
    }
}

fn simple(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) if o.len() == 1 => o.get("value").and_then(plain_str_of),
        _ => None,
    }
}

fn plain_str_of(v: &Value) -> Option<String> {
    plain_str(v).map(str::to_string).or_else(|| match v {
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn inputs(
    kind: Kind,
    record: Option<&Value>,
    typed: &HashMap<String, String>,
    lang: Lang,
) -> Vec<Input> {
    let mut out: Vec<Input> = form_fields(kind)
        .map(|f| {
            let stored = record.and_then(|r| r.get(f.name));
            let shown = stored.map(|v| text_of(f, v));
            let locked = matches!(shown, Some(None));
            let value = typed
                .get(f.name)
                .cloned()
                .or_else(|| shown.flatten())
                .unwrap_or_default();
            let (widget, options) = match f.ty {
                Ty::Names => ("names", Vec::new()),
                Ty::LongText => ("textarea", Vec::new()),
                Ty::Bool => ("checkbox", Vec::new()),
                Ty::Vocab(v) if !f.many => (
                    "select",
                    vocabularies()
                        .terms(v)
                        .iter()
                        .map(|t| {
                            let label = match lang {
                                Lang::En => t.en.clone(),
                                Lang::Fa => t.fa.clone(),
                            };
                            (t.id.clone(), label)
                        })
                        .collect(),
                ),
                _ if f.many => ("textarea", Vec::new()),
                _ => ("text", Vec::new()),
            };
            let mut help = crate::i18n::field_help(f.help, lang).to_string();
            let suffix = match f.ty {
                Ty::Date => lang.t("help_date").to_string(),
                Ty::Ref(kinds) => format!(
                    "{} {}",
                    lang.t("help_ref"),
                    kinds
                        .iter()
                        .map(|&k| crate::i18n::kind_name(k, lang))
                        .collect::<Vec<_>>()
                        .join(&format!(" {} ", lang.t("or")))
                ),
                Ty::Names => lang.t("help_names").to_string(),
                // English lists the ids; Persian the Persian labels, which the archive accepts
                // as well.
                Ty::Vocab(v) if f.many => format!(
                    "{}: {}",
                    lang.t("help_one_per_line"),
                    vocabularies()
                        .terms(v)
                        .iter()
                        .map(|t| match lang {
                            Lang::En => t.id.as_str(),
                            Lang::Fa => t.fa.as_str(),
                        })
                        .collect::<Vec<_>>()
                        .join(lang.t("list_sep"))
                ),
                _ if f.many => lang.t("help_one_per_line").to_string(),
                _ => String::new(),
            };
            if !suffix.is_empty() {
                help.push_str(" — ");
                help.push_str(&suffix);
            }
            Input {
                name: f.name.to_string(),
                label: crate::i18n::field_label(f.name, lang),
                help,
                widget,
                value,
                options,
                required: f.required,
                error: String::new(),
                locked,
            }
        })
        .collect();
    let class = typed
        .get("classification")
        .cloned()
        .or_else(|| record.and_then(|r| r["classification"].as_str().map(str::to_string)))
        .unwrap_or_else(|| "public".into());
    out.push(Input {
        name: "classification".into(),
        label: crate::i18n::field_label("classification", lang),
        help: lang.t("help_classification").into(),
        widget: "select",
        value: class,
        options: ["public", "restricted", "confidential"]
            .iter()
            .map(|c| (c.to_string(), lang.t(c).to_string()))
            .collect(),
        required: true,
        error: String::new(),
        locked: false,
    });
    out
}

/// The record JSON a submitted form stands for: only the fields given (and, for an edit, only
/// those changed from `before`).
fn record_from(kind: Kind, form: &HashMap<String, String>, before: Option<&Value>) -> Value {
    let mut m = Map::new();
    for f in form_fields(kind) {
        let Some(text) = form.get(f.name) else {
            continue;
        };
        let text = text.trim();
        let old = before.and_then(|r| r.get(f.name));
        if let Some(old) = old {
            match text_of(f, old) {
                Some(shown) if shown.trim() == text => continue,
                None => continue, // locked: the form did not show it
                _ => {}
            }
        }
        if text.is_empty() {
            if old.is_some() {
                m.insert(f.name.into(), Value::Null); // cleared: removed by the merge patch
            }
            continue;
        }
        let lines = || text.lines().map(str::trim).filter(|l| !l.is_empty());
        let value = match f.ty {
            Ty::Names => Value::Array(
                lines()
                    .map(|n| {
                        let lang = match script(n) {
                            Script::Persian => "fa",
                            _ => "en",
                        };
                        serde_json::json!({"value": n, "lang": lang})
                    })
                    .collect(),
            ),
            _ if f.many => Value::Array(lines().map(|l| scalar(f, l)).collect()),
            _ => scalar(f, text),
        };
        m.insert(f.name.into(), value);
    }
    if let Some(c) = form.get("classification") {
        let old = before
            .and_then(|r| r["classification"].as_str())
            .unwrap_or("public");
        if before.is_none() || c != old {
            m.insert("classification".into(), Value::String(c.clone()));
        }
    }
    Value::Object(m)
}

/// A typed value; text that does not parse goes through as text so the validator names it.
fn scalar(f: &Field, text: &str) -> Value {
    match f.ty {
        Ty::Int { .. } => text
            .parse::<i64>()
            .map_or_else(|_| text.into(), Value::from),
        Ty::Number => text
            .parse::<f64>()
            .map_or_else(|_| text.into(), Value::from),
        Ty::Bool => Value::Bool(matches!(text, "on" | "true" | "yes")),
        _ => Value::String(text.to_string()),
    }
}

/// The form again, with what was typed and the archive's reason next to its field.
fn refused(mut inputs: Vec<Input>, path: &str, message: &str) -> (Vec<Input>, String) {
    let field = path.split(['.', '[']).next().unwrap_or_default();
    let mut placed = false;
    for input in &mut inputs {
        if input.name == field {
            input.error = message.to_string();
            placed = true;
        }
    }
    let summary = if placed || path.is_empty() {
        message.to_string()
    } else {
        format!("{path}: {message}")
    };
    (inputs, summary)
}

fn render_form(
    visitor: &Visitor,
    lang: Lang,
    params: &HashMap<String, String>,
    action: String,
    heading: String,
    inputs: Vec<Input>,
    error: String,
) -> Result<Response, WebError> {
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = FormPage {
        page: Page::new(lang, heading.clone(), &action, params, visitor),
        action,
        heading,
        inputs,
        error,
    }
    .render()?;
    Ok(html(body, lang, false, status))
}

/// Where a new record's form posts, and its heading.
fn new_target(kind: Kind, lang: Lang) -> (String, String) {
    let heading = match lang {
        Lang::En => format!("New {}", humanize(kind.as_str()).to_lowercase()),
        Lang::Fa => format!("{} تازه", crate::i18n::kind_name(kind, lang)),
    };
    (format!("/new/{}", kind.as_str()), heading)
}

/// Where a record's edit form posts, and its heading.
fn edit_target(id: &str, record: &Value, lang: Lang) -> (String, String) {
    (
        format!("/edit/{id}"),
        format!("{} {}", lang.t("edit"), crate::reader::label_of(record)),
    )
}

/// After a write: the record's page, or the form again (`inputs` as typed) with the
/// archive's reason at the field at fault.
fn saved_or_refused(
    saved: Result<String, WebError>,
    visitor: &Visitor,
    lang: Lang,
    (action, heading): (String, String),
    inputs: impl FnOnce() -> Vec<Input>,
) -> Result<Response, WebError> {
    let (path, message) = match saved {
        Ok(id) => return Ok(Redirect::to(&href(&id)).into_response()),
        Err(WebError::Invalid { path, message }) => (path, message),
        Err(WebError::Conflict(message)) => (String::new(), message),
        Err(e) => return Err(e),
    };
    let (inputs, error) = refused(inputs(), &path, &message);
    render_form(
        visitor,
        lang,
        &HashMap::new(),
        action,
        heading,
        inputs,
        error,
    )
}

fn kind_of(name: &str) -> Result<Kind, WebError> {
    Kind::parse(name).ok_or(WebError::NotFound)
}

async fn new_form(
    State(app): State<AppState>,
    Path(kind): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    visitor.writer()?;
    let kind = kind_of(&kind)?;
    if kind == Kind::Evidence {
        // An evidence record is made by storing its file.
        return Ok(Redirect::to("/evidence/new").into_response());
    }
    let (lang, _) = language(&params, &headers);
    let (action, heading) = new_target(kind, lang);
    let inputs = inputs(kind, None, &HashMap::new(), lang);
    render_form(
        &visitor,
        lang,
        &params,
        action,
        heading,
        inputs,
        String::new(),
    )
}

async fn create(
    State(app): State<AppState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    let user = visitor.writer()?.to_string();
    check_csrf(&visitor, form.get("csrf").map_or("", String::as_str))?;
    let kind = kind_of(&kind)?;
    if kind == Kind::Evidence {
        return Err(WebError::BadRequest(
            "an evidence record is made by storing its file: use /evidence/new".into(),
        ));
    }
    let (lang, _) = language(&HashMap::new(), &headers);
    let mut value = record_from(kind, &form, None);
    value["kind"] = Value::String(kind.as_str().into());
    let writer = app.library.clone();
    let saved = blocking(move || writer.add(&user, value)).await;
    saved_or_refused(saved, &visitor, lang, new_target(kind, lang), || {
        inputs(kind, None, &form, lang)
    })
}

async fn edit_form(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    visitor.writer()?;
    let (lang, _) = language(&params, &headers);
    let reader = app.reader(&visitor);
    let lookup = id.clone();
    let record = blocking(move || reader.record(&lookup))
        .await?
        .ok_or(WebError::NotFound)?;
    let kind = Kind::from_id(&id).ok_or(WebError::NotFound)?;
    let (action, heading) = edit_target(&id, &record, lang);
    let inputs = inputs(kind, Some(&record), &HashMap::new(), lang);
    render_form(
        &visitor,
        lang,
        &params,
        action,
        heading,
        inputs,
        String::new(),
    )
}

async fn update(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    let user = visitor.writer()?.to_string();
    check_csrf(&visitor, form.get("csrf").map_or("", String::as_str))?;
    let (lang, _) = language(&HashMap::new(), &headers);
    let reader = app.reader(&visitor);
    let lookup = id.clone();
    let record = blocking(move || reader.record(&lookup))
        .await?
        .ok_or(WebError::NotFound)?;
    let kind = Kind::from_id(&id).ok_or(WebError::NotFound)?;
    let patch = record_from(kind, &form, Some(&record));
    let writer = app.library.clone();
    let target = id.clone();
    let saved = blocking(move || writer.edit(&user, &target, &patch, None).map(|()| target)).await;
    saved_or_refused(
        saved,
        &visitor,
        lang,
        edit_target(&id, &record, lang),
        || inputs(kind, Some(&record), &form, lang),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_forms_explain_every_field_in_persian() {
        // Bits of the English suffixes and classification help.
        let english = ["one per line", "the id of", "Solar Hijri", "who may see"];
        for kind in Kind::ALL {
            for input in inputs(kind, None, &HashMap::new(), Lang::Fa) {
                assert!(
                    !english.iter().any(|e| input.help.contains(e)),
                    "{kind}.{}: {}",
                    input.name,
                    input.help
                );
            }
        }
    }
}
