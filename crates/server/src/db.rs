//! Connecting to the store: pools, pragmas, migrations.
//!
//! Queries go through sqlx's `Any` driver with `$n` placeholders, which both SQLite
//! and PostgreSQL accept, so one body of SQL serves both backends.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
}

/// The pools the store works through.
#[derive(Clone, Debug)]
pub struct Db {
    /// Serialises writes on SQLite (one connection: SQLite has one writer anyway,
    /// and queueing here avoids SQLITE_BUSY upgrades).
    pub writer: AnyPool,
    /// Concurrent readers (WAL lets them run beside the writer).
    pub reader: AnyPool,
    pub backend: Backend,
}

/// Errors opening the store.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

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
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()));
        };
        let options = AnyConnectOptions::from_str(url)?;
        let writer = pool(backend, 1, options.clone()).await?;
        // WAL is a property of the file: set it once, before readers open.
        writer.execute("PRAGMA journal_mode = WAL").await?;
        SQLITE_MIGRATIONS.run(&writer).await?;
        let reader = pool(backend, 8, options).await?;
        Ok(Db {
            writer,
            reader,
            backend,
        })
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
