//! Opening a customer's conversation, finding the one still going, and who may
//! read one.

use crate::db::now_ms;
use crate::error::Result;
use crate::hub::Audience;
use crate::store::agents::Caller;
use crate::store::blocks::tokens;
use crate::store::events::conversation_event;
use crate::store::ops::Emitted;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    Channel, ConversationId, ConversationState, ConversationSummary, CustomerId, CustomerSession,
    EventKind,
};

/// Opens a new conversation for a customer, in the queue (or hidden when the
/// customer is blocked), linked to their previous one, with a fresh token, in
/// the customer's language on the chat page (one of the server's; None for
/// texts).
pub async fn open(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    customer: CustomerId,
    channel: Channel,
    language: Option<&str>,
) -> Result<CustomerSession> {
    let row = sqlx::query(
        "SELECT blocked, (SELECT MAX(id) FROM conversations WHERE customer_id = $1) AS previous \
         FROM customers WHERE id = $1",
    )
    .bind(customer)
    .fetch_one(&mut *conn)
    .await?;
    let blocked: i64 = row.try_get("blocked")?;
    let previous: Option<i64> = row.try_get("previous")?;
    let state = if blocked != 0 { "spam" } else { "not_assigned" };
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO conversations (customer_id, state, created_at, previous_id, channel, language) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(customer)
    .bind(state)
    .bind(now)
    .bind(previous)
    .bind(channel.as_str())
    .bind(language)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let token = tokens::issue(conn, id).await?;
    let (ev, _) = conversation_event(conn, id, Audience::SUPERVISORS, |conversation| {
        EventKind::ConversationCreated { conversation }
    })
    .await?;
    emitted.push(ev);
    Ok(CustomerSession {
        conversation_id: id,
        token,
    })
}

/// The customer's conversation still going (queue, occupied, or spam), if any.
pub async fn ongoing(
    conn: &mut AnyConnection,
    customer: CustomerId,
) -> Result<Option<ConversationId>> {
    Ok(sqlx::query(
        "SELECT id FROM conversations WHERE customer_id = $1 \
         AND state IN ('not_assigned', 'occupied', 'spam') ORDER BY id DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get::<i64, _>(0))
    .transpose()?)
}

/// Whether an agent may read a conversation (see `Store::conversation`), and so
/// write a note in it.
pub async fn may_read(
    conn: &mut AnyConnection,
    caller: &Caller,
    c: &ConversationSummary,
) -> Result<bool> {
    if caller.sees_everything() {
        return Ok(true);
    }
    if c.customer.blocked {
        return Ok(false);
    }
    Ok(match c.state {
        ConversationState::NotAssigned => true,
        ConversationState::Occupied => c.is_occupied_by(caller.id),
        ConversationState::Spam => false,
        ConversationState::Archived => {
            if c.closure
                .as_ref()
                .is_some_and(|cl| cl.closed_by.id == caller.id)
            {
                true
            } else {
                // An earlier conversation of a customer the agent is serving now.
                sqlx::query(
                    "SELECT 1 FROM conversations WHERE customer_id = $1 AND id > $2 \
                     AND (state = 'not_assigned' OR (state = 'occupied' AND occupant_id = $3)) LIMIT 1",
                )
                .bind(c.customer.id)
                .bind(c.id)
                .bind(caller.id)
                .fetch_optional(conn)
                .await?
                .is_some()
            }
        }
    })
}
