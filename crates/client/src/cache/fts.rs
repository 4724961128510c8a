//! The message index: FTS5 tables that each cover a range of message ids, about
//! [`PART_ROWS`] messages apiece, searched newest first.
//!
//! Why: every search's last word is a prefix, and FTS5 answers a prefix query by
//! merging the whole doclist of every matching term before its first row, so on a
//! single index the 50 newest matches of a common prefix cost as much as all of
//! them (13 ms for the commonest word of a million messages on this project's
//! machine, 0.9 s for a one-letter prefix). One partition costs a sixteenth of
//! that, and a search stops at the first partitions that give it enough.
//!
//! The ranges are kept in `fts_parts` and cover every id without gaps or
//! overlaps. A full partition is split at an id beyond the ids it holds (newer or
//! older), so no row ever moves: messages arriving in id order, forwards (the
//! stream) or backwards (the archive backfill), fill partitions one after the
//! other. Ids landing inside a full partition's span (a conversation's history
//! fetched late) go into it anyway; it grows past the target, which costs that
//! partition's searches a little, never correctness.
//!
//! The ranges are read at the start of each write transaction and written back
//! with it, so a rolled-back transaction leaves them as they were.

use crate::error::Result;
use rusqlite::{params, Connection};
use std::collections::BTreeMap;

/// Messages per partition before the next id outside its span opens a new one
/// (a handful in unit tests, so that they cross partitions).
pub const PART_ROWS: i64 = if cfg!(test) { 4 } else { 65_536 };

/// The FTS5 options of every partition (external content on `messages`).
const FTS_OPTIONS: &str =
    "body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'";

/// The ranges table (schema version 2).
pub(super) const SCHEMA: &str = "CREATE TABLE fts_parts (
    n      INTEGER PRIMARY KEY, -- the table is messages_fts_<n>
    lo     INTEGER NOT NULL,    -- the message ids it covers, inclusive
    hi     INTEGER NOT NULL,
    rows   INTEGER NOT NULL,
    min_id INTEGER,             -- the span of the ids it holds (kept on delete)
    max_id INTEGER
);";

/// One partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Part {
    pub n: i64,
    pub lo: i64,
    pub hi: i64,
    rows: i64,
    min_id: Option<i64>,
    max_id: Option<i64>,
    dirty: bool,
}

impl Part {
    /// Its FTS5 table (`n` is an integer, so the name is safe to splice).
    pub fn table(&self) -> String {
        format!("messages_fts_{}", self.n)
    }
}

/// The partitions, by ascending id range.
pub(super) fn parts(conn: &Connection) -> Result<Vec<Part>> {
    let mut stmt =
        conn.prepare_cached("SELECT n, lo, hi, rows, min_id, max_id FROM fts_parts ORDER BY lo")?;
    let rows = stmt.query_map([], |r| {
        Ok(Part {
            n: r.get(0)?,
            lo: r.get(1)?,
            hi: r.get(2)?,
            rows: r.get(3)?,
            min_id: r.get(4)?,
            max_id: r.get(5)?,
            dirty: false,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The index as one write transaction sees it: load, insert and delete, save.
/// New messages are indexed at `save`, in id order: FTS5 writes out what it has
/// gathered whenever a rowid comes lower than the one before, so indexing a
/// backfill page as it comes (conversations newest first) would leave a small
/// segment per conversation, slower to write and to search.
pub(super) struct Index {
    parts: Vec<Part>,
    next_n: i64,
    pending: BTreeMap<i64, String>,
}

impl Index {
    pub fn load(conn: &Connection) -> Result<Index> {
        let parts = parts(conn)?;
        let next_n = parts.iter().map(|p| p.n).max().unwrap_or(0) + 1;
        Ok(Index {
            parts,
            next_n,
            pending: BTreeMap::new(),
        })
    }

    /// The partition covering `id`.
    fn find(&self, id: i64) -> Option<usize> {
        let i = self.parts.partition_point(|p| p.hi < id);
        (i < self.parts.len() && self.parts[i].lo <= id).then_some(i)
    }

    fn create(&mut self, conn: &Connection, lo: i64, hi: i64) -> Result<Part> {
        let part = Part {
            n: self.next_n,
            lo,
            hi,
            rows: 0,
            min_id: None,
            max_id: None,
            dirty: true,
        };
        self.next_n += 1;
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE {} USING fts5({FTS_OPTIONS});",
            part.table()
        ))?;
        Ok(part)
    }

    /// The partition a new message goes into, opening one when the one covering
    /// it is full and the id lies outside the ids it holds: the new one takes
    /// the whole gap on that side, so the ids that follow go there too.
    fn route(&mut self, conn: &Connection, id: i64) -> Result<usize> {
        let Some(i) = self.find(id) else {
            let part = self.create(conn, i64::MIN, i64::MAX)?;
            self.parts.push(part);
            return Ok(0);
        };
        let p = &self.parts[i];
        if p.rows < PART_ROWS {
            return Ok(i);
        }
        match (p.min_id, p.max_id) {
            (_, Some(max)) if id > max => {
                let (lo, hi) = (max + 1, p.hi);
                self.parts[i].hi = max;
                self.parts[i].dirty = true;
                let part = self.create(conn, lo, hi)?;
                self.parts.insert(i + 1, part);
                Ok(i + 1)
            }
            (Some(min), _) if id < min => {
                let (lo, hi) = (p.lo, min - 1);
                self.parts[i].lo = min;
                self.parts[i].dirty = true;
                let part = self.create(conn, lo, hi)?;
                self.parts.insert(i, part);
                Ok(i)
            }
            _ => Ok(i),
        }
    }

    /// Indexes a message just inserted into `messages` (at `save`).
    pub fn insert(&mut self, id: i64, body: &str) {
        self.pending.insert(id, body.to_string());
    }

    fn write(&mut self, conn: &Connection, id: i64, body: &str) -> Result<()> {
        let i = self.route(conn, id)?;
        let p = &mut self.parts[i];
        conn.prepare_cached(&format!(
            "INSERT INTO {} (rowid, body) VALUES (?1, ?2)",
            p.table()
        ))?
        .execute(params![id, body])?;
        p.rows += 1;
        p.min_id = Some(p.min_id.map_or(id, |m| m.min(id)));
        p.max_id = Some(p.max_id.map_or(id, |m| m.max(id)));
        p.dirty = true;
        Ok(())
    }

    /// Takes a message out of the index, before it leaves `messages`.
    pub fn delete(&mut self, conn: &Connection, id: i64, body: &str) -> Result<()> {
        if self.pending.remove(&id).is_some() {
            return Ok(());
        }
        let Some(i) = self.find(id) else {
            return Ok(());
        };
        let p = &mut self.parts[i];
        let table = p.table();
        conn.prepare_cached(&format!(
            "INSERT INTO {table} ({table}, rowid, body) VALUES ('delete', ?1, ?2)"
        ))?
        .execute(params![id, body])?;
        p.rows -= 1;
        p.dirty = true;
        Ok(())
    }

    /// Deletes messages chosen by `filter` (an SQL condition on `messages`, with
    /// `args`), from the index and the table.
    pub fn delete_messages(
        &mut self,
        conn: &Connection,
        filter: &str,
        args: impl rusqlite::Params + Clone,
    ) -> Result<()> {
        let doomed: Vec<(i64, String)> = {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT id, body FROM messages WHERE {filter}"))?;
            let rows = stmt.query_map(args.clone(), |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, body) in &doomed {
            self.delete(conn, *id, body)?;
        }
        conn.prepare_cached(&format!("DELETE FROM messages WHERE {filter}"))?
            .execute(args)?;
        Ok(())
    }

    /// Indexes the new messages and writes the changed ranges back, in the
    /// same transaction.
    pub fn save(mut self, conn: &Connection) -> Result<()> {
        for (id, body) in std::mem::take(&mut self.pending) {
            self.write(conn, id, &body)?;
        }
        let mut stmt = conn.prepare_cached(
            "INSERT INTO fts_parts (n, lo, hi, rows, min_id, max_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (n) DO UPDATE SET lo = excluded.lo, hi = excluded.hi, rows = excluded.rows, \
             min_id = excluded.min_id, max_id = excluded.max_id",
        )?;
        for p in self.parts.iter().filter(|p| p.dirty) {
            stmt.execute(params![p.n, p.lo, p.hi, p.rows, p.min_id, p.max_id])?;
        }
        Ok(())
    }
}

/// Rewrites the partitions covering message ids `lo..=hi`, and the customers'
/// index, each into one segment (FTS5's `optimize`): a deleted row's words
/// otherwise stay in the older segments, marked deleted, until a merge. Used
/// when a customer is erased; seconds for a full partition, so only then.
pub(super) fn purge(conn: &Connection, lo: i64, hi: i64) -> Result<()> {
    for p in parts(conn)?.iter().filter(|p| p.lo <= hi && lo <= p.hi) {
        let t = p.table();
        conn.execute_batch(&format!("INSERT INTO {t} ({t}) VALUES ('optimize');"))?;
    }
    conn.execute_batch("INSERT INTO customers_fts (customers_fts) VALUES ('optimize');")?;
    Ok(())
}

/// Schema 1 to 2: the single index (kept up to date by triggers) becomes the
/// partitions, filled from `messages` in id order. Runs inside the caller's
/// transaction.
pub(super) fn migrate_from_v1(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS messages_fts_insert;
         DROP TRIGGER IF EXISTS messages_fts_delete;
         DROP TABLE IF EXISTS messages_fts;
         {SCHEMA}"
    ))?;
    let mut index = Index::load(conn)?;
    let mut stmt = conn.prepare("SELECT id, body FROM messages ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        index.write(conn, r.get(0)?, &r.get::<_, String>(1)?)?;
    }
    index.save(conn)
}

/// The partition holding a message, if any (tests).
#[cfg(test)]
pub(super) fn part_of(conn: &Connection, id: i64) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT n FROM fts_parts WHERE ?1 BETWEEN lo AND hi",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Cache;
    use chrono::Utc;
    use switchboard_protocol::{ConversationDetail, Message};

    fn open() -> (tempfile::TempDir, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let (cache, _) = Cache::open(
            &dir.path().join("c.sqlite3"),
            &crate::test_fixtures::me(),
            Some(&crate::test_fixtures::key()),
        )
        .unwrap();
        (dir, cache)
    }

    /// A queued conversation with messages `ids`, each saying "parcel <id>".
    fn detail(conversation: i64, ids: impl IntoIterator<Item = i64>) -> ConversationDetail {
        ConversationDetail {
            conversation: crate::test_fixtures::conversation(conversation, None, None, 1),
            messages: ids
                .into_iter()
                .map(|id| Message {
                    id,
                    conversation_id: conversation,
                    author: switchboard_protocol::Author::Customer,
                    agent: None,
                    body: format!("parcel w{id}"),
                    created_at: chrono::DateTime::from_timestamp(1_800_000_000 + id, 0).unwrap(),
                    attachments: vec![],
                    system: None,
                })
                .collect(),
            earlier: vec![],
        }
    }

    /// Every partition's index is sound (FTS5's own check; checking it against
    /// its content would compare it with all of `messages`), it counts what
    /// `messages` holds, and the ranges tile the ids.
    fn check(cache: &Cache) -> Vec<Part> {
        let parts = parts(&cache.conn).unwrap();
        for p in &parts {
            let t = p.table();
            cache
                .conn
                .execute_batch(&format!("INSERT INTO {t} ({t}) VALUES ('integrity-check')"))
                .unwrap();
        }
        for w in parts.windows(2) {
            assert_eq!(w[0].hi + 1, w[1].lo, "{parts:?}");
        }
        assert_eq!(parts.first().map(|p| p.lo), Some(i64::MIN));
        assert_eq!(parts.last().map(|p| p.hi), Some(i64::MAX));
        let indexed: i64 = parts.iter().map(|p| p.rows).sum();
        let stored: i64 = cache
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(indexed, stored);
        parts
    }

    fn found(cache: &Cache, q: &str) -> Vec<i64> {
        cache
            .search(q, 50)
            .unwrap()
            .iter()
            .map(|h| h.conversation.id)
            .collect()
    }

    #[test]
    fn messages_in_id_order_either_way_fill_partitions_one_after_another() {
        let (_dir, mut cache) = open();
        // The stream: ids going up, one conversation after another.
        for c in 0..5 {
            cache
                .apply_detail(&detail(100 + c, c * 3 + 1..=c * 3 + 3))
                .unwrap();
        }
        let parts = check(&cache);
        assert_eq!(
            parts.len(),
            4,
            "15 messages, {PART_ROWS} a partition: {parts:?}"
        );
        assert!(parts.iter().all(|p| p.rows <= PART_ROWS), "{parts:?}");
        // The backfill: a page of older conversations, newest first.
        let page = switchboard_protocol::ArchivePage {
            conversations: (0..5)
                .map(|c| {
                    let d = detail(200 + c, -(c * 3 + 3)..=-(c * 3 + 1));
                    switchboard_protocol::ArchivedConversation {
                        conversation: d.conversation,
                        messages: d.messages,
                    }
                })
                .collect(),
            removed: vec![],
            next_cursor: 5,
            has_more: false,
            remaining: 0,
        };
        cache.apply_archive_page(&page, 1).unwrap();
        let parts = check(&cache);
        assert_eq!(parts.len(), 8, "{parts:?}");
        assert!(parts.iter().all(|p| p.rows <= PART_ROWS), "{parts:?}");
        assert_eq!(part_of(&cache.conn, -15).unwrap(), Some(parts[0].n));

        // Newest matches first, across every partition; a word found in one
        // partition only; a prefix; the open conversation's matches.
        assert_eq!(
            found(&cache, "parcel"),
            vec![104, 103, 102, 101, 100, 200, 201, 202, 203, 204]
        );
        assert_eq!(found(&cache, "w-14"), vec![204]);
        assert_eq!(found(&cache, "w1"), vec![104, 103, 100]);
        let hit = &cache.search("parcel", 50).unwrap()[0];
        assert_eq!((hit.conversation.id, hit.matches), (104, 3));
        let ids: Vec<i64> = cache
            .search_in(104, "parc")
            .unwrap()
            .iter()
            .map(|s| s.message_id)
            .collect();
        assert_eq!(ids, vec![13, 14, 15]);
    }

    #[test]
    fn ids_inside_a_full_partition_go_into_it_and_forgetting_cleans_every_partition() {
        let (_dir, mut cache) = open();
        cache
            .apply_detail(&detail(1, [10, 20, 30, 40, 50, 60]))
            .unwrap();
        // History fetched late, between ids already held: no new partition.
        cache.apply_detail(&detail(2, [15, 25, 35])).unwrap();
        let parts = check(&cache);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0].rows, 7, "{parts:?}");
        // Twice the same message: indexed once.
        cache.apply_detail(&detail(2, [15, 25, 35])).unwrap();
        check(&cache);
        assert_eq!(found(&cache, "w25"), vec![2]);

        // Conversation 1 is taken by someone else: it leaves the cache, and
        // every partition that indexed its messages.
        let taken = switchboard_protocol::Event {
            seq: 2,
            at: Utc::now(),
            kind: switchboard_protocol::EventKind::ConversationTaken {
                conversation: crate::test_fixtures::conversation(1, Some(2), None, 2),
                by: switchboard_protocol::AgentRef {
                    id: 2,
                    name: "Bob".into(),
                },
            },
        };
        cache.apply_events(&[taken], 2).unwrap();
        check(&cache);
        assert_eq!(found(&cache, "parcel"), vec![2]);
        assert!(found(&cache, "w60").is_empty());
    }

    #[test]
    fn a_schema_1_cache_is_indexed_anew_and_keeps_its_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let (mut cache, _) = Cache::open(
            &path,
            &crate::test_fixtures::me(),
            Some(&crate::test_fixtures::key()),
        )
        .unwrap();
        cache.apply_detail(&detail(7, 1..=9)).unwrap();
        cache.enqueue(7, crate::cache::OutboxAction::Free).unwrap();
        // Back to schema 1: one index fed by triggers.
        cache
            .conn
            .execute_batch(
                "DROP TABLE fts_parts; DROP TABLE messages_fts_1; DROP TABLE messages_fts_2; DROP TABLE messages_fts_3;
                 CREATE VIRTUAL TABLE messages_fts USING fts5(body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
                 INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
                 CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                     INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
                 END;
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        drop(cache);
        let (cache, rebuilt) = Cache::open(
            &path,
            &crate::test_fixtures::me(),
            Some(&crate::test_fixtures::key()),
        )
        .unwrap();
        assert_eq!(rebuilt, None);
        let version: i64 = cache
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, super::super::SCHEMA_VERSION);
        assert_eq!(check(&cache).len(), 3);
        assert_eq!(found(&cache, "w9"), vec![7]);
        assert_eq!(cache.search_in(7, "parcel").unwrap().len(), 9);
        assert_eq!(cache.outbox(None).unwrap().len(), 1);
    }
}
