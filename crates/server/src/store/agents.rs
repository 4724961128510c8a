//! Agents, passwords and bearer tokens.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Ended;
use crate::store::blocks::tokens::{new_token, token_hash};
use crate::store::Store;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sqlx::Row;
use switchboard_protocol::{AgentId, AgentSummary, ErrorCode, LoginResponse, Me, Role};

/// The signed-in agent behind a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl Caller {
    /// Supervisors and admins see every conversation.
    pub fn sees_everything(&self) -> bool {
        self.role.sees_everything()
    }

    /// As the wire names the caller.
    pub fn me(&self) -> Me {
        Me {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
        }
    }

    /// As others see the caller.
    pub fn agent_ref(&self) -> switchboard_protocol::AgentRef {
        switchboard_protocol::AgentRef {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

/// Hashes a password with argon2id (off the async threads: it is slow on purpose).
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal("argon2", e))
    })
    .await
    .map_err(|e| Error::internal("argon2 task", e))?
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| Error::internal("stored hash", e))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| Error::internal("argon2 task", e))?
}

/// How emails are compared: case-insensitively.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn caller_from_row(r: &sqlx::any::AnyRow) -> Result<Caller> {
    let role: String = r.try_get("role")?;
    Ok(Caller {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        role: Role::parse(&role).ok_or_else(|| Error::internal("role", &role))?,
    })
}

impl Store {
    /// Adds an agent (admin CLI and demo seeding).
    pub async fn add_agent(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<AgentId> {
        crate::validate::short_text("email", email)?;
        crate::validate::short_text("name", name)?;
        if password.chars().count() < 8 {
            return Err(Error::field("password must have at least 8 characters"));
        }
        let hash = hash_password(password.to_string()).await?;
        let row = sqlx::query(
            "INSERT INTO agents (email, email_key, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email_key) DO NOTHING RETURNING id",
        )
        .bind(email)
        .bind(email_key(email))
        .bind(name)
        .bind(role.as_str())
        .bind(hash)
        .bind(now_ms())
        .fetch_optional(&self.db.writer)
        .await?;
        match row {
            Some(r) => Ok(r.try_get(0)?),
            None => Err(Error::field(format!(
                "an agent with email {email} already exists"
            ))),
        }
    }

    /// Checks an email and password and issues a bearer token.
    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse> {
        let row = sqlx::query(
            "SELECT id, name, email, role, password_hash FROM agents \
             WHERE email_key = $1 AND removed_at IS NULL",
        )
        .bind(email_key(email))
        .fetch_optional(&self.db.reader)
        .await?;
        let refused = || Error::new(ErrorCode::InvalidCredentials, "wrong email or password");
        let Some(row) = row else {
            // Spend the same time as a real check, so timing does not reveal which emails exist.
            let _ = verify_password(password.to_string(), DUMMY_HASH.to_string()).await;
            return Err(refused());
        };
        let stored: String = row.try_get("password_hash")?;
        if !verify_password(password.to_string(), stored).await? {
            return Err(refused());
        }
        let caller = caller_from_row(&row)?;
        let token = new_token("sba_");
        let now = now_ms();
        let expires = now.saturating_add(self.config.token_ttl_ms);
        sqlx::query(
            "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(caller.id)
        .bind(now)
        .bind(expires)
        .execute(&self.db.writer)
        .await?;
        Ok(LoginResponse {
            token,
            expires_at: ts(expires),
            agent: caller.me(),
        })
    }

    /// Issues a token without a password (benchmarks and tests seeding many agents).
    pub async fn issue_token(&self, agent: AgentId) -> Result<String> {
        let token = new_token("sba_");
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(agent)
        .bind(now)
        .bind(now.saturating_add(self.config.token_ttl_ms))
        .execute(&self.db.writer)
        .await?;
        Ok(token)
    }

    /// The agent a bearer token belongs to, if it is valid and unexpired.
    pub async fn authenticate(&self, token: &str) -> Result<Caller> {
        let row = sqlx::query(
            "SELECT a.id, a.name, a.email, a.role FROM sessions s JOIN agents a ON a.id = s.agent_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.removed_at IS NULL",
        )
        .bind(token_hash(token))
        .bind(now_ms())
        .fetch_optional(&self.db.reader)
        .await?;
        match row {
            Some(r) => caller_from_row(&r),
            None => Err(Error::new(
                ErrorCode::Unauthorized,
                "sign in again: the token is missing, unknown or expired",
            )),
        }
    }

    /// Ends the session of this token.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let token_hash = token_hash(token);
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&token_hash)
            .execute(&self.db.writer)
            .await?;
        self.end_streams(Ended::Session { token_hash }).await;
        Ok(())
    }

    /// Every agent on the team (not removed), for supervisors and the admin CLI.
    pub async fn list_agents(&self) -> Result<Vec<AgentSummary>> {
        let rows = sqlx::query(
            "SELECT id, name, email, role FROM agents WHERE removed_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.db.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let c = caller_from_row(r)?;
                Ok(AgentSummary {
                    id: c.id,
                    name: c.name,
                    email: c.email,
                    role: c.role,
                })
            })
            .collect()
    }

    /// Replaces the questionnaire's subject list.
    pub async fn set_subjects(&self, subjects: &[String]) -> Result<()> {
        for s in subjects {
            crate::validate::short_text("subject", s)?;
        }
        let mut tx = self.db.write().await?;
        sqlx::query("DELETE FROM subjects")
            .execute(&mut *tx)
            .await?;
        for (i, s) in subjects.iter().enumerate() {
            sqlx::query("INSERT INTO subjects (position, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(i as i64)
                .bind(s)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// An argon2id hash of a random password, checked against when the email is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$yS8sQbB7TfSIFh1zFYuS9o9iBbRUX8NHPbNxNNAsWMM";
