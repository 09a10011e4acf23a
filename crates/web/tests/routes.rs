//! Every page and API route, as an anonymous visitor, over an archive with canary values in
//! restricted and confidential places: none of them may appear anywhere. Also: names are
//! escaped, Persian pages are right to left, and a Latin query finds a Persian-only name.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use rightsdoc_archive::{Archive, CustodyInput, EvidenceInput};
use rightsdoc_model::{Classification, Kind};
use rightsdoc_web::accounts::Role;
use rightsdoc_web::{App, MAX_FAILURES, SESSION_COOKIE, router};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

const CANARIES: [(&str, Classification); 11] = [
    ("CANARY-CONF-RECORD", Classification::Confidential),
    ("CANARY-CONF-WITNESS", Classification::Confidential),
    ("CANARY-RESTRICTED-ALIAS", Classification::Restricted),
    ("CANARY-RESTRICTED-RELIGION", Classification::Restricted),
    ("CANARY-CONF-ACT-NOTE", Classification::Confidential),
    ("CANARY-CONF-MATCH", Classification::Confidential),
    // A confidential evidence item: its note, its file's name and its bytes; an entry in its
    // chain of custody; and a confidential hand-over of a public item.
    ("CANARY-CONF-EVIDENCE-NOTE", Classification::Confidential),
    ("CANARY-CONF-EVIDENCE-NAME", Classification::Confidential),
    ("CANARY-CONF-EVIDENCE-BYTES", Classification::Confidential),
    ("CANARY-CONF-CUSTODY-TO", Classification::Confidential),
    ("CANARY-CONF-HANDOVER", Classification::Confidential),
];

/// The bytes of the fixture's public evidence file and of its derived copy.
const PUBLIC_FILE: &[u8] = b"A leaflet handed out at Evin prison, 1988.\n";
const PUBLIC_COPY: &[u8] = b"A leaflet (redacted copy).\n";
const SECRET_FILE: &[u8] = b"CANARY-CONF-EVIDENCE-BYTES: a witness statement.\n";

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    app: axum::Router,
    accounts: Arc<App>,
    admin_totp: String,
    victim: String,
    secret: String,
    testimony: String,
    act: String,
    persian: String,
    xss: String,
    event: String,
    /// A proposed match of two public people, and one that involves the confidential person.
    public_match: String,
    secret_match: String,
    lists: [String; 2],
    /// A public evidence item (citing the testimony), a redacted copy of it, and a
    /// confidential item with a hand-over in its chain of custody.
    public_evidence: String,
    public_copy: String,
    secret_evidence: String,
    secret_custody: String,
    /// A confidential hand-over of the public item.
    hidden_handover: String,
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
    // Two victim lists, for the estimate page: the victim on both, two others on one each,
    // and the confidential person on the first.
    let list_a = add(json!({"kind": "list", "title": "Book of names"}));
    let list_b = add(json!({"kind": "list", "title": "NGO list"}));
    let victim = add(json!({"kind": "person",
        "names": ["Public Name", {"value": "CANARY-RESTRICTED-ALIAS", "classification": "restricted"}],
        "religion": "CANARY-RESTRICTED-RELIGION", "citations": [testimony],
        "lists": [{"list": list_a}, {"list": list_b}]}));
    let secret = add(json!({"kind": "person", "names": ["CANARY-CONF-RECORD"],
        "classification": "confidential", "lists": [{"list": list_a}]}));
    let persian = add(
        json!({"kind": "person", "names": [{"value": "محمد رضایی", "lang": "fa"}],
        "lists": [{"list": list_a}]}),
    );
    let xss = add(
        json!({"kind": "person", "names": ["<script>alert(1)</script>"],
        "lists": [{"list": list_b}]}),
    );
    let event = add(json!({"kind": "event", "title": "Executions", "period": "1988"}));
    let act = add(json!({"kind": "act", "victim": victim, "event": event,
        "act_type": "execution", "date": "1988"}));
    add(
        json!({"kind": "act", "victim": secret, "event": event, "act_type": "execution",
        "date": "1988", "classification": "confidential", "notes": "CANARY-CONF-ACT-NOTE"}),
    );
    let public_match = add(json!({"kind": "match", "records": [victim, persian],
        "decision": "proposed", "probability": 0.71, "evidence": "first_name: same name (+4.7)"}));
    let secret_match = add(json!({"kind": "match", "records": [victim, secret],
        "decision": "proposed", "probability": 0.93, "evidence": "CANARY-CONF-MATCH",
        "classification": "confidential"}));
    let store = |a: &mut Archive, bytes: &[u8], input: EvidenceInput| {
        a.add_evidence(&mut &bytes[..], &input).unwrap().evidence
    };
    let public_evidence = store(
        &mut a,
        PUBLIC_FILE,
        EvidenceInput {
            original_name: Some("leaflet.txt".into()),
            source: Some(testimony.clone()),
            note: Some("A photocopy kept by a family".into()),
            ..EvidenceInput::default()
        },
    );
    let public_copy = store(
        &mut a,
        PUBLIC_COPY,
        EvidenceInput {
            original_name: Some("leaflet-redacted.txt".into()),
            derived_from: Some(public_evidence.clone()),
            derivation: Some("redacted".into()),
            ..EvidenceInput::default()
        },
    );
    let secret_evidence = store(
        &mut a,
        SECRET_FILE,
        EvidenceInput {
            original_name: Some("CANARY-CONF-EVIDENCE-NAME.txt".into()),
            source: Some(testimony.clone()),
            note: Some("CANARY-CONF-EVIDENCE-NOTE".into()),
            classification: Classification::Confidential,
            ..EvidenceInput::default()
        },
    );
    let secret_custody = a
        .record_custody(
            &secret_evidence,
            Classification::Confidential,
            &CustodyInput {
                action: "handed_over".into(),
                from: Some("the field researcher".into()),
                to: Some("CANARY-CONF-CUSTODY-TO".into()),
                reason: Some("for safekeeping".into()),
                ..CustodyInput::default()
            },
        )
        .unwrap()
        .id;
    let hidden_handover = a
        .add(
            json!({"kind": "custody", "evidence": public_evidence, "action": "handed_over",
            "to": "CANARY-CONF-HANDOVER", "classification": "confidential"}),
        )
        .unwrap()
        .id;
    drop(a);
    let app = Arc::new(App::open(&dir).unwrap());
    let researcher_totp = app
        .accounts
        .add_user("rana", Role::Researcher, "a long researcher password")
        .unwrap();
    assert!(
        researcher_totp.is_none(),
        "researchers need no second factor"
    );
    app.accounts
        .add_user("vera", Role::Viewer, "a long viewer password")
        .unwrap();
    let admin_totp = app
        .accounts
        .add_user("admin", Role::Admin, "a long admin password!")
        .unwrap()
        .expect("admins get a TOTP secret");
    Fixture {
        _tmp: tmp,
        dir,
        app: router(app.clone()),
        accounts: app,
        admin_totp,
        victim,
        secret,
        testimony,
        act,
        persian,
        xss,
        event,
        public_match,
        secret_match,
        lists: [list_a, list_b],
        public_evidence,
        public_copy,
        secret_evidence,
        secret_custody,
        hidden_handover,
    }
}

#[derive(Debug)]
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
    send(app, req.body(Body::empty()).unwrap()).await
}

/// Send a request through the router and collect the answer.
async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
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

#[tokio::test]
async fn no_route_shows_any_role_more_than_its_clearance() {
    let f = fixture();
    // Every role: anonymous, viewer, researcher, admin (signed in as a browser would be).
    let viewer = sign_in(&f, "vera", "a long viewer password", "")
        .await
        .unwrap();
    let researcher = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    let admin = sign_in_admin(&f).await;
    let roles: [(&str, Option<&str>, Classification); 4] = [
        ("anonymous", None, Classification::Public),
        ("viewer", Some(&viewer), Classification::Public),
        ("researcher", Some(&researcher), Classification::Restricted),
        ("admin", Some(&admin), Classification::Confidential),
    ];
    let mut uris: Vec<String> = vec![
        "/".into(),
        "/upr".into(),
        "/estimate".into(),
        format!("/estimate?l_{}=1&l_{}=1", f.lists[0], f.lists[1]),
        format!(
            "/estimate?l_{}=1&l_{}=1&method=lcmcr",
            f.lists[0], f.lists[1]
        ),
        "/review".into(),
        "/matches".into(),
        "/places".into(),
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
        format!("/matches/{}", f.public_match),
        format!("/matches/{}", f.secret_match),
        format!("/api/v1/records/{}", f.secret_match),
        format!("/api/v1/records/{}", f.secret),
        format!("/api/v1/records/{}/history", f.secret),
        // Evidence: the list, the items' pages, their files, their custody entries.
        "/evidence".into(),
        "/api/v1/records?kind=evidence".into(),
        "/api/v1/records?kind=custody".into(),
        format!("/evidence/{}", f.public_evidence),
        format!("/evidence/{}", f.public_copy),
        format!("/evidence/{}", f.secret_evidence),
        format!("/evidence/{}/file", f.public_evidence),
        format!("/evidence/{}/file", f.secret_evidence),
        format!("/records/{}", f.secret_custody),
        format!("/records/{}", f.hidden_handover),
        format!("/api/v1/records/{}", f.secret_evidence),
        format!("/api/v1/records/{}/history", f.secret_evidence),
        format!("/api/v1/records/{}", f.secret_custody),
        format!("/api/v1/records/{}/history", f.public_evidence),
        // Writers only (others are refused): the hand-over forms and the upload form, which
        // lists the items a copy can be made from.
        format!("/evidence/{}/hand-over", f.public_evidence),
        format!("/evidence/{}/hand-over", f.secret_evidence),
        "/evidence/new".into(),
        format!("/evidence/new?derived_from={}", f.secret_evidence),
    ];
    // The search page echoes the visitor's own query, so pages are searched with the canary in
    // lower case and word by word (the index is case-insensitive; the check is not).
    for (canary, _) in CANARIES {
        uris.push(format!("/api/v1/search?q={canary}"));
        uris.push(format!("/search?q={}", canary.to_lowercase()));
        for word in canary.to_lowercase().split('-') {
            uris.push(format!("/search?q={word}"));
        }
    }
    for (role, cookie, clearance) in roles {
        for uri in &uris {
            for lang in ["", "lang=fa"] {
                let sep = if uri.contains('?') { '&' } else { '?' };
                let uri = if lang.is_empty() {
                    uri.clone()
                } else {
                    format!("{uri}{sep}{lang}")
                };
                let a = get(&f.app, &uri, cookie).await;
                let writers_only = uri.starts_with("/evidence/new") || uri.contains("/hand-over");
                let refused =
                    a.status == StatusCode::FORBIDDEN || a.status == StatusCode::SEE_OTHER;
                assert!(
                    a.status == StatusCode::OK
                        || a.status == StatusCode::NOT_FOUND
                        || (writers_only && refused && clearance < Classification::Confidential),
                    "{uri} as {role}: {}",
                    a.status
                );
                for (canary, level) in CANARIES {
                    assert!(
                        clearance.permits(level) || !a.body.contains(canary),
                        "{uri} shows {canary} to {role}"
                    );
                }
            }
        }
    }
    // The canaries are really there for those cleared to see them (the check above can fail).
    let page = get(&f.app, &format!("/people/{}", f.victim), Some(&researcher)).await;
    assert!(page.body.contains("CANARY-RESTRICTED-ALIAS"));
    let page = get(&f.app, &format!("/sources/{}", f.testimony), Some(&admin)).await;
    assert!(page.body.contains("CANARY-CONF-WITNESS"));
    let page = get(
        &f.app,
        &format!("/evidence/{}", f.secret_evidence),
        Some(&admin),
    )
    .await;
    for canary in [
        "CANARY-CONF-EVIDENCE-NOTE",
        "CANARY-CONF-EVIDENCE-NAME",
        "CANARY-CONF-CUSTODY-TO",
    ] {
        assert!(page.body.contains(canary), "{canary}");
    }
    let page = get(
        &f.app,
        &format!("/evidence/{}", f.public_evidence),
        Some(&admin),
    )
    .await;
    assert!(page.body.contains("CANARY-CONF-HANDOVER"));
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

/// A JSON write through the API with an API token.
async fn api_write(
    app: &axum::Router,
    method: axum::http::Method,
    uri: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: &Value,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(m) = if_match {
        req = req.header(header::IF_MATCH, m);
    }
    send(app, req.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn no_api_write_answer_shows_any_role_more_than_its_clearance() {
    use axum::http::Method;
    let f = fixture();
    let token = |name: &str| Some(f.accounts.accounts.add_token(name, "tests").unwrap());
    let roles: [(&str, Option<String>, Classification); 4] = [
        ("anonymous", None, Classification::Public),
        ("viewer", token("vera"), Classification::Public),
        ("researcher", token("rana"), Classification::Restricted),
        ("admin", token("admin"), Classification::Confidential),
    ];
    // Writes that the archive refuses, aimed at records holding canaries and at one that does
    // not exist: ids taken by other content, bad patches, stale copies, referenced records.
    let targets = [
        f.victim.as_str(),
        f.secret.as_str(),
        f.testimony.as_str(),
        f.secret_match.as_str(),
        f.secret_evidence.as_str(),
        "psn_doesnotexist",
    ];
    let mut writes: Vec<(Method, String, Option<&str>, Value)> = Vec::new();
    for id in targets {
        let kind = Kind::from_id(id).unwrap().as_str();
        let uri = format!("/api/v1/records/{id}");
        if id != "psn_doesnotexist" {
            writes.push((
                Method::POST,
                "/api/v1/records".into(),
                None,
                json!({"kind": kind, "id": id, "names": ["Other content"]}),
            ));
        }
        writes.push((Method::PATCH, uri.clone(), None, json!({"birth": "19x5"})));
        writes.push((
            Method::PATCH,
            uri.clone(),
            Some("\"0\""),
            json!({"notes": "x"}),
        ));
        writes.push((
            Method::DELETE,
            uri.clone(),
            Some("\"0\""),
            json!({"reason": "x"}),
        ));
        writes.push((Method::DELETE, uri, None, json!({"reason": ""})));
    }
    let victim_uri = format!("/api/v1/records/{}", f.victim);
    writes.push((Method::DELETE, victim_uri, None, json!({"reason": "x"})));
    let before = Archive::open(&f.dir, "tester")
        .unwrap()
        .store()
        .log_size()
        .unwrap();
    for (role, token, clearance) in &roles {
        for (method, uri, if_match, body) in &writes {
            let a = api_write(
                &f.app,
                method.clone(),
                uri,
                token.as_deref(),
                *if_match,
                body,
            )
            .await;
            let what = format!("{method} {uri} {body} as {role}");
            if *clearance != Classification::Confidential {
                // Refused before any record is looked at: the same answer for every record.
                let expected = if token.is_some() {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::UNAUTHORIZED
                };
                assert_eq!(a.status, expected, "{what}");
            } else {
                assert!(a.status.is_client_error(), "{what}: {a:?}");
            }
            // A refusal never shows a stored value, to anyone.
            for (canary, _) in CANARIES {
                assert!(
                    !a.body.contains(canary),
                    "{what} shows {canary}: {}",
                    a.body
                );
            }
        }
    }
    let after = Archive::open(&f.dir, "tester")
        .unwrap()
        .store()
        .log_size()
        .unwrap();
    assert_eq!(before, after, "every one of those writes was refused");
    // The canary is there when a cleared writer's edit succeeds (so the check above can fail).
    let edited = api_write(
        &f.app,
        Method::PATCH,
        &format!("/api/v1/records/{}", f.secret),
        roles[3].1.as_deref(),
        Some("*"),
        &json!({"notes": "checked"}),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert!(edited.body.contains("CANARY-CONF-RECORD"));
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
    // Field labels follow the interface language too.
    let event = get(&f.app, &format!("/events/{}?lang=fa", f.event), None).await;
    assert!(event.body.contains("<dt>دوره</dt>"), "{}", event.body);
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

/// A request with a form body and cookies.
async fn post(app: &axum::Router, uri: &str, form: &str, cookie: &str) -> Answer {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(form.to_string()))
        .unwrap();
    send(app, req).await
}

/// The value of `name` in the response's Set-Cookie headers.
fn set_cookie(a: &Answer, name: &str) -> Option<(String, String)> {
    a.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            let value = c[name.len() + 1..].split(';').next().unwrap().to_string();
            (value, c)
        })
}

/// Sign in through the form, as a browser does; returns the session cookie.
async fn sign_in(f: &Fixture, name: &str, password: &str, code: &str) -> Result<String, Answer> {
    let form = get(&f.app, "/login", None).await;
    let (csrf, _) = set_cookie(&form, "__Host-rightsdoc-login").unwrap();
    assert!(
        form.body
            .contains(&format!(r#"name="csrf" value="{csrf}""#))
    );
    let body = format!(
        "name={name}&password={}&code={code}&csrf={csrf}",
        password.replace(' ', "+")
    );
    let a = post(
        &f.app,
        "/login",
        &body,
        &format!("__Host-rightsdoc-login={csrf}"),
    )
    .await;
    match set_cookie(&a, SESSION_COOKIE) {
        Some((token, _)) if a.status == StatusCode::SEE_OTHER => {
            Ok(format!("{SESSION_COOKIE}={token}"))
        }
        _ => Err(a),
    }
}

#[tokio::test]
async fn roles_see_what_their_clearance_permits_and_no_more() {
    let f = fixture();
    let researcher = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    let page = get(&f.app, &format!("/people/{}", f.victim), Some(&researcher)).await;
    assert!(
        page.body.contains("CANARY-RESTRICTED-ALIAS"),
        "restricted is for researchers"
    );
    assert!(
        page.body.contains("rana"),
        "the header names who is signed in"
    );
    for uri in [
        format!("/people/{}", f.secret),
        format!("/matches/{}", f.public_match),
        format!("/matches/{}", f.secret_match),
        format!("/api/v1/records/{}", f.secret_match),
        format!("/api/v1/records/{}", f.secret),
        format!("/sources/{}", f.testimony),
        "/api/v1/export".to_string(),
        "/search?q=conf".to_string(),
    ] {
        let a = get(&f.app, &uri, Some(&researcher)).await;
        for canary in [
            "CANARY-CONF-RECORD",
            "CANARY-CONF-WITNESS",
            "CANARY-CONF-ACT-NOTE",
        ] {
            assert!(
                !a.body.contains(canary),
                "{uri} shows {canary} to a researcher"
            );
        }
    }
    // An admin, with the second factor, sees the confidential record.
    let admin = sign_in_admin(&f).await;
    let page = get(&f.app, &format!("/people/{}", f.secret), Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("CANARY-CONF-RECORD"));
    // API tokens carry the same clearance.
    let token = f.accounts.accounts.add_token("rana", "tests").unwrap();
    let req = Request::get(format!("/api/v1/records/{}", f.victim))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = f.app.clone().oneshot(req).await.unwrap();
    let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("CANARY-RESTRICTED-ALIAS"));
}

#[tokio::test]
async fn logins_need_the_right_password_the_code_and_a_fresh_form() {
    let f = fixture();
    // The session cookie is __Host-, Secure, HttpOnly and SameSite=Strict.
    let form = get(&f.app, "/login", None).await;
    let (csrf, _) = set_cookie(&form, "__Host-rightsdoc-login").unwrap();
    let body = format!("name=rana&password=a+long+researcher+password&csrf={csrf}");
    let a = post(
        &f.app,
        "/login",
        &body,
        &format!("__Host-rightsdoc-login={csrf}"),
    )
    .await;
    let (_, cookie) = set_cookie(&a, SESSION_COOKIE).unwrap();
    for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    // Without the double-submitted token the form is refused.
    let a = post(&f.app, "/login", &body, "").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // A new session at every login.
    let one = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    let two = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    assert_ne!(one, two);
    // An admin without the code, or with a wrong one, is refused like a wrong password.
    let no_code = sign_in(&f, "admin", "a long admin password!", "")
        .await
        .unwrap_err();
    assert_eq!(no_code.status, StatusCode::UNAUTHORIZED);
    let wrong = sign_in(&f, "admin", "a long admin password!", "000000")
        .await
        .unwrap_err();
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Wrong name, password or code."));
    // Sign-out needs the session's CSRF token, and ends the session.
    let page = get(&f.app, "/", Some(&one)).await;
    let csrf = page
        .body
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let refused = post(&f.app, "/logout", "csrf=forged", &one).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let out = post(&f.app, "/logout", &format!("csrf={csrf}"), &one).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = get(&f.app, &format!("/people/{}", f.victim), Some(&one)).await;
    assert!(
        !after.body.contains("CANARY-RESTRICTED-ALIAS"),
        "the session ended"
    );
    // A session idle for longer than the timeout is over.
    let token = two.split('=').nth(1).unwrap();
    f.accounts
        .accounts
        .age_session(token, rightsdoc_web::accounts::IDLE_TIMEOUT_SECS + 1)
        .unwrap();
    let idle = get(&f.app, &format!("/people/{}", f.victim), Some(&two)).await;
    assert!(
        !idle.body.contains("CANARY-RESTRICTED-ALIAS"),
        "the idle session ended"
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_refused_for_a_while() {
    let f = fixture();
    for _ in 0..MAX_FAILURES {
        let a = sign_in(&f, "rana", "not the password at all", "")
            .await
            .unwrap_err();
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits.
    let a = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap_err();
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    // Unknown names get the same answer as wrong passwords.
    let a = sign_in(&f, "nobody", "a long researcher password", "")
        .await
        .unwrap_err();
    assert!(a.body.contains("Wrong name, password or code."));
}

/// The admin's current TOTP code.
fn admin_code(f: &Fixture) -> String {
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(f.admin_totp.clone())
            .to_bytes()
            .unwrap(),
        Some("rightsdoc".into()),
        "admin".into(),
    )
    .unwrap()
    .generate_current()
    .unwrap()
}

async fn sign_in_admin(f: &Fixture) -> String {
    sign_in(f, "admin", "a long admin password!", &admin_code(f))
        .await
        .unwrap()
}

/// The CSRF token in a page's forms.
fn csrf_of(page: &Answer) -> String {
    page.body
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn editors_create_and_edit_records_through_forms_that_explain_refusals() {
    let f = fixture();
    // Anonymous visitors are sent to sign in; researchers may not write.
    let a = get(&f.app, "/new/person", None).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], "/login");
    let researcher = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    let a = get(&f.app, "/new/person", Some(&researcher)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    let admin = sign_in_admin(&f).await;
    let form = get(&f.app, "/new/person", Some(&admin)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="birth""#));
    assert!(form.body.contains(r#"<select id="f-sex""#));
    let csrf = csrf_of(&form);
    let persian = get(&f.app, "/new/person?lang=fa", Some(&admin)).await;
    assert!(
        persian
            .body
            .contains("نام پدر، چنان‌که در اسناد ایرانی به کار می‌رود"),
        "the Persian form explains its fields in Persian"
    );

    // A bad date: refused, nothing written, the reason at the field, what was typed kept.
    let names = "Zahra+Kazemi%0A%D8%B2%D9%87%D8%B1%D8%A7+%DA%A9%D8%A7%D8%B8%D9%85%DB%8C";
    let body = format!("csrf={csrf}&names={names}&birth=19x5&sex=female&classification=public");
    let refused = post(&f.app, "/new/person", &body, &admin).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let field = refused.body.split(r#"id="f-birth""#).nth(1).unwrap();
    let field = field.split(r#"<div class="field"#).next().unwrap();
    assert!(
        field.contains("field-error"),
        "the error sits at the birth field"
    );
    assert!(
        refused.body.contains(r#"value="19x5""#),
        "what was typed stays"
    );
    assert!(refused.body.contains("Zahra Kazemi"));
    let people = get(&f.app, "/api/v1/records?kind=person", Some(&admin)).await;
    assert!(!people.body.contains("Zahra Kazemi"), "nothing was written");

    // Without the CSRF token: refused.
    let forged = post(&f.app, "/new/person", "names=Forged+Person", &admin).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Corrected: written under the editor's name, both scripts kept.
    let body = body.replace("19x5", "1965");
    let created = post(&f.app, "/new/person", &body, &admin).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.starts_with("/people/psn_"), "{location}");
    let id = location.rsplit('/').next().unwrap().to_string();
    let answer = get(&f.app, &format!("/api/v1/records/{id}"), None).await;
    let record: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(record["birth"], "1965");
    assert_eq!(record["names"][1]["lang"], "fa");

    // Edit: only what changed is patched; the history names who did it.
    let form = get(&f.app, &format!("/edit/{id}"), Some(&admin)).await;
    assert!(form.body.contains(r#"value="1965""#));
    let body = format!(
        "csrf={csrf}&names={names}&birth=1965&death=2003-07-11&sex=female&classification=public"
    );
    let edited = post(&f.app, &format!("/edit/{id}"), &body, &admin).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let answer = get(&f.app, &format!("/api/v1/records/{id}/history"), None).await;
    let history: Value = serde_json::from_str(&answer.body).unwrap();
    let actors: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["admin", "admin"]);
    assert_eq!(history[1]["record"]["death"], "2003-07-11");
}

#[tokio::test]
async fn opening_a_confidential_record_is_logged_and_the_log_still_verifies() {
    let f = fixture();
    let admin = sign_in_admin(&f).await;
    let page = get(&f.app, &format!("/people/{}", f.secret), Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let api = get(
        &f.app,
        &format!("/api/v1/records/{}", f.secret),
        Some(&admin),
    )
    .await;
    assert_eq!(api.status, StatusCode::OK);
    // A public record opened by the admin is not a confidential view.
    get(&f.app, &format!("/events/{}", f.event), Some(&admin)).await;

    let archive = Archive::open(&f.dir, "tester").unwrap();
    let history = archive
        .history(&f.secret, rightsdoc_model::Classification::Confidential)
        .unwrap();
    let views: Vec<(&str, &str)> = history
        .iter()
        .filter(|h| h.action == "view")
        .map(|h| (h.actor.as_str(), h.action.as_str()))
        .collect();
    assert_eq!(views, [("admin", "view"), ("admin", "view")]);
    assert!(
        archive
            .history(&f.event, rightsdoc_model::Classification::Confidential)
            .unwrap()
            .iter()
            .all(|h| h.action != "view")
    );
    // The victim (public, with a restricted alias and religion) opened by a researcher: no
    // confidential value shown, nothing logged; who viewed what is not shown below confidential.
    let researcher = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    get(&f.app, &format!("/people/{}", f.victim), Some(&researcher)).await;
    let history = archive
        .history(&f.victim, rightsdoc_model::Classification::Restricted)
        .unwrap();
    assert!(history.iter().all(|h| h.action != "view"));
    archive
        .verify(&[])
        .expect("view entries verify like every operation");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_each_answers() {
    let f = fixture();
    let a = get(&f.app, "/api/v1/openapi.json", None).await;
    assert_eq!(a.status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&a.body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let operations: Vec<(&String, &String)> = paths
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (path, m)))
        .collect();
    assert_eq!(paths.len(), 6, "{operations:?}");
    assert_eq!(operations.len(), 9, "{operations:?}");
    // Reads anonymously; writes with an admin's API token, a deletion on a record nothing
    // refers to.
    let token = f.accounts.accounts.add_token("admin", "tests").unwrap();
    for (path, method) in operations {
        let (id, body) = match method.as_str() {
            "post" => (
                &f.victim,
                json!({"kind": "person", "names": ["Via the API"]}),
            ),
            "patch" => (&f.victim, json!({"notes": "checked"})),
            "delete" => (&f.xss, json!({"reason": "checked"})),
            _ => (&f.victim, Value::Null),
        };
        let uri = path.replace("{id}", id);
        let uri = if uri == "/api/v1/records" && method == "get" {
            format!("{uri}?kind=person")
        } else {
            uri
        };
        let answer = if method == "get" {
            get(&f.app, &uri, None).await
        } else {
            let method = method.to_uppercase().parse().unwrap();
            api_write(&f.app, method, &uri, Some(&token), None, &body).await
        };
        assert!(answer.status.is_success(), "{method} {uri}: {answer:?}");
        let documented = &paths[path][method]["responses"];
        assert!(
            documented[answer.status.as_str()].is_object(),
            "{method} {uri} answered an undocumented {}",
            answer.status
        );
        if answer.status != StatusCode::NO_CONTENT {
            assert!(serde_json::from_str::<Value>(&answer.body).is_ok(), "{uri}");
        }
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn places_are_drawn_on_an_offline_map() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    let evin = a
        .add(
            json!({"kind": "place", "names": ["Evin prison"], "place_type": "prison",
            "point": {"value": {"lat": 35.796, "lon": 51.386}, "note": "approximate"}}),
        )
        .unwrap()
        .id;
    let hidden = a
        .add(
            json!({"kind": "place", "names": ["CANARY-CONF-SITE"], "place_type": "mass_grave",
            "point": {"lat": 35.6, "lon": 51.5}, "classification": "confidential"}),
        )
        .unwrap()
        .id;
    drop(a);
    let app = router(Arc::new(App::open(&dir).unwrap()));
    let page = get(&app, &format!("/places/{evin}"), None).await;
    assert!(page.body.contains(r#"<figure class="map">"#));
    assert!(
        page.body.contains(r#"class="marker prison""#),
        "the site is marked"
    );
    assert!(
        page.body.contains("<path d=\"M"),
        "country outlines are drawn"
    );
    assert!(
        !page.body.contains("http://") && !page.body.contains("https://"),
        "nothing fetched"
    );
    let list = get(&app, "/places", None).await;
    assert_eq!(
        list.body.matches("<circle").count(),
        1,
        "only the public site"
    );
    assert!(!list.body.contains("CANARY-CONF-SITE") && !list.body.contains(&hidden));
}

#[tokio::test]
async fn the_upr_tracker_counts_by_cycle_response_state_and_theme_and_narrows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    for (cycle, response, state, theme) in [
        (3, "supported", "Norway", "womens_rights"),
        (3, "noted", "Norway", "womens_rights"),
        (3, "noted", "Canada", "rights_of_the_child"),
        (4, "supported", "Canada", "womens_rights"),
    ] {
        a.add(
            json!({"kind": "recommendation", "state_under_review": "Iran",
            "cycle": cycle, "recommending_states": [state], "text": "Abolish the death penalty",
            "themes": [theme], "response": response}),
        )
        .unwrap();
    }
    a.add(
        json!({"kind": "recommendation", "state_under_review": "Iran", "cycle": 4,
        "recommending_states": ["CANARY-CONF-STATE"], "text": "secret",
        "response": "noted", "classification": "confidential"}),
    )
    .unwrap();
    drop(a);
    let app = router(Arc::new(App::open(&dir).unwrap()));
    let page = get(&app, "/upr", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let row = |body: &str, label: &str| -> String {
        let after = body
            .split(&format!(">{label}</a>"))
            .nth(1)
            .unwrap_or_else(|| panic!("no row {label}"));
        after.split("</tr>").next().unwrap().to_string()
    };
    // Cycle 3: three recommendations, one of three responses accepted.
    let c3 = row(&page.body, "cycle 3");
    assert!(c3.contains("<td>3</td>") && c3.contains("33%"), "{c3}");
    assert!(row(&page.body, "Norway").contains("<td>2</td>"));
    assert!(
        !page.body.contains("CANARY-CONF-STATE"),
        "confidential recommendations are not counted"
    );
    let c4 = row(&page.body, "cycle 4");
    assert!(c4.contains("<td>1</td>"), "{c4}");
    // Choosing Canada narrows every table.
    let canada = get(&app, "/upr?recommending_state=Canada", None).await;
    assert!(row(&canada.body, "cycle 3").contains("<td>1</td>"));
    assert!(!canada.body.contains(">Norway</a>"));
    assert!(
        canada.body.contains("class=\"chip\""),
        "the filter in force is shown"
    );
}

#[tokio::test]
async fn a_perpetrators_page_lists_the_posts_held_and_who_holds_office_now() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    let judge = a
        .add(json!({"kind": "person", "names": ["Ebrahim Example"]}))
        .unwrap()
        .id;
    let court = a
        .add(json!({"kind": "organization", "names": ["Revolutionary Court"]}))
        .unwrap()
        .id;
    let judiciary = a
        .add(json!({"kind": "organization", "names": ["Judiciary"]}))
        .unwrap()
        .id;
    a.add(
        json!({"kind": "post", "person": judge, "organization": court,
        "role": "Deputy prosecutor", "period": "1988/1989"}),
    )
    .unwrap();
    a.add(
        json!({"kind": "post", "person": judge, "organization": judiciary,
        "role": "Head of the Judiciary", "period": "2019/.."}),
    )
    .unwrap();
    let event = a
        .add(json!({"kind": "event", "title": "Executions", "period": "1988"}))
        .unwrap()
        .id;
    a.add(json!({"kind": "involvement", "actor": judge, "role": "ordered", "event": event}))
        .unwrap();
    drop(a);
    let app = router(Arc::new(App::open(&dir).unwrap()));
    let page = get(&app, &format!("/people/{judge}"), None).await;
    let posts = page
        .body
        .split("<section class=\"posts\">")
        .nth(1)
        .expect("a posts section");
    let posts = posts.split("</section>").next().unwrap();
    let deputy = posts.find("Deputy prosecutor").unwrap();
    let head = posts.find("Head of the Judiciary").unwrap();
    assert!(deputy < head, "in time order");
    assert_eq!(posts.matches("holds office now").count(), 1, "{posts}");
    assert!(posts[head..].contains("holds office now"));
    assert!(posts.contains("Revolutionary Court"));
}

/// A multipart/form-data body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file_name: &str, file: &str) -> (String, String) {
    let boundary = "rightsdoc-test-boundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(f: &Fixture, cookie: &str, fields: &[(&str, &str)], file: &str) -> Answer {
    let (content_type, body) = multipart(fields, "book.csv", file);
    let req = Request::post("/import")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    send(&f.app, req).await
}

#[tokio::test]
async fn a_spreadsheet_uploaded_in_the_browser_is_checked_row_by_row_then_imported() {
    let f = fixture();
    let researcher = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    assert_eq!(
        get(&f.app, "/import", Some(&researcher)).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = sign_in_admin(&f).await;
    let form = get(&f.app, "/import", Some(&admin)).await;
    assert!(form.body.contains(r#"enctype="multipart/form-data""#));
    let csrf = csrf_of(&form);
    let bad = "full_name,name_fa,birth\nLeila Ahmadi,لیلا احمدی,1962\nReza Shams,,19x5\n";
    let a = upload(
        &f,
        &admin,
        &[
            ("csrf", &csrf),
            ("kind", "person"),
            ("list", "Book of names"),
        ],
        bad,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("nothing was written"), "{}", a.body);
    let refused = a.body.split("<tbody>").nth(1).unwrap();
    assert!(
        refused.contains("<td>2</td>") && refused.contains("birth"),
        "{refused}"
    );
    let people = get(&f.app, "/api/v1/records?kind=person", Some(&admin)).await;
    assert!(!people.body.contains("Leila Ahmadi"), "all or nothing");

    let good = bad.replace("19x5", "1965");
    let forged = upload(&f, &admin, &[("kind", "person")], &good).await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no import"
    );
    let a = upload(
        &f,
        &admin,
        &[
            ("csrf", &csrf),
            ("kind", "person"),
            ("list", "Book of names"),
        ],
        &good,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        a.body.contains("3 records written"),
        "two people and their list: {}",
        a.body
    );
    let found = get(&f.app, "/api/v1/search?q=Leila+Ahmadi", None).await;
    assert!(found.body.contains("Leila Ahmadi"), "{}", found.body);
    let total = |body: &str| serde_json::from_str::<Value>(body).unwrap()["total"].clone();
    let before = total(
        &get(&f.app, "/api/v1/records?kind=person", Some(&admin))
            .await
            .body,
    );
    let again = upload(
        &f,
        &admin,
        &[
            ("csrf", &csrf),
            ("kind", "person"),
            ("list", "Book of names"),
        ],
        &good,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    let after = total(
        &get(&f.app, "/api/v1/records?kind=person", Some(&admin))
            .await
            .body,
    );
    assert_eq!(before, after, "re-importing changes nothing");
}

#[tokio::test]
async fn an_event_page_shows_its_acts_in_date_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut a = Archive::init(&dir, "tester").unwrap();
    let event = a
        .add(json!({"kind": "event", "title": "Prison massacre", "period": "1988-07/1988-09"}))
        .unwrap()
        .id;
    let mut person = |name: &str, class: &str| {
        a.add(json!({"kind": "person", "names": [name], "classification": class}))
            .unwrap()
            .id
    };
    let (late, early, secret) = (
        person("Late Victim", "public"),
        person("Early Victim", "public"),
        person("CANARY-CONF-VICTIM", "confidential"),
    );
    for (victim, date, class) in [
        (&late, "1988-08-15", "public"),
        (&early, "1988-07~", "public"),
        (&secret, "1988-08-01", "confidential"),
    ] {
        a.add(
            json!({"kind": "act", "victim": victim, "event": event, "act_type": "execution",
            "date": date, "classification": class}),
        )
        .unwrap();
    }
    drop(a);
    let app = router(Arc::new(App::open(&dir).unwrap()));
    let page = get(&app, &format!("/events/{event}"), None).await;
    let timeline = page
        .body
        .split("<section class=\"timeline\">")
        .nth(1)
        .expect("a timeline")
        .split("</section>")
        .next()
        .unwrap();
    let (e, l) = (
        timeline.find("Early Victim").unwrap(),
        timeline.find("Late Victim").unwrap(),
    );
    assert!(e < l, "in date order: {timeline}");
    assert!(
        timeline.contains("1988-07~"),
        "uncertain dates stay as recorded"
    );
    assert!(!page.body.contains("CANARY-CONF-VICTIM"));
    assert_eq!(
        timeline.matches("<tr>").count(),
        3,
        "header and two public acts"
    );
}

#[tokio::test]
async fn search_answers_while_another_process_holds_the_index() {
    let f = fixture();
    // Someone adds a record while another process (an import) holds the index's writer lock.
    let late = Archive::open(&f.dir, "tester")
        .unwrap()
        .add(json!({"kind": "person", "names": ["Latecomer Person"]}))
        .unwrap()
        .id;
    let index = tantivy::Index::open_in_dir(f.dir.join("search")).unwrap();
    let writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let a = get(&f.app, "/api/v1/search?q=Public+Name", None).await;
    assert_eq!(a.status, StatusCode::OK, "the index as it is, not an error");
    assert!(a.body.contains(&f.victim));
    drop(writer);
    let a = get(&f.app, "/api/v1/search?q=Latecomer", None).await;
    assert!(
        a.body.contains(&late),
        "caught up once the lock is free: {}",
        a.body
    );
}

/// Try to sign in as `name` from the address `ip`; the answer's status.
async fn login_from(f: &Fixture, ip: [u8; 4], name: &str, password: &str) -> StatusCode {
    let form = get(&f.app, "/login", None).await;
    let (csrf, _) = set_cookie(&form, "__Host-rightsdoc-login").unwrap();
    let mut req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("__Host-rightsdoc-login={csrf}"))
        .body(Body::from(format!(
            "name={name}&password={}&csrf={csrf}",
            password.replace(' ', "+")
        )))
        .unwrap();
    let addr = std::net::SocketAddr::from((ip, 40_000));
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    send(&f.app, req).await.status
}

#[tokio::test]
async fn one_address_guessing_many_names_is_slowed_too() {
    let f = fixture();
    let guesser = [203, 0, 113, 7];
    for i in 0..rightsdoc_web::MAX_FAILURES_PER_CLIENT {
        let status = login_from(&f, guesser, &format!("guess{i}"), "not a password at all").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Now even a right password from that address waits; from elsewhere it works.
    let status = login_from(&f, guesser, "rana", "a long researcher password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let status = login_from(&f, [198, 51, 100, 1], "rana", "a long researcher password").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn editors_decide_possible_duplicates_and_others_only_look() {
    let f = fixture();
    let queue = get(&f.app, "/review", None).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains(&f.public_match),
        "the public candidate is listed"
    );
    assert!(queue.body.contains("محمد رضایی") && queue.body.contains("Public Name"));
    assert!(queue.body.contains("same name (+4.7)"), "with its evidence");
    assert!(
        !queue.body.contains(&f.secret_match),
        "not the confidential one"
    );
    assert!(
        !queue.body.contains(r#"name="decision""#),
        "no buttons for visitors"
    );
    let viewer = sign_in(&f, "vera", "a long viewer password", "")
        .await
        .unwrap();
    let uri = format!("/review/{}", f.public_match);
    let refused = post(&f.app, &uri, "decision=same&csrf=x", &viewer).await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);

    let admin = sign_in_admin(&f).await;
    let queue = get(&f.app, "/review", Some(&admin)).await;
    assert!(queue.body.contains(&f.secret_match) && queue.body.contains("CANARY-CONF-MATCH"));
    assert!(queue.body.contains(r#"name="decision" value="same""#));
    let csrf = csrf_of(&queue);
    let forged = post(&f.app, &uri, "decision=same&csrf=forged", &admin).await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    let bad = post(&f.app, &uri, &format!("decision=maybe&csrf={csrf}"), &admin).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let person = get(&f.app, &format!("/people/{}", f.victim), None).await;
    assert!(person.body.contains("Possibly the same person as"));
    assert!(!person.body.contains("Also recorded as"));
    let done = post(&f.app, &uri, &format!("decision=same&csrf={csrf}"), &admin).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let person = get(&f.app, &format!("/people/{}", f.victim), None).await;
    assert!(person.body.contains("Also recorded as") && person.body.contains(&f.persian));
    // Undone again: both decisions are operations in the log, under the editor's name.
    post(
        &f.app,
        &uri,
        &format!("decision=different&csrf={csrf}"),
        &admin,
    )
    .await;
    let queue = get(&f.app, "/review", Some(&admin)).await;
    assert!(
        !queue
            .body
            .contains(&format!(r#"/review/{}""#, f.public_match))
    );
    let archive = Archive::open(&f.dir, "tester").unwrap();
    let history = archive
        .history(&f.public_match, Classification::Confidential)
        .unwrap();
    let edits: Vec<_> = history.iter().filter(|h| h.action == "edit").collect();
    assert_eq!(edits.len(), 2);
    assert!(edits.iter().all(|h| h.actor == "admin"));
    let record = archive
        .get_visible(&f.public_match, Classification::Public)
        .unwrap()
        .unwrap();
    assert_eq!(record["decision"], "different");
}

/// The estimate page counts people on the chosen lists, as the visitor may see them: the
/// confidential person on the first list counts for an admin and not for anyone else.
#[tokio::test]
async fn the_estimate_page_counts_only_what_the_visitor_may_see() {
    let f = fixture();
    let uri = format!("/estimate?l_{}=1&l_{}=1", f.lists[0], f.lists[1]);
    let page = get(&f.app, &uri, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Book of names") && page.body.contains("NGO list"));
    assert!(
        page.body
            .contains("of whom 3 are documented on at least one of the 2 lists"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Only two lists"));
    let admin = sign_in_admin(&f).await;
    let page = get(&f.app, &uri, Some(&admin)).await;
    assert!(
        page.body.contains("of whom 4 are documented"),
        "{}",
        page.body
    );
    // Without lists chosen, the page offers them and estimates nothing.
    let page = get(&f.app, "/estimate?lang=fa", None).await;
    assert!(page.body.contains("dir=\"rtl\""));
    assert!(page.body.contains("Book of names") && !page.body.contains("An estimated"));
}

// ---------------------------------------------------------------------------------------------
// Evidence files

/// A multipart/form-data body: text fields in order, then the file part when given.
fn form_data(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "rightsdoc-evidence-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_evidence(
    f: &Fixture,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Answer {
    let (content_type, body) = form_data(fields, file);
    let mut req = Request::post("/evidence/new").header(header::CONTENT_TYPE, content_type);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    send(&f.app, req.body(Body::from(body)).unwrap()).await
}

/// A download (or any request) whose body is kept as bytes.
async fn fetch(
    app: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, headers, body.to_vec())
}

async fn download(
    f: &Fixture,
    id: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let uri = format!("/evidence/{id}/file");
    let mut req = match form {
        None => Request::get(&uri),
        Some(_) => {
            Request::post(&uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        }
    };
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let body = form.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    fetch(&f.app, req.body(body).unwrap()).await
}

/// The current code of an authenticator app holding `secret`.
fn totp_now(secret: &str) -> String {
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret.to_string())
            .to_bytes()
            .unwrap(),
        Some("rightsdoc".into()),
        "user".into(),
    )
    .unwrap()
    .generate_current()
    .unwrap()
}

/// A new editor, signed in with their second factor.
async fn sign_in_editor(f: &Fixture) -> String {
    let secret = f
        .accounts
        .accounts
        .add_user("eddie", Role::Editor, "a long editor password")
        .unwrap()
        .expect("editors get a TOTP secret");
    sign_in(f, "eddie", "a long editor password", &totp_now(&secret))
        .await
        .unwrap()
}

fn evidence_count(f: &Fixture) -> u64 {
    let archive = Archive::open(&f.dir, "tester").unwrap();
    archive
        .visible_page(Classification::Confidential, Kind::Evidence, 0, 0)
        .unwrap()
        .1
}

fn chain(f: &Fixture, id: &str) -> Vec<rightsdoc_archive::ChainEntry> {
    Archive::open(&f.dir, "tester")
        .unwrap()
        .custody_chain(id, Classification::Confidential)
        .unwrap()
        .into_iter()
        .filter(|e| e.record.starts_with("cus_"))
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A small JPEG whose EXIF block names a camera and software (big-endian TIFF, IFD0 only).
fn photo() -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08\0\x03".to_vec();
    for (tag, len, at) in [(0x010Fu16, 6u32, 50u32), (0x0110, 7, 56), (0x0131, 10, 63)] {
        tiff.extend(tag.to_be_bytes());
        tiff.extend(2u16.to_be_bytes());
        tiff.extend(len.to_be_bytes());
        tiff.extend(at.to_be_bytes());
    }
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(b"Canon\0EOS 5D\0GIMP 2.10\0");
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(&tiff);
    out.extend([0xFF, 0xD9]);
    out
}

/// The first `/evidence/evd_…` link of a page.
fn evidence_link(body: &str) -> String {
    let at = body
        .find("href=\"/evidence/evd_")
        .expect("a link to an item")
        + 16;
    body[at..].split(['"', '/']).next().unwrap().to_string()
}

#[tokio::test]
async fn editors_upload_evidence_with_a_fresh_form_and_nobody_else_can() {
    let f = fixture();
    let before = evidence_count(&f);
    let file = photo();
    // Visitors are sent to sign in; viewers and researchers are refused.
    let a = get(&f.app, "/evidence/new", None).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = post_evidence(
        &f,
        None,
        &[("csrf", "x"), ("classification", "public")],
        Some(("a.jpg", &file)),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    for (name, password) in [
        ("vera", "a long viewer password"),
        ("rana", "a long researcher password"),
    ] {
        let cookie = sign_in(&f, name, password, "").await.unwrap();
        let form = get(&f.app, "/evidence/new", Some(&cookie)).await;
        assert_eq!(form.status, StatusCode::FORBIDDEN, "{name}");
        let csrf = csrf_of(&get(&f.app, "/", Some(&cookie)).await);
        let a = post_evidence(
            &f,
            Some(&cookie),
            &[("csrf", &csrf), ("classification", "public")],
            Some(("a.jpg", &file)),
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{name}");
    }
    assert_eq!(evidence_count(&f), before);

    let editor = sign_in_editor(&f).await;
    let form = get(
        &f.app,
        &format!("/evidence/new?source={}", f.testimony),
        Some(&editor),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"enctype="multipart/form-data""#));
    assert!(
        form.body.contains(&format!(
            r#"<option value="{}" dir="auto" selected>Testimony"#,
            f.testimony
        )),
        "the source is offered and chosen: {}",
        form.body
    );
    let csrf = csrf_of(&form);
    let source = f.testimony.as_str();

    // Without the form's token, or with another, nothing is stored.
    for token in [None, Some("forged")] {
        let mut fields = vec![("classification", "public")];
        if let Some(t) = token {
            fields.insert(0, ("csrf", t));
        }
        let a = post_evidence(&f, Some(&editor), &fields, Some(("a.jpg", &file))).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
    }
    // Refusals say why and keep what was typed.
    let note = "Taken at <b>Khavaran</b>, خاوران";
    let a = post_evidence(
        &f,
        Some(&editor),
        &[("csrf", &csrf), ("source", source), ("note", note)],
        Some(("a.jpg", &file)),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.body.contains("Choose who may see this file."),
        "{}",
        a.body
    );
    assert!(
        a.body
            .contains("Taken at &#60;b&#62;Khavaran&#60;/b&#62;, خاوران")
    );
    assert!(
        a.body
            .contains(&format!(r#"<option value="{source}" dir="auto" selected>"#))
    );
    assert!(a.body.contains("choose it again"));
    let a = post_evidence(
        &f,
        Some(&editor),
        &[
            ("csrf", &csrf),
            ("source", "src_doesnotexist"),
            ("classification", "restricted"),
        ],
        Some(("a.jpg", &file)),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("There is no such source"), "{}", a.body);
    assert!(a.body.contains(r#"<option value="restricted" selected>"#));
    let a = post_evidence(
        &f,
        Some(&editor),
        &[("csrf", &csrf), ("classification", "restricted")],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("Choose a file to store."));
    let a = post_evidence(
        &f,
        Some(&editor),
        &[("csrf", &csrf), ("classification", "restricted")],
        Some(("empty.txt", b"")),
    )
    .await;
    assert!(a.body.contains("is empty (0 bytes)"), "{}", a.body);
    assert_eq!(evidence_count(&f), before, "nothing was stored");

    // Stored: under its hash, with the name's disagreement with the bytes noted.
    let a = post_evidence(
        &f,
        Some(&editor),
        &[
            ("csrf", &csrf),
            ("classification", "restricted"),
            ("source", source),
            ("note", note),
        ],
        Some(("C:\\Users\\field\\grave-site.png", &file)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("The file is stored"), "{}", a.body);
    assert!(a.body.contains(&sha256_hex(&file)));
    assert!(
        a.body
            .contains("the name says .png, the bytes are image/jpeg")
    );
    let id = evidence_link(&a.body);
    assert_eq!(evidence_count(&f), before + 1);
    let archive = Archive::open(&f.dir, "tester").unwrap();
    let record = archive
        .get_visible(&id, Classification::Confidential)
        .unwrap()
        .unwrap();
    assert_eq!(record["original_name"], "grave-site.png", "no folders");
    assert_eq!(record["acquired_by"], "eddie");
    assert_eq!(record["classification"], "restricted");
    assert_eq!(record["source"], f.testimony.as_str());
    let history = archive.history(&id, Classification::Confidential).unwrap();
    assert!(
        history.iter().all(|h| h.actor == "eddie"),
        "logged under the editor"
    );
    let entries = chain(&f, &id);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "acquired");
    assert_eq!(entries[0].actor.as_deref(), Some("eddie"));

    // The same bytes again are the same item: said so, with a link to it.
    let again = post_evidence(
        &f,
        Some(&editor),
        &[("csrf", &csrf), ("classification", "restricted")],
        Some(("copy.jpg", &file)),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("Already stored"), "{}", again.body);
    assert!(again.body.contains("already in the archive"));
    assert_eq!(evidence_link(&again.body), id);
    assert_eq!(evidence_count(&f), before + 1);
    assert_eq!(chain(&f, &id).len(), 2, "another acquisition");

    // The item's page shows the claims the photo makes, as claims.
    let page = get(&f.app, &format!("/evidence/{id}"), Some(&editor)).await;
    assert_eq!(page.status, StatusCode::OK);
    let claims = page
        .body
        .split("<section class=\"claims\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(claims.contains("not verified"), "{claims}");
    assert!(claims.contains("Canon") && claims.contains("EOS 5D") && claims.contains("GIMP 2.10"));
    // The generic record form never makes an evidence record without its file.
    let a = get(&f.app, "/new/evidence", Some(&editor)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], "/evidence/new");
    let edit = get(&f.app, &format!("/edit/{id}"), Some(&editor)).await;
    assert!(
        !edit.body.contains(r#"name="sha256""#),
        "the file's hash is not editable"
    );
}

#[tokio::test]
async fn an_evidence_page_shows_its_file_copies_and_chain_of_custody() {
    let f = fixture();
    let page = get(&f.app, &format!("/evidence/{}", f.public_evidence), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(&sha256_hex(PUBLIC_FILE)));
    assert!(body.contains(&format!("{} bytes", PUBLIC_FILE.len())));
    assert!(body.contains("text/plain") && body.contains("leaflet.txt"));
    assert!(body.contains("A photocopy kept by a family"));
    assert!(body.contains(&format!(r#"href="/evidence/{}/file""#, f.public_evidence)));
    assert!(body.contains("Testimony"), "its source");
    assert!(body.contains("Claims made by the file, not verified"));
    // Its redacted copy, and on the copy's page, the original.
    let copies = body
        .split("<section class=\"copies\">")
        .nth(1)
        .expect("copies");
    assert!(copies.contains(&f.public_copy) && copies.contains("Redacted copy"));
    let copy = get(&f.app, &format!("/evidence/{}", f.public_copy), None).await;
    assert!(copy.body.contains("Made from the original"));
    assert!(
        copy.body
            .contains(&format!(r#"href="/evidence/{}""#, f.public_evidence))
    );
    // The chain of custody, as the visitor may see it: the acquisition, not the confidential
    // hand-over.
    let custody = |body: &str| {
        body.split("<section class=\"custody\"")
            .nth(1)
            .expect("a chain of custody")
            .split("</section>")
            .next()
            .unwrap()
            .to_string()
    };
    let chain_shown = custody(body);
    assert!(chain_shown.contains("Acquired") && chain_shown.contains("tester"));
    assert!(!chain_shown.contains("CANARY-CONF-HANDOVER"));
    assert_eq!(
        chain_shown.matches("<tr>").count(),
        2,
        "header and one entry"
    );
    let admin = sign_in_admin(&f).await;
    let page = get(
        &f.app,
        &format!("/evidence/{}", f.public_evidence),
        Some(&admin),
    )
    .await;
    let chain_shown = custody(&page.body);
    let (acquired, handed) = (
        chain_shown.find("Acquired").unwrap(),
        chain_shown.find("CANARY-CONF-HANDOVER").unwrap(),
    );
    assert!(acquired < handed, "in time order");
    // A confidential item: its hand-over with who, to whom and why; a reason before any
    // download.
    let page = get(
        &f.app,
        &format!("/evidence/{}", f.secret_evidence),
        Some(&admin),
    )
    .await;
    let chain_shown = custody(&page.body);
    for text in [
        "Handed over",
        "the field researcher",
        "CANARY-CONF-CUSTODY-TO",
        "for safekeeping",
    ] {
        assert!(chain_shown.contains(text), "{text}: {chain_shown}");
    }
    assert!(page.body.contains(r#"name="reason""#));
    assert!(
        !page
            .body
            .contains(&format!(r#"href="/evidence/{}/file""#, f.secret_evidence))
    );
    // The list of items, and the page in Persian.
    let list = get(&f.app, "/evidence", None).await;
    assert!(list.body.contains("leaflet.txt") && !list.body.contains(&f.secret_evidence));
    let fa = get(
        &f.app,
        &format!("/evidence/{}?lang=fa", f.public_evidence),
        None,
    )
    .await;
    assert!(fa.body.contains("زنجیرهٔ نگهداری") && fa.body.contains("دریافت شد"));
    assert!(fa.body.contains("ادعاهای خود پرونده، راستی‌آزمایی‌نشده"));
}

#[tokio::test]
async fn a_public_file_downloads_for_anyone_as_an_attachment_with_its_exact_bytes() {
    let f = fixture();
    let (status, headers, body) = download(&f, &f.public_evidence, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PUBLIC_FILE);
    assert_eq!(headers[header::CONTENT_TYPE], "text/plain");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"leaflet.txt\"; filename*=UTF-8''leaflet.txt"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        headers[header::CONTENT_LENGTH],
        PUBLIC_FILE.len().to_string()
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        headers["repr-digest"]
            .to_str()
            .unwrap()
            .starts_with("sha-256=:")
    );
    // Downloading a public file writes nothing.
    assert_eq!(chain(&f, &f.public_evidence).len(), 2);
    // Not an evidence id, or no such item: not found.
    for id in [f.victim.as_str(), "evd_doesnotexist"] {
        let (status, _, _) = download(&f, id, None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_confidential_file_needs_clearance_and_a_reason_which_its_chain_records() {
    let f = fixture();
    let id = f.secret_evidence.clone();
    let secret = "CANARY-CONF-EVIDENCE-BYTES".as_bytes();
    let leaks = |body: &[u8]| body.windows(secret.len()).any(|w| w == secret);
    let entries = chain(&f, &id).len();
    // Nobody without clearance gets the bytes, by either method, with or without a reason.
    let viewer = sign_in(&f, "vera", "a long viewer password", "")
        .await
        .unwrap();
    let researcher = sign_in(&f, "rana", "a long researcher password", "")
        .await
        .unwrap();
    let (status, _, body) = download(&f, &id, None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!leaks(&body));
    let (status, _, body) = download(&f, &id, None, Some("csrf=x&reason=curious")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!leaks(&body));
    for cookie in [&viewer, &researcher] {
        let csrf = csrf_of(&get(&f.app, "/", Some(cookie)).await);
        let (status, _, body) = download(&f, &id, Some(cookie), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!leaks(&body));
        let form = format!("csrf={csrf}&reason=I+would+like+it");
        let (status, _, body) = download(&f, &id, Some(cookie), Some(&form)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!leaks(&body));
    }
    // An admin is asked why first.
    let admin = sign_in_admin(&f).await;
    let (status, _, body) = download(&f, &id, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains(r#"name="reason""#) && !page.contains("CANARY-CONF-EVIDENCE-BYTES"));
    let csrf = csrf_of(&get(&f.app, "/", Some(&admin)).await);
    let (status, _, body) = download(
        &f,
        &id,
        Some(&admin),
        Some(&format!("csrf={csrf}&reason=+")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!leaks(&body));
    assert!(String::from_utf8_lossy(&body).contains("Say why you need a copy"));
    let (status, _, body) = download(
        &f,
        &id,
        Some(&admin),
        Some("csrf=forged&reason=for+the+court"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!leaks(&body));
    assert_eq!(
        chain(&f, &id).len(),
        entries,
        "nothing recorded, nothing sent"
    );
    // With a reason: recorded under the admin's name, then sent.
    let form = format!("csrf={csrf}&reason=for+the+submission+to+the+court");
    let (status, headers, body) = download(&f, &id, Some(&admin), Some(&form)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, SECRET_FILE);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"CANARY-CONF-EVIDENCE-NAME.txt\"")
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let after = chain(&f, &id);
    assert_eq!(after.len(), entries + 1);
    let last = after.last().unwrap();
    assert_eq!(last.action, "copied");
    assert_eq!(last.actor.as_deref(), Some("admin"));
    assert_eq!(last.logged_by, "admin");
    assert_eq!(
        last.reason.as_deref(),
        Some("for the submission to the court")
    );
    let entry = Archive::open(&f.dir, "tester")
        .unwrap()
        .get_visible(&last.record, Classification::Restricted)
        .unwrap();
    assert!(entry.is_none(), "the entry is as confidential as its item");
    let page = get(&f.app, &format!("/evidence/{id}"), Some(&admin)).await;
    assert!(page.body.contains("for the submission to the court"));
}

/// Every stored file under `dir` named `sha256`.
fn blob_files(dir: &std::path::Path, sha256: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            blob_files(&path, sha256, out);
        } else if path.file_name().is_some_and(|n| n == sha256) {
            out.push(path);
        }
    }
}

/// Replace the stored bytes of a file (as a disk fault or an intruder would).
fn alter(f: &Fixture, original: &[u8], altered: &[u8]) {
    let mut files = Vec::new();
    blob_files(&f.dir.join("blobs"), &sha256_hex(original), &mut files);
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&files[0], std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::write(&files[0], altered).unwrap();
}

#[tokio::test]
async fn an_altered_file_is_refused_not_served() {
    let f = fixture();
    let mut altered = PUBLIC_FILE.to_vec();
    altered[2] ^= 0x20;
    alter(&f, PUBLIC_FILE, &altered);
    let (status, _, body) = download(&f, &f.public_evidence, None, None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("was not sent"), "{body}");
    assert!(
        !body.contains("eaflet handed out"),
        "neither the original nor the altered bytes"
    );
    // A confidential item that no longer matches: refused before its reason is recorded.
    let mut altered = SECRET_FILE.to_vec();
    altered[0] = b'X';
    alter(&f, SECRET_FILE, &altered);
    let entries = chain(&f, &f.secret_evidence).len();
    let admin = sign_in_admin(&f).await;
    let csrf = csrf_of(&get(&f.app, "/", Some(&admin)).await);
    let form = format!("csrf={csrf}&reason=for+the+court");
    let (status, _, body) = download(&f, &f.secret_evidence, Some(&admin), Some(&form)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!String::from_utf8_lossy(&body).contains("witness statement"));
    assert_eq!(chain(&f, &f.secret_evidence).len(), entries);
}

/// A hand-over recorded in the browser is the custody entry `rightsdoc evidence hand-over`
/// writes; only editors and admins may record one, with the form's token, and a refused form
/// keeps what was typed and writes nothing.
#[tokio::test]
async fn editors_record_a_hand_over_on_the_items_page_like_the_command_line() {
    let f = fixture();
    let id = f.public_evidence.clone();
    let uri = format!("/evidence/{id}/hand-over");
    let before = chain(&f, &id).len();
    // Others see no form and cannot post one.
    let page = get(&f.app, &format!("/evidence/{id}"), None).await;
    assert!(!page.body.contains(&uri), "no form for anonymous visitors");
    let a = post(&f.app, &uri, "to=x&reason=y&csrf=x", "").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "sign in first");
    for (name, password) in [
        ("vera", "a long viewer password"),
        ("rana", "a long researcher password"),
    ] {
        let cookie = sign_in(&f, name, password, "").await.unwrap();
        let page = get(&f.app, &format!("/evidence/{id}"), Some(&cookie)).await;
        assert!(!page.body.contains(&uri), "no form for {name}");
        let csrf = csrf_of(&page);
        let a = post(&f.app, &uri, &format!("to=x&reason=y&csrf={csrf}"), &cookie).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{name}");
        assert_eq!(
            get(&f.app, &uri, Some(&cookie)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(chain(&f, &id).len(), before, "nothing was written");

    let editor = sign_in_editor(&f).await;
    let page = get(&f.app, &format!("/evidence/{id}"), Some(&editor)).await;
    assert!(
        page.body.contains(&format!(r#"action="{uri}""#)),
        "the form is on the item's page"
    );
    let csrf = csrf_of(&page);
    // A forged form (no token) and a form without a reason are refused; the second keeps
    // what was typed and says what is missing.
    let a = post(
        &f.app,
        &uri,
        "to=UN+Special+Rapporteur&reason=submission",
        &editor,
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = post(
        &f.app,
        &uri,
        &format!("to=UN+Special+Rapporteur&reason=+&csrf={csrf}"),
        &editor,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.body.contains(r#"value="UN Special Rapporteur""#),
        "{}",
        a.body
    );
    assert!(a.body.contains("Say why it was handed over"));
    assert_eq!(chain(&f, &id).len(), before);
    // Not an evidence item, or none the editor may see: not found, nothing written.
    for other in [f.victim.as_str(), "evd_doesnotexist"] {
        let a = post(
            &f.app,
            &format!("/evidence/{other}/hand-over"),
            &format!("to=x&reason=y&csrf={csrf}"),
            &editor,
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{other}");
    }

    let a = post(
        &f.app,
        &uri,
        &format!("to=UN+Special+Rapporteur&reason=submission+to+the+mandate&csrf={csrf}"),
        &editor,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(
        a.headers[header::LOCATION],
        format!("/evidence/{id}#custody")
    );
    let entries = chain(&f, &id);
    assert_eq!(entries.len(), before + 1);
    let web = entries.last().unwrap();
    // The same entry the command line writes: `rightsdoc evidence hand-over ID --to … --reason …`.
    let mut cli = Archive::open(&f.dir, "eddie").unwrap();
    let written = cli
        .record_custody(
            &id,
            Classification::Confidential,
            &CustodyInput {
                action: "handed_over".into(),
                from: Some("eddie".into()),
                to: Some("UN Special Rapporteur".into()),
                reason: Some("submission to the mandate".into()),
                ..CustodyInput::default()
            },
        )
        .unwrap();
    let by_cli = chain(&f, &id)
        .into_iter()
        .find(|e| e.record == written.id)
        .unwrap();
    assert_eq!(
        (
            &web.action,
            &web.actor,
            &web.from,
            &web.to,
            &web.reason,
            &web.logged_by
        ),
        (
            &by_cli.action,
            &by_cli.actor,
            &by_cli.from,
            &by_cli.to,
            &by_cli.reason,
            &by_cli.logged_by
        )
    );
    assert_eq!(web.action, "handed_over");
    assert_eq!(web.from.as_deref(), Some("eddie"));
    // The item's page lists it.
    let page = get(&f.app, &format!("/evidence/{id}"), Some(&editor)).await;
    assert!(page.body.contains("submission to the mandate"));
    // A confidential item's hand-over is as confidential as the item; `from` may name another.
    let admin = sign_in_admin(&f).await;
    let page = get(
        &f.app,
        &format!("/evidence/{}", f.secret_evidence),
        Some(&admin),
    )
    .await;
    let csrf = csrf_of(&page);
    let a = post(
        &f.app,
        &format!("/evidence/{}/hand-over", f.secret_evidence),
        &format!("to=Defence+counsel&reason=disclosure&from=the+field+researcher&csrf={csrf}"),
        &admin,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let last = chain(&f, &f.secret_evidence).pop().unwrap();
    assert_eq!(last.from.as_deref(), Some("the field researcher"));
    assert_eq!(last.logged_by, "admin");
    let hidden = get(&f.app, &format!("/records/{}", last.record), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

/// A copy uploaded in the browser names its original and how it was made, as `evidence add
/// --derived-from --derivation` does; half of that is refused, and so is an original the
/// uploader may not see.
#[tokio::test]
async fn an_uploaded_copy_names_its_original_and_how_it_was_made() {
    let f = fixture();
    let editor = sign_in_editor(&f).await;
    let form = get(
        &f.app,
        &format!("/evidence/new?derived_from={}", f.public_evidence),
        Some(&editor),
    )
    .await;
    assert!(
        form.body.contains(&format!(
            r#"<option value="{}" dir="auto" selected>"#,
            f.public_evidence
        )),
        "the original is preselected"
    );
    assert!(form.body.contains(r#"<option value="thumbnail">"#));
    let csrf = csrf_of(&form);
    let before = evidence_count(&f);
    let thumbnail = b"a thumbnail of the leaflet".to_vec();
    for (fields, error) in [
        (
            vec![
                ("derived_from", f.public_evidence.as_str()),
                ("derivation", ""),
            ],
            "Say how the copy was made",
        ),
        (
            vec![("derived_from", ""), ("derivation", "thumbnail")],
            "Choose the original",
        ),
        (
            vec![
                ("derived_from", "evd_doesnotexist"),
                ("derivation", "thumbnail"),
            ],
            "no such evidence item",
        ),
        (
            vec![
                ("derived_from", f.public_evidence.as_str()),
                ("derivation", "painted"),
            ],
            "Say how the copy was made",
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str()), ("classification", "public")];
        all.extend(fields);
        let a = post_evidence(&f, Some(&editor), &all, Some(("thumb.txt", &thumbnail))).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{all:?}");
        assert!(a.body.contains(error), "{all:?}: {}", a.body);
    }
    assert_eq!(evidence_count(&f), before, "nothing was stored");

    let a = post_evidence(
        &f,
        Some(&editor),
        &[
            ("csrf", &csrf),
            ("classification", "public"),
            ("derived_from", &f.public_evidence),
            ("derivation", "thumbnail"),
        ],
        Some(("thumb.txt", &thumbnail)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let id = evidence_link(&a.body);
    let record = Archive::open(&f.dir, "tester")
        .unwrap()
        .get_visible(&id, Classification::Confidential)
        .unwrap()
        .unwrap();
    assert_eq!(record["derived_from"], f.public_evidence.as_str());
    assert_eq!(record["derivation"], "thumbnail");
    let original = get(&f.app, &format!("/evidence/{}", f.public_evidence), None).await;
    assert!(
        original.body.contains(&format!(r#"href="/evidence/{id}""#)),
        "listed as a copy"
    );
    assert!(original.body.contains("Thumbnail"));
}
