//! The customer API: start a conversation, write, read, each by an unguessable
//! per-conversation token.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::agents::email_key;
use crate::store::blocks::posts::{self, Posting};
use crate::store::blocks::{conversations, messages, surveys, tokens};
use crate::store::events::conversation_event;
use crate::store::{rows, Store};
use crate::validate;
use sqlx::Row;
use switchboard_protocol::{
    Channel, ConversationId, ConversationState, CustomerConversation, CustomerLanguage,
    CustomerMessageResponse, CustomerSession, CustomerSide, CustomerVisibleMessage, EventKind,
    MessageId,
};
use uuid::Uuid;

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
        attachments: Vec::new(),
    })
}

impl Store {
    /// A customer starts a chat with a name and an email, and the page's
    /// language if it says one (kept as the nearest the server has). The
    /// email is not verified: a returning email keeps its customer record (and
    /// name), and the new conversation is linked to the earlier ones for agents
    /// to read.
    pub async fn start_conversation(
        &self,
        name: &str,
        email: &str,
        language: Option<&str>,
    ) -> Result<CustomerSession> {
        validate::short_text("name", name)?;
        validate::email(email)?;
        let language = language.map(validate::language).transpose()?;
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
        let language = language.map(|l| l.tag());
        let session =
            conversations::open(&mut tx, &mut emitted, customer, Channel::Web, language).await?;
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
        client_id: Option<Uuid>,
    ) -> Result<CustomerMessageResponse> {
        validate::message(body)?;
        let mut tx = self.db.write().await?;
        tokens::check(&mut tx, id, token).await?;
        if let Some(client) = client_id {
            if let Some(first) = posts::claim(&mut tx, id, client, Posting::Line(body)).await? {
                self.commit(tx, Vec::new()).await?;
                return Ok(first);
            }
        }
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
                        token: tokens::issue(&mut tx, next).await?,
                    }
                }
                // The new conversation keeps the page's language.
                None => {
                    conversations::open(
                        &mut tx,
                        &mut emitted,
                        current.customer.id,
                        Channel::Web,
                        current.language.as_deref(),
                    )
                    .await?
                }
            };
            let target = s.conversation_id;
            session = Some(s);
            target
        } else {
            id
        };
        let message = messages::customer(
            &mut tx,
            &mut emitted,
            target,
            body,
            current.customer.blocked,
            None,
        )
        .await?;
        if let Some(client) = client_id {
            posts::record(&mut tx, id, client, message.id).await?;
        }
        self.commit(tx, emitted).await?;
        Ok(CustomerMessageResponse {
            message: rows::customers_own(message),
            session,
        })
    }

    /// The chat page showed the customer the agents' messages up to `message`
    /// (one of this conversation's agent lines): agents see "Seen". Only ever
    /// moves forward; the same or an older one changes nothing.
    pub async fn customer_seen(
        &self,
        id: ConversationId,
        token: &str,
        message: MessageId,
    ) -> Result<()> {
        let mut tx = self.db.write().await?;
        tokens::check(&mut tx, id, token).await?;
        let agents_line = sqlx::query(
            "SELECT 1 FROM messages WHERE id = $1 AND conversation_id = $2 AND author = 'agent'",
        )
        .bind(message)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if agents_line.is_none() {
            return Err(Error::not_found("agent message in this conversation"));
        }
        let moved = sqlx::query(
            "UPDATE conversations SET seen_message_id = $1 \
             WHERE id = $2 AND (seen_message_id IS NULL OR seen_message_id < $1)",
        )
        .bind(message)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.commit().await?;
            return Ok(());
        }
        let (ev, _) = conversation_event(&mut tx, id, Audience::SUPERVISORS, |conversation| {
            EventKind::MessagesSeen { conversation }
        })
        .await?;
        self.commit(tx, vec![ev]).await
    }

    /// The customer's page changed its language: the conversation keeps the
    /// nearest the server has (English when none), which its texts to the
    /// customer use from now on, and agents see it. Answers what was kept.
    pub async fn customer_language(
        &self,
        id: ConversationId,
        token: &str,
        tag: &str,
    ) -> Result<CustomerLanguage> {
        let kept = validate::language(tag)?.tag();
        let mut tx = self.db.write().await?;
        tokens::check(&mut tx, id, token).await?;
        let changed = sqlx::query(
            "UPDATE conversations SET language = $1 \
             WHERE id = $2 AND (language IS NULL OR language <> $1)",
        )
        .bind(kept)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            tx.commit().await?;
        } else {
            let (ev, _) = conversation_event(&mut tx, id, Audience::SUPERVISORS, |conversation| {
                EventKind::LanguageChanged { conversation }
            })
            .await?;
            self.commit(tx, vec![ev]).await?;
        }
        Ok(CustomerLanguage {
            language: kept.to_string(),
        })
    }

    /// What the customer sees of their conversation: their lines and the agents'.
    pub async fn customer_read(
        &self,
        id: ConversationId,
        token: &str,
    ) -> Result<CustomerConversation> {
        let mut tx = self.db.read().await?;
        tokens::check(&mut tx, id, token).await?;
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
        let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
        let mut files = rows::attachments_of(&mut tx, &ids).await?;
        let messages = messages
            .into_iter()
            .map(|mut m| {
                m.attachments = files.remove(&m.id).unwrap_or_default();
                m
            })
            .collect();
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
