//! Getting the key of an encrypted archive from the person at the terminal.

use anyhow::{Result, bail};
use rightsdoc_archive::{Archive, KeySource};
use std::io::IsTerminal;
use std::path::Path;
use zeroize::Zeroizing;

/// The key a new archive is encrypted under: the environment's, or a passphrase typed twice.
pub fn for_new_archive() -> Result<KeySource> {
    if let Some(source) = KeySource::from_env() {
        return Ok(source);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "a new archive encrypts confidential values: set RIGHTSDOC_PASSPHRASE, or RIGHTSDOC_KEY_FILE to a file of 64 hex digits (`openssl rand -hex 32 > archive.key`), or pass --no-encryption to keep them in the clear"
        );
    }
    let first = Zeroizing::new(rpassword::prompt_password(
        "Passphrase for the new archive (it cannot be recovered; keep it safe): ",
    )?);
    if first.chars().count() < 12 {
        bail!("the passphrase is too short: use at least 12 characters (a few words)");
    }
    let again = Zeroizing::new(rpassword::prompt_password("The same passphrase again: ")?);
    if *first != *again {
        bail!("the two passphrases differ; nothing was created");
    }
    Ok(KeySource::Passphrase(first))
}

/// Ask for the passphrase when the archive in `dir` is encrypted, no key was given in the
/// environment, and a person is at the terminal. Elsewhere (scripts) nothing is asked:
/// what needs the key then fails with a message that says how to give it.
pub fn ask_if_locked(dir: &Path) -> Result<()> {
    if KeySource::from_env().is_some() || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    let Ok(mut archive) = Archive::open(dir, "key-check") else {
        return Ok(()); // not an archive (yet): the command itself will say so
    };
    if !archive.is_locked() {
        return Ok(());
    }
    let source = KeySource::Passphrase(Zeroizing::new(rpassword::prompt_password(format!(
        "Passphrase of {}: ",
        dir.display()
    ))?));
    archive.unlock(&source)?;
    KeySource::set_for_process(source);
    Ok(())
}
