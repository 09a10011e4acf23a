//! `rightsdoc user`: accounts for the web interface, managed from the command line.

mod common;
use common::*;

fn user(archive: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let args: Vec<&str> = std::iter::once("user")
        .chain(args.iter().copied())
        .collect();
    rightsdoc_with_stdin(archive, &args, stdin)
}

#[test]
fn users_are_added_with_a_role_and_admins_get_a_second_factor() {
    let tmp = tempfile::tempdir().unwrap();
    let a = &tmp.path().join("archive");
    ok(a, &["init"]);

    let out = user(
        a,
        &["add", "rana", "--role", "researcher"],
        "a long enough password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("added rana (researcher)") && !text.contains("TOTP"));

    let out = user(
        a,
        &["add", "ali", "--role", "admin"],
        "another long password\n",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("TOTP secret"), "{text}");
    assert!(text.contains("otpauth://totp/"), "{text}");

    // The password never appears in the accounts file.
    let db = std::fs::read(a.join("accounts.db")).unwrap();
    let needle = b"a long enough password";
    assert!(!db.windows(needle.len()).any(|w| w == needle));

    // Mistakes are one clear line each, and change nothing.
    for (args, stdin, says) in [
        (
            vec!["add", "rana", "--role", "viewer"],
            "yet another password\n",
            "exists already",
        ),
        (
            vec!["add", "sam", "--role", "viewer"],
            "short\n",
            "at least 12 characters",
        ),
        (
            vec!["add", "sam", "--role", "boss"],
            "a long enough password\n",
            "--role boss",
        ),
        (vec!["token", "nobody"], "", "no user `nobody`"),
    ] {
        let out = user(a, &args, stdin);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(says),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }

    let out = user(a, &["token", "rana", "--label", "nightly export"], "");
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(token.len(), 64, "{token}");
}
