//! Files in the cache: what the agent attaches waits beside its outbox item
//! until the server has it; the conversations' attachments (and thumbnails) are
//! kept for offline viewing up to a size cap, the least recently used going
//! first. They live in the cache file itself, so they go wherever it goes
//! (rebuilt, deleted with the account, and later encrypted with it).

use super::Cache;
use crate::error::Result;
use rusqlite::{params, OptionalExtension};
use switchboard_protocol::Attachment;

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox_files (
    op_id TEXT PRIMARY KEY REFERENCES outbox (op_id) ON DELETE CASCADE,
    bytes BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    attachment_id INTEGER NOT NULL,
    thumbnail     INTEGER NOT NULL,
    content_type  TEXT    NOT NULL,
    bytes         BLOB    NOT NULL,
    size          INTEGER NOT NULL,
    -- Milliseconds: when last shown, or for one fetched ahead, when its message came.
    used_at       INTEGER NOT NULL,
    PRIMARY KEY (attachment_id, thumbnail)
);
CREATE INDEX IF NOT EXISTS files_by_use ON files (used_at);
-- The messages that carry files, newest first, without reading the others.
CREATE INDEX IF NOT EXISTS messages_with_files ON messages (created_at, id)
    WHERE attachments IS NOT NULL;
";

/// A kept file.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An attachment of a cached message, with when its message came.
#[derive(Debug, Clone, PartialEq)]
pub struct WantedFile {
    pub attachment: Attachment,
    pub created_ms: i64,
}

impl Cache {
    /// A kept file, or None.
    pub fn file(&self, id: i64, thumbnail: bool) -> Result<Option<CachedFile>> {
        Ok(self
            .conn
            .query_row(
                "SELECT content_type, bytes FROM files WHERE attachment_id = ?1 AND thumbnail = ?2",
                params![id, thumbnail],
                |r| {
                    Ok(CachedFile {
                        content_type: r.get(0)?,
                        bytes: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether a file is kept.
    pub fn has_file(&self, id: i64, thumbnail: bool) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM files WHERE attachment_id = ?1 AND thumbnail = ?2)",
            params![id, thumbnail],
            |r| r.get(0),
        )?)
    }

    /// Marks a kept file as just shown (it is the last to go).
    pub fn touch_file(&self, id: i64, thumbnail: bool, now_ms: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE files SET used_at = MAX(used_at, ?3) WHERE attachment_id = ?1 AND thumbnail = ?2",
            params![id, thumbnail, now_ms],
        )?;
        Ok(())
    }

    /// Bytes the kept files take.
    pub fn files_size(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COALESCE(SUM(size), 0) FROM files", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Keeps a file, then lets the least recently used go until the kept ones
    /// fit in `cap` bytes (one larger than the cap is not kept at all).
    /// Whether it was kept.
    pub fn keep_file(
        &mut self,
        id: i64,
        thumbnail: bool,
        file: &CachedFile,
        used_at_ms: i64,
        cap: u64,
    ) -> Result<bool> {
        if file.bytes.len() as u64 > cap {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO files (attachment_id, thumbnail, content_type, bytes, size, used_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (attachment_id, thumbnail) DO UPDATE SET used_at = MAX(used_at, excluded.used_at)",
            params![
                id,
                thumbnail,
                file.content_type,
                file.bytes,
                file.bytes.len() as i64,
                used_at_ms
            ],
        )?;
        let mut total: i64 =
            tx.query_row("SELECT COALESCE(SUM(size), 0) FROM files", [], |r| r.get(0))?;
        while total as u64 > cap {
            let oldest: Option<(i64, bool, i64)> = tx
                .query_row(
                    "SELECT attachment_id, thumbnail, size FROM files ORDER BY used_at, attachment_id LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((old_id, old_thumb, size)) = oldest else {
                break;
            };
            tx.execute(
                "DELETE FROM files WHERE attachment_id = ?1 AND thumbnail = ?2",
                params![old_id, old_thumb],
            )?;
            total -= size;
        }
        let kept = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM files WHERE attachment_id = ?1 AND thumbnail = ?2)",
            params![id, thumbnail],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(kept)
    }

    /// What the messages with files are now (how many, the newest): the same
    /// answer twice means no file arrived in between.
    pub fn files_signature(&self) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM messages WHERE attachments IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The attachments of the newest cached messages, newest first.
    pub fn files_wanted(&self, messages: u32) -> Result<Vec<WantedFile>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT attachments, created_at FROM messages WHERE attachments IS NOT NULL \
             ORDER BY created_at DESC, id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([messages], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (json, created_ms) = row?;
            let list: Vec<Attachment> = serde_json::from_str(&json).unwrap_or_default();
            out.extend(list.into_iter().map(|attachment| WantedFile {
                attachment,
                created_ms,
            }));
        }
        Ok(out)
    }
}
