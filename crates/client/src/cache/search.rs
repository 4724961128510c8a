//! Full-text search of the cache: one hit per conversation, with its list, its
//! number of matching messages and its best snippets; match positions travel
//! beside the text, never inside it.

use super::read::author;
use super::Cache;
use crate::error::Result;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;
use switchboard_protocol::{Author, ConversationSummary};

/// A piece of text; `hit` pieces matched the search. Joined, the pieces give
/// back the text exactly as it was written: where the matches are travels beside
/// the text, never inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// Which of the agent's lists a conversation is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ListName {
    /// "My conversations".
    Mine,
    /// "Conversations not assigned".
    Queue,
    /// Another agent's conversation (supervisors).
    Others,
    /// "Archived".
    Archive,
}

/// A matching message, or a piece of one around its first match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Snippet {
    pub message_id: i64,
    pub author: Author,
    pub segments: Vec<Segment>,
    /// Text was left out before the segments (show an ellipsis).
    pub cut_start: bool,
    /// Text was left out after them.
    pub cut_end: bool,
}

/// The customer's name and email, with what matched marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerMatch {
    pub name: Vec<Segment>,
    pub email: Option<Vec<Segment>>,
}

/// One search result: a conversation and where it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub conversation: ConversationSummary,
    pub list: ListName,
    /// Set when the customer's name or email matched.
    pub customer: Option<CustomerMatch>,
    /// How many of its messages match.
    pub matches: u32,
    /// The best-matching messages (at most [`SNIPPETS`]), in the conversation's order.
    pub snippets: Vec<Snippet>,
}

/// Snippets shown per conversation.
pub const SNIPPETS: usize = 3;
/// Characters kept before a snippet's first match, and in a snippet at most.
const SNIPPET_LEAD: usize = 40;
const SNIPPET_CHARS: usize = 160;

/// Match marks for FTS5's highlight(), made anew for each search from 128 random
/// bits: customer text cannot contain marks it cannot know, so none of its
/// characters (not even the private-use ones around the nonce) can pass for a
/// match. Every marked text is checked against the original anyway.
struct Marks {
    open: String,
    close: String,
}

impl Marks {
    fn new() -> Marks {
        let nonce: u128 = rand::random();
        Marks {
            open: format!("\u{E000}{nonce:032x}\u{E001}"),
            close: format!("\u{E001}{nonce:032x}\u{E000}"),
        }
    }

    /// Splits highlight() output into segments. When they do not give back
    /// `original` exactly (they always should), the text is shown unmarked.
    fn segments(&self, marked: &str, original: &str) -> Vec<Segment> {
        let mut out: Vec<Segment> = Vec::new();
        let mut rest = marked;
        let mut hit = false;
        loop {
            let mark = if hit { &self.close } else { &self.open };
            let (text, next) = match rest.find(mark.as_str()) {
                Some(at) => (&rest[..at], Some(&rest[at + mark.len()..])),
                None => (rest, None),
            };
            if !text.is_empty() {
                out.push(Segment {
                    text: text.to_string(),
                    hit,
                });
            }
            match next {
                Some(r) => {
                    rest = r;
                    hit = !hit;
                }
                None => break,
            }
        }
        if out.iter().map(|s| s.text.as_str()).collect::<String>() != original {
            tracing::warn!("a search highlight did not match its text; shown unmarked");
            return unmarked(original);
        }
        out
    }
}

fn unmarked(text: &str) -> Vec<Segment> {
    if text.is_empty() {
        return Vec::new();
    }
    vec![Segment {
        text: text.to_string(),
        hit: false,
    }]
}

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

/// A piece of a marked message around its first match: about [`SNIPPET_LEAD`]
/// characters before it, [`SNIPPET_CHARS`] in all, cut between words.
fn window(message_id: i64, author: Author, segments: Vec<Segment>) -> Snippet {
    let chars: Vec<(char, bool)> = segments
        .iter()
        .flat_map(|s| s.text.chars().map(move |c| (c, s.hit)))
        .collect();
    let first = chars.iter().position(|c| c.1).unwrap_or(0);
    let mut start = first.saturating_sub(SNIPPET_LEAD);
    if start > 0 {
        // Start at a word: after the next space before the match, if any.
        if let Some(sp) = chars[start..first].iter().position(|c| c.0.is_whitespace()) {
            start += sp + 1;
        }
    }
    let mut end = (start + SNIPPET_CHARS).min(chars.len());
    if end < chars.len() {
        // End after a whole word, unless that would cut into the first match.
        if let Some(sp) = chars[first.max(start)..end]
            .iter()
            .rposition(|c| c.0.is_whitespace())
        {
            end = first.max(start) + sp;
        }
    }
    let mut out: Vec<Segment> = Vec::new();
    for &(ch, hit) in &chars[start..end] {
        match out.last_mut() {
            Some(last) if last.hit == hit => last.text.push(ch),
            _ => out.push(Segment {
                text: ch.to_string(),
                hit,
            }),
        }
    }
    Snippet {
        message_id,
        author,
        segments: out,
        cut_start: start > 0,
        cut_end: end < chars.len(),
    }
}

/// A conversation that matched, before its snippets are made.
struct Candidate {
    /// When it last matched: its newest matching message, or its last activity
    /// when the customer matched.
    at: i64,
    customer: Option<CustomerMatch>,
}

/// One matching message of a conversation.
struct Matched {
    id: i64,
    author: Author,
    segments: Vec<Segment>,
}

impl Matched {
    /// How many places matched: the best snippets have the most.
    fn hits(&self) -> usize {
        self.segments.iter().filter(|s| s.hit).count()
    }
}

impl Cache {
    /// Full-text search over cached messages and customers' names and emails:
    /// one hit per conversation, the most recently matching first, each with
    /// its list, its number of matching messages and its best snippets. Works
    /// with no network.
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let limit = limit.clamp(1, 500);
        let marks = Marks::new();
        let mut found: HashMap<i64, Candidate> = HashMap::new();

        // Customers by name or email (customers_fts rows are conversation ids).
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, COALESCE(c.last_message_at, c.closed_at, 0), f.name, f.email, \
             highlight(customers_fts, 0, ?2, ?3), highlight(customers_fts, 1, ?2, ?3) \
             FROM customers_fts f JOIN conversations c ON c.id = f.rowid \
             WHERE customers_fts MATCH ?1 ORDER BY f.rowid DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![query, marks.open, marks.close, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (id, at, name, email, name_marked, email_marked) = row?;
            let email = match (email, email_marked) {
                (Some(e), Some(m)) if !e.is_empty() => Some(marks.segments(&m, &e)),
                _ => None,
            };
            found.insert(
                id,
                Candidate {
                    at,
                    customer: Some(CustomerMatch {
                        name: marks.segments(&name_marked, &name),
                        email,
                    }),
                },
            );
        }

        // Conversations with matching messages, newest message first, until
        // `limit` conversations (FTS5 walks its index in rowid order, so this
        // stops early however common the word).
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.conversation_id, m.created_at FROM messages_fts f \
             JOIN messages m ON m.id = f.rowid \
             WHERE messages_fts MATCH ?1 ORDER BY f.rowid DESC",
        )?;
        let mut rows = stmt.query(params![query])?;
        let mut by_message = 0;
        while by_message < limit {
            let Some(r) = rows.next()? else { break };
            let (id, at): (i64, i64) = (r.get(0)?, r.get(1)?);
            match found.get_mut(&id) {
                Some(c) => c.at = c.at.max(at),
                None => {
                    found.insert(id, Candidate { at, customer: None });
                    by_message += 1;
                }
            }
        }
        drop(rows);

        let mut order: Vec<(i64, Candidate)> = found.into_iter().collect();
        order.sort_by(|a, b| b.1.at.cmp(&a.1.at).then(b.0.cmp(&a.0)));
        order.truncate(limit);

        let ids: Vec<i64> = order.iter().map(|(id, _)| *id).collect();
        let mut by_conversation = self.matched(&ids, &query, &marks)?;
        let mut hits = Vec::with_capacity(order.len());
        for (id, candidate) in order {
            let Some((conversation, list)) = self.listed(id)? else {
                continue;
            };
            let mut matched = by_conversation.remove(&id).unwrap_or_default();
            let matches = matched.len() as u32;
            if matches == 0 && candidate.customer.is_none() {
                continue;
            }
            // The best few (the most places matched, then the newest), shown in
            // the conversation's order.
            matched.sort_by(|a, b| b.hits().cmp(&a.hits()).then(b.id.cmp(&a.id)));
            matched.truncate(SNIPPETS);
            matched.sort_by_key(|m| m.id);
            hits.push(SearchHit {
                conversation,
                list,
                customer: candidate.customer,
                matches,
                snippets: matched
                    .into_iter()
                    .map(|m| window(m.id, m.author, m.segments))
                    .collect(),
            });
        }
        Ok(hits)
    }

    /// Every message of one conversation that matches a search, oldest first,
    /// whole, with the matches marked (the open conversation highlights them).
    pub fn search_in(&self, conversation_id: i64, input: &str) -> Result<Vec<Snippet>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let marks = Marks::new();
        Ok(self
            .matched(&[conversation_id], &query, &marks)?
            .remove(&conversation_id)
            .unwrap_or_default()
            .into_iter()
            .map(|m| Snippet {
                message_id: m.id,
                author: m.author,
                segments: m.segments,
                cut_start: false,
                cut_end: false,
            })
            .collect())
    }

    /// A conversation's summary and the list it is in, if it is in one.
    fn listed(&self, id: i64) -> Result<Option<(ConversationSummary, ListName)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT summary, state, occupant_id FROM conversations WHERE id = ?1",
        )?;
        let row = stmt
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })
            .optional()?;
        let Some((json, state, occupant)) = row else {
            return Ok(None);
        };
        let list = match state.as_str() {
            "occupied" if occupant == Some(self.me.id) => ListName::Mine,
            "occupied" => ListName::Others,
            "not_assigned" => ListName::Queue,
            "archived" => ListName::Archive,
            _ => return Ok(None),
        };
        Ok(Some((serde_json::from_str(&json)?, list)))
    }

    /// The messages of these conversations that match, by conversation, oldest
    /// first, marked. One FTS5 query for all of them (a prefix query costs its
    /// setup each time it runs, up to a tenth of a second for the commonest
    /// prefixes of a million messages), over the rowids from the first message
    /// of the oldest of them: the newest matches, where the search found them.
    fn matched(
        &self,
        conversations: &[i64],
        query: &str,
        marks: &Marks,
    ) -> Result<HashMap<i64, Vec<Matched>>> {
        let mut out: HashMap<i64, Vec<Matched>> = HashMap::new();
        if conversations.is_empty() {
            return Ok(out);
        }
        let ids = serde_json::to_string(conversations)?;
        let from: Option<i64> = self.conn.query_row(
            "SELECT MIN(m.id) FROM json_each(?1) j CROSS JOIN messages m \
             WHERE m.conversation_id = j.value",
            [&ids],
            |r| r.get(0),
        )?;
        let Some(from) = from else {
            return Ok(out);
        };
        // CROSS JOIN keeps FTS5 in front, with the rowid bound (messages first
        // would run the MATCH once per message).
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.conversation_id, m.id, m.author, m.body, highlight(messages_fts, 0, ?2, ?3) \
             FROM messages_fts f CROSS JOIN messages m \
             WHERE messages_fts MATCH ?1 AND f.rowid >= ?4 AND m.id = f.rowid \
             AND m.conversation_id IN (SELECT value FROM json_each(?5)) ORDER BY f.rowid",
        )?;
        let rows = stmt.query_map(params![query, marks.open, marks.close, from, ids], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (conversation, id, who, body, marked) = row?;
            out.entry(conversation).or_default().push(Matched {
                id,
                author: author(&who),
                segments: marks.segments(&marked, &body),
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

    fn seg(text: &str, hit: bool) -> Segment {
        Segment {
            text: text.into(),
            hit,
        }
    }

    #[test]
    fn marked_text_splits_into_segments_that_give_it_back() {
        let m = Marks::new();
        let marked = format!("my {}parcel{} is late", m.open, m.close);
        assert_eq!(
            m.segments(&marked, "my parcel is late"),
            vec![
                seg("my ", false),
                seg("parcel", true),
                seg(" is late", false)
            ]
        );
    }

    #[test]
    fn private_use_characters_in_the_text_are_only_text() {
        let m = Marks::new();
        // What FTS5 gives back for "\u{E000}fake\u{E001} parcel" searched for parcel.
        let text = "\u{E000}fake\u{E001} parcel";
        let marked = format!("\u{E000}fake\u{E001} {}parcel{}", m.open, m.close);
        assert_eq!(
            m.segments(&marked, text),
            vec![seg("\u{E000}fake\u{E001} ", false), seg("parcel", true)]
        );
        // Marks that do not give back the text leave it unmarked, never altered.
        assert_eq!(m.segments("something else", text), vec![seg(text, false)]);
    }

    #[test]
    fn snippets_are_cut_around_the_first_match_between_words() {
        let long = "word ".repeat(30);
        let segments = vec![seg(&long, false), seg("parcel", true), seg(&long, false)];
        let s = window(1, Author::Customer, segments);
        assert!(s.cut_start && s.cut_end);
        let text: String = s.segments.iter().map(|s| s.text.as_str()).collect();
        assert!(text.starts_with("word "), "{text:?}");
        assert!(text.ends_with("word"), "{text:?}");
        assert!(text.chars().count() <= SNIPPET_CHARS);
        assert_eq!(s.segments.iter().filter(|s| s.hit).count(), 1);
        let short = window(
            2,
            Author::Agent,
            vec![seg("the ", false), seg("parcel", true)],
        );
        assert!(!short.cut_start && !short.cut_end);
        assert_eq!(short.segments.len(), 2);
    }
}
