//! What the cache lets go of on purpose: an erased customer's conversations
//! (all their words, the search index's included) and the archive older than
//! the agent's cap.

use super::fts::Index;
use super::tx::{drop_at, forget, meta_in, Cached};
use super::{set_meta, Cache};
use crate::error::Result;
use rusqlite::Transaction;
use switchboard_protocol::{ConversationState, ConversationSummary};

/// Deletes everything the cache holds of an erased customer's conversation:
/// its messages (and their words in the index), the files kept for them, the
/// actions still queued for it, rows set aside from it. A summary newer than
/// the erasure (the server's anonymised, empty one) may come back with the
/// archive. Returns the span of the message ids it held, for the index's purge.
pub(super) fn erase(
    tx: &Transaction,
    ix: &mut Index,
    id: i64,
    seq: i64,
) -> Result<Option<(i64, i64)>> {
    let span: (Option<i64>, Option<i64>) = tx.row_cached(
        "SELECT MIN(id), MAX(id) FROM messages WHERE conversation_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.exec_cached(
        "DELETE FROM files WHERE attachment_id IN (SELECT json_extract(a.value, '$.id') \
         FROM messages m, json_each(m.attachments) a \
         WHERE m.conversation_id = ?1 AND m.attachments IS NOT NULL)",
        [id],
    )?;
    tx.exec_cached("DELETE FROM outbox WHERE conversation_id = ?1", [id])?;
    tx.exec_cached(
        "DELETE FROM set_aside WHERE source = 'conversations' AND key = ?1",
        [id],
    )?;
    tx.exec_cached("DELETE FROM history_wanted WHERE id = ?1", [id])?;
    let held: Option<i64> = {
        use rusqlite::OptionalExtension;
        tx.row_cached(
            "SELECT version FROM conversations WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
    };
    if held.is_some_and(|v| v >= seq) {
        // The archive pass brought the anonymised row before the stream brought
        // the erasure: keep the row, not the messages stored before it.
        ix.delete_messages(tx, "conversation_id = ?1", [id])?;
    } else {
        drop_at(tx, ix, id, seq - 1)?;
    }
    Ok(match span {
        (Some(lo), Some(hi)) => Some((lo, hi)),
        _ => None,
    })
}

/// Archived conversations closed before this moment (ms) are not kept: the
/// agent's cap on the months of archive in the cache (none: all are kept).
/// The window slides: it is reckoned from now at each use.
pub(super) fn archive_cutoff(tx: &Transaction) -> Result<Option<i64>> {
    let months: Option<u32> = meta_in(tx, "archive_months")?.and_then(|v| v.parse().ok());
    Ok(months
        .and_then(|m| chrono::Utc::now().checked_sub_months(chrono::Months::new(m)))
        .map(|t| t.timestamp_millis()))
}

/// Whether an archived conversation is older than the cap.
pub(super) fn too_old(tx: &Transaction, c: &ConversationSummary) -> Result<bool> {
    let Some(closed) = c.closure.as_ref().map(|cl| cl.closed_at.timestamp_millis()) else {
        return Ok(false);
    };
    Ok(c.state == ConversationState::Archived
        && archive_cutoff(tx)?.is_some_and(|cut| closed < cut))
}

/// Forgets the archived conversations older than the cap. Returns how many.
fn prune_archive_in(tx: &Transaction) -> Result<usize> {
    let Some(cut) = archive_cutoff(tx)? else {
        return Ok(0);
    };
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare_cached(
            "SELECT id FROM conversations WHERE state = 'archived' AND closed_at < ?1",
        )?;
        let rows = stmt.query_map([cut], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut ix = Index::load(tx)?;
    for id in &ids {
        forget(tx, &mut ix, *id)?;
    }
    ix.save(tx)?;
    Ok(ids.len())
}

impl Cache {
    /// Keeps at most `months` of archive in the cache, by closing date (None:
    /// all of it), forgetting what is older now and whatever older the server
    /// sends later. Returns whether the window widened: the archive pass must
    /// then run in full ([`Cache::restart_backfill`]) to fetch what is wanted
    /// again.
    pub fn set_archive_months(&mut self, months: Option<u32>) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let before: Option<u32> = meta_in(&tx, "archive_months")?.and_then(|v| v.parse().ok());
        match months {
            Some(m) => set_meta(&tx, "archive_months", &m.to_string())?,
            None => {
                tx.execute("DELETE FROM meta WHERE key = 'archive_months'", [])?;
            }
        }
        let pruned = prune_archive_in(&tx)?;
        tx.commit()?;
        if pruned > 0 {
            tracing::info!("archive: {pruned} conversations older than the cap forgotten");
        }
        Ok(match (before, months) {
            (Some(_), None) => true,
            (Some(b), Some(m)) => m > b,
            (None, _) => false,
        })
    }

    /// Forgets the archived conversations older than the cap (the window
    /// slides: run after each archive pass). Returns how many.
    pub fn prune_archive(&mut self) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let n = prune_archive_in(&tx)?;
        tx.commit()?;
        Ok(n)
    }
}
