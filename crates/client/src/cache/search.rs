//! Full-text search of the cache: one hit per conversation, with its list, its
//! number of matching messages and its newest snippets; match positions travel
//! beside the text, never inside it.

use super::fts;
use super::read::author;
use super::Cache;
use crate::error::Result;
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
    /// Its newest matching messages (at most [`SNIPPETS`]), in the conversation's order.
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
/// every word quoted, the last one a prefix. Control characters go (FTS5 ends a
/// quoted string at a NUL: "unterminated string", found by fuzzing).
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
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

/// Chooses, during the walk over the index, the rows worth highlighting: the
/// first [`SNIPPETS`] of each conversation, which the newest-first walk meets
/// first. An SQL function, so that FTS5's highlight() runs for those rows only
/// and the index is matched once per search (highlight reads and tokenizes the
/// text again; a second MATCH pays a prefix query's setup again).
#[derive(Clone, Default)]
pub(super) struct SnippetPicker(Arc<Mutex<HashMap<i64, usize>>>);

impl SnippetPicker {
    const FUNCTION: &'static str = "switchboard_snippet";

    /// Adds the function to a connection.
    pub fn register(conn: &Connection) -> Result<SnippetPicker> {
        let picker = SnippetPicker::default();
        let seen = picker.0.clone();
        conn.create_scalar_function(Self::FUNCTION, 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
            let conversation: i64 = ctx.get(0)?;
            let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            let n = seen.entry(conversation).or_default();
            *n += 1;
            Ok(*n <= SNIPPETS)
        })?;
        Ok(picker)
    }

    /// Starts a search: no conversation has snippets yet.
    fn reset(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// One matching message of a conversation.
struct Matched {
    id: i64,
    author: Author,
    segments: Vec<Segment>,
}

/// The `limit` conversations that matched most recently, most recent first.
fn ranked(found: HashMap<i64, Candidate>, limit: usize) -> Vec<(i64, Candidate)> {
    let mut order: Vec<(i64, Candidate)> = found.into_iter().collect();
    order.sort_by(|a, b| b.1.at.cmp(&a.1.at).then(b.0.cmp(&a.0)));
    order.truncate(limit);
    order
}

impl Cache {
    /// Full-text search over cached messages and customers' names and emails:
    /// one hit per conversation, the most recently matching first, each with
    /// its list, its number of matching messages and its newest matching
    /// messages as snippets. Works with no network.
    ///
    /// The message index is walked once, newest first, partition by partition
    /// (see `fts.rs`): until `limit` conversations have matched, then on down
    /// to the first message of the oldest of them, so that every match of the
    /// conversations shown is counted. Only the snippets are highlighted.
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let limit = limit.clamp(1, 500);
        let marks = Marks::new();
        let mut found = self.customers(&query, &marks, limit)?;

        // The matching messages, newest first.
        self.snippets.reset();
        let parts = fts::parts(&self.conn)?;
        let mut seen: Vec<(i64, Option<Matched>)> = Vec::new();
        let mut by_message = 0;
        // Set once `limit` conversations matched: the conversations shown and
        // the oldest message id that can still belong to one of them.
        let mut chosen: Option<(Vec<(i64, Candidate)>, i64)> = None;
        'walk: for part in parts.iter().rev() {
            if chosen.as_ref().is_some_and(|(_, from)| part.hi < *from) {
                break;
            }
            let table = part.table();
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT f.rowid, m.conversation_id, m.created_at, m.author, m.body, \
                 CASE WHEN {}(m.conversation_id) THEN highlight({table}, 0, ?2, ?3) END \
                 FROM {table} f JOIN messages m ON m.id = f.rowid \
                 WHERE {table} MATCH ?1 ORDER BY f.rowid DESC",
                SnippetPicker::FUNCTION
            ))?;
            let mut rows = stmt.query(params![query, marks.open, marks.close])?;
            while let Some(r) = rows.next()? {
                let (id, conversation, at): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if chosen.as_ref().is_some_and(|(_, from)| id < *from) {
                    break 'walk;
                }
                let snippet = match r.get::<_, Option<String>>(5)? {
                    Some(marked) => Some(Matched {
                        id,
                        author: author(&r.get::<_, String>(3)?),
                        segments: marks.segments(&marked, &r.get::<_, String>(4)?),
                    }),
                    None => None,
                };
                seen.push((conversation, snippet));
                if chosen.is_some() {
                    continue;
                }
                match found.get_mut(&conversation) {
                    Some(c) => c.at = c.at.max(at),
                    None => {
                        found.insert(conversation, Candidate { at, customer: None });
                        by_message += 1;
                    }
                }
                if by_message == limit {
                    let order = ranked(std::mem::take(&mut found), limit);
                    let from = self.first_message(order.iter().map(|(id, _)| *id))?;
                    chosen = Some((order, from.unwrap_or(i64::MAX)));
                }
            }
        }
        let order = match chosen {
            Some((order, _)) => order,
            None => ranked(found, limit),
        };

        // Each shown conversation's number of matches and snippets.
        let mut by_conversation: HashMap<i64, (u32, Vec<Snippet>)> =
            order.iter().map(|(id, _)| (*id, (0, Vec::new()))).collect();
        for (conversation, snippet) in seen {
            if let Some((matches, snippets)) = by_conversation.get_mut(&conversation) {
                *matches += 1;
                if let Some(m) = snippet {
                    snippets.push(window(m.id, m.author, m.segments));
                }
            }
        }
        let mut hits = Vec::with_capacity(order.len());
        for (id, candidate) in order {
            let Some((conversation, list)) = self.listed(id)? else {
                continue;
            };
            let (matches, mut snippets) = by_conversation.remove(&id).unwrap_or_default();
            if matches == 0 && candidate.customer.is_none() {
                continue;
            }
            // Shown in the conversation's order.
            snippets.sort_by_key(|s| s.message_id);
            hits.push(SearchHit {
                conversation,
                list,
                customer: candidate.customer,
                matches,
                snippets,
            });
        }
        Ok(hits)
    }

    /// Conversations whose customer's name or email matches (customers_fts
    /// rows are conversation ids), newest first.
    fn customers(
        &self,
        query: &str,
        marks: &Marks,
        limit: usize,
    ) -> Result<HashMap<i64, Candidate>> {
        let mut found = HashMap::new();
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
        Ok(found)
    }

    /// The first message id of any of these conversations.
    fn first_message(&self, conversations: impl Iterator<Item = i64>) -> Result<Option<i64>> {
        let ids = serde_json::to_string(&conversations.collect::<Vec<_>>())?;
        Ok(self.conn.query_row(
            "SELECT MIN(m.id) FROM json_each(?1) j CROSS JOIN messages m \
             WHERE m.conversation_id = j.value",
            [&ids],
            |r| r.get(0),
        )?)
    }
    /// Every message of one conversation that matches a search, oldest first,
    /// whole, with the matches marked (the open conversation highlights them).
    pub fn search_in(&self, conversation_id: i64, input: &str) -> Result<Vec<Snippet>> {
        let Some(query) = fts_query(input) else {
            return Ok(Vec::new());
        };
        let marks = Marks::new();
        Ok(self
            .matched(conversation_id, &query, &marks)?
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

    /// The messages of one conversation that match, oldest first, marked: one
    /// FTS5 query per partition from its first message on.
    fn matched(&self, conversation: i64, query: &str, marks: &Marks) -> Result<Vec<Matched>> {
        let mut out = Vec::new();
        let Some(from) = self.first_message(std::iter::once(conversation))? else {
            return Ok(out);
        };
        for part in fts::parts(&self.conn)?.iter().filter(|p| p.hi >= from) {
            // CROSS JOIN keeps FTS5 in front, with the rowid bound (messages
            // first would run the MATCH once per message).
            let table = part.table();
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT m.id, m.author, m.body, highlight({table}, 0, ?2, ?3) \
                 FROM {table} f CROSS JOIN messages m \
                 WHERE {table} MATCH ?1 AND f.rowid >= ?4 AND m.id = f.rowid \
                 AND m.conversation_id = ?5 ORDER BY f.rowid"
            ))?;
            let rows = stmt.query_map(
                params![query, marks.open, marks.close, from, conversation],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )?;
            for row in rows {
                let (id, who, body, marked) = row?;
                out.push(Matched {
                    id,
                    author: author(&who),
                    segments: marks.segments(&marked, &body),
                });
            }
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
        // A NUL ended FTS5's quoted string early ("unterminated string", found
        // by fuzzing): control characters part words and go.
        assert_eq!(fts_query("\0\u{7}"), None);
        assert_eq!(fts_query("wher\0e is").unwrap(), "\"wher\" \"e\" \"is\"*");
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
