//! Accounts, sessions and API tokens, kept in `accounts.db` beside the archive's log (they are
//! not evidence and must be changeable: a password is reset, a session ends).
//!
//! Passwords are Argon2id hashes. Admins and editors also need a TOTP code (RFC 6238) to log
//! in. A session or API token is 32 random bytes given to the client; only its SHA-256 is
//! stored, so a copy of `accounts.db` opens no session. Sessions end after 30 idle minutes or
//! 12 hours in all.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use rightsdoc_model::Classification;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use totp_rs::{Algorithm, Secret, TOTP};

pub const IDLE_TIMEOUT_SECS: u64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT_SECS: u64 = 12 * 60 * 60;
const FILE: &str = "accounts.db";

/// What a user may do. Roles are ordered by what they may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including accounts.
    Admin,
    /// Reads everything and writes records.
    Editor,
    /// Reads public and restricted records.
    Researcher,
    /// Reads public records, signed in (for audit).
    Viewer,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "admin" => Role::Admin,
            "editor" => Role::Editor,
            "researcher" => Role::Researcher,
            "viewer" => Role::Viewer,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Researcher => "researcher",
            Role::Viewer => "viewer",
        }
    }

    /// The highest classification the role may see.
    pub fn clearance(self) -> Classification {
        match self {
            Role::Admin | Role::Editor => Classification::Confidential,
            Role::Researcher => Classification::Restricted,
            Role::Viewer => Classification::Public,
        }
    }

    /// Editors and admins write records.
    pub fn writes(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }

    /// Roles that can change or see everything must prove a second factor.
    pub fn needs_totp(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }
}

/// A signed-in user, as a request sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
}

/// A live session or API token, as a request presents it.
#[derive(Debug, Clone)]
pub struct Live {
    pub user: User,
    pub csrf: String,
    /// An API token (`rightsdoc user token`), not a browser's session.
    pub api: bool,
}

/// A session opened by a login: the token goes into the cookie, the CSRF token into forms.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("wrong name, password or code")]
    BadLogin,
    #[error("user `{0}` exists already")]
    Exists(String),
    #[error("no user `{0}`")]
    NoUser(String),
    #[error("a user name is 1–64 letters, digits, `.`, `-` or `_`")]
    BadName,
    #[error("a password needs at least 12 characters")]
    WeakPassword,
    #[error("accounts database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("password hashing: {0}")]
    Hash(String),
}

pub struct Accounts {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL,
    password TEXT NOT NULL, totp TEXT, created INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (token_hash BLOB PRIMARY KEY, user TEXT NOT NULL,
    csrf TEXT NOT NULL, created INTEGER NOT NULL, seen INTEGER NOT NULL,
    api INTEGER NOT NULL DEFAULT 0, label TEXT) WITHOUT ROWID;
";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn totp(secret_base32: &str, name: &str) -> Option<TOTP> {
    let secret = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        Some("rightsdoc".into()),
        name.to_string(),
    )
    .ok()
}

impl Accounts {
    /// Open (creating if needed) the accounts of the archive in `dir`.
    pub fn open(dir: &Path) -> Result<Accounts, AccountError> {
        let conn = Connection::open(dir.join(FILE))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Accounts {
            conn: Mutex::new(conn),
        })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().expect("accounts lock")
    }

    /// Add a user. Returns the TOTP secret (base32) for roles that need one, to be put into
    /// an authenticator app now: it is not shown again.
    pub fn add_user(
        &self,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<Option<String>, AccountError> {
        let name_ok = (1..=64).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !name_ok {
            return Err(AccountError::BadName);
        }
        if password.chars().count() < 12 {
            return Err(AccountError::WeakPassword);
        }
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| AccountError::Hash(e.to_string()))?
            .to_string();
        let secret = role.needs_totp().then(|| {
            let mut bytes = [0u8; 20];
            rand::thread_rng().fill_bytes(&mut bytes);
            Secret::Raw(bytes.to_vec()).to_encoded().to_string()
        });
        let n = self.db().execute(
            "INSERT INTO users (name, role, password, totp, created) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (name) DO NOTHING",
            params![name, role.as_str(), hash, secret, now() as i64],
        )?;
        if n == 0 {
            return Err(AccountError::Exists(name.to_string()));
        }
        Ok(secret)
    }

    /// The otpauth:// URI of a TOTP secret, for authenticator apps.
    pub fn totp_uri(name: &str, secret: &str) -> Option<String> {
        totp(secret, name).map(|t| t.get_url())
    }

    /// Check a password (and a TOTP code where the role needs one) and open a new session.
    /// Every failure looks the same to the caller.
    pub fn login(
        &self,
        name: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<(User, Session), AccountError> {
        let row: Option<(String, String, Option<String>)> = self
            .db()
            .query_row(
                "SELECT role, password, totp FROM users WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((role, hash, secret)) = row else {
            // Spend the time a real check takes, so timing does not tell who exists.
            let _ = Argon2::default().hash_password(
                password.as_bytes(),
                &SaltString::generate(&mut rand::rngs::OsRng),
            );
            return Err(AccountError::BadLogin);
        };
        let role = Role::parse(&role).ok_or(AccountError::BadLogin)?;
        let parsed = PasswordHash::new(&hash).map_err(|e| AccountError::Hash(e.to_string()))?;
        if Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_err()
        {
            return Err(AccountError::BadLogin);
        }
        if role.needs_totp() {
            let ok = match (secret.as_deref().and_then(|s| totp(s, name)), code) {
                (Some(t), Some(c)) => t.check_current(c.trim()).unwrap_or(false),
                _ => false,
            };
            if !ok {
                return Err(AccountError::BadLogin);
            }
        }
        let session = self.open_session(name, false, None)?;
        Ok((
            User {
                name: name.to_string(),
                role,
            },
            session,
        ))
    }

    fn open_session(
        &self,
        name: &str,
        api: bool,
        label: Option<&str>,
    ) -> Result<Session, AccountError> {
        let token = random_token();
        let csrf = random_token();
        let t = now() as i64;
        self.db().execute(
            "INSERT INTO sessions (token_hash, user, csrf, created, seen, api, label)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
            params![token_hash(&token), name, csrf, t, api, label],
        )?;
        Ok(Session { token, csrf })
    }

    /// A new API token for scripts (`Authorization: Bearer …`); it does not time out.
    pub fn add_token(&self, name: &str, label: &str) -> Result<String, AccountError> {
        let exists: bool = self
            .db()
            .query_row("SELECT 1 FROM users WHERE name = ?1", [name], |_| Ok(true))
            .optional()?
            .unwrap_or(false);
        if !exists {
            return Err(AccountError::NoUser(name.to_string()));
        }
        Ok(self.open_session(name, true, Some(label))?.token)
    }

    /// The user and CSRF token of a live session or API token; ends sessions that timed out.
    pub fn session(&self, token: &str) -> Result<Option<Live>, AccountError> {
        let db = self.db();
        let hash = token_hash(token);
        let row: Option<(String, String, i64, i64, bool, String)> = db
            .query_row(
                "SELECT s.user, s.csrf, s.created, s.seen, s.api, u.role
                 FROM sessions s JOIN users u ON u.name = s.user WHERE s.token_hash = ?1",
                [&hash],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((name, csrf, created, seen, api, role)) = row else {
            return Ok(None);
        };
        let t = now();
        let expired = !api
            && (t.saturating_sub(seen as u64) > IDLE_TIMEOUT_SECS
                || t.saturating_sub(created as u64) > ABSOLUTE_TIMEOUT_SECS);
        if expired {
            db.execute("DELETE FROM sessions WHERE token_hash = ?1", [&hash])?;
            return Ok(None);
        }
        if !api && t.saturating_sub(seen as u64) >= 60 {
            db.execute(
                "UPDATE sessions SET seen = ?2 WHERE token_hash = ?1",
                params![hash, t as i64],
            )?;
        }
        Ok(Role::parse(&role).map(|role| Live {
            user: User { name, role },
            csrf,
            api,
        }))
    }

    pub fn logout(&self, token: &str) -> Result<(), AccountError> {
        self.db().execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            [token_hash(token)],
        )?;
        Ok(())
    }

    /// For tests: age a session as if `secs` had passed since it was last seen.
    #[doc(hidden)]
    pub fn age_session(&self, token: &str, secs: u64) -> Result<(), AccountError> {
        self.db().execute(
            "UPDATE sessions SET seen = seen - ?2, created = created - ?2 WHERE token_hash = ?1",
            params![token_hash(token), secs as i64],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write is a merge patch on the whole stored record and a refusal names what is
    /// stored, so a role that writes without seeing everything could overwrite or learn
    /// values above its clearance.
    #[test]
    fn every_role_that_writes_is_cleared_for_everything_and_proves_a_second_factor() {
        for role in [Role::Admin, Role::Editor, Role::Researcher, Role::Viewer] {
            if role.writes() {
                assert_eq!(role.clearance(), Classification::Confidential, "{role:?}");
                assert!(role.needs_totp(), "{role:?}");
            }
        }
        assert!(!Role::Researcher.writes() && !Role::Viewer.writes());
    }
}
