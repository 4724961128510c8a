//! The outbox: actions stored with their op id before they are sent, so each
//! reaches the server exactly once, across disconnects and restarts.

use super::apply::{insert_message, place};
use super::aside::Source;
use super::fts::Index;
use super::Cache;
use crate::error::{ClientErrorCode, Result};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use switchboard_protocol::{AgentRef, ConversationSummary, Message, Mood, SubjectAnswer};
use uuid::Uuid;

/// An action waiting for the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum OutboxAction {
    Reply {
        body: String,
    },
    /// An internal note for the team, never sent to the customer.
    Note {
        body: String,
    },
    Take,
    Free,
    End {
        subject: SubjectAnswer,
        mood: Mood,
    },
    Reopen,
    Spam,
    /// A file for the customer; its bytes wait beside the item (`outbox_files`).
    Attach {
        name: String,
        size: u64,
    },
    /// Hand it to a colleague (named here so the outbox can say to whom).
    /// Supervisors' transfers pass the target's availability and capacity.
    Transfer {
        to: AgentRef,
        note: Option<String>,
        #[serde(default)]
        override_capacity: bool,
    },
}

/// What the server answered an action with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A reply: the stored message.
    Message(Message),
    /// Take, free, end, reopen, spam: the conversation after it.
    Conversation(Box<ConversationSummary>),
    /// Accepted (2xx) with a body this version cannot read: delivered; the
    /// stream brings the new state.
    Accepted,
}

/// Where an outbox item stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum OutboxStatus {
    /// Not yet acknowledged by the server.
    Pending,
    /// Refused by the server, with its reason code (e.g. `conversation_taken`).
    Failed {
        code: ClientErrorCode,
        message: String,
    },
}

/// One queued action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxItem {
    pub seq: i64,
    pub op_id: Uuid,
    pub conversation_id: i64,
    pub action: OutboxAction,
    pub status: OutboxStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn item(r: &rusqlite::Row) -> rusqlite::Result<RawItem> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

type RawItem = (
    i64,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

fn decode(raw: RawItem) -> Result<OutboxItem> {
    let (seq, op, conversation_id, _action, payload, code, message, created) = raw;
    let status = match (code, message) {
        (Some(code), message) => OutboxStatus::Failed {
            code: ClientErrorCode::parse(&code),
            message: message.unwrap_or_default(),
        },
        _ => OutboxStatus::Pending,
    };
    Ok(OutboxItem {
        seq,
        op_id: Uuid::parse_str(&op).unwrap_or_default(),
        conversation_id,
        action: serde_json::from_str(&payload)?,
        status,
        created_at: chrono::DateTime::from_timestamp_millis(created).unwrap_or_default(),
    })
}

const SELECT: &str = "SELECT seq, op_id, conversation_id, action, payload, error_code, error_message, created_at FROM outbox ";

impl Cache {
    /// Stores an action for sending; it is durable once this returns.
    pub fn enqueue(&mut self, conversation_id: i64, action: OutboxAction) -> Result<OutboxItem> {
        insert_item(&self.conn, conversation_id, action)
    }

    /// Stores a file for sending with its bytes, in one transaction.
    pub fn enqueue_file(
        &mut self,
        conversation_id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<OutboxItem> {
        let tx = self.conn.transaction()?;
        let action = OutboxAction::Attach {
            name: name.to_string(),
            size: bytes.len() as u64,
        };
        let item = insert_item(&tx, conversation_id, action)?;
        tx.execute(
            "INSERT INTO outbox_files (op_id, bytes) VALUES (?1, ?2)",
            params![item.op_id.to_string(), bytes],
        )?;
        tx.commit()?;
        Ok(item)
    }

    /// The bytes of a queued file.
    pub fn outbox_file(&self, op_id: Uuid) -> Result<Vec<u8>> {
        self.conn
            .query_row(
                "SELECT bytes FROM outbox_files WHERE op_id = ?1",
                [op_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                crate::error::ClientError::new(
                    crate::error::EngineCode::Cache,
                    "the file to send is no longer in the cache",
                )
            })
    }

    /// The oldest pending action outside the `held` conversations (each
    /// conversation's actions go in order; a conversation whose head keeps
    /// failing holds back only its own).
    pub fn next_pending(&self, held: &[i64]) -> Result<Option<OutboxItem>> {
        let held = serde_json::to_string(held)?;
        let sql = format!(
            "{SELECT}WHERE status = 'pending' \
             AND conversation_id NOT IN (SELECT value FROM json_each(?1)) ORDER BY seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([held], item)?;
        // One this version cannot read is noted and passed over.
        for raw in rows.by_ref() {
            if let Some(item) = self.decoded(raw?) {
                return Ok(Some(item));
            }
        }
        Ok(None)
    }

    /// An item, or None when this version cannot read it (noted, to set aside).
    fn decoded(&self, raw: RawItem) -> Option<OutboxItem> {
        let (seq, payload) = (raw.0, raw.4.clone());
        match decode(raw) {
            Ok(item) => Some(item),
            Err(e) => {
                self.unreadable(Source::Outbox, seq, &payload, e);
                None
            }
        }
    }

    /// The outbox, for one conversation or all, oldest first.
    pub fn outbox(&self, conversation_id: Option<i64>) -> Result<Vec<OutboxItem>> {
        let sql = format!("{SELECT}WHERE ?1 IS NULL OR conversation_id = ?1 ORDER BY seq");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([conversation_id], item)?;
        let mut out = Vec::new();
        for raw in rows {
            out.extend(self.decoded(raw?));
        }
        Ok(out)
    }

    /// The server acknowledged the action: drop it and store what it answered, in
    /// one transaction.
    pub fn outbox_done(&mut self, seq: i64, answer: &Answer) -> Result<()> {
        let me = self.me.clone();
        let tx = self.conn.transaction()?;
        let mut ix = Index::load(&tx)?;
        match answer {
            Answer::Message(m) => {
                let kept: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?1)",
                    [m.conversation_id],
                    |r| r.get(0),
                )?;
                if kept {
                    insert_message(&tx, &mut ix, m)?;
                }
            }
            Answer::Conversation(c) => {
                place(&tx, &mut ix, &me, c)?;
            }
            Answer::Accepted => {}
        }
        ix.save(&tx)?;
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        tx.commit()?;
        Ok(())
    }

    /// The server refused the action: keep it, marked failed with the reason.
    pub fn outbox_failed(&mut self, seq: i64, code: ClientErrorCode, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET status = 'failed', error_code = ?2, error_message = ?3 WHERE seq = ?1",
            params![seq, code.as_str(), message],
        )?;
        Ok(())
    }

    /// The agent dismissed a failed action.
    pub fn outbox_dismiss(&mut self, seq: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM outbox WHERE seq = ?1 AND status = 'failed'",
            [seq],
        )?;
        Ok(())
    }
}

fn insert_item(
    conn: &rusqlite::Connection,
    conversation_id: i64,
    action: OutboxAction,
) -> Result<OutboxItem> {
    let op_id = Uuid::new_v4();
    let now = chrono::Utc::now();
    let payload = serde_json::to_string(&action)?;
    let kind = payload_kind(&action);
    conn.execute(
        "INSERT INTO outbox (op_id, conversation_id, action, payload, status, created_at) \
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
        params![
            op_id.to_string(),
            conversation_id,
            kind,
            payload,
            now.timestamp_millis()
        ],
    )?;
    Ok(OutboxItem {
        seq: conn.last_insert_rowid(),
        op_id,
        conversation_id,
        action,
        status: OutboxStatus::Pending,
        created_at: now,
    })
}

fn payload_kind(a: &OutboxAction) -> &'static str {
    match a {
        OutboxAction::Reply { .. } => "reply",
        OutboxAction::Note { .. } => "note",
        OutboxAction::Take => "take",
        OutboxAction::Free => "free",
        OutboxAction::End { .. } => "end",
        OutboxAction::Reopen => "reopen",
        OutboxAction::Spam => "spam",
        OutboxAction::Transfer { .. } => "transfer",
        OutboxAction::Attach { .. } => "attach",
    }
}
