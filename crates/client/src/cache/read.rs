//! Reading the cache: the lists, one conversation, full-text search.

use super::Cache;
use crate::error::{codes, ClientError, Result};
use rusqlite::params;
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
    /// "Archived", most recently closed first.
    pub archive: Vec<ConversationSummary>,
}

/// A piece of a search snippet; `hit` pieces matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// One search result: a conversation and where it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub conversation: ConversationSummary,
    /// The matching message, or None when the customer's name or email matched.
    pub message_id: Option<i64>,
    pub snippet: Vec<Segment>,
}

/// Marks FTS5 puts around matches (private-use characters, never shown).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Turns what an agent typed into an FTS5 query that cannot be a syntax error:
/// every word quoted, the last one a prefix.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(format!("{}*", words.join(" ")))
}

/// Splits a snippet with match marks into segments.
pub fn segments(marked: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut hit = false;
    let mut cur = String::new();
    for ch in marked.chars() {
        if ch == OPEN || ch == CLOSE {
            if !cur.is_empty() {
                out.push(Segment {
                    text: std::mem::take(&mut cur),
                    hit,
                });
            }
            hit = ch == OPEN;
        } else {
            cur.push(ch);
        }
    }
    if !cur.is_empty() {
        out.push(Segment { text: cur, hit });
    }
    out
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
            archive: summaries(
                self,
                "SELECT summary FROM conversations WHERE state = 'archived' AND closed_by = ?1 \
                 ORDER BY closed_at DESC, id DESC",
                [me],
            )?,
        })
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
                codes::NOT_FOUND,
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
            let author: String = r.get(1)?;
            let agent = match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<String>>(3)?) {
                (Some(id), Some(name)) => Some(AgentRef { id, name }),
                _ => None,
            };
            Ok(Message {
                id: r.get(0)?,
                conversation_id: id,
                author: match author.as_str() {
                    "customer" => Author::Customer,
                    "agent" => Author::Agent,
                    _ => Author::System,
                },
                agent,
                body: r.get(4)?,
                created_at: chrono::DateTime::from_timestamp_millis(r.get(5)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Full-text search over cached messages and customers' names and emails,
    /// newest first (customers, then messages), with highlighted snippets. Works
    /// with no network.
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let limit = limit.clamp(1, 500);
        let mut hits = self.hits(
            "SELECT c.summary, NULL, highlight(customers_fts, 0, ?2, ?3) || ' ' || \
             COALESCE(highlight(customers_fts, 1, ?2, ?3), '') \
             FROM customers_fts JOIN conversations c ON c.id = customers_fts.rowid \
             WHERE customers_fts MATCH ?1 ORDER BY customers_fts.rowid DESC LIMIT ?4",
            &query,
            limit,
        )?;
        hits.extend(self.hits(
            "SELECT c.summary, m.id, snippet(messages_fts, 0, ?2, ?3, '…', 12) \
             FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid \
             JOIN conversations c ON c.id = m.conversation_id \
             WHERE messages_fts MATCH ?1 ORDER BY messages_fts.rowid DESC LIMIT ?4",
            &query,
            limit,
        )?);
        hits.truncate(limit);
        Ok(hits)
    }

    /// Runs one search query: (summary, message id, marked text) rows as hits.
    fn hits(&self, sql: &str, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let marks = (OPEN.to_string(), CLOSE.to_string());
        let rows = stmt.query_map(params![query, marks.0, marks.1, limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (json, message_id, marked) = row?;
            out.push(SearchHit {
                conversation: serde_json::from_str(&json)?,
                message_id,
                snippet: segments(marked.trim_end()),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_queries_never_break_fts_syntax() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("parcel late").unwrap(), "\"parcel\" \"late\"*");
        assert_eq!(fts_query("AND \"(").unwrap(), "\"AND\" \"\"\"(\"*");
    }

    #[test]
    fn snippets_split_into_highlighted_segments() {
        let s = segments("my \u{E000}parcel\u{E001} is late");
        assert_eq!(
            s,
            vec![
                Segment {
                    text: "my ".into(),
                    hit: false
                },
                Segment {
                    text: "parcel".into(),
                    hit: true
                },
                Segment {
                    text: " is late".into(),
                    hit: false
                },
            ]
        );
    }
}
