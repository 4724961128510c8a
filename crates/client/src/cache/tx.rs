//! Row-level writes on the writer's transaction that applying and pruning
//! share: the statement cache, forgetting and dropping a conversation, meta.

use super::fts::Index;
use crate::error::Result;
use rusqlite::{params, Connection, Params, Row, Transaction};

/// Statements through the connection's statement cache. These run once per
/// conversation or message of a page (10,000 times in a first sync), and
/// preparing one costs more than running it.
pub(super) trait Cached {
    fn exec_cached(&self, sql: &str, params: impl Params) -> rusqlite::Result<usize>;
    fn row_cached<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn exec_cached(&self, sql: &str, params: impl Params) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row_cached<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

/// Drops a conversation and its messages (it left every list).
pub(super) fn forget(tx: &Transaction, ix: &mut Index, id: i64) -> Result<()> {
    ix.delete_messages(tx, "conversation_id = ?1", [id])?;
    tx.exec_cached("DELETE FROM customers_fts WHERE rowid = ?1", [id])?;
    tx.exec_cached("DELETE FROM conversations WHERE id = ?1", [id])?;
    Ok(())
}

/// The version at which this cache dropped a conversation, if it did.
pub(super) fn dropped_at(tx: &Transaction, id: i64) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .row_cached("SELECT version FROM dropped WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Drops a conversation, remembering the version that said so.
pub(super) fn drop_at(tx: &Transaction, ix: &mut Index, id: i64, version: i64) -> Result<()> {
    forget(tx, ix, id)?;
    tx.exec_cached(
        "INSERT INTO dropped (id, version) VALUES (?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET version = MAX(version, excluded.version)",
        params![id, version],
    )?;
    Ok(())
}

pub(super) fn meta_in(tx: &Transaction, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}
