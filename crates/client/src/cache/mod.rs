//! The offline cache: one SQLite file per server and agent, holding the lists,
//! the messages, the archive with full-text search, the stream cursor and the
//! outbox. Every batch of events is applied with its cursor in one transaction.

mod apply;
mod aside;
mod files;
mod fts;
mod key;
mod outbox;
mod prune;
mod read;
mod search;
mod tx;

pub use apply::{keeps, Applied};
pub use aside::SetAside;
pub use files::{CachedFile, WantedFile};
pub use key::CacheKey;
pub use outbox::{Answer, OutboxAction, OutboxItem, OutboxStatus};
pub use read::{ListRow, Listed, Lists, ARCHIVE_HEAD};
pub use search::{fts_query, CustomerMatch, ListName, SearchHit, Segment, Snippet};

use crate::error::{ClientError, EngineCode, Result};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use switchboard_protocol::Me;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 4;

/// An open cache.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
    me: Me,
    snippets: search::SnippetPicker,
    found: aside::Found,
    key: Option<CacheKey>,
}

/// Why an unusable cache file was set aside and rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    pub reason: String,
    /// Where the old file was moved, for a bug report.
    pub moved_to: PathBuf,
}

/// Prepared statements kept per connection. Each index partition has its own
/// (search, highlight, insert, delete), and a million messages make 16
/// partitions: re-preparing an FTS5 query costs more than running it on one.
const STATEMENT_CACHE: usize = 512;

/// The writer's page cache, KiB.
const WRITER_CACHE_KIB: i64 = 16 * 1024;

fn configure(conn: &Connection, key: Option<&CacheKey>) -> rusqlite::Result<()> {
    key::apply(conn, key)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Pages kept decrypted in memory (SQLite's default is 2 MiB): a first sync
    // re-reads the search index's pages as it merges them, and each page read
    // from the file is decrypted and its HMAC checked again. 16 MiB makes a
    // first sync's cost of encryption about 6% instead of 30-50%
    // (docs/benchmarks.md); the end of an archive pass gives it back.
    conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a reply the agent saw go into the outbox survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Why a cache file could not be opened: damaged (set it aside and rebuild) or
/// not openable right now (leave it alone).
enum OpenError {
    Unusable(String),
    Other(String),
}

fn classify(context: &str, e: rusqlite::Error) -> OpenError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, NotADatabase | DatabaseCorrupt) =>
        {
            OpenError::Unusable(format!("{context}: {e}"))
        }
        _ => OpenError::Other(format!("{context}: {e}")),
    }
}

/// Schema 1 to 2 (the message index in partitions), in one transaction.
fn migrate_from_v1(conn: &mut Connection) -> Result<()> {
    let started = std::time::Instant::now();
    let tx = conn.transaction()?;
    fts::migrate_from_v1(&tx)?;
    tx.pragma_update(None, "user_version", 2)?;
    tx.commit()?;
    tracing::info!(
        "cache upgraded to schema 2 (search index partitioned) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Adds a TEXT column to `messages` (unless a crash after the change but
/// before the version left it there) and moves to schema `version`: 3 (lines
/// carry their attachments), 4 (system lines carry what they say).
fn add_message_column(conn: &mut Connection, column: &str, version: i64) -> Result<()> {
    let tx = conn.transaction()?;
    let has: bool = tx.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('messages') WHERE name = ?1",
        [column],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has {
        tx.execute_batch(&format!("ALTER TABLE messages ADD COLUMN {column} TEXT;"))?;
    }
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()?;
    Ok(())
}

/// Left beside a cache file that [`Cache::check_in_background`] found damaged,
/// with what it found: the next open sets the file aside.
fn damage_marker(path: &Path) -> PathBuf {
    path.with_extension("damaged")
}

/// Reads every page of the file (`PRAGMA quick_check`) on a read-only
/// connection of its own. Some(what is wrong) when damaged, and then marked.
fn check(path: &Path, key: Option<&CacheKey>) -> Option<String> {
    let found = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| {
            key::apply(&conn, key)?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
        });
    let reason = match found {
        Ok(ok) if ok == "ok" => return None,
        Ok(found) => format!("damaged: {found}"),
        Err(e) => match classify("damaged", e) {
            OpenError::Unusable(reason) => reason,
            // Busy, gone…: nothing learnt about the file.
            OpenError::Other(e) => {
                tracing::warn!("cache check of {}: {e}", path.display());
                return None;
            }
        },
    };
    tracing::warn!(
        "cache {} {reason}; it is rebuilt from the server at the next start",
        path.display()
    );
    if let Err(e) = std::fs::write(damage_marker(path), &reason) {
        tracing::warn!("cache check: {e}");
    }
    Some(reason)
}

fn open_checked(path: &Path, key: Option<&CacheKey>) -> std::result::Result<Connection, OpenError> {
    let marker = damage_marker(path);
    if let Ok(reason) = std::fs::read_to_string(&marker) {
        let _ = std::fs::remove_file(&marker);
        return Err(OpenError::Unusable(reason));
    }
    if let Some(key) = key {
        if key::is_plain(path) {
            key::encrypt_in_place(path, key).map_err(OpenError::Other)?;
        }
    }
    let mut conn = Connection::open(path).map_err(|e| classify("cannot open", e))?;
    // With a key that is not the file's, the first read says "not a database".
    configure(&conn, key).map_err(|e| classify("not a usable database (or not this key's)", e))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| classify("not a usable database", e))?;
    if version > SCHEMA_VERSION {
        return Err(OpenError::Unusable(format!(
            "made by a newer Switchboard (schema {version}, this one knows {SCHEMA_VERSION})"
        )));
    }
    if version < 1 {
        conn.execute_batch(&format!(
            "BEGIN; {} {} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;",
            include_str!("schema.sql"),
            fts::SCHEMA
        ))
        .map_err(|e| classify("cannot create the schema", e))?;
    } else {
        if version == 1 {
            migrate_from_v1(&mut conn)
                .map_err(|e| OpenError::Other(format!("cannot upgrade: {e}")))?;
        }
        for (column, to) in [("attachments", 3), ("system", 4)] {
            if version < to {
                add_message_column(&mut conn, column, to)
                    .map_err(|e| OpenError::Other(format!("cannot upgrade: {e}")))?;
            }
        }
    }
    // Added within schema 2: conversations whose full history is still to fetch.
    conn.execute_batch("CREATE TABLE IF NOT EXISTS history_wanted (id INTEGER PRIMARY KEY);")
        .map_err(|e| classify("cannot create the schema", e))?;
    // Added within schema 3: files waiting to go up, and files kept for offline viewing.
    conn.execute_batch(files::SCHEMA)
        .map_err(|e| classify("cannot create the schema", e))?;
    // Added within schema 3: rows this version could not read, kept for diagnosis.
    conn.execute_batch(aside::SCHEMA)
        .map_err(|e| classify("cannot create the schema", e))?;
    Ok(conn)
}

impl Cache {
    /// Opens the cache for `me`, creating it if needed. A file that is damaged, not
    /// a database, or from a newer version is moved aside and a fresh cache made:
    /// the server has everything but the outbox, and an unreadable outbox is lost
    /// either way. Never fails twice in a row for the same reason.
    ///
    /// With `key` the file is encrypted (SQLCipher): a plain cache from an
    /// earlier version is encrypted in place first, and a file this key cannot
    /// read (its key was lost) is rebuilt like a damaged one. The app always
    /// gives a key; None makes a plain file (benchmarks' baseline, tests of the
    /// migration).
    pub fn open(path: &Path, me: &Me, key: Option<&CacheKey>) -> Result<(Cache, Option<Rebuilt>)> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ClientError::new(EngineCode::Cache, format!("{}: {e}", dir.display()))
            })?;
        }
        let (conn, rebuilt) = match open_checked(path, key) {
            Ok(c) => (c, None),
            // Busy, locked, no permission…: the file may be fine; never destroy it.
            Err(OpenError::Other(e)) => return Err(ClientError::new(EngineCode::Cache, e)),
            Err(OpenError::Unusable(reason)) => {
                let moved_to = path.with_extension(format!(
                    "unusable-{}",
                    chrono::Utc::now().timestamp_millis()
                ));
                let _ = std::fs::rename(path, &moved_to);
                for suffix in ["-wal", "-shm"] {
                    let mut p = path.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
                tracing::warn!(
                    "cache {} {reason}; rebuilding from the server",
                    path.display()
                );
                let conn = open_checked(path, key).map_err(|e| match e {
                    OpenError::Unusable(m) | OpenError::Other(m) => {
                        ClientError::new(EngineCode::Cache, m)
                    }
                })?;
                (conn, Some(Rebuilt { reason, moved_to }))
            }
        };
        let snippets = search::SnippetPicker::register(&conn)?;
        let cache = Cache {
            conn,
            path: path.to_path_buf(),
            me: me.clone(),
            snippets,
            found: aside::Found::default(),
            key: key.cloned(),
        };
        Ok((cache, rebuilt))
    }

    /// Checks every page of the file on a thread of its own, after `delay`.
    /// The check reads the whole file (seconds for a large cache), so it is not
    /// part of opening; a damaged file is marked, and the next open sets it
    /// aside and rebuilds it from the server. The thread's answer is what it
    /// found wrong, if anything.
    pub fn check_in_background(
        &self,
        delay: std::time::Duration,
    ) -> Option<std::thread::JoinHandle<Option<String>>> {
        let (path, key) = (self.path.clone(), self.key.clone());
        std::thread::Builder::new()
            .name("cache-check".into())
            .spawn(move || {
                std::thread::sleep(delay);
                check(&path, key.as_ref())
            })
            .ok()
    }

    /// A second connection to the same file for reading only: with WAL, its
    /// reads never wait behind this one's write transactions (and see only what
    /// they committed). The engine reads the UI's lists, conversations and
    /// searches through one.
    pub fn reader(&self) -> Result<Cache> {
        let conn = Connection::open(&self.path)?;
        key::apply(&conn, self.key.as_ref())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "query_only", true)?;
        let snippets = search::SnippetPicker::register(&conn)?;
        Ok(Cache {
            conn,
            path: self.path.clone(),
            me: self.me.clone(),
            snippets,
            found: self.found.clone(),
            key: self.key.clone(),
        })
    }

    /// Runs several reads on one snapshot of the cache (a write committed
    /// between them is seen by none or all).
    pub fn read<T>(&self, f: impl FnOnce(&Cache) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(self)?;
        tx.commit()?;
        Ok(out)
    }

    /// Who this cache reads for: a reader learns of a role change from the
    /// snapshot its writer applied.
    pub fn set_me(&mut self, me: &Me) {
        self.me = me.clone();
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn me(&self) -> &Me {
        &self.me
    }

    /// A meta value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Whether the agent is available or away, as last synced.
    pub fn availability(&self) -> Result<switchboard_protocol::Availability> {
        Ok(self
            .meta("availability")?
            .and_then(|v| switchboard_protocol::Availability::parse(&v))
            .unwrap_or_default())
    }

    /// The stream cursor: the last event sequence applied, if a snapshot was taken.
    pub fn cursor(&self) -> Result<Option<i64>> {
        Ok(self.meta("cursor")?.and_then(|v| v.parse().ok()))
    }

    /// Runs `PRAGMA integrity_check` (tests and diagnostics).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
