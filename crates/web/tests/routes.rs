//! Every page and API route, as an anonymous visitor, over an archive with canary values in
//! restricted and confidential places: none of them may appear anywhere. Also: names are
//! escaped, Persian pages are right to left, and a Latin query finds a Persian-only name.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use rightsdoc_archive::Archive;
use rightsdoc_web::{Library, router};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

const CANARIES: [&str; 5] = [
    "CANARY-CONF-RECORD",
    "CANARY-CONF-WITNESS",
    "CANARY-RESTRICTED-ALIAS",
    "CANARY-RESTRICTED-RELIGION",
    "CANARY-CONF-ACT-NOTE",
];

struct Fixture {
    _tmp: tempfile::TempDir,
    app: axum::Router,
    victim: String,
    secret: String,
    testimony: String,
    act: String,
    persian: String,
    xss: String,
    event: String,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    let mut add = |v: Value| a.add(v).unwrap().id;
    let testimony = add(
        json!({"kind": "source", "title": "Testimony", "source_type": "testimony",
        "witness": "CANARY-CONF-WITNESS"}),
    );
    let victim = add(json!({"kind": "person",
        "names": ["Public Name", {"value": "CANARY-RESTRICTED-ALIAS", "classification": "restricted"}],
        "religion": "CANARY-RESTRICTED-RELIGION", "citations": [testimony]}));
    let secret = add(json!({"kind": "person", "names": ["CANARY-CONF-RECORD"],
        "classification": "confidential"}));
    let persian = add(json!({"kind": "person", "names": [{"value": "محمد رضایی", "lang": "fa"}]}));
    let xss = add(json!({"kind": "person", "names": ["<script>alert(1)</script>"]}));
    let event = add(json!({"kind": "event", "title": "Executions", "period": "1988"}));
    let act = add(json!({"kind": "act", "victim": victim, "event": event,
        "act_type": "execution", "date": "1988"}));
    add(
        json!({"kind": "act", "victim": secret, "event": event, "act_type": "execution",
        "date": "1988", "classification": "confidential", "notes": "CANARY-CONF-ACT-NOTE"}),
    );
    drop(a);
    let library = Arc::new(Library::open(&dir).unwrap());
    Fixture {
        _tmp: tmp,
        app: router(library),
        victim,
        secret,
        testimony,
        act,
        persian,
        xss,
        event,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> Answer {
    let mut req = Request::get(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

#[tokio::test]
async fn no_route_shows_an_anonymous_visitor_anything_above_public() {
    let f = fixture();
    let mut uris: Vec<String> = vec![
        "/".into(),
        "/people".into(),
        "/events".into(),
        "/sources".into(),
        "/search?q=Public+Name".into(),
        "/search?q=1988".into(),
        "/search?q=execution".into(),
        "/search?q=1988&kind=act".into(),
        "/api/v1/export".into(),
        "/api/v1/records?kind=person".into(),
        "/api/v1/records?kind=act".into(),
        "/api/v1/stats?by=year".into(),
        "/api/v1/stats?by=act".into(),
        "/api/v1/search?q=1988".into(),
        format!("/people/{}", f.victim),
        format!("/sources/{}", f.testimony),
        format!("/events/{}", f.event),
        format!("/records/{}", f.act),
        format!("/api/v1/records/{}", f.victim),
        format!("/api/v1/records/{}/history", f.victim),
        format!("/api/v1/records/{}", f.testimony),
        format!("/people/{}", f.secret),
        format!("/api/v1/records/{}", f.secret),
        format!("/api/v1/records/{}/history", f.secret),
    ];
    // The search page echoes the visitor's own query, so pages are searched with the canary in
    // lower case and word by word (the index is case-insensitive; the check is not).
    for canary in CANARIES {
        uris.push(format!("/api/v1/search?q={canary}"));
        uris.push(format!("/search?q={}", canary.to_lowercase()));
        for word in canary.to_lowercase().split('-') {
            uris.push(format!("/search?q={word}"));
        }
    }
    for uri in &uris {
        for lang in ["", "lang=fa"] {
            let sep = if uri.contains('?') { '&' } else { '?' };
            let uri = if lang.is_empty() {
                uri.clone()
            } else {
                format!("{uri}{sep}{lang}")
            };
            let a = get(&f.app, &uri, None).await;
            assert!(
                a.status == StatusCode::OK || a.status == StatusCode::NOT_FOUND,
                "{uri}: {}",
                a.status
            );
            for canary in CANARIES {
                assert!(
                    !a.body.contains(canary),
                    "{uri} shows {canary} to an anonymous visitor"
                );
            }
        }
    }
    // The public victim page is there, the confidential person is not (and says no more than
    // an id that does not exist would).
    let page = get(&f.app, &format!("/people/{}", f.victim), None).await;
    assert!(page.body.contains("Public Name"));
    let hidden = get(&f.app, &format!("/people/{}", f.secret), None).await;
    let absent = get(&f.app, "/people/psn_doesnotexist", None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        hidden.body,
        absent.body.replace("psn_doesnotexist", &f.secret)
    );
    // Statistics count public acts only.
    let year = get(&f.app, "/api/v1/stats?by=year", None).await;
    let table: Value = serde_json::from_str(&year.body).unwrap();
    assert_eq!(table["total"], 1, "{table}");
}

#[tokio::test]
async fn names_are_text_never_markup() {
    let f = fixture();
    for uri in [
        format!("/people/{}", f.xss),
        "/people".to_string(),
        "/search?q=script".to_string(),
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
    ] {
        let a = get(&f.app, &uri, None).await;
        assert!(
            !a.body.contains("<script"),
            "{uri} has a script tag:\n{}",
            a.body
        );
    }
    let page = get(&f.app, &format!("/people/{}", f.xss), None).await;
    assert!(
        page.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        page.body
    );
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
}

#[tokio::test]
async fn persian_interface_is_right_to_left_and_remembered() {
    let f = fixture();
    let a = get(&f.app, "/?lang=fa", None).await;
    assert!(a.body.contains(r#"<html lang="fa" dir="rtl">"#));
    assert!(a.body.contains("نمای کلی"));
    let cookie = a.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("lang=fa;"), "{cookie}");
    let again = get(&f.app, "/people", Some("lang=fa")).await;
    assert!(again.body.contains(r#"dir="rtl""#));
    let english = get(&f.app, "/people", None).await;
    assert!(english.body.contains(r#"<html lang="en" dir="ltr">"#));
}

#[tokio::test]
async fn a_latin_query_finds_a_persian_only_name() {
    let f = fixture();
    for q in ["Mohammad+Rezaei", "Muhammad+Rezaie"] {
        let a = get(&f.app, &format!("/api/v1/search?q={q}"), None).await;
        let results: Value = serde_json::from_str(&a.body).unwrap();
        let ids: Vec<&str> = results["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&f.persian.as_str()), "{q}: {results}");
        let page = get(&f.app, &format!("/search?q={q}"), None).await;
        assert!(page.body.contains("محمد رضایی"), "{q}");
    }
}

#[tokio::test]
async fn bad_requests_say_what_is_wrong() {
    let f = fixture();
    let a = get(&f.app, "/api/v1/stats?by=colour", None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("cannot count by `colour`"), "{}", a.body);
    let a = get(&f.app, "/api/v1/records?kind=unicorn", None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = get(&f.app, "/nowhere", None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = get(&f.app, &format!("/events/{}", f.victim), None).await;
    assert_eq!(
        a.status,
        StatusCode::NOT_FOUND,
        "a person is not under /events/"
    );
}
