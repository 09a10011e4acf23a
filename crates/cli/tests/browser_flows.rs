//! What a person does in the web interface, in a real browser: Debian's chromium driven
//! through chromedriver (W3C WebDriver) against `rightsdoc serve`. An admin signs in with a
//! password and a TOTP code, types a record with a bad date and sees the error at the field,
//! corrects it, uploads a CSV and reads the row report, switches to Persian, and finds a
//! Persian-only name with a Latin query. Screenshots go to `target/tmp/screenshots/`.
//!
//! Needs `chromium` and `chromedriver` (`.ci/run` installs both); fails, not skips, without them.

mod common;
use common::*;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(addr: &str) {
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nothing listens on {addr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The few WebDriver commands these tests need.
struct Browser {
    base: String,
    session: String,
    _driver: Running,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the browser tests need chromedriver: apt-get install chromium-driver");
        let driver = Running(driver);
        wait_for(&format!("127.0.0.1:{port}"));
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"]}
        }}});
        let answer = post(&format!("{base}/session"), &caps);
        let session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {answer}"))
            .to_string();
        Browser {
            base: format!("{base}/session/{session}"),
            session,
            _driver: driver,
        }
    }

    fn go(&self, url: &str) {
        post(&format!("{}/url", self.base), &json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let answer = post(
            &format!("{}/element", self.base),
            &json!({"using": "css selector", "value": css}),
        );
        answer["value"][ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {answer}"))
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        post(
            &format!("{}/element/{e}/value", self.base),
            &json!({ "text": text }),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        post(&format!("{}/element/{e}/click", self.base), &json!({}));
    }

    fn html(&self) -> String {
        get(&format!("{}/source", self.base))["value"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The page once `ready` holds for it (a click's navigation may still be under way).
    fn html_when(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let html = self.html();
            if ready(&html) {
                return html;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "waited in vain for {what} at {}:\n{html}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self) -> String {
        get(&format!("{}/url", self.base))["value"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn screenshot(&self, name: &str) {
        use base64::Engine;
        let png = get(&format!("{}/screenshot", self.base))["value"]
            .as_str()
            .unwrap()
            .to_string();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png)
            .unwrap();
        std::fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.base).call();
        let _ = &self.session;
    }
}

fn post(url: &str, body: &Value) -> Value {
    match ureq::post(url).send_json(body.clone()) {
        Ok(r) => r.into_json().unwrap(),
        Err(ureq::Error::Status(_, r)) => r.into_json().unwrap(),
        Err(e) => panic!("{url}: {e}"),
    }
}

fn get(url: &str) -> Value {
    ureq::get(url).call().unwrap().into_json().unwrap()
}

/// `rightsdoc user add` with the password on standard input; returns its output.
fn add_user(archive: &Path, name: &str, role: &str, password: &str) -> String {
    let out = rightsdoc_with_stdin(
        archive,
        &["user", "add", name, "--role", role],
        &format!("{password}\n"),
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

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
        "admin".into(),
    )
    .unwrap()
    .generate_current()
    .unwrap()
}

#[test]
fn an_editor_signs_in_enters_a_record_uploads_a_list_and_reads_it_in_persian() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    add(
        a,
        r#"{"kind":"person","names":[{"value":"محمد رضایی","lang":"fa"}]}"#,
    );
    let out = add_user(a, "admin", "admin", "a long admin password!");
    let secret = out
        .lines()
        .find_map(|l| l.split("it is not shown again): ").nth(1))
        .expect("a TOTP secret")
        .trim()
        .to_string();

    let server = common::serve(a);
    let site = &server.base;
    let browser = Browser::start();

    // Sign in: password and the authenticator's code.
    browser.go(&format!("{site}/login"));
    browser.type_into("input[name=name]", "admin");
    browser.type_into("input[name=password]", "a long admin password!");
    browser.type_into("input[name=code]", &totp_now(&secret));
    browser.screenshot("flow-1-sign-in");
    browser.click("form.login button");
    browser.html_when("the signed-in header", |h| h.contains("(admin)"));

    // A record with a bad date: refused, with the reason at the field.
    browser.go(&format!("{site}/new/person"));
    browser.type_into("#f-names", "Zahra Kazemi");
    browser.type_into("#f-birth", "19x5");
    browser.click("form.record-form button");
    let page = browser.html_when("the error at the field", |h| h.contains("field-error"));
    assert!(page.contains(r#"value="19x5""#), "what was typed stays");
    browser.screenshot("flow-2-bad-date");
    // Corrected, it is saved and its page opens.
    let birth = browser.find("#f-birth");
    post(
        &format!("{}/element/{birth}/clear", browser.base),
        &json!({}),
    );
    browser.type_into("#f-birth", "1965");
    browser.click("form.record-form button");
    browser.html_when("the new record's page", |h| {
        h.contains("Person · <code>psn_")
    });
    assert!(browser.url().contains("/people/psn_"), "{}", browser.url());
    assert!(browser.html().contains("Zahra Kazemi"));

    // Upload a list; the row report says what was written.
    let csv = tmp.path().join("book.csv");
    std::fs::write(
        &csv,
        "full_name,name_fa,birth\nLeila Ahmadi,لیلا احمدی,1962\n",
    )
    .unwrap();
    browser.go(&format!("{site}/import"));
    browser.type_into("#f-file", csv.to_str().unwrap());
    browser.click("form.record-form button");
    browser.html_when("the row report", |h| h.contains("1 records written"));
    browser.screenshot("flow-3-upload-report");

    // In Persian the page runs right to left; a Latin query finds the Persian-only name.
    browser.go(&format!("{site}/search?q=Mohammad+Rezaei"));
    browser.click("a.lang");
    let page = browser.html_when("the Persian page", |h| h.contains(r#"dir="rtl""#));
    assert!(page.contains("محمد رضایی"));
    browser.screenshot("flow-4-persian-search");
}
