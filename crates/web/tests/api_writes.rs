//! Writing through the JSON API with API tokens: creates that are safe to retry, merge-patch
//! edits that refuse stale copies, deletes with a reason, the answers' statuses and problem
//! details, who may write, and the log naming the writer.

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use rightsdoc_archive::Archive;
use rightsdoc_model::Classification;
use rightsdoc_web::accounts::Role;
use rightsdoc_web::{App, SESSION_COOKIE, router};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    app: axum::Router,
    accounts: Arc<App>,
    /// API tokens.
    editor: String,
    researcher: String,
    viewer: String,
    /// A public person, an act that refers to them, and a source nothing refers to.
    victim: String,
    act: String,
    source: String,
}

const EDITOR_PASSWORD: &str = "a long editor password";

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    let victim = a
        .add(json!({"kind": "person", "names": ["Public Name"]}))
        .unwrap()
        .id;
    let event = a
        .add(json!({"kind": "event", "title": "Executions", "period": "1988"}))
        .unwrap()
        .id;
    let act = a
        .add(json!({"kind": "act", "victim": victim, "event": event, "act_type": "execution"}))
        .unwrap()
        .id;
    let source = a
        .add(json!({"kind": "source", "title": "A report", "source_type": "report"}))
        .unwrap()
        .id;
    drop(a);
    let app = Arc::new(App::open(&dir).unwrap());
    let accounts = &app.accounts;
    accounts
        .add_user("eddie", Role::Editor, EDITOR_PASSWORD)
        .unwrap();
    accounts
        .add_user("rana", Role::Researcher, "a long researcher password")
        .unwrap();
    accounts
        .add_user("vera", Role::Viewer, "a long viewer password")
        .unwrap();
    let token = |name: &str| accounts.add_token(name, "tests").unwrap();
    Fixture {
        editor: token("eddie"),
        researcher: token("rana"),
        viewer: token("vera"),
        _tmp: tmp,
        dir,
        app: router(app.clone()),
        accounts: app,
        victim,
        act,
        source,
    }
}

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name}: {self:?}"))
            .to_str()
            .unwrap()
    }
}

/// A request to `uri` with optional bearer token, extra headers and JSON body.
async fn call(
    app: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    extra: &[(header::HeaderName, &str)],
    body: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    for (name, value) in extra {
        req = req.header(name, *value);
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

async fn post(f: &Fixture, token: &str, record: &Value) -> Answer {
    call(
        &f.app,
        Method::POST,
        "/api/v1/records",
        Some(token),
        &[],
        Some(&record.to_string()),
    )
    .await
}

/// A write to record `id` with the editor's token.
async fn write(
    f: &Fixture,
    method: Method,
    id: &str,
    if_match: Option<&str>,
    body: &str,
) -> Answer {
    let extra: Vec<_> = if_match
        .map(|m| (header::IF_MATCH, m))
        .into_iter()
        .collect();
    call(
        &f.app,
        method,
        &format!("/api/v1/records/{id}"),
        Some(&f.editor),
        &extra,
        Some(body),
    )
    .await
}

async fn patch(f: &Fixture, id: &str, if_match: Option<&str>, patch: &Value) -> Answer {
    write(f, Method::PATCH, id, if_match, &patch.to_string()).await
}

async fn delete(f: &Fixture, id: &str, if_match: Option<&str>, body: &str) -> Answer {
    write(f, Method::DELETE, id, if_match, body).await
}

async fn read(f: &Fixture, id: &str) -> Answer {
    call(
        &f.app,
        Method::GET,
        &format!("/api/v1/records/{id}"),
        Some(&f.editor),
        &[],
        None,
    )
    .await
}

fn log_size(f: &Fixture) -> u64 {
    Archive::open(&f.dir, "tester")
        .unwrap()
        .store()
        .log_size()
        .unwrap()
}

/// (actor, action) of every operation on `id`.
fn history(f: &Fixture, id: &str) -> Vec<(String, String)> {
    Archive::open(&f.dir, "tester")
        .unwrap()
        .history(id, Classification::Confidential)
        .unwrap()
        .into_iter()
        .map(|h| (h.actor, h.action))
        .collect()
}

/// A problem detail with this status, as `application/problem+json`.
fn assert_problem(a: &Answer, status: StatusCode) -> Value {
    assert_eq!(a.status, status, "{}", a.body);
    assert_eq!(a.header(header::CONTENT_TYPE), "application/problem+json");
    let problem = a.json();
    assert_eq!(problem["status"], status.as_u16());
    assert!(!problem["detail"].as_str().unwrap().is_empty());
    problem
}

#[tokio::test]
async fn a_created_record_answers_201_and_sending_it_again_answers_200_writing_nothing() {
    let f = fixture();
    let record = json!({"kind": "person", "id": "psn_list-a-17",
        "names": [{"value": "محمد رضایی", "lang": "fa"}], "death": "1367-05 SH"});
    let created = post(&f, &f.editor, &record).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        created.header(header::LOCATION),
        "/api/v1/records/psn_list-a-17"
    );
    let stored = created.json();
    assert_eq!(stored["id"], "psn_list-a-17");
    // Solar Hijri converted to the Gregorian days it covers, what was written kept.
    assert_eq!(stored["death"]["edtf"], "1988-07-23/1988-08-22");
    assert_eq!(stored["death"]["original"], "1367-05 SH");
    // The ETag is the version a GET gives.
    let got = read(&f, "psn_list-a-17").await;
    assert_eq!(got.json(), stored);
    assert_eq!(got.header(header::ETAG), created.header(header::ETAG));
    assert_eq!(
        history(&f, "psn_list-a-17"),
        [("eddie".into(), "create".into())]
    );

    // A client that did not hear the answer sends it again: the same answer, nothing written.
    let before = log_size(&f);
    let again = post(&f, &f.editor, &record).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json(), stored);
    assert_eq!(again.header(header::ETAG), created.header(header::ETAG));
    assert_eq!(log_size(&f), before);

    // Other content under that id: refused, and said how to change it.
    let mut other = record.clone();
    other["death"] = json!("1367-06 SH");
    let conflict = assert_problem(&post(&f, &f.editor, &other).await, StatusCode::CONFLICT);
    assert!(
        conflict["detail"].as_str().unwrap().contains("PATCH"),
        "{conflict}"
    );
    assert_eq!(log_size(&f), before);

    // Without an id, one is made with the kind's prefix.
    let made = post(
        &f,
        &f.editor,
        &json!({"kind": "organization", "names": ["Ministry of Intelligence"]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert!(made.json()["id"].as_str().unwrap().starts_with("org_"));
}

#[tokio::test]
async fn a_refused_record_names_the_field_and_why_and_writes_nothing() {
    let f = fixture();
    let before = log_size(&f);
    let cases = [
        (
            json!({"kind": "person", "names": ["A"], "birth": "19x5"}),
            "birth",
            "19x5",
        ),
        (
            json!({"kind": "person", "id": "org_wrong-kind", "names": ["A"]}),
            "id",
            "psn_",
        ),
        (
            json!({"kind": "person", "names": ["A"], "colour": "red"}),
            "colour",
            "unknown field",
        ),
        (
            json!({"kind": "act", "victim": "psn_nobody", "act_type": "execution"}),
            "victim",
            "psn_nobody",
        ),
        (
            json!({"kind": "evidence", "sha256": "00"}),
            "kind",
            "/evidence/new",
        ),
    ];
    for (record, field, says) in cases {
        let problem = assert_problem(
            &post(&f, &f.editor, &record).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_eq!(problem["field"], field, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{problem}"
        );
    }
    let not_json = call(
        &f.app,
        Method::POST,
        "/api/v1/records",
        Some(&f.editor),
        &[],
        Some("{\"kind\": "),
    )
    .await;
    let problem = assert_problem(&not_json, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("JSON"));
    assert_eq!(log_size(&f), before, "nothing was written");
}

#[tokio::test]
async fn edits_are_merge_patches_and_a_stale_copy_is_refused_not_written() {
    let f = fixture();
    let first = read(&f, &f.victim).await;
    let seen = first.header(header::ETAG).to_string();
    // One editor changes the record from the copy they read.
    let edited = patch(
        &f,
        &f.victim,
        Some(&seen),
        &json!({"birth": "1341 SH", "sex": "female"}),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let now = edited.header(header::ETAG).to_string();
    assert_ne!(now, seen);
    let record = edited.json();
    assert_eq!(record["birth"]["edtf"], "1962-03-21/1963-03-20");
    assert_eq!(
        record["names"],
        json!([{"value": "Public Name"}]),
        "the rest is kept"
    );
    assert_eq!(read(&f, &f.victim).await.header(header::ETAG), now);

    // A second edit from the first copy is refused with the current ETag; nothing written.
    let before = log_size(&f);
    let stale = patch(&f, &f.victim, Some(&seen), &json!({"sex": "male"})).await;
    assert_problem(&stale, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.header(header::ETAG), now);
    assert_eq!(log_size(&f), before);
    assert_eq!(read(&f, &f.victim).await.json()["sex"], "female");

    // `null` removes a field; `*` and no If-Match edit whatever is current.
    let removed = patch(&f, &f.victim, Some("*"), &json!({"sex": null})).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert!(removed.json().get("sex").is_none());
    let unconditional = patch(&f, &f.victim, None, &json!({"death": "1988"})).await;
    assert_eq!(
        unconditional.status,
        StatusCode::OK,
        "{}",
        unconditional.body
    );

    // Refusals: the field and why; an unknown record; an If-Match that is not one ETag.
    let before = log_size(&f);
    let bad = patch(&f, &f.victim, None, &json!({"death": "19x5"})).await;
    assert_eq!(
        assert_problem(&bad, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "death"
    );
    let kind = patch(&f, &f.victim, None, &json!({"kind": "organization"})).await;
    assert_eq!(
        assert_problem(&kind, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "kind"
    );
    assert_problem(
        &patch(&f, "psn_nobody", None, &json!({"sex": "male"})).await,
        StatusCode::NOT_FOUND,
    );
    for tag in ["W/\"3\"", "\"3\", \"4\"", "3"] {
        assert_problem(
            &patch(&f, &f.victim, Some(tag), &json!({"sex": "male"})).await,
            StatusCode::BAD_REQUEST,
        );
    }
    assert_eq!(log_size(&f), before);

    let actors = history(&f, &f.victim);
    assert_eq!(actors[0], ("tester".into(), "create".into()));
    assert!(
        actors[1..]
            .iter()
            .all(|a| a == &("eddie".into(), "edit".into()))
            && actors.len() == 4,
        "{actors:?}"
    );
}

#[tokio::test]
async fn deletes_need_a_reason_and_leave_records_others_refer_to() {
    let f = fixture();
    let before = log_size(&f);
    let no_reason = delete(&f, &f.source, None, r#"{"reason": "  "}"#).await;
    assert_eq!(
        assert_problem(&no_reason, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "reason"
    );
    assert_problem(
        &delete(&f, &f.source, None, "").await,
        StatusCode::BAD_REQUEST,
    );
    // The victim is referred to by an act: refused, naming it.
    let referred = delete(&f, &f.victim, None, r#"{"reason": "duplicate"}"#).await;
    let problem = assert_problem(&referred, StatusCode::CONFLICT);
    assert!(
        problem["detail"].as_str().unwrap().contains(&f.act),
        "{problem}"
    );
    // A decision made on an old copy is refused.
    let etag = read(&f, &f.source).await.header(header::ETAG).to_string();
    patch(
        &f,
        &f.source,
        None,
        &json!({"publisher": "Amnesty International"}),
    )
    .await;
    let stale = delete(&f, &f.source, Some(&etag), r#"{"reason": "duplicate"}"#).await;
    assert_problem(&stale, StatusCode::PRECONDITION_FAILED);
    assert_eq!(log_size(&f), before + 1, "only the edit was written");

    let current = read(&f, &f.source).await.header(header::ETAG).to_string();
    let deleted = delete(
        &f,
        &f.source,
        Some(&current),
        r#"{"reason": "duplicate of another"}"#,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    assert_problem(&read(&f, &f.source).await, StatusCode::NOT_FOUND);
    assert_eq!(
        history(&f, &f.source).last().unwrap(),
        &("eddie".to_string(), "delete".to_string())
    );
    assert_problem(
        &delete(&f, &f.source, None, r#"{"reason": "again"}"#).await,
        StatusCode::NOT_FOUND,
    );
}

/// An editor's browser session: signed in with password and second factor.
fn editor_session(f: &Fixture) -> String {
    let secret = f
        .accounts
        .accounts
        .add_user("erin", Role::Editor, EDITOR_PASSWORD)
        .unwrap()
        .unwrap();
    let code = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret).to_bytes().unwrap(),
        Some("rightsdoc".into()),
        "erin".into(),
    )
    .unwrap()
    .generate_current()
    .unwrap();
    let (_, session) = f
        .accounts
        .accounts
        .login("erin", EDITOR_PASSWORD, Some(&code))
        .unwrap();
    session.token
}

#[tokio::test]
async fn only_api_tokens_of_editors_and_admins_write() {
    let f = fixture();
    let session = editor_session(&f);
    let cookie = format!("{SESSION_COOKIE}={session}");
    let record = json!({"kind": "person", "names": ["Someone"]}).to_string();
    let writes = [
        (Method::POST, "/api/v1/records".to_string(), record.clone()),
        (
            Method::PATCH,
            format!("/api/v1/records/{}", f.victim),
            r#"{"sex": "male"}"#.into(),
        ),
        (
            Method::DELETE,
            format!("/api/v1/records/{}", f.source),
            r#"{"reason": "spam"}"#.into(),
        ),
    ];
    let before = log_size(&f);
    for (method, uri, body) in &writes {
        // Anonymous: asked for a token.
        let a = call(&f.app, method.clone(), uri, None, &[], Some(body)).await;
        assert_problem(&a, StatusCode::UNAUTHORIZED);
        assert_eq!(
            a.header(header::WWW_AUTHENTICATE),
            r#"Bearer realm="rightsdoc""#
        );
        // An editor's browser session, as a cookie (another site's page could send it) or as
        // a bearer token: not an API token.
        let cookie_only = call(
            &f.app,
            method.clone(),
            uri,
            None,
            &[(header::COOKIE, &cookie)],
            Some(body),
        )
        .await;
        assert_problem(&cookie_only, StatusCode::UNAUTHORIZED);
        for token in [session.as_str(), "not-a-token"] {
            let a = call(&f.app, method.clone(), uri, Some(token), &[], Some(body)).await;
            assert_problem(&a, StatusCode::UNAUTHORIZED);
            assert!(a.header(header::WWW_AUTHENTICATE).contains("invalid_token"));
        }
        // Readers: forbidden, whatever the record.
        for token in [&f.researcher, &f.viewer] {
            let a = call(&f.app, method.clone(), uri, Some(token), &[], Some(body)).await;
            let problem = assert_problem(&a, StatusCode::FORBIDDEN);
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("editors and admins")
            );
        }
    }
    assert_eq!(log_size(&f), before, "nothing was written");
    // The editor's token writes each of them.
    for (method, uri, body) in &writes {
        let a = call(
            &f.app,
            method.clone(),
            uri,
            Some(&f.editor),
            &[],
            Some(body),
        )
        .await;
        assert!(a.status.is_success(), "{method} {uri}: {a:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_id_write_one_record_and_concurrent_edits_one_change() {
    let f = fixture();
    let record = json!({"kind": "person", "id": "psn_sent-twice", "names": ["Retried"]});
    let answers = all_at_once(16, |_| {
        let app = f.app.clone();
        let token = f.editor.clone();
        let body = record.to_string();
        async move {
            call(
                &app,
                Method::POST,
                "/api/v1/records",
                Some(&token),
                &[],
                Some(&body),
            )
            .await
            .status
        }
    })
    .await;
    let created = answers
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let repeated = answers.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!((created, repeated), (1, 15), "{answers:?}");
    assert_eq!(history(&f, "psn_sent-twice").len(), 1);

    // Sixteen edits from the same copy: one is written, the others are told it is stale.
    let etag = read(&f, "psn_sent-twice")
        .await
        .header(header::ETAG)
        .to_string();
    let answers = all_at_once(16, |i| {
        let app = f.app.clone();
        let token = f.editor.clone();
        let etag = etag.clone();
        async move {
            call(
                &app,
                Method::PATCH,
                "/api/v1/records/psn_sent-twice",
                Some(&token),
                &[(header::IF_MATCH, &etag)],
                Some(&json!({"notes": format!("edit {i}")}).to_string()),
            )
            .await
            .status
        }
    })
    .await;
    let written = answers.iter().filter(|s| **s == StatusCode::OK).count();
    let stale = answers
        .iter()
        .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((written, stale), (1, 15), "{answers:?}");
    assert_eq!(history(&f, "psn_sent-twice").len(), 2);
}

/// Run `n` requests at once on the runtime's threads and collect their answers.
async fn all_at_once<F, Fut>(n: usize, make: F) -> Vec<StatusCode>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
