//! The outbox of texts: the only writer of `sms_outbox`. Texts are queued in
//! the same transaction as the reply or end that causes them, so none is lost;
//! the sender (`crate::sms`) claims them in order per number and its outcome is
//! recorded here.

use crate::db::now_ms;
use crate::error::{Error, Result};
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{Channel, ConversationId, ErrorCode};

/// Why a text is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Reply,
    Survey,
    Clarification,
    Thanks,
}

impl TextKind {
    fn as_str(self) -> &'static str {
        match self {
            TextKind::Reply => "reply",
            TextKind::Survey => "survey",
            TextKind::Clarification => "clarification",
            TextKind::Thanks => "thanks",
        }
    }
}

/// A text the worker is to send now.
#[derive(Debug, Clone)]
pub struct OutgoingText {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub to: String,
    pub body: String,
    pub kind: String,
    /// Attempts including this one.
    pub attempts: i64,
    /// A file goes with it (MMS): the provider fetches it at
    /// `/api/v1/sms/media/{token}` on the server's public address.
    pub media_token: Option<String>,
}

/// The number agents' replies go to: `Some` for a texted conversation, `None` for
/// the web. A customer who opted out cannot be texted: 409 `customer_opted_out`.
pub async fn recipient(conn: &mut AnyConnection, id: ConversationId) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT c.channel, cu.phone, cu.sms_opted_out FROM conversations c \
         JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await?;
    if row.try_get::<String, _>(0)? != Channel::Sms.as_str() {
        return Ok(None);
    }
    if row.try_get::<i64, _>(2)? != 0 {
        return Err(Error::new(
            ErrorCode::CustomerOptedOut,
            "the customer texted STOP, so no text can reach them until they text START",
        ));
    }
    match row.try_get::<Option<String>, _>(1)? {
        Some(phone) => Ok(Some(phone)),
        None => Err(Error::internal(
            "texted conversation",
            "customer has no phone",
        )),
    }
}

/// Queues a text for the worker.
pub async fn queue(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    message: Option<i64>,
    to: &str,
    body: &str,
    kind: TextKind,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sms_outbox (conversation_id, message_id, to_number, body, kind, status, \
         attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
    )
    .bind(conversation)
    .bind(message)
    .bind(to)
    .bind(body)
    .bind(kind.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues a text that carries an attachment (MMS); its body may be empty.
pub async fn queue_file(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    message: i64,
    to: &str,
    attachment: i64,
) -> Result<()> {
    let now = now_ms();
    // 256 random bits: the address is the only key the provider needs.
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    sqlx::query(
        "INSERT INTO sms_outbox (conversation_id, message_id, to_number, body, kind, status, \
         attempts, next_attempt_at, created_at, attachment_id, media_token) \
         VALUES ($1, $2, $3, '', 'reply', 'pending', 0, $4, $4, $5, $6)",
    )
    .bind(conversation)
    .bind(message)
    .bind(to)
    .bind(now)
    .bind(attachment)
    .bind(token)
    .execute(conn)
    .await?;
    Ok(())
}

/// How long the provider may fetch a texted file after it was queued.
pub const MEDIA_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// The attachment a media token stands for, while it may be fetched.
pub async fn media(conn: &mut AnyConnection, token: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT attachment_id FROM sms_outbox WHERE media_token = $1 AND created_at > $2",
    )
    .bind(token)
    .bind(now_ms() - MEDIA_TTL_MS)
    .fetch_optional(conn)
    .await?
    .flatten())
}

/// Fails every text still pending for a number (but `except`, the one being
/// recorded): the carrier would refuse them.
pub async fn fail_pending(
    conn: &mut AnyConnection,
    to: &str,
    reason: &str,
    except: Option<i64>,
) -> Result<()> {
    let query = match except {
        None => sqlx::query(
            "UPDATE sms_outbox SET status = 'failed', last_error = $2 \
             WHERE to_number = $1 AND status = 'pending'",
        )
        .bind(to)
        .bind(reason),
        Some(id) => sqlx::query(
            "UPDATE sms_outbox SET status = 'failed', last_error = $2 \
             WHERE to_number = $1 AND status = 'pending' AND id <> $3",
        )
        .bind(to)
        .bind(reason)
        .bind(id),
    };
    query.execute(conn).await?;
    Ok(())
}

/// Claims the next text due, oldest first, skipping numbers with an older text
/// still pending (texts to one number go in order). The claim is a lease: if
/// this node dies mid-send, the text is tried again after `lease_ms`.
pub async fn claim(conn: &mut AnyConnection, lease_ms: i64) -> Result<Option<OutgoingText>> {
    let now = now_ms();
    let row = sqlx::query(
        "UPDATE sms_outbox SET attempts = attempts + 1, next_attempt_at = $2 \
         WHERE id = (SELECT o.id FROM sms_outbox o WHERE o.status = 'pending' \
           AND o.next_attempt_at <= $1 AND NOT EXISTS (SELECT 1 FROM sms_outbox p \
           WHERE p.to_number = o.to_number AND p.status = 'pending' AND p.id < o.id) \
           ORDER BY o.id LIMIT 1) \
         AND status = 'pending' AND next_attempt_at <= $1 \
         RETURNING id, conversation_id, to_number, body, kind, attempts, media_token",
    )
    .bind(now)
    .bind(now + lease_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(OutgoingText {
            id: r.try_get(0)?,
            conversation_id: r.try_get(1)?,
            to: r.try_get(2)?,
            body: r.try_get(3)?,
            kind: r.try_get(4)?,
            attempts: r.try_get(5)?,
            media_token: r.try_get(6)?,
        })
    })
    .transpose()
}

/// When the next pending text is due (ms since the epoch), if any.
pub async fn next_due(conn: &mut AnyConnection) -> Result<Option<i64>> {
    // Only the oldest pending text of each number can be sent next.
    Ok(sqlx::query(
        "SELECT MIN(o.next_attempt_at) FROM sms_outbox o WHERE o.status = 'pending' \
         AND NOT EXISTS (SELECT 1 FROM sms_outbox p WHERE p.to_number = o.to_number \
         AND p.status = 'pending' AND p.id < o.id)",
    )
    .fetch_one(conn)
    .await?
    .try_get(0)?)
}

/// The provider accepted a text (with its id for it, when it gave one).
pub async fn sent(conn: &mut AnyConnection, id: i64, sid: Option<String>, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE sms_outbox SET status = 'sent', provider_sid = $1, sent_at = $2, \
         last_error = NULL WHERE id = $3",
    )
    .bind(sid)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A passing fault: the text is tried again at `at`.
pub async fn retry_at(conn: &mut AnyConnection, id: i64, at: i64, why: &str) -> Result<()> {
    sqlx::query("UPDATE sms_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3")
        .bind(at)
        .bind(why)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The text failed for good.
pub async fn failed(conn: &mut AnyConnection, id: i64, reason: &str) -> Result<()> {
    sqlx::query("UPDATE sms_outbox SET status = 'failed', last_error = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes every text of `customer`'s conversations, sent, failed or still
/// waiting (an erasure), and the record of those received from them. Returns
/// how many.
pub async fn erase(
    conn: &mut AnyConnection,
    customer: switchboard_protocol::CustomerId,
) -> Result<u64> {
    let out = sqlx::query("DELETE FROM sms_outbox WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let inbound = sqlx::query("DELETE FROM sms_inbound WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(out + inbound)
}
