//! The customer API: start a conversation, write, read, each by an unguessable
//! per-conversation token.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::agents::{email_key, new_token, token_hash};
use crate::store::events::conversation_event;
use crate::store::ops::Emitted;
use crate::store::{rows, surveys, Store};
use crate::validate;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    Channel, ConversationId, ConversationState, CustomerConversation, CustomerId,
    CustomerMessageResponse, CustomerSession, CustomerSide, CustomerVisibleMessage, ErrorCode,
    EventKind, Message,
};

/// Opens a new conversation for a customer, in the queue (or hidden when the
/// customer is blocked), linked to their previous one, with a fresh token.
pub(crate) async fn open_conversation(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    customer: CustomerId,
    channel: Channel,
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
        "INSERT INTO conversations (customer_id, state, created_at, previous_id, channel) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(customer)
    .bind(state)
    .bind(now)
    .bind(previous)
    .bind(channel.as_str())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let token = issue_customer_token(conn, id).await?;
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

async fn issue_customer_token(conn: &mut AnyConnection, id: ConversationId) -> Result<String> {
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

/// The conversation a customer token opens, checked against the one asked for.
pub(crate) async fn authorize(
    conn: &mut AnyConnection,
    id: ConversationId,
    token: &str,
) -> Result<()> {
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

/// Appends a customer's message (hidden while they are blocked) and its event.
pub(crate) async fn add_customer_message(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    target: ConversationId,
    body: &str,
    blocked: bool,
) -> Result<Message> {
    let now = now_ms();
    sqlx::query(
        "UPDATE conversations SET last_message_at = $1, unanswered_body = $2, \
         unanswered_since = COALESCE(unanswered_since, $1) WHERE id = $3",
    )
    .bind(now)
    .bind(body)
    .bind(target)
    .execute(&mut *conn)
    .await?;
    let msg_id: i64 = sqlx::query(
        "INSERT INTO messages (conversation_id, author, body, hidden, created_at) \
         VALUES ($1, 'customer', $2, $3, $4) RETURNING id",
    )
    .bind(target)
    .bind(body)
    .bind(i64::from(blocked))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let message = rows::message(conn, msg_id).await?;
    let (ev, _) = conversation_event(conn, target, Audience::SUPERVISORS, |conversation| {
        EventKind::MessagePosted {
            conversation,
            message: message.clone(),
        }
    })
    .await?;
    emitted.push(ev);
    Ok(message)
}

fn customer_message(r: &sqlx::any::AnyRow) -> Result<CustomerVisibleMessage> {
    let author: String = r.try_get("author")?;
    let from = if author == "customer" {
        CustomerSide::Me
    } else {
        CustomerSide::Agent
    };
    Ok(CustomerVisibleMessage {
        id: r.try_get("id")?,
        from,
        agent_name: if from == CustomerSide::Agent {
            r.try_get("agent_name")?
        } else {
            None
        },
        body: r.try_get("body")?,
        created_at: ts(r.try_get("created_at")?),
    })
}

impl Store {
    /// A customer starts a chat with a name and an email. The email is not
    /// verified: a returning email keeps its customer record (and name), and the
    /// new conversation is linked to the earlier ones for agents to read.
    pub async fn start_conversation(&self, name: &str, email: &str) -> Result<CustomerSession> {
        validate::short_text("name", name)?;
        validate::email(email)?;
        let mut tx = self.db.write().await?;
        let customer: i64 = sqlx::query(
            "INSERT INTO customers (name, email, email_key, blocked, created_at) VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (email_key) DO UPDATE SET email_key = excluded.email_key RETURNING id",
        )
        .bind(name)
        .bind(email)
        .bind(email_key(email))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let mut emitted = Vec::new();
        let session = open_conversation(&mut tx, &mut emitted, customer, Channel::Web).await?;
        self.commit(tx, emitted).await?;
        Ok(session)
    }

    /// A customer writes. After the end, this opens a new conversation linked to
    /// the earlier ones (or continues the one already opened that way).
    pub async fn customer_post(
        &self,
        id: ConversationId,
        token: &str,
        body: &str,
    ) -> Result<CustomerMessageResponse> {
        validate::message(body)?;
        let mut tx = self.db.write().await?;
        authorize(&mut tx, id, token).await?;
        let current = rows::summary(&mut tx, id).await?;
        let mut emitted = Vec::new();
        let mut session = None;
        let target = if current.state == ConversationState::Archived {
            let open = sqlx::query(
                "SELECT id FROM conversations WHERE customer_id = $1 AND id > $2 \
                 AND state IN ('not_assigned', 'occupied', 'spam') ORDER BY id DESC LIMIT 1",
            )
            .bind(current.customer.id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let s = match open {
                Some(r) => {
                    let next: i64 = r.try_get(0)?;
                    CustomerSession {
                        conversation_id: next,
                        token: issue_customer_token(&mut tx, next).await?,
                    }
                }
                None => {
                    open_conversation(&mut tx, &mut emitted, current.customer.id, Channel::Web)
                        .await?
                }
            };
            let target = s.conversation_id;
            session = Some(s);
            target
        } else {
            id
        };
        let message = add_customer_message(
            &mut tx,
            &mut emitted,
            target,
            body,
            current.customer.blocked,
        )
        .await?;
        self.commit(tx, emitted).await?;
        Ok(CustomerMessageResponse {
            message: CustomerVisibleMessage {
                id: message.id,
                from: CustomerSide::Me,
                agent_name: None,
                body: message.body,
                created_at: message.created_at,
            },
            session,
        })
    }

    /// What the customer sees of their conversation: their lines and the agents'.
    pub async fn customer_read(
        &self,
        id: ConversationId,
        token: &str,
    ) -> Result<CustomerConversation> {
        let mut tx = self.db.read().await?;
        authorize(&mut tx, id, token).await?;
        let current = rows::summary(&mut tx, id).await?;
        let sql = format!(
            "{}WHERE m.conversation_id = $1 AND m.author IN ('customer', 'agent') ORDER BY m.id",
            rows::MESSAGE_SELECT
        );
        let messages = sqlx::query(&sql)
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(customer_message)
            .collect::<Result<Vec<_>>>()?;
        let ended = current.state == ConversationState::Archived;
        let survey = if ended {
            surveys::current(&mut tx, id).await?
        } else {
            None
        };
        tx.commit().await?;
        Ok(CustomerConversation {
            conversation_id: id,
            name: current.customer.name,
            ended,
            messages,
            survey,
        })
    }
}
