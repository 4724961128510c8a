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
        let mut tx = self.writer.begin().await?;
        if self.backend == Backend::Postgres {
            // pg_advisory_xact_lock returns void, which the Any driver cannot
            // decode: select a constant beside it.
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
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
