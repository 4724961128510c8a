//! Tokens: how every token is made and stored (the agents' bearer tokens too),
//! and the customer tokens: one unguessable token per conversation. The only
//! writer of `customer_tokens`.

use crate::db::now_ms;
use crate::error::{Error, Result};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{ConversationId, ErrorCode};

/// A random token with a readable prefix: 256 bits from the OS generator.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Tokens are stored as their SHA-256: a leaked database holds no usable token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a fresh customer token for a conversation.
pub async fn issue(conn: &mut AnyConnection, id: ConversationId) -> Result<String> {
    let token = new_token("sbc_");
    sqlx::query(
        "INSERT INTO customer_tokens (token_hash, conversation_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash(&token))
    .bind(id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(token)
}

/// Deletes the customer tokens of conversations closed more than `max_age_ms`
/// ago: the customer's page then says the chat has expired (a new chat with
/// the same email is linked to it for agents). Returns how many went.
pub async fn prune_expired(writer: &sqlx::AnyPool, max_age_ms: i64) -> Result<u64> {
    let cutoff = now_ms().saturating_sub(max_age_ms);
    Ok(sqlx::query(
        "DELETE FROM customer_tokens WHERE conversation_id IN \
         (SELECT id FROM conversations WHERE state = 'archived' AND closed_at < $1)",
    )
    .bind(cutoff)
    .execute(writer)
    .await?
    .rows_affected())
}

/// The conversation a customer token opens, checked against the one asked for.
pub async fn check(conn: &mut AnyConnection, id: ConversationId, token: &str) -> Result<()> {
    let row = sqlx::query("SELECT conversation_id FROM customer_tokens WHERE token_hash = $1")
        .bind(token_hash(token))
        .fetch_optional(conn)
        .await?;
    match row {
        None => Err(Error::new(
            ErrorCode::Unauthorized,
            "unknown conversation token",
        )),
        Some(r) if r.try_get::<i64, _>(0)? == id => Ok(()),
        Some(_) => Err(Error::forbidden(
            "this token belongs to another conversation",
        )),
    }
}

/// Deletes the chat page's tokens of every conversation of `customer` (an
/// erasure): their pages are signed out. Returns how many.
pub async fn erase(
    conn: &mut AnyConnection,
    customer: switchboard_protocol::CustomerId,
) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM customer_tokens WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}
