//! Erasing a customer (supervisors, the admin CLI): everything that identifies
//! them or that they or agents wrote to them goes, in one transaction: name,
//! email and phone, messages (notes and system lines too), files, surveys,
//! texts, the chat page's tokens, and the stream events that carried any of it.
//! Their conversations stay, anonymised and empty, so the closures and the
//! reports' counts still add up. An audit row keeps who, when and how many rows;
//! an event tells every client to delete the conversations from its cache.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::agents::{email_key, Caller};
use crate::store::blocks::{attachments, messages, posts, surveys, texts, tokens};
use crate::store::events;
use crate::store::ops::{fingerprint, Emitted};
use crate::store::Store;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{ConversationId, CustomerId, Erasure, EventKind};
use uuid::Uuid;

/// The name an erased customer's conversations show.
pub const ERASED_NAME: &str = "Erased customer";

impl Store {
    /// Erases a customer (supervisors). A retry with the same `op_id` answers
    /// as the first time. Errors: `forbidden`, `not_found`, `invalid_state` (a
    /// conversation of theirs is still open: end or free it first).
    pub async fn erase_customer(
        &self,
        caller: &Caller,
        customer: CustomerId,
        op_id: Uuid,
    ) -> Result<Erasure> {
        if !caller.sees_everything() {
            return Err(Error::forbidden("only supervisors can erase customers"));
        }
        let me = caller.clone();
        self.run_op(
            caller.id,
            op_id,
            fingerprint("erase", customer, &()),
            move |conn, emitted| Box::pin(erase(conn, emitted, customer, Some(me))),
        )
        .await
    }

    /// The customer with this email, if any (the admin CLI's `--email`).
    pub async fn customer_by_email(&self, email: &str) -> Result<Option<CustomerId>> {
        let mut conn = self.db.read().await?;
        Ok(sqlx::query("SELECT id FROM customers WHERE email_key = $1")
            .bind(email_key(email))
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    /// Erases a customer from the admin CLI (no agent: the audit row and the
    /// event say so).
    pub async fn erase_customer_by_admin(&self, customer: CustomerId) -> Result<Erasure> {
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let erasure = erase(&mut tx, &mut emitted, customer, None).await?;
        self.commit(tx, emitted).await?;
        Ok(erasure)
    }
}

async fn erase(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    customer: CustomerId,
    by: Option<Caller>,
) -> Result<Erasure> {
    // Erased before: erased again (the counts say what was left, if anything).
    sqlx::query("SELECT 1 FROM customers WHERE id = $1")
        .bind(customer)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("customer"))?;
    let open: i64 = sqlx::query(
        "SELECT COUNT(*) FROM conversations \
         WHERE customer_id = $1 AND state IN ('not_assigned', 'occupied')",
    )
    .bind(customer)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    if open > 0 {
        return Err(Error::state(
            "this customer has an open conversation: end it (or report it as spam) first",
        ));
    }
    let ids: Vec<ConversationId> =
        sqlx::query("SELECT id FROM conversations WHERE customer_id = $1 ORDER BY id")
            .bind(customer)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
    // Texts and files refer to messages: they go first.
    let texts = texts::erase(conn, customer).await?;
    let attachments = attachments::erase(conn, customer).await?;
    posts::erase(conn, customer).await?;
    let messages = messages::erase(conn, customer).await?;
    let surveys = surveys::erase(conn, customer).await?;
    let tokens = tokens::erase(conn, customer).await?;
    let events = events::erase_conversations(conn, customer).await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE customers SET name = $1, email = NULL, email_key = NULL, phone = NULL, \
         erased_at = COALESCE(erased_at, $2) WHERE id = $3",
    )
    .bind(ERASED_NAME)
    .bind(now)
    .bind(customer)
    .execute(&mut *conn)
    .await?;
    let seq = events::next_seq(conn).await?;
    // Clients holding an archived conversation fetch it again, anonymised.
    sqlx::query("UPDATE conversations SET version = $1 WHERE customer_id = $2")
        .bind(seq)
        .bind(customer)
        .execute(&mut *conn)
        .await?;
    let erasure = Erasure {
        customer_id: customer,
        conversations: ids.len() as u64,
        messages,
        attachments,
        surveys,
        texts,
        tokens,
        events,
    };
    sqlx::query(
        "INSERT INTO erasures (customer_id, erased_by, erased_at, conversations, messages, \
         attachments, surveys, texts, tokens, events) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(customer)
    .bind(by.as_ref().map(|c| c.id))
    .bind(now)
    .bind(count(erasure.conversations))
    .bind(count(messages))
    .bind(count(attachments))
    .bind(count(surveys))
    .bind(count(texts))
    .bind(count(tokens))
    .bind(count(events))
    .execute(&mut *conn)
    .await?;
    let kind = EventKind::CustomerErased {
        customer_id: customer,
        conversation_ids: ids,
        by: by.as_ref().map(Caller::agent_ref),
    };
    emitted.push(events::insert(conn, seq, kind, Audience::ALL).await?);
    tracing::info!(
        target: "audit",
        customer,
        by = by.as_ref().map(|c| c.id),
        conversations = erasure.conversations,
        messages,
        attachments,
        surveys,
        texts,
        tokens,
        events,
        "customer erased"
    );
    Ok(erasure)
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
