//! Rows this version cannot decode (written by a newer or broken build, or
//! damaged in a way SQLite cannot see): a read skips them and notes them, and
//! the writer moves them into `set_aside`, kept for diagnosis, instead of one
//! bad row failing a whole list. A conversation set aside is fetched again
//! from the server.

use super::Cache;
use crate::error::Result;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS set_aside (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    source     TEXT    NOT NULL,
    key        INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    error      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);";

/// Where an unreadable row was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A conversation's summary (`conversations`, by id).
    Conversation,
    /// A queued action (`outbox`, by seq).
    Outbox,
}

impl Source {
    fn table(self) -> &'static str {
        match self {
            Source::Conversation => "conversations",
            Source::Outbox => "outbox",
        }
    }

    fn column(self) -> (&'static str, &'static str) {
        match self {
            Source::Conversation => ("id", "summary"),
            Source::Outbox => ("seq", "payload"),
        }
    }
}

/// Rows found unreadable and not yet set aside, shared by a cache and its readers.
#[derive(Debug, Clone, Default)]
pub(super) struct Found(Arc<Mutex<BTreeMap<(Source, i64), Unreadable>>>);

/// What a read could not decode, and why.
#[derive(Debug, Clone)]
struct Unreadable {
    data: String,
    error: String,
}

/// What [`Cache::set_aside_unreadable`] moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetAside {
    /// Conversations whose summary was set aside: fetch them again.
    pub conversations: Vec<i64>,
    /// Rows moved now.
    pub moved: u64,
}

impl Cache {
    /// Notes a row this version cannot decode; reads go on without it.
    pub(super) fn unreadable(
        &self,
        source: Source,
        key: i64,
        data: &str,
        error: impl std::fmt::Display,
    ) {
        let mut found = self.found.0.lock().unwrap_or_else(|e| e.into_inner());
        found.entry((source, key)).or_insert_with(|| {
            tracing::warn!(
                "cache: {} row {key} cannot be read by this version: {error}",
                source.table()
            );
            let (data, error) = (data.to_string(), error.to_string());
            Unreadable { data, error }
        });
    }

    /// Whether a read met rows still to set aside.
    pub fn has_unreadable(&self) -> bool {
        !self
            .found
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Moves the rows reads found unreadable into `set_aside`, in one
    /// transaction; a row rewritten since (the server sent it again) stays.
    pub fn set_aside_unreadable(&mut self) -> Result<SetAside> {
        let found = std::mem::take(&mut *self.found.0.lock().unwrap_or_else(|e| e.into_inner()));
        let mut out = SetAside::default();
        if found.is_empty() {
            return Ok(out);
        }
        let tx = self.conn.transaction()?;
        let now = chrono::Utc::now().timestamp_millis();
        for ((source, key), found) in found {
            let (table, (id, column)) = (source.table(), source.column());
            let moved = tx.execute(
                &format!("DELETE FROM {table} WHERE {id} = ?1 AND {column} = ?2"),
                rusqlite::params![key, found.data],
            )?;
            if moved == 0 {
                continue;
            }
            tx.execute(
                "INSERT INTO set_aside (source, key, data, error, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![table, key, found.data, found.error, now],
            )?;
            out.moved += moved as u64;
            if source == Source::Conversation && moved > 0 {
                out.conversations.push(key);
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// How many rows have been set aside in this cache, ever.
    pub fn set_aside_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM set_aside", [], |r| r.get(0))?)
    }
}
