//! Connecting to the store: pools, pragmas, migrations, and the transactions every
//! read and write goes through.
//!
//! Queries go through sqlx's `Any` driver with `$n` placeholders, which both SQLite
//! and PostgreSQL accept, so one body of SQL serves both backends.
//!
//! **Concurrency.** SQLite has one writer: the writer pool has one connection, so
//! write transactions run one at a time. On PostgreSQL several nodes write to one
//! database, and the same discipline is kept there: every write transaction first
//! takes a transaction-scoped advisory lock ([`WRITE_LOCK`]), held until commit or
//! rollback. Under it, READ COMMITTED (PostgreSQL's default) is enough: every
//! statement after the lock sees every earlier commit, so "is this conversation
//! still in the queue?" followed by "it is mine now" cannot interleave with another
//! node's take, and the event counter hands out sequence numbers in commit order.
//! The lock is released only after the commit is visible, so a reader that sees
//! event `n` also sees every event before it. Read transactions that run several
//! statements (a snapshot and its cursor, an archive page) use REPEATABLE READ, the
//! one-snapshot view SQLite's WAL readers get.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The advisory lock key every write transaction on PostgreSQL holds ("SWBD").
pub const WRITE_LOCK: i64 = 0x5357_4244;

/// The PostgreSQL channel that carries each commit's last sequence number.
pub const EVENTS_CHANNEL: &str = "switchboard_events";

/// The PostgreSQL channel that carries signals (who is typing) between nodes,
/// as `{"node": …, "signal": …}`.
pub const SIGNALS_CHANNEL: &str = "switchboard_signals";

/// The pools the store works through.
#[derive(Clone, Debug)]
pub struct Db {
    /// Serialises writes on SQLite (one connection: SQLite has one writer anyway,
    /// and queueing here avoids SQLITE_BUSY upgrades).
    pub writer: AnyPool,
    /// Concurrent readers (WAL lets them run beside the writer).
    pub reader: AnyPool,
    pub backend: Backend,
    /// The URL it was opened with (LISTEN needs its own connection).
    pub url: String,
}

/// Errors opening the store.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which backend a database URL selects, if any.
pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

/// The URL of the embedded SQLite database under a data directory.
pub fn sqlite_url_for(data_dir: &Path) -> Result<String, DbError> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| DbError::DataDir(data_dir.display().to_string(), e))?;
    let file = data_dir.join("switchboard.sqlite3");
    Ok(format!("sqlite://{}?mode=rwc", file.display()))
}

impl Db {
    /// Opens the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url).ok_or_else(|| DbError::UnsupportedUrl(url.to_string()))?;
        let options = AnyConnectOptions::from_str(url)?;
        let (writer, reader) = match backend {
            Backend::Sqlite => {
                let writer = pool(backend, 1, options.clone()).await?;
                // WAL is a property of the file: set it once, before readers open.
                writer.execute("PRAGMA journal_mode = WAL").await?;
                SQLITE_MIGRATIONS.run(&writer).await?;
                (writer, pool(backend, 8, options).await?)
            }
            Backend::Postgres => {
                // One plain connection first: a wrong host, password or database
                // name is reported as such, not as a pool timing out.
                let probe =
                    <sqlx::AnyConnection as sqlx::Connection>::connect_with(&options).await?;
                sqlx::Connection::close(probe).await?;
                // Writers queue on the advisory lock inside PostgreSQL; a few
                // connections let the next one be ready the moment it is free.
                // sqlx's migrator holds its own advisory lock, so nodes starting
                // together apply each migration once.
                let writer = pool(backend, 4, options.clone()).await?;
                POSTGRES_MIGRATIONS.run(&writer).await?;
                (writer, pool(backend, 16, options).await?)
            }
        };
        Ok(Db {
            writer,
            reader,
            backend,
            url: url.to_string(),
        })
    }

    /// Begins a write transaction: on PostgreSQL it first takes [`WRITE_LOCK`].
    pub async fn write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            // The writers' lock is taken with the BEGIN, in one round trip (a
            // simple query of two statements): every write is one fewer.
            Backend::Postgres => {
                self.writer
                    .begin_with(format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
                    .await
            }
            Backend::Sqlite => self.writer.begin().await,
        }
    }

    /// Begins a read transaction that sees one snapshot throughout.
    pub async fn read(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let mut tx = self.reader.begin().await?;
        if self.backend == Backend::Postgres {
            (&mut *tx)
                .execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await?;
        }
        Ok(tx)
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

async fn pool(
    backend: Backend,
    max: u32,
    options: AnyConnectOptions,
) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                match backend {
                    Backend::Sqlite => {
                        // FULL: a transaction acknowledged to a client survives power loss.
                        conn.execute(
                            "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                             PRAGMA synchronous = FULL;",
                        )
                        .await?;
                    }
                    Backend::Postgres => {
                        // Stored times are epoch milliseconds; nothing depends on the
                        // session's time zone, but logs and psql sessions read better.
                        conn.execute("SET TIME ZONE 'UTC'").await?;
                    }
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
}

/// Milliseconds since the Unix epoch, as stored.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A stored time for the wire.
pub fn ts(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    /// Migration 8 rebuilds `messages` (and `sms_outbox`, which refers to it) to
    /// allow notes: a database from before keeps every row and id, its texts
    /// still refer to their messages, and ids go on past the largest ever given.
    #[tokio::test]
    async fn the_notes_migration_keeps_messages_texts_and_ids() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url_for(dir.path()).unwrap();
        let options = AnyConnectOptions::from_str(&url).unwrap();
        let db = pool(Backend::Sqlite, 1, options).await.unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                SQLITE_MIGRATIONS
                    .iter()
                    .filter(|m| m.version < 8)
                    .cloned()
                    .collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(&db).await.unwrap();
        for sql in [
            "INSERT INTO agents (id, email, email_key, name, role, password_hash, created_at) \
             VALUES (1, 'a@x', 'a@x', 'Alice', 'agent', 'h', 0)",
            "INSERT INTO customers (id, name, phone, created_at) VALUES (1, 'Maria', '+1555', 0)",
            "INSERT INTO conversations (id, customer_id, state, occupant_id, created_at) VALUES (1, 1, 'occupied', 1, 0)",
            "INSERT INTO messages (conversation_id, author, body, created_at) VALUES (1, 'customer', 'Hello', 1)",
            "INSERT INTO messages (conversation_id, author, agent_id, body, created_at) VALUES (1, 'agent', 1, 'Hi', 2)",
            "INSERT INTO messages (conversation_id, author, body, created_at) VALUES (1, 'customer', 'gone', 3)",
            "INSERT INTO sms_outbox (conversation_id, message_id, to_number, body, kind, status, next_attempt_at, created_at) \
             VALUES (1, 2, '+1555', 'Hi', 'reply', 'pending', 0, 2)",
            // The newest message is deleted: its id is never given again.
            "DELETE FROM messages WHERE id = 3",
        ] {
            sqlx::query(sql).execute(&db).await.unwrap();
        }

        SQLITE_MIGRATIONS.run(&db).await.unwrap();

        let rows: Vec<(i64, String, String)> =
            sqlx::query("SELECT id, author, body FROM messages ORDER BY id")
                .fetch_all(&db)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
        assert_eq!(
            rows,
            [
                (1, "customer".to_string(), "Hello".to_string()),
                (2, "agent".to_string(), "Hi".to_string())
            ]
        );
        let text: (i64, String) = sqlx::query(
            "SELECT m.id, m.body FROM sms_outbox s JOIN messages m ON m.id = s.message_id",
        )
        .fetch_one(&db)
        .await
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
        assert_eq!(text, (2, "Hi".to_string()));
        let schema: Vec<String> =
            sqlx::query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
                .fetch_all(&db)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
        assert!(
            schema.iter().all(|s| !s.contains("_old")),
            "nothing refers to the old tables: {schema:?}"
        );
        assert_eq!(
            schema
                .iter()
                .filter(|s| s.starts_with("CREATE INDEX messages_")
                    || s.starts_with("CREATE INDEX sms_outbox_"))
                .count(),
            4,
            "{schema:?}"
        );

        // A note goes in, with an id past the deleted one; a made-up author does not.
        let id: i64 = sqlx::query(
            "INSERT INTO messages (conversation_id, author, agent_id, body, created_at) \
             VALUES (1, 'note', 1, 'VIP', 4) RETURNING id",
        )
        .fetch_one(&db)
        .await
        .unwrap()
        .get(0);
        assert_eq!(id, 4);
        let bogus = sqlx::query(
            "INSERT INTO messages (conversation_id, author, body, created_at) VALUES (1, 'bot', 'x', 5)",
        )
        .execute(&db)
        .await;
        assert!(bogus.is_err());
        // Foreign keys still hold: a text for a message that does not exist is refused.
        let orphan = sqlx::query(
            "INSERT INTO sms_outbox (conversation_id, message_id, to_number, body, kind, status, next_attempt_at, created_at) \
             VALUES (1, 99, '+1555', 'x', 'reply', 'pending', 0, 5)",
        )
        .execute(&db)
        .await;
        assert!(orphan.is_err());
    }
}
