//! The web interface in a real browser: `rightsdoc serve` on a free port, Debian's chromium
//! (headless) rendering its pages. Screenshots are saved under the cargo target's `tmp/`
//! folder (`target/tmp/screenshots/`) for people to look at.
//!
//! Needs `chromium` on the PATH (`.ci/run` installs it); the test fails, not skips, without it.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists())
        .expect("the browser tests need chromium: apt-get install chromium")
}

/// Render `url` in headless chromium: the DOM after rendering, and a screenshot `name`.png.
fn render(url: &str, name: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let run = |extra: &[String]| {
        let out = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(url)
            .output()
            .unwrap();
        assert!(out.status.success(), "chromium failed on {url}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&[format!(
        "--screenshot={}",
        shots.join(format!("{name}.png")).display()
    )]);
    run(&["--dump-dom".to_string()])
}

#[test]
fn pages_render_in_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);
    let evin = add(
        a,
        r#"{"kind":"place","names":[{"value":"زندان اوین","lang":"fa"},{"value":"Evin prison","lang":"en"}],"place_type":"prison"}"#,
    );
    let person = add(
        a,
        &format!(
            r#"{{"kind":"person","names":[{{"value":"محمد رضایی","lang":"fa"}}],"birth":"1960~","birth_place":"{evin}"}}"#
        ),
    );
    add(
        a,
        r#"{"kind":"person","names":["CANARY-CONF-BROWSER"],"classification":"confidential"}"#,
    );
    let server = serve(a);

    // A Latin spelling finds a name written only in Persian.
    let dom = render(
        &format!("{}/search?q=Muhammad+Rezaie", server.base),
        "search-latin-finds-persian",
    );
    assert!(dom.contains("محمد رضایی"), "{dom}");
    assert!(dom.contains(&format!("/people/{person}")));

    // The person's page, in Persian: right to left, the place linked by its name.
    let dom = render(
        &format!("{}/people/{person}?lang=fa", server.base),
        "person-persian",
    );
    assert!(dom.contains(r#"<html lang="fa" dir="rtl">"#), "{dom}");
    assert!(dom.contains("زندان اوین"));

    // The dashboard, and nothing confidential anywhere a visitor can go.
    for (path, name) in [
        ("/", "dashboard"),
        ("/people", "people"),
        ("/search?q=canary", "search-canary"),
    ] {
        let dom = render(&format!("{}{path}", server.base), name);
        assert!(dom.contains("rightsdoc"), "{path}: {dom}");
        assert!(
            !dom.contains("CANARY-CONF-BROWSER"),
            "{path} shows a confidential name"
        );
    }
}
