//! The HTML pages: dashboard, search, record pages and lists. Each handler builds a
//! [`Reader`](crate::reader::Reader) for the visitor and renders what it returns.

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::map::{self, MapView, Marker};
use crate::reader::{Reader, label_of};
use crate::session::Visitor;
use crate::view::{self, RecordView, href, humanize};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use rightsdoc_model::Kind;
use rightsdoc_model::names::{Script, script, transliterate};
use rightsdoc_search::{Facet, SearchQuery};
use rightsdoc_stats::{By, stats};
use std::collections::HashMap;

const PAGE_SIZE: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/search", get(search))
        .route("/static/app.css", get(stylesheet))
        .route("/{section}", get(list))
        .route("/{section}/{id}", get(record))
}

type Params = Query<HashMap<String, String>>;

/// What every page's layout needs.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    /// The search box's text.
    pub query: String,
    /// This page in the other language.
    pub switch_href: String,
    /// The signed-in user's name and role ("" when anonymous), and the session's CSRF token
    /// for the sign-out form.
    pub user: String,
    pub role: String,
    pub csrf: String,
    /// The visitor may create and edit records (editors and admins).
    pub can_write: bool,
}

impl Page {
    pub fn new(
        lang: Lang,
        title: impl Into<String>,
        path: &str,
        params: &HashMap<String, String>,
        visitor: &Visitor,
    ) -> Page {
        let mut other: Vec<(String, String)> = params
            .iter()
            .filter(|(k, _)| *k != "lang")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        other.sort();
        other.push(("lang".into(), lang.other().code().into()));
        let query = serde_urlencoded(&other);
        Page {
            lang,
            title: title.into(),
            query: params.get("q").cloned().unwrap_or_default(),
            switch_href: format!("{path}?{query}"),
            user: visitor
                .user
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            role: visitor
                .user
                .as_ref()
                .map(|u| u.role.as_str().to_string())
                .unwrap_or_default(),
            csrf: visitor.csrf.clone().unwrap_or_default(),
            can_write: visitor.can_write(),
        }
    }
}

fn serde_urlencoded(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encoding for a query component.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The interface language: `?lang=` (then remembered in a cookie), else the cookie, else
/// English.
pub(crate) fn language(params: &HashMap<String, String>, headers: &HeaderMap) -> (Lang, bool) {
    if let Some(l) = params.get("lang").and_then(|l| Lang::parse(l)) {
        return (l, true);
    }
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix("lang="))
        .find_map(Lang::parse);
    (from_cookie.unwrap_or(Lang::En), false)
}

/// An HTML response; sets the language cookie when the visitor chose a language.
pub(crate) fn html(body: String, lang: Lang, remember: bool, status: StatusCode) -> Response {
    let mut response = (status, Html(body)).into_response();
    if remember {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

tokio::task_local! {
    /// Set for the handling of a request that reads: the readers' threads (see [`on_readers`]).
    static READING: tokio::runtime::Handle;
}

/// Runs `next` on the readers' threads when the request only reads (GET, HEAD); see
/// [`crate::reader::Readers`].
pub(crate) async fn on_readers(
    State(app): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        let readers = app.library.readers.handle().clone();
        READING.scope(readers, next.run(request)).await
    } else {
        next.run(request).await
    }
}

/// Run archive work off the async threads: on the readers' threads for a request that
/// reads, else on the runtime's blocking threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    let task = match READING.try_with(|readers| readers.clone()) {
        Ok(readers) => readers.spawn_blocking(f),
        Err(_) => tokio::task::spawn_blocking(f),
    };
    task.await.map_err(|_| WebError::Cancelled)?
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

// ---------------------------------------------------------------------------------------------
// Dashboard

pub struct Count {
    pub label: String,
    pub count: u64,
    pub href: String,
}

pub struct Bar {
    /// The label beside the bar, shortened to fit; `title` is the whole one (its tooltip).
    pub label: String,
    pub title: String,
    pub count: u64,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub label_x: u32,
}

pub struct Chart {
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
    pub notes: Vec<String>,
}

impl Chart {
    /// A horizontal bar chart of `rows` (label, count), drawn as SVG by the template.
    fn new(title: &str, rows: Vec<(String, u64)>, notes: Vec<String>) -> Chart {
        const LABEL: u32 = 190;
        const PLOT: u32 = 420;
        const ROW: u32 = 24;
        let max = rows.iter().map(|(_, c)| *c).max().unwrap_or(1).max(1);
        let bars = rows
            .into_iter()
            .enumerate()
            .map(|(i, (label, count))| Bar {
                w: ((count as f64 / max as f64) * PLOT as f64).round().max(1.0) as u32,
                x: LABEL + 8,
                y: i as u32 * ROW + 4,
                label_x: LABEL,
                label: short_label(&label),
                title: label,
                count,
            })
            .collect::<Vec<_>>();
        Chart {
            title: title.to_string(),
            width: LABEL + PLOT + 70,
            height: bars.len() as u32 * ROW + 8,
            bars,
            notes,
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Page,
    counts: Vec<Count>,
    charts: Vec<Chart>,
}

async fn dashboard(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let body = blocking(move || {
        let snap = reader.snapshot_of(&[
            Kind::Act,
            Kind::Event,
            Kind::Place,
            Kind::Recommendation,
            Kind::Review,
        ])?;
        let counts = [
            (Kind::Person, "people"),
            (Kind::Event, "events"),
            (Kind::Place, "places"),
            (Kind::Organization, "organizations"),
            (Kind::Recommendation, "recommendations"),
            (Kind::Source, "sources"),
        ]
        .into_iter()
        .map(|(kind, key)| {
            Ok(Count {
                label: lang.t(key).to_string(),
                count: reader.count(kind)?,
                href: format!("/{}", view::section(kind)),
            })
        })
        .collect::<Result<Vec<_>, WebError>>()?;
        let chart = |by: By, key: &str, sort_by_count: bool| -> Result<Chart, WebError> {
            let table = stats(&snap, by, &[])?;
            let mut rows: Vec<(String, u64)> = table
                .rows
                .iter()
                .map(|r| (row_label(by, r, lang), r.count))
                .collect();
            if sort_by_count {
                rows.sort_by_key(|r| std::cmp::Reverse(r.1));
            }
            Ok(Chart::new(lang.t(key), rows, table.notes.clone()))
        };
        let page = DashboardPage {
            page: Page::new(lang, lang.t("dashboard"), "/", &params, &visitor),
            counts,
            charts: vec![
                chart(By::Year, "acts_per_year", false)?,
                chart(By::Act, "acts_per_type", true)?,
                chart(By::Response, "upr_responses", true)?,
            ],
        };
        Ok(page.render()?)
    })
    .await?;
    Ok(html(body, lang, remember, StatusCode::OK))
}

/// A statistics row's label in the interface language: a vocabulary term's own label where
/// the dimension counts terms, else the row's label.
pub(crate) fn row_label(by: By, row: &rightsdoc_stats::Row, lang: Lang) -> String {
    by.vocabulary()
        .and_then(|vocab| rightsdoc_model::vocab::vocabularies().term(vocab, &row.key))
        .map_or_else(
            || row.label.clone(),
            |term| match lang {
                Lang::En => term.en.clone(),
                Lang::Fa => term.fa.clone(),
            },
        )
}

/// A bar's label: long labels are shortened (the whole one is in the bar's tooltip).
fn short_label(one: &str) -> String {
    if one.chars().count() > 28 {
        format!("{}…", one.chars().take(27).collect::<String>())
    } else {
        one.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Search

pub struct HitView {
    pub href: String,
    pub label: String,
    pub kind: String,
    pub other_names: String,
}

pub struct FacetValue {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct FacetView {
    pub title: String,
    pub values: Vec<FacetValue>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: Page,
    searched: bool,
    total: usize,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
}

async fn search(
    State(app): State<AppState>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let body = blocking(move || {
        let text = params.get("q").cloned().unwrap_or_default();
        let mut page = SearchPage {
            page: Page::new(lang, lang.t("search"), "/search", &params, &visitor),
            searched: false,
            total: 0,
            hits: Vec::new(),
            facets: Vec::new(),
        };
        let filters: Vec<(Facet, String)> = Facet::ALL
            .iter()
            .filter_map(|f| params.get(f.as_str()).map(|v| (*f, v.clone())))
            .collect();
        if text.trim().is_empty() && filters.is_empty() {
            return Ok(page.render()?);
        }
        let mut q = SearchQuery::new(text.clone());
        q.limit = 50;
        q.filters = filters.clone();
        let results = reader.search(&q)?;
        let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
        let names = other_names(&reader, &ids)?;
        page.searched = true;
        page.total = results.total;
        page.hits = results
            .hits
            .iter()
            .map(|h| HitView {
                href: href(&h.id),
                label: h.label.clone(),
                kind: humanize(h.kind.as_str()),
                other_names: names.get(&h.id).cloned().unwrap_or_default(),
            })
            .collect();
        let facet_ids: Vec<String> = results
            .facets
            .values()
            .flatten()
            .map(|(v, _)| v.clone())
            .filter(|v| Kind::from_id(v).is_some())
            .collect();
        let labels = reader.labels(&facet_ids)?;
        page.facets = results
            .facets
            .iter()
            .map(|(name, values)| FacetView {
                title: lang.t(&format!("facet_{name}")).to_string(),
                values: values
                    .iter()
                    .take(12)
                    .map(|(v, n)| {
                        let mut p: Vec<(String, String)> = vec![("q".into(), text.clone())];
                        for (f, fv) in &filters {
                            if f.as_str() != name {
                                p.push((f.as_str().into(), fv.clone()));
                            }
                        }
                        p.push((name.clone(), v.clone()));
                        FacetValue {
                            label: labels.get(v).cloned().unwrap_or_else(|| humanize(v)),
                            count: *n,
                            active: filters.iter().any(|(f, fv)| f.as_str() == name && fv == v),
                            href: format!("/search?{}", serde_urlencoded(&p)),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(page.render()?)
    })
    .await?;
    Ok(html(body, lang, remember, StatusCode::OK))
}

/// For each hit, its names other than the label (the other script), as the viewer sees them.
fn other_names(reader: &Reader, ids: &[String]) -> Result<HashMap<String, String>, WebError> {
    let mut out = HashMap::new();
    for id in ids {
        if let Some(v) = reader.record(id)? {
            let label = label_of(&v);
            let mut names: Vec<String> = v["names"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(rightsdoc_model::plain_str)
                .filter(|n| *n != label)
                .map(str::to_string)
                .collect();
            // A name known only in Persian script is also shown transliterated, so a reader
            // of either script can tell the results apart.
            if names.is_empty() && script(&label) == Script::Persian {
                names.push(transliterate(&label));
            }
            out.insert(id.clone(), names.join(" · "));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Record pages

pub struct Referrer {
    pub href: String,
    pub text: String,
    pub label: String,
}

pub struct HistoryRow {
    pub seq: u64,
    pub action: String,
    pub time: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    page: Page,
    r: RecordView,
    timeline: Vec<TimelineRow>,
    posts: Vec<PostRow>,
    map: Option<MapView>,
    referrers: Vec<Referrer>,
    /// For a person: records a reviewer decided are the same person, and open candidates.
    same_as: Vec<Link>,
    possible: Vec<Link>,
    history: Vec<HistoryRow>,
    /// For an evidence item: its file, the claims it makes, its copies, its chain of custody.
    evidence: Option<crate::evidence::EvidenceView>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub page: Page,
    pub message: String,
}

pub(crate) fn not_found(
    lang: Lang,
    path: &str,
    params: &HashMap<String, String>,
    visitor: &Visitor,
) -> Result<String, WebError> {
    Ok(MessagePage {
        page: Page::new(lang, "404", path, params, visitor),
        message: lang.t("not_found").to_string(),
    }
    .render()?)
}

async fn record(
    State(app): State<AppState>,
    Path((section, id)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let path = format!("/{section}/{id}");
    let found = blocking(move || {
        // The section must be the record's own (`/people/evt_…` is not a page).
        let Some(kind) = Kind::from_id(&id).filter(|k| view::section(*k) == section) else {
            return Ok(Err(not_found(lang, &path, &params, &visitor)?));
        };
        let Some(v) = reader.open(&id, "page")? else {
            return Ok(Err(not_found(lang, &path, &params, &visitor)?));
        };
        let labels = reader.labels(&view::referenced_ids(&v))?;
        let mut r = view::record_view(&v, &labels, lang);
        let history = reader
            .history(&id)?
            .unwrap_or_default()
            .into_iter()
            .map(|h| HistoryRow {
                seq: h.seq,
                action: h.action,
                time: h.time,
                actor: h.actor,
            })
            .collect();
        let referring = reader.referrers(&id)?;
        // The place itself, or the places the record names, on the map.
        let mut places = vec![v.clone()];
        for pid in view::referenced_ids(&v) {
            if Kind::from_id(&pid) == Some(Kind::Place)
                && let Some(p) = reader.record(&pid)?
            {
                places.push(p);
            }
        }
        let markers: Vec<Marker> = places
            .iter()
            .filter_map(|p| {
                let pid = p["id"].as_str()?;
                map::marker(p, label_of(p), href(pid))
            })
            .collect();
        let map = map::map_of(markers, lang.t("map_caption").to_string());
        let posts = if kind == Kind::Person {
            posts_held(&reader, &id, lang)?
        } else {
            Vec::new()
        };
        let timeline = if kind == Kind::Event {
            timeline(&reader, &id, lang)?
        } else {
            Vec::new()
        };
        let (same_as, possible) = if kind == Kind::Person {
            identities(&reader, &id, &referring)?
        } else {
            (Vec::new(), Vec::new())
        };
        // An evidence item's file, copies and custody entries have panels of their own.
        let (evidence, referring) = if kind == Kind::Evidence {
            let mut rest = v.clone();
            if let Some(o) = rest.as_object_mut() {
                for k in crate::evidence::SHOWN_FIELDS {
                    o.remove(*k);
                }
            }
            r.fields = view::record_view(&rest, &labels, lang).fields;
            let item = crate::evidence::item_view(&reader, &v, &referring, lang)?;
            let others = referring
                .into_iter()
                .filter(|(x, path)| {
                    !(x["kind"] == "custody" && path.starts_with("evidence")
                        || x["kind"] == "evidence" && path.starts_with("derived_from"))
                })
                .collect();
            (Some(item), others)
        } else {
            (None, referring)
        };
        let referrers = referrers(referring, lang);
        let page = RecordPage {
            evidence,
            same_as,
            possible,
            timeline,
            posts,
            map,
            page: Page::new(
                lang,
                format!("{} · {}", r.title, humanize(kind.as_str())),
                &path,
                &params,
                &visitor,
            ),
            r,
            referrers,
            history,
        };
        Ok(Ok(page.render()?))
    })
    .await?;
    Ok(match found {
        Ok(body) => html(body, lang, remember, StatusCode::OK),
        Err(body) => html(body, lang, remember, StatusCode::NOT_FOUND),
    })
}

pub struct TimelineRow {
    pub date: String,
    pub what: String,
    pub who: String,
    pub href: String,
}

/// What happened in an event, in date order: the acts (and other dated records) that name it.
/// Undated ones come last; uncertain dates stay as recorded (EDTF).
fn timeline(reader: &Reader, event: &str, lang: Lang) -> Result<Vec<TimelineRow>, WebError> {
    let entries: Vec<serde_json::Value> = reader
        .referrers(event)?
        .into_iter()
        .filter(|(_, path)| path == "event")
        .map(|(v, _)| v)
        .collect();
    let people: Vec<String> = entries
        .iter()
        .filter_map(|v| {
            v["victim"]
                .as_str()
                .or(v["actor"].as_str())
                .map(str::to_string)
        })
        .collect();
    let labels = reader.labels(&people)?;
    let mut rows: Vec<TimelineRow> = entries
        .iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap_or_default();
            let date = ["date", "period"]
                .iter()
                .find_map(|k| rightsdoc_model::plain_str(&v[*k]))
                .unwrap_or_default()
                .to_string();
            let what = rightsdoc_model::plain_str(&v["act_type"])
                .or_else(|| rightsdoc_model::plain_str(&v["role"]))
                .map(|t| {
                    rightsdoc_model::vocab::vocabularies()
                        .term("act_type", t)
                        .or_else(|| {
                            rightsdoc_model::vocab::vocabularies().term("involvement_role", t)
                        })
                        .map_or_else(
                            || humanize(t),
                            |term| match lang {
                                Lang::En => term.en.clone(),
                                Lang::Fa => term.fa.clone(),
                            },
                        )
                })
                .unwrap_or_else(|| label_of(v));
            let who = v["victim"]
                .as_str()
                .or(v["actor"].as_str())
                .map(|p| labels.get(p).cloned().unwrap_or_default())
                .unwrap_or_default();
            TimelineRow {
                date,
                what,
                who,
                href: href(id),
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.date.is_empty(), &a.date).cmp(&(b.date.is_empty(), &b.date)));
    Ok(rows)
}

pub struct PostRow {
    pub role: String,
    pub organization: String,
    pub organization_href: String,
    pub period: String,
    pub holds_now: bool,
}

/// The posts a person held, in time order, marking those they hold today (for perpetrators:
/// who commanded what, when, and who is still in office).
fn posts_held(reader: &Reader, person: &str, lang: Lang) -> Result<Vec<PostRow>, WebError> {
    let snap = reader.snapshot_of(&[Kind::Post, Kind::Organization, Kind::Involvement])?;
    let now: std::collections::HashSet<(String, String)> =
        rightsdoc_stats::holds_office_now(&snap, today())
            .into_iter()
            .filter(|l| l.person == person && !l.certainty.contains("not recorded"))
            .map(|l| (l.role, l.organization))
            .collect();
    let mut rows: Vec<PostRow> = snap
        .of_kind("post")
        .filter(|p| p["person"].as_str() == Some(person))
        .map(|p| {
            let role = rightsdoc_model::plain_str(&p["role"])
                .unwrap_or_default()
                .to_string();
            let org = p["organization"].as_str().unwrap_or_default().to_string();
            let period = match &p["period"] {
                serde_json::Value::Array(v) => v
                    .iter()
                    .filter_map(rightsdoc_model::plain_str)
                    .collect::<Vec<_>>()
                    .join(" | "),
                other => rightsdoc_model::plain_str(other)
                    .unwrap_or(lang.t("unknown"))
                    .to_string(),
            };
            PostRow {
                holds_now: now.contains(&(role.clone(), org.clone())),
                organization: snap.label(&org),
                organization_href: href(&org),
                role,
                period,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.period.cmp(&b.period));
    Ok(rows)
}

/// Today's date (UTC), for "holds office now".
fn today() -> rightsdoc_model::dates::Day {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    rightsdoc_model::dates::Day::new(year, month, day).expect("a valid civil date")
}

/// The other records of a person's visible match records: those decided to be the same
/// person, and those proposed or deferred.
fn identities(
    reader: &Reader,
    id: &str,
    referring: &[(serde_json::Value, String)],
) -> Result<(Vec<Link>, Vec<Link>), WebError> {
    let (mut same, mut open) = (Vec::new(), Vec::new());
    for (m, _) in referring {
        if m["kind"] != "match" {
            continue;
        }
        let others: Vec<String> = m["records"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .filter(|other| *other != id)
            .map(str::to_owned)
            .collect();
        let labels = reader.labels(&others)?;
        for other in others {
            let Some(text) = labels.get(&other).cloned() else {
                continue;
            };
            let link = Link {
                href: href(&other),
                text,
            };
            match m["decision"].as_str() {
                Some("same") => same.push(link),
                Some("proposed" | "deferred") => open.push(link),
                _ => {}
            }
        }
    }
    Ok((same, open))
}

/// The visible records that refer to a record, with the field that does, for the page.
fn referrers(referring: Vec<(serde_json::Value, String)>, lang: Lang) -> Vec<Referrer> {
    referring
        .into_iter()
        .map(|(v, path)| Referrer {
            href: href(v["id"].as_str().unwrap_or_default()),
            text: label_of(&v),
            label: crate::i18n::field_label(
                path.split(['.', '[']).next().unwrap_or_default(),
                lang,
            ),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Lists

pub struct Link {
    pub href: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    page: Page,
    map: Option<MapView>,
    items: Vec<Link>,
    total: usize,
    shown_from: usize,
    shown_to: usize,
    prev_href: String,
    next_href: String,
    new_href: String,
}

async fn list(
    State(app): State<AppState>,
    Path(section): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, remember) = language(&params, &headers);
    let visitor = app.visitor(&headers);
    let reader = app.reader(&visitor);
    let kind = Kind::ALL
        .into_iter()
        .find(|k| view::section(*k) == section && section != "records")
        .ok_or(WebError::NotFound)?;
    let page_no: usize = params
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let body = blocking(move || {
        let offset = (page_no - 1) * PAGE_SIZE;
        let (records, total) = reader.list(kind, offset, PAGE_SIZE)?;
        let items: Vec<Link> = records
            .iter()
            .map(|v| Link {
                href: href(v["id"].as_str().unwrap_or_default()),
                text: label_of(v),
            })
            .collect();
        // Places: every one with a position on one map, not only this page's.
        let map = if kind == Kind::Place {
            let (all, _) = reader.list(Kind::Place, 0, 5_000)?;
            let markers = all
                .iter()
                .filter_map(|p| map::marker(p, label_of(p), href(p["id"].as_str()?)))
                .collect();
            map::map_of(markers, lang.t("map_caption").to_string())
        } else {
            None
        };
        let path = format!("/{section}");
        let page_href = |n: usize| format!("{path}?page={n}");
        let page = ListPage {
            map,
            page: Page::new(lang, lang.t(&section), &path, &params, &visitor),
            shown_from: if items.is_empty() { 0 } else { offset + 1 },
            shown_to: offset + items.len(),
            prev_href: if page_no > 1 {
                page_href(page_no - 1)
            } else {
                String::new()
            },
            next_href: if offset + items.len() < total {
                page_href(page_no + 1)
            } else {
                String::new()
            },
            items,
            total,
            // Evidence comes with its file: the upload, not the record form.
            new_href: match kind {
                Kind::Evidence => "/evidence/new".to_string(),
                _ => format!("/new/{}", kind.as_str()),
            },
        };
        Ok(page.render()?)
    })
    .await?;
    Ok(html(body, lang, remember, StatusCode::OK))
}

#[cfg(test)]
mod tests {
    use super::{READING, blocking};
    use crate::WebError;
    use crate::reader::Readers;

    /// Readers have threads of their own, so that writes waiting on the store's lock and
    /// downloads to slow clients (on the runtime's blocking threads) never hold them back.
    #[tokio::test]
    async fn work_for_a_read_runs_on_the_readers_threads_and_other_work_does_not() {
        let readers = Readers::start(2).unwrap();
        let thread = || Ok::<_, WebError>(std::thread::current().name().map(str::to_owned));
        let read = READING
            .scope(readers.handle().clone(), blocking(thread))
            .await
            .unwrap();
        assert_eq!(read.as_deref(), Some("rightsdoc-reader"));
        let other = blocking(thread).await.unwrap();
        assert_ne!(other.as_deref(), Some("rightsdoc-reader"));
    }
}
