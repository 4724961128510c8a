//! Reading the cache: the lists, one conversation and its history.

use super::aside::Source;
use super::{Cache, ListName};
use crate::error::{ClientError, ErrorCode, Result};
use rusqlite::OptionalExtension;
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

/// A conversation's row as the lists show it now, after a change: the UI moves
/// it into place rather than reloading the lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListRow {
    pub id: i64,
    /// The list it is in and its summary; None when it is in none of them (gone,
    /// reported as spam, blocked, or another agent's for an agent).
    pub listed: Option<Listed>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Listed {
    pub list: ListName,
    pub summary: ConversationSummary,
}

const ARCHIVE: &str =
    "SELECT id, summary FROM conversations WHERE state = 'archived' AND closed_by = ?1 \
     ORDER BY closed_at DESC, id DESC LIMIT ?2 OFFSET ?3";

pub(super) fn author(s: &str) -> Author {
    match s {
        "customer" => Author::Customer,
        "agent" => Author::Agent,
        "note" => Author::Note,
        _ => Author::System,
    }
}

/// The queue is served oldest first: customers waiting for an answer by how
/// long they have waited (ties by id), then those not waiting, latest message
/// first. `ui/src/lib/rows.ts` sorts moved rows the same way.
const QUEUE: &str = "SELECT id, summary FROM conversations WHERE state = 'not_assigned' \
     ORDER BY json_extract(summary, '$.unanswered.waiting_since') IS NULL, \
     julianday(json_extract(summary, '$.unanswered.waiting_since')), \
     CASE WHEN json_extract(summary, '$.unanswered.waiting_since') IS NULL THEN last_message_at END DESC, \
     CASE WHEN json_extract(summary, '$.unanswered.waiting_since') IS NULL THEN -id ELSE id END";

fn summaries(
    cache: &Cache,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<ConversationSummary>> {
    let mut stmt = cache.conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json) = row?;
        match serde_json::from_str(&json) {
            Ok(summary) => out.push(summary),
            Err(e) => cache.unreadable(Source::Conversation, id, &json, e),
        }
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
                "SELECT id, summary FROM conversations WHERE state = 'occupied' AND occupant_id = ?1 \
                 ORDER BY last_message_at DESC, id DESC",
                [me],
            )?,
            queue: summaries(self, QUEUE, [])?,
            others: if self.me.role.sees_everything() {
                summaries(
                    self,
                    "SELECT id, summary FROM conversations WHERE state = 'occupied' AND occupant_id <> ?1 \
                     ORDER BY last_message_at DESC, id DESC",
                    [me],
                )?
            } else {
                Vec::new()
            },
            archive: summaries(self, ARCHIVE, [me, i64::from(ARCHIVE_HEAD), 0])?,
            archive_total: self.archive_total()?,
        })
    }

    /// How many conversations "Archived" holds.
    pub fn archive_total(&self) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM conversations WHERE state = 'archived' AND closed_by = ?1",
            )?
            .query_row([self.me.id], |r| r.get(0))?)
    }

    /// The rows of these conversations as the lists show them now.
    pub fn list_rows(&self, ids: &[i64]) -> Result<Vec<ListRow>> {
        ids.iter()
            .map(|&id| {
                Ok(ListRow {
                    id,
                    listed: self
                        .listed(id)?
                        .map(|(summary, list)| Listed { list, summary }),
                })
            })
            .collect()
    }

    /// A conversation's summary and the list it is in, if it is in one (the
    /// same rules as [`Cache::lists`]).
    pub(super) fn listed(&self, id: i64) -> Result<Option<(ConversationSummary, ListName)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT summary, state, occupant_id, closed_by FROM conversations WHERE id = ?1",
        )?;
        let row = stmt
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .optional()?;
        let Some((json, state, occupant, closed_by)) = row else {
            return Ok(None);
        };
        let me = self.me.id;
        let list = match state.as_str() {
            "occupied" if occupant == Some(me) => ListName::Mine,
            "occupied" if self.me.role.sees_everything() => ListName::Others,
            "not_assigned" => ListName::Queue,
            "archived" if closed_by == Some(me) => ListName::Archive,
            _ => return Ok(None),
        };
        match serde_json::from_str(&json) {
            Ok(summary) => Ok(Some((summary, list))),
            Err(e) => {
                self.unreadable(Source::Conversation, id, &json, e);
                Ok(None)
            }
        }
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
            "SELECT id, summary FROM conversations WHERE id = ?1",
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
            "SELECT MAX(created_at) FROM messages WHERE conversation_id = ?1 AND author IN ('customer', 'agent')",
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
            "SELECT id, author, agent_id, agent_name, body, created_at, attachments, system FROM messages \
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
                // A list this version cannot read shows no files rather than no line.
                attachments: r
                    .get::<_, Option<String>>(6)?
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or_default(),
                // One this version cannot read: its English body still says it.
                system: r
                    .get::<_, Option<String>>(7)?
                    .and_then(|j| serde_json::from_str(&j).ok()),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
