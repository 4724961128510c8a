//! `switchboard-server port --from sqlite://… --to postgres://…`: copies a SQLite
//! deployment to PostgreSQL with nothing lost, and proves it with row counts and
//! checksums of every table read back from both sides.
//!
//! The copy is one PostgreSQL transaction that holds the nodes' write lock: an
//! interrupted run leaves the target as it was, and running again starts over.
//! Rows go in with `ON CONFLICT DO NOTHING` (the counter and settings rows are
//! overwritten), so running it again after a complete copy changes nothing and
//! only checks again. The target must be empty or an earlier port of the same
//! data: anything else shows up as a checksum mismatch and the command fails.
//! Stop the SQLite server first; the source is read in one snapshot.

use crate::db::{Backend, Db};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Tables in the order their rows can go in, each with the key that orders it.
/// Conversations and closures refer to each other; those keys are deferred.
pub const TABLES: &[(&str, &str)] = &[
    ("agents", "id"),
    ("sessions", "token_hash"),
    ("customers", "id"),
    ("conversations", "id"),
    ("closures", "id"),
    ("customer_tokens", "token_hash"),
    ("messages", "id"),
    ("customer_posts", "conversation_id, client_id"),
    ("archive_removals", "agent_id, conversation_id, seq"),
    ("surveys", "closure_id"),
    ("subjects", "position"),
    ("event_counter", "id"),
    ("events", "seq"),
    ("ops", "agent_id, op_id"),
    ("meta", "key"),
    ("sms_inbound", "message_sid"),
    ("sms_outbox", "id"),
    ("presence", "agent_id, node"),
    ("canned_replies", "id"),
    ("blobs", "sha256"),
    ("attachments", "id"),
    ("erasures", "id"),
];

/// Tables whose rows the target's migration already wrote: the source's win.
const OVERWRITTEN: &[&str] = &["event_counter", "meta"];

/// Tables with an identity `id` whose sequence must move past the copied ids.
const IDENTITIES: &[&str] = &[
    "agents",
    "customers",
    "conversations",
    "closures",
    "messages",
    "sms_outbox",
    "canned_replies",
    "attachments",
    "erasures",
];

/// Rows per INSERT (PostgreSQL takes at most 65,535 parameters per statement).
const BATCH: usize = 500;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    #[error("{0}")]
    Usage(String),
    #[error("opening a database: {0}")]
    Db(#[from] crate::db::DbError),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("table {table}: column {column} holds a value that is neither text nor an integer")]
    Value { table: String, column: String },
    #[error("table {table}: the source has columns {in_source:?}, the target {in_target:?}")]
    Schema {
        table: String,
        in_source: Vec<String>,
        in_target: Vec<String>,
    },
    #[error("the target differs from the source in {0}: port into an empty database (and stop the SQLite server first)")]
    Mismatch(String),
}

/// One table's figures on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    pub table: &'static str,
    pub source_rows: u64,
    pub target_rows: u64,
    pub source_sha256: String,
    pub target_sha256: String,
}

impl TableCheck {
    pub fn matches(&self) -> bool {
        self.source_rows == self.target_rows && self.source_sha256 == self.target_sha256
    }
}

/// The outcome of a port.
#[derive(Debug, Clone)]
pub struct PortReport {
    /// Rows written by this run (0 when everything was already there).
    pub inserted: u64,
    pub tables: Vec<TableCheck>,
}

impl PortReport {
    /// The table the command prints.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{:<17} {:>10} {:>10}  {:<16} {:<16} \n",
            "table", "source", "target", "source sha256", "target sha256"
        );
        for t in &self.tables {
            out.push_str(&format!(
                "{:<17} {:>10} {:>10}  {:<16} {:<16} {}\n",
                t.table,
                t.source_rows,
                t.target_rows,
                &t.source_sha256[..16],
                &t.target_sha256[..16],
                if t.matches() { "ok" } else { "DIFFERENT" }
            ));
        }
        let rows: u64 = self.tables.iter().map(|t| t.source_rows).sum();
        out.push_str(&format!(
            "{} tables, {rows} rows; {} rows written by this run\n",
            self.tables.len(),
            self.inserted
        ));
        out
    }
}

/// A value as both databases hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A column of the target and whether it is text.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    text: bool,
    /// Binary (attachments' content).
    bytes: bool,
}

/// Copies `from` (SQLite) into `to` (PostgreSQL) and checks every table.
pub async fn port(from: &str, to: &str) -> Result<PortReport, PortError> {
    let source_kind = crate::db::backend_of(from);
    let target_kind = crate::db::backend_of(to);
    if source_kind != Some(Backend::Sqlite) || target_kind != Some(Backend::Postgres) {
        return Err(PortError::Usage(
            "port copies SQLite to PostgreSQL: --from sqlite://PATH --to postgres://USER@HOST/DATABASE"
                .into(),
        ));
    }
    if !sqlite_file_exists(from) {
        return Err(PortError::Usage(format!("{from}: no such SQLite database")));
    }
    // Opening brings both schemas up to date (the source's too, as a server start would).
    let source = Db::open(from).await?;
    let target = Db::open(to).await?;
    let result = copy_and_check(&source, &target).await;
    source.close().await;
    target.close().await;
    result
}

fn sqlite_file_exists(url: &str) -> bool {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    path == ":memory:" || std::path::Path::new(path).exists()
}

async fn copy_and_check(source: &Db, target: &Db) -> Result<PortReport, PortError> {
    // One snapshot of the source for the copy and its checksums.
    let mut src = source.read().await?;
    let mut dst = target.write().await?;
    sqlx::query("SET CONSTRAINTS ALL DEFERRED")
        .execute(&mut *dst)
        .await?;
    let mut inserted = 0;
    let mut columns = Vec::new();
    for (table, key) in TABLES {
        let cols = target_columns(&mut dst, table).await?;
        let names = source_columns(&mut src, table).await?;
        let mut want: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
        let mut have = names.clone();
        want.sort();
        have.sort();
        if want != have {
            return Err(PortError::Schema {
                table: table.to_string(),
                in_source: have,
                in_target: want,
            });
        }
        let rows = read_rows(&mut src, table, key, &cols).await?;
        // Files go a few at a time: a batch of them is as large as its files.
        let batch = if cols.iter().any(|c| c.bytes) {
            8
        } else {
            BATCH
        };
        for chunk in rows.chunks(batch) {
            inserted += insert(&mut dst, table, key, &cols, chunk).await?;
        }
        columns.push(cols);
    }
    for table in IDENTITIES {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut *dst)
        .await?;
    }
    // The checks read the target inside the same transaction, before it commits:
    // a mismatch rolls everything back.
    let mut tables = Vec::new();
    for ((table, key), cols) in TABLES.iter().zip(&columns) {
        let (source_rows, source_sha256) = checksum(&mut src, table, key, cols).await?;
        let (target_rows, target_sha256) = checksum(&mut dst, table, key, cols).await?;
        tables.push(TableCheck {
            table,
            source_rows,
            target_rows,
            source_sha256,
            target_sha256,
        });
    }
    let different: Vec<&str> = tables
        .iter()
        .filter(|t| !t.matches())
        .map(|t| t.table)
        .collect();
    src.commit().await?;
    if !different.is_empty() {
        dst.rollback().await?;
        return Err(PortError::Mismatch(different.join(", ")));
    }
    dst.commit().await?;
    Ok(PortReport { inserted, tables })
}

async fn target_columns(conn: &mut AnyConnection, table: &str) -> Result<Vec<Column>, PortError> {
    let rows = sqlx::query(
        "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Column {
                name: r.try_get(0)?,
                text: r.try_get::<String, _>(1)? == "text",
                bytes: r.try_get::<String, _>(1)? == "bytea",
            })
        })
        .collect()
}

async fn source_columns(conn: &mut AnyConnection, table: &str) -> Result<Vec<String>, PortError> {
    let rows = sqlx::query("SELECT name FROM pragma_table_info($1)")
        .bind(table)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?)
}

fn select(table: &str, key: &str, cols: &[Column]) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    format!("SELECT {} FROM {table} ORDER BY {key}", names.join(", "))
}

fn value(row: &AnyRow, i: usize, table: &str, col: &Column) -> Result<Value, PortError> {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return Ok(v.map_or(Value::Null, Value::Int));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return Ok(v.map_or(Value::Null, Value::Text));
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return Ok(v.map_or(Value::Null, Value::Bytes));
    }
    Err(PortError::Value {
        table: table.to_string(),
        column: col.name.clone(),
    })
}

async fn read_rows(
    conn: &mut AnyConnection,
    table: &str,
    key: &str,
    cols: &[Column],
) -> Result<Vec<Vec<Value>>, PortError> {
    let rows = sqlx::query(&select(table, key, cols))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            cols.iter()
                .enumerate()
                .map(|(i, c)| value(r, i, table, c))
                .collect()
        })
        .collect()
}

async fn insert(
    conn: &mut AnyConnection,
    table: &str,
    key: &str,
    cols: &[Column],
    rows: &[Vec<Value>],
) -> Result<u64, PortError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
    let mut n = 0;
    for (r, _) in rows.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    if OVERWRITTEN.contains(&table) {
        let keys: Vec<&str> = key.split(", ").collect();
        let rest: Vec<&str> = names
            .iter()
            .copied()
            .filter(|c| !keys.contains(c))
            .collect();
        let sets: Vec<String> = rest.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let now: Vec<String> = rest.iter().map(|c| format!("{table}.{c}")).collect();
        let new: Vec<String> = rest.iter().map(|c| format!("excluded.{c}")).collect();
        // Only a real change counts as written.
        sql.push_str(&format!(
            " ON CONFLICT ({key}) DO UPDATE SET {} WHERE ROW({}) IS DISTINCT FROM ROW({})",
            sets.join(", "),
            now.join(", "),
            new.join(", ")
        ));
    } else {
        sql.push_str(" ON CONFLICT DO NOTHING");
    }
    let mut q = sqlx::query(&sql);
    for row in rows {
        for (v, c) in row.iter().zip(cols) {
            q = match (v, c.text, c.bytes) {
                (Value::Null, true, _) => q.bind(None::<String>),
                (Value::Null, _, true) => q.bind(None::<Vec<u8>>),
                (Value::Null, _, _) => q.bind(None::<i64>),
                (Value::Int(i), _, _) => q.bind(*i),
                (Value::Text(s), _, _) => q.bind(s.clone()),
                (Value::Bytes(b), _, _) => q.bind(b.clone()),
            };
        }
    }
    Ok(q.execute(conn).await?.rows_affected())
}

/// Row count and SHA-256 of every row in key order, each value tagged with its
/// kind and length, so both databases hash the same bytes for the same data.
async fn checksum(
    conn: &mut AnyConnection,
    table: &str,
    key: &str,
    cols: &[Column],
) -> Result<(u64, String), PortError> {
    let rows = read_rows(conn, table, key, cols).await?;
    let mut hash = Sha256::new();
    for row in &rows {
        for v in row {
            match v {
                Value::Null => hash.update(b"N"),
                Value::Int(i) => {
                    hash.update(b"I");
                    hash.update(i.to_be_bytes());
                }
                Value::Text(s) => {
                    hash.update(b"T");
                    hash.update((s.len() as u64).to_be_bytes());
                    hash.update(s.as_bytes());
                }
                Value::Bytes(b) => {
                    hash.update(b"B");
                    hash.update((b.len() as u64).to_be_bytes());
                    hash.update(b);
                }
            }
        }
        hash.update(b"\n");
    }
    Ok((rows.len() as u64, hex::encode(hash.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables only PostgreSQL has: the nodes' shared rate-limit counts, which a
    /// fresh deployment starts without.
    const NOT_PORTED: &[&str] = &["rate_limits"];

    #[test]
    fn every_table_of_the_schema_is_ported_once() {
        // Every migration, so a table added later is caught too.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let sql: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        let mut created: Vec<&str> = sql
            .lines()
            .filter_map(|l| l.strip_prefix("CREATE TABLE "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|t| !NOT_PORTED.contains(t))
            .collect();
        let mut ported: Vec<&str> = TABLES.iter().map(|(t, _)| *t).collect();
        created.sort_unstable();
        ported.sort_unstable();
        assert_eq!(ported, created);
    }

    #[test]
    fn only_sqlite_to_postgres() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        for (from, to) in [
            ("postgres://a/b", "sqlite://x"),
            ("sqlite://x", "sqlite://y"),
            ("mysql://a/b", "postgres://a/b"),
        ] {
            let err = rt.block_on(port(from, to)).err();
            assert!(matches!(err, Some(PortError::Usage(_))), "{from} -> {to}");
        }
    }
}
