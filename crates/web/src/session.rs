//! Who is asking, and signing in and out.
//!
//! A visitor is anonymous (public clearance) unless the request carries a live session cookie
//! (`__Host-rightsdoc`: Secure, HttpOnly, SameSite=Strict, a new one at every login) or an API
//! token (`Authorization: Bearer …`). Every form that changes something carries the session's
//! CSRF token; the login form, before any session, a double-submit token. Failed logins are
//! limited per user name.

use crate::accounts::{Accounts, User};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::{Page, blocking, html, language};
use crate::reader::{Library, Reader, Viewer};
use askama::Template;
use axum::Extension;
use axum::Form;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rand::RngCore;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "__Host-rightsdoc";
const LOGIN_CSRF_COOKIE: &str = "__Host-rightsdoc-login";
/// Failed logins allowed per user name within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// Failed logins allowed from one address (whatever the names tried) within the window; an
/// office behind one address has several people.
pub const MAX_FAILURES_PER_CLIENT: usize = 20;
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Everything a request needs: the archive (through readers only) and the accounts.
pub struct App {
    pub library: Arc<Library>,
    pub accounts: Accounts,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

/// The person behind a request.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub user: Option<User>,
    pub viewer: Viewer,
    /// The session's CSRF token (browser sessions only).
    pub csrf: Option<String>,
}

impl Visitor {
    pub const ANONYMOUS: Visitor = Visitor {
        user: None,
        viewer: Viewer::ANONYMOUS,
        csrf: None,
    };

    fn signed_in(user: User, csrf: Option<String>) -> Visitor {
        Visitor {
            viewer: Viewer {
                clearance: user.role.clearance(),
            },
            user: Some(user),
            csrf,
        }
    }

    /// Editors and admins write records; everyone else only reads. A writer must be cleared
    /// for everything: an edit is a merge patch on the whole stored record, and a refused
    /// write names what is stored.
    pub fn can_write(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.writes())
    }

    /// The name to log a write under, or why this visitor may not write.
    pub fn writer(&self) -> Result<&str, WebError> {
        match &self.user {
            Some(u) if self.can_write() => Ok(&u.name),
            Some(_) => Err(WebError::Forbidden),
            None => Err(WebError::SignInFirst),
        }
    }
}

impl App {
    pub fn open(dir: &Path) -> Result<App, WebError> {
        Ok(App {
            library: Arc::new(Library::open(dir)?),
            accounts: Accounts::open(dir)?,
            failures: Mutex::new(HashMap::new()),
        })
    }

    /// The visitor of a request: a session cookie or a bearer token, else anonymous.
    pub fn visitor(&self, headers: &HeaderMap) -> Visitor {
        let (token, browser) = match (bearer(headers), cookie(headers, SESSION_COOKIE)) {
            (Some(t), _) => (t, false),
            (None, Some(c)) => (c, true),
            (None, None) => return Visitor::ANONYMOUS,
        };
        match self.accounts.session(&token) {
            Ok(Some(live)) => Visitor::signed_in(live.user, browser.then_some(live.csrf)),
            Ok(None) => Visitor::ANONYMOUS,
            Err(e) => {
                eprintln!("rightsdoc serve: sessions: {e}");
                Visitor::ANONYMOUS
            }
        }
    }

    /// The visitor of an API request that changes something: only an API token counts. A
    /// browser's session cookie is ignored, since such requests carry no CSRF token and a
    /// page of another site could send them with the cookie.
    pub fn token_visitor(&self, headers: &HeaderMap) -> Result<Visitor, WebError> {
        let token = bearer(headers).ok_or(WebError::NeedsToken { invalid: false })?;
        match self.accounts.session(&token)? {
            Some(live) if live.api => Ok(Visitor::signed_in(live.user, None)),
            _ => Err(WebError::NeedsToken { invalid: true }),
        }
    }

    /// A reader for a request's visitor.
    pub fn reader(&self, visitor: &Visitor) -> Reader {
        let reader = self.library.reader(visitor.viewer);
        match &visitor.user {
            Some(user) => reader.audited(&user.name),
            None => reader,
        }
    }

    /// Whether logins for `name`, or from `client`, must wait; records nothing.
    fn locked_out(&self, name: &str, client: Option<IpAddr>) -> bool {
        let mut failures = self.failures.lock().expect("failures lock");
        let mut recent = |key: String| {
            let times = failures.entry(key).or_default();
            times.retain(|t| t.elapsed() < FAILURE_WINDOW);
            times.len()
        };
        recent(format!("name:{name}")) >= MAX_FAILURES
            || client.is_some_and(|ip| recent(format!("ip:{ip}")) >= MAX_FAILURES_PER_CLIENT)
    }

    fn record_failure(&self, name: &str, client: Option<IpAddr>) {
        let mut failures = self.failures.lock().expect("failures lock");
        let keys =
            std::iter::once(format!("name:{name}")).chain(client.map(|ip| format!("ip:{ip}")));
        for key in keys {
            failures.entry(key).or_default().push(Instant::now());
        }
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(response: &mut Response, name: &str, value: &str, max_age: Option<u64>) {
    let age = max_age.map_or(String::new(), |a| format!("; Max-Age={a}"));
    let text = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict{age}");
    if let Ok(v) = HeaderValue::from_str(&text) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Constant-time comparison of two tokens.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Check the CSRF token of a form a signed-in visitor sent.
pub fn check_csrf(visitor: &Visitor, sent: &str) -> Result<(), WebError> {
    match &visitor.csrf {
        Some(expected) if same_token(expected, sent) => Ok(()),
        _ => Err(WebError::Forbidden),
    }
}

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    csrf: String,
    error: String,
    name: String,
}

fn login_page(
    lang: Lang,
    params: &HashMap<String, String>,
    error: &str,
    name: &str,
) -> Result<Response, WebError> {
    let csrf = random_hex();
    let body = LoginPage {
        page: Page::new(
            lang,
            lang.t("sign_in"),
            "/login",
            params,
            &Visitor::ANONYMOUS,
        ),
        csrf: csrf.clone(),
        error: error.to_string(),
        name: name.to_string(),
    }
    .render()?;
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut response = html(body, lang, false, status);
    set_cookie(&mut response, LOGIN_CSRF_COOKIE, &csrf, Some(3600));
    Ok(response)
}

async fn login_form(
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (lang, _) = language(&params, &headers);
    login_page(lang, &params, "", "")
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    code: String,
    csrf: String,
}

async fn login(
    State(app): State<Arc<App>>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let client = client.map(|Extension(ConnectInfo(addr))| addr.ip());
    let (lang, _) = language(&HashMap::new(), &headers);
    let params = HashMap::new();
    let double_submit = cookie(&headers, LOGIN_CSRF_COOKIE);
    if !double_submit.is_some_and(|c| same_token(&c, &form.csrf)) {
        return Err(WebError::Forbidden);
    }
    if app.locked_out(&form.name, client) {
        let mut response = login_page(lang, &params, lang.t("too_many"), &form.name)?;
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(response);
    }
    let attempt = app.clone();
    let name = form.name.clone();
    let result = blocking(move || {
        let code = (!form.code.trim().is_empty()).then_some(form.code.as_str());
        match attempt.accounts.login(&form.name, &form.password, code) {
            Ok(ok) => Ok(Some(ok)),
            Err(crate::accounts::AccountError::BadLogin) => Ok(None),
            Err(e) => Err(WebError::from(e)),
        }
    })
    .await?;
    let Some((user, session)) = result else {
        app.record_failure(&name, client);
        return login_page(lang, &params, lang.t("bad_login"), &name);
    };
    eprintln!(
        "rightsdoc serve: {} ({}) signed in",
        user.name,
        user.role.as_str()
    );
    let mut response = Redirect::to("/").into_response();
    set_cookie(&mut response, SESSION_COOKIE, &session.token, None);
    set_cookie(&mut response, LOGIN_CSRF_COOKIE, "", Some(0));
    Ok(response)
}

#[derive(Deserialize)]
struct LogoutForm {
    csrf: String,
}

async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, WebError> {
    let visitor = app.visitor(&headers);
    check_csrf(&visitor, &form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        app.accounts.logout(&token)?;
    }
    let mut response = Redirect::to("/").into_response();
    set_cookie(&mut response, SESSION_COOKIE, "", Some(0));
    Ok(response)
}
