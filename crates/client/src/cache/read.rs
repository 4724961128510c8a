//! Reading the cache: the lists, one conversation and its history.

use super::Cache;
use crate::error::{ClientError, ErrorCode, Result};
use serde::Serialize;
use switchboard_protocol::{AgentRef, Author, ConversationSummary, Message};

/// The three lists (and supervisors' fourth), newest activity first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Lists {
    /// "My conversations".
    pub mine: Vec<ConversationSummary>,
    /// "Conversations not assigned".
    pub queue: Vec<ConversationSummary>,
    /// Others' conversations (supervisors).
    pub others: Vec<ConversationSummary>,
    /// The first rows of "Archived" (at most [`ARCHIVE_HEAD`]), most recently
    /// closed first; the rest come a page at a time ([`Cache::archive_rows`]).
    pub archive: Vec<ConversationSummary>,
    /// How many conversations "Archived" holds in all.
    pub archive_total: u32,
}

/// Archived rows sent with the lists: the archive list draws its first screen
/// from them and asks for the rest as it scrolls.
pub const ARCHIVE_HEAD: u32 = 100;

const ARCHIVE: &str =
    "SELECT summary FROM conversations WHERE state = 'archived' AND closed_by = ?1 \
     ORDER BY closed_at DESC, id DESC LIMIT ?2 OFFSET ?3";

pub(super) fn author(s: &str) -> Author {
    match s {
        "customer" => Author::Customer,
        "agent" => Author::Agent,
        _ => Author::System,
    }
}

fn summaries(
    cache: &Cache,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<ConversationSummary>> {
    let mut stmt = cache.conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

impl Cache {
    /// The lists as last known, straight from disk.
    pub fn lists(&self) -> Result<Lists> {
        let me = self.me.id;
        Ok(Lists {
            mine: summaries(
                self,
                "SELECT summary FROM conversations WHERE state = 'occupied' AND occupant_id = ?1 \
                 ORDER BY last_message_at DESC, id DESC",
                [me],
            )?,
            queue: summaries(
                self,
                "SELECT summary FROM conversations WHERE state = 'not_assigned' ORDER BY last_message_at DESC, id DESC",
                [],
            )?,
            others: if self.me.role.sees_everything() {
                summaries(
                    self,
                    "SELECT summary FROM conversations WHERE state = 'occupied' AND occupant_id <> ?1 \
                     ORDER BY last_message_at DESC, id DESC",
                    [me],
                )?
            } else {
                Vec::new()
            },
            archive: summaries(self, ARCHIVE, [me, i64::from(ARCHIVE_HEAD), 0])?,
            archive_total: self.conn.prepare_cached(
                "SELECT count(*) FROM conversations WHERE state = 'archived' AND closed_by = ?1",
            )?
            .query_row([me], |r| r.get(0))?,
        })
    }

    /// Rows `offset..offset + limit` of "Archived" (limit at most 500), in the
    /// lists' order.
    pub fn archive_rows(&self, offset: u32, limit: u32) -> Result<Vec<ConversationSummary>> {
        summaries(
            self,
            ARCHIVE,
            [self.me.id, i64::from(limit.min(500)), i64::from(offset)],
        )
    }

    /// One conversation's summary from the cache.
    pub fn summary(&self, id: i64) -> Result<ConversationSummary> {
        summaries(
            self,
            "SELECT summary FROM conversations WHERE id = ?1",
            [id],
        )?
        .pop()
        .ok_or_else(|| {
            ClientError::new(
                ErrorCode::NotFound,
                "this conversation is not in the local cache",
            )
        })
    }

    /// When the newest cached customer or agent message of a conversation was written.
    pub fn latest_message_at(&self, id: i64) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MAX(created_at) FROM messages WHERE conversation_id = ?1 AND author <> 'system'",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Whether the cache holds any message of a conversation.
    pub fn has_messages(&self, id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    /// A conversation's cached history, oldest first.
    pub fn messages(&self, id: i64) -> Result<Vec<Message>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, author, agent_id, agent_name, body, created_at FROM messages \
             WHERE conversation_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            let agent = match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<String>>(3)?) {
                (Some(id), Some(name)) => Some(AgentRef { id, name }),
                _ => None,
            };
            Ok(Message {
                id: r.get(0)?,
                conversation_id: id,
                author: author(&r.get::<_, String>(1)?),
                agent,
                body: r.get(4)?,
                created_at: chrono::DateTime::from_timestamp_millis(r.get(5)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
