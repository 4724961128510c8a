//! Writing what the server says into the cache: snapshots, event batches, archive
//! pages, conversation details. Each call is one transaction.

use super::fts::Index;
use super::prune::{archive_cutoff, erase, too_old};
use super::tx::{drop_at, dropped_at, forget, meta_in, Cached};
use super::{set_meta, Cache};
use crate::error::Result;
use rusqlite::{params, CachedStatement, Transaction};
use switchboard_protocol::{
    ArchivePage, ConversationDetail, ConversationState, ConversationSummary, Event, EventKind, Me,
    Message, Snapshot,
};

/// What an applied batch changed, for the app and the notification policy.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Applied {
    /// Conversations whose state or history changed.
    pub conversations: Vec<i64>,
    /// The events applied, in order (for the notification policy).
    pub events: Vec<Event>,
    /// Kept conversations whose earlier history this cache has never seen (freed
    /// or reopened by someone else, restored, or first met mid-conversation).
    pub needs_history: Vec<i64>,
    /// A snapshot replaced the open lists: derived state starts again from them.
    pub resynced: bool,
}

/// Whether this agent keeps a conversation: it is in one of their lists.
pub fn keeps(me: &Me, c: &ConversationSummary) -> bool {
    if c.customer.blocked {
        return false;
    }
    match c.state {
        ConversationState::NotAssigned => true,
        ConversationState::Occupied => me.role.sees_everything() || c.is_occupied_by(me.id),
        ConversationState::Archived => c
            .closure
            .as_ref()
            .is_some_and(|cl| cl.closed_by.id == me.id),
        ConversationState::Spam => false,
    }
}

fn state_str(s: ConversationState) -> &'static str {
    match s {
        ConversationState::NotAssigned => "not_assigned",
        ConversationState::Occupied => "occupied",
        ConversationState::Archived => "archived",
        ConversationState::Spam => "spam",
    }
}

/// Inserts or updates a conversation unless the cache already has a newer version.
fn upsert(tx: &Transaction, c: &ConversationSummary, archive_gen: Option<i64>) -> Result<()> {
    let json = serde_json::to_string(c)?;
    let closure = c.closure.as_ref();
    tx.exec_cached(
        "INSERT INTO conversations (id, state, occupant_id, closed_by, closed_at, customer_id, \
         last_message_at, version, archive_gen, summary) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, COALESCE(?9, 0), ?10) \
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, occupant_id = excluded.occupant_id, \
         closed_by = excluded.closed_by, closed_at = excluded.closed_at, customer_id = excluded.customer_id, \
         last_message_at = excluded.last_message_at, version = excluded.version, \
         archive_gen = COALESCE(?9, conversations.archive_gen), summary = excluded.summary \
         WHERE excluded.version >= conversations.version",
        params![
            c.id,
            state_str(c.state),
            c.occupant.as_ref().map(|o| o.id),
            closure.map(|cl| cl.closed_by.id),
            closure.map(|cl| cl.closed_at.timestamp_millis()),
            c.customer.id,
            c.last_message_at.map(|t| t.timestamp_millis()),
            c.version,
            archive_gen,
            json,
        ],
    )?;
    tx.exec_cached("DELETE FROM customers_fts WHERE rowid = ?1", [c.id])?;
    tx.exec_cached(
        "INSERT INTO customers_fts (rowid, name, email) VALUES (?1, ?2, ?3)",
        params![
            c.id,
            c.customer.name,
            c.customer.email.as_deref().or(c.customer.phone.as_deref())
        ],
    )?;
    Ok(())
}

const INSERT_MESSAGE: &str =
    "INSERT OR IGNORE INTO messages (id, conversation_id, author, agent_id, agent_name, body, created_at, attachments, system) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Stores a message and indexes it, unless the cache has it already.
pub(super) fn insert_message(tx: &Transaction, ix: &mut Index, m: &Message) -> Result<()> {
    let mut insert = tx.prepare_cached(INSERT_MESSAGE)?;
    store_message(&mut insert, ix, m)
}

/// [`insert_message`] through a statement prepared from [`INSERT_MESSAGE`] (an
/// archive page stores thousands with one).
fn store_message(insert: &mut CachedStatement, ix: &mut Index, m: &Message) -> Result<()> {
    let author = match m.author {
        switchboard_protocol::Author::Customer => "customer",
        switchboard_protocol::Author::Agent => "agent",
        switchboard_protocol::Author::System => "system",
        switchboard_protocol::Author::Note => "note",
    };
    let inserted = insert.execute(params![
        m.id,
        m.conversation_id,
        author,
        m.agent.as_ref().map(|a| a.id),
        m.agent.as_ref().map(|a| a.name.as_str()),
        m.body,
        m.created_at.timestamp_millis(),
        if m.attachments.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&m.attachments)?)
        },
        m.system.as_ref().map(serde_json::to_string).transpose()?,
    ])?;
    if inserted == 1 {
        ix.insert(m.id, &m.body);
    }
    Ok(())
}

/// Records that a conversation's full history should be fetched; the record
/// goes when it is stored ([`Cache::apply_detail`]) or is no longer ours.
fn want_history(tx: &Transaction, id: i64) -> Result<()> {
    tx.exec_cached(
        "INSERT OR IGNORE INTO history_wanted (id) VALUES (?1)",
        [id],
    )?;
    Ok(())
}

impl Cache {
    /// Conversations whose history is wanted and not yet stored (see
    /// [`Cache::apply_snapshot`] and [`Cache::apply_events`]), across restarts.
    pub fn histories_wanted(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM history_wanted ORDER BY id")?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    /// A wanted history that will not come (the conversation is gone or no
    /// longer this agent's).
    pub fn history_unwanted(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM history_wanted WHERE id = ?1", [id])?;
        Ok(())
    }
}

/// Keeps or forgets a conversation as its summary says, unless the cache already
/// knows something newer about it (a slow history fetch or action answer racing
/// the stream). Returns whether the cache holds the conversation afterwards.
/// Rows the stream brings count as confirmed by the current archive backfill.
pub(super) fn place(
    tx: &Transaction,
    ix: &mut Index,
    me: &Me,
    c: &ConversationSummary,
) -> Result<bool> {
    if dropped_at(tx, c.id)?.is_some_and(|v| v >= c.version) {
        return Ok(false);
    }
    if too_old(tx, c)? {
        // Not dropped: a wider cap later fetches it again with the archive.
        forget(tx, ix, c.id)?;
        return Ok(false);
    }
    if keeps(me, c) {
        let gen: Option<i64> = meta_in(tx, "archive_gen")?.and_then(|v| v.parse().ok());
        upsert(tx, c, Some(gen.unwrap_or(0)))?;
        tx.exec_cached("DELETE FROM dropped WHERE id = ?1", [c.id])?;
        return Ok(true);
    }
    let held: Option<i64> = {
        use rusqlite::OptionalExtension;
        tx.row_cached(
            "SELECT version FROM conversations WHERE id = ?1",
            [c.id],
            |r| r.get(0),
        )
        .optional()?
    };
    if held.is_some_and(|v| v > c.version) {
        return Ok(true);
    }
    drop_at(tx, ix, c.id, c.version)?;
    Ok(false)
}

impl Cache {
    /// Replaces the open lists with a snapshot and sets the cursor, keeping the
    /// archive (and the outbox) as they are.
    pub fn apply_snapshot(&mut self, snap: &Snapshot) -> Result<()> {
        let me = snap.me.clone();
        let tx = self.conn.transaction()?;
        let mut ix = Index::load(&tx)?;
        let open: Vec<&ConversationSummary> = snap
            .mine
            .iter()
            .chain(&snap.queue)
            .chain(&snap.others)
            .collect();
        let ids: std::collections::HashSet<i64> = open.iter().map(|c| c.id).collect();
        let stale: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM conversations WHERE state <> 'archived'")?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter(|id| !ids.contains(id))
                .collect()
        };
        for id in stale {
            drop_at(&tx, &mut ix, id, snap.seq)?;
        }
        for c in open.iter().copied().chain(&snap.archive) {
            place(&tx, &mut ix, &me, c)?;
        }
        // Open conversations whose latest message the cache has not got (new to
        // this cache, or written during a gap the log no longer holds): their
        // histories are wanted, recorded with the snapshot so that a crash
        // before they are fetched does not forget them.
        for c in open {
            let newest: Option<i64> = tx.row_cached(
                "SELECT MAX(created_at) FROM messages WHERE conversation_id = ?1 AND author IN ('customer', 'agent')",
                [c.id],
                |r| r.get(0),
            )?;
            let latest = c.last_message_at.map(|t| t.timestamp_millis());
            if latest.is_some() && newest < latest {
                want_history(&tx, c.id)?;
            }
        }
        ix.save(&tx)?;
        set_meta(&tx, "cursor", &snap.seq.to_string())?;
        set_meta(&tx, "me", &serde_json::to_string(&me)?)?;
        set_meta(&tx, "subjects", &serde_json::to_string(&snap.subjects)?)?;
        set_meta(&tx, "availability", snap.availability.as_str())?;
        set_meta(
            &tx,
            "canned_replies",
            &serde_json::to_string(&snap.canned_replies)?,
        )?;
        tx.commit()?;
        self.me = me;
        Ok(())
    }

    /// Applies a batch of stream events and saves the cursor, atomically.
    pub fn apply_events(&mut self, events: &[Event], cursor: i64) -> Result<Applied> {
        let me = self.me.clone();
        let erasing = events
            .iter()
            .any(|e| matches!(e.kind, EventKind::CustomerErased { .. }));
        if erasing {
            // What an erasure deletes is overwritten, not just unlinked.
            self.conn.pragma_update(None, "secure_delete", true)?;
        }
        let applied = self.apply_events_in(events, cursor, &me);
        if erasing {
            self.conn.pragma_update(None, "secure_delete", false)?;
        }
        applied
    }

    fn apply_events_in(&mut self, events: &[Event], cursor: i64, me: &Me) -> Result<Applied> {
        let tx = self.conn.transaction()?;
        let mut ix = Index::load(&tx)?;
        let mut applied = Applied::default();
        let mut erased: Option<(i64, i64)> = None;
        for e in events {
            match &e.kind {
                EventKind::CustomerErased {
                    conversation_ids, ..
                } => {
                    for id in conversation_ids {
                        if let Some((lo, hi)) = erase(&tx, &mut ix, *id, e.seq)? {
                            erased = Some(erased.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
                        }
                        applied.conversations.push(*id);
                    }
                }
                EventKind::CustomerBlocked {
                    conversation_ids, ..
                } => {
                    for id in conversation_ids {
                        drop_at(&tx, &mut ix, *id, e.seq)?;
                        applied.conversations.push(*id);
                    }
                }
                EventKind::CustomerUnblocked { .. } => {}
                EventKind::AgentChanged {
                    agent,
                    availability,
                    ..
                } => {
                    if agent.id == me.id {
                        set_meta(&tx, "availability", availability.as_str())?;
                    }
                }
                EventKind::CannedRepliesChanged { replies } => {
                    set_meta(&tx, "canned_replies", &serde_json::to_string(replies)?)?;
                }
                kind => {
                    if let Some(c) = kind.conversation() {
                        let known: bool = tx.row_cached(
                            "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?1)",
                            [c.id],
                            |r| r.get(0),
                        )?;
                        let kept = place(&tx, &mut ix, me, c)?;
                        let handed_over = match kind {
                            EventKind::ConversationFreed { by, .. }
                            | EventKind::ConversationReopened { by, .. }
                            | EventKind::ConversationTransferred { by, .. } => by.id != me.id,
                            EventKind::ConversationReturned { from, .. } => from.id != me.id,
                            EventKind::ConversationRestored { .. } => true,
                            _ => false,
                        };
                        let first_met =
                            !known && !matches!(kind, EventKind::ConversationCreated { .. });
                        if kept && (handed_over || first_met) {
                            want_history(&tx, c.id)?;
                            applied.needs_history.push(c.id);
                        }
                        if let EventKind::MessagePosted { message, .. } = kind {
                            if kept {
                                insert_message(&tx, &mut ix, message)?;
                            }
                        }
                        applied.conversations.push(c.id);
                    }
                }
            }
        }
        ix.save(&tx)?;
        if let Some((lo, hi)) = erased {
            super::fts::purge(&tx, lo, hi)?;
        }
        set_meta(&tx, "cursor", &cursor.to_string())?;
        tx.commit()?;
        applied.conversations.dedup();
        applied.events = events.to_vec();
        Ok(applied)
    }

    /// Moves the cursor past events this agent may not see (heartbeats).
    pub fn save_cursor(&mut self, cursor: i64) -> Result<()> {
        set_meta(&self.conn, "cursor", &cursor.to_string())?;
        Ok(())
    }

    /// Forgets the cursor so the next connection takes a snapshot (resync).
    pub fn clear_cursor(&mut self) -> Result<()> {
        self.conn
            .execute("DELETE FROM meta WHERE key = 'cursor'", [])?;
        Ok(())
    }

    /// Stores a conversation's full history (opening it, or prefetching for offline).
    pub fn apply_detail(&mut self, d: &ConversationDetail) -> Result<()> {
        let me = self.me.clone();
        let tx = self.conn.transaction()?;
        let mut ix = Index::load(&tx)?;
        if place(&tx, &mut ix, &me, &d.conversation)? {
            for m in &d.messages {
                insert_message(&tx, &mut ix, m)?;
            }
        }
        tx.exec_cached(
            "DELETE FROM history_wanted WHERE id = ?1",
            [d.conversation.id],
        )?;
        ix.save(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores an archive page and its cursor, under backfill generation `gen`.
    pub fn apply_archive_page(&mut self, page: &ArchivePage, gen: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        let mut ix = Index::load(&tx)?;
        for removal in &page.removed {
            ix.delete_messages(
                &tx,
                "conversation_id = ?1 AND EXISTS (SELECT 1 FROM conversations \
                 WHERE id = ?1 AND state = 'archived' AND version < ?2)",
                params![removal.conversation_id, removal.seq],
            )?;
            tx.exec_cached(
                "DELETE FROM conversations WHERE id = ?1 AND state = 'archived' AND version < ?2",
                params![removal.conversation_id, removal.seq],
            )?;
        }
        let cut = archive_cutoff(&tx)?;
        let mut insert = tx.prepare_cached(INSERT_MESSAGE)?;
        for a in &page.conversations {
            if dropped_at(&tx, a.conversation.id)?.is_some_and(|v| v >= a.conversation.version) {
                continue;
            }
            let closed = a
                .conversation
                .closure
                .as_ref()
                .map(|cl| cl.closed_at.timestamp_millis());
            if cut.zip(closed).is_some_and(|(cut, closed)| closed < cut) {
                continue; // older than the agent keeps
            }
            upsert(&tx, &a.conversation, Some(gen))?;
            for m in &a.messages {
                store_message(&mut insert, &mut ix, m)?;
            }
        }
        drop(insert);
        ix.save(&tx)?;
        set_meta(&tx, "archive_cursor", &page.next_cursor.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// The archive paging cursor and generation (0, 0 before the first backfill).
    pub fn archive_position(&self) -> Result<(i64, i64)> {
        let cursor = self
            .meta("archive_cursor")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let gen = self
            .meta("archive_gen")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok((cursor, gen))
    }

    /// Starts a full re-backfill (after a resync, the cache may hold archived
    /// conversations the server no longer lists): the next pages confirm rows
    /// under a new generation, and [`Cache::finish_backfill`] drops the rest.
    pub fn restart_backfill(&mut self) -> Result<i64> {
        let (_, gen) = self.archive_position()?;
        let tx = self.conn.transaction()?;
        set_meta(&tx, "archive_cursor", "0")?;
        set_meta(&tx, "archive_gen", &(gen + 1).to_string())?;
        set_meta(&tx, "archive_full", "0")?;
        tx.commit()?;
        Ok(gen + 1)
    }

    /// Ends a full backfill of generation `gen`: archived rows it did not confirm
    /// are gone from the server's archive.
    /// Returns whether it dropped any.
    pub fn finish_backfill(&mut self, gen: i64) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let full = meta_in(&tx, "archive_full")?;
        let mut dropped = 0;
        if full.as_deref() != Some("1") {
            let mut ix = Index::load(&tx)?;
            ix.delete_messages(
                &tx,
                "conversation_id IN \
                 (SELECT id FROM conversations WHERE state = 'archived' AND archive_gen < ?1)",
                [gen],
            )?;
            ix.save(&tx)?;
            dropped = tx.exec_cached(
                "DELETE FROM conversations WHERE state = 'archived' AND archive_gen < ?1",
                [gen],
            )?;
            set_meta(&tx, "archive_full", "1")?;
        }
        tx.commit()?;
        // The pass filled the writer's page cache; give that memory back.
        self.conn.execute_batch("PRAGMA shrink_memory;")?;
        Ok(dropped > 0)
    }
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
