//! The offline cache: one SQLite file per server and agent, holding the lists,
//! the messages, the archive with full-text search, the stream cursor and the
//! outbox. Every batch of events is applied with its cursor in one transaction.

mod apply;
mod fts;
mod outbox;
mod read;
mod search;

pub use apply::{keeps, Applied};
pub use outbox::{Answer, OutboxAction, OutboxItem, OutboxStatus};
pub use read::{ListRow, Listed, Lists, ARCHIVE_HEAD};
pub use search::{fts_query, CustomerMatch, ListName, SearchHit, Segment, Snippet};

use crate::error::{ClientError, EngineCode, Result};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use switchboard_protocol::Me;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

/// An open cache.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
    me: Me,
    snippets: search::SnippetPicker,
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

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
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

/// Left beside a cache file that [`Cache::check_in_background`] found damaged,
/// with what it found: the next open sets the file aside.
fn damage_marker(path: &Path) -> PathBuf {
    path.with_extension("damaged")
}

/// Reads every page of the file (`PRAGMA quick_check`) on a read-only
/// connection of its own. Some(what is wrong) when damaged, and then marked.
fn check(path: &Path) -> Option<String> {
    let found = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| {
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

fn open_checked(path: &Path) -> std::result::Result<Connection, OpenError> {
    let marker = damage_marker(path);
    if let Ok(reason) = std::fs::read_to_string(&marker) {
        let _ = std::fs::remove_file(&marker);
        return Err(OpenError::Unusable(reason));
    }
    let mut conn = Connection::open(path).map_err(|e| classify("cannot open", e))?;
    configure(&conn).map_err(|e| classify("not a usable database", e))?;
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
    } else if version == 1 {
        migrate_from_v1(&mut conn).map_err(|e| OpenError::Other(format!("cannot upgrade: {e}")))?;
    }
    // Added within schema 2: conversations whose full history is still to fetch.
    conn.execute_batch("CREATE TABLE IF NOT EXISTS history_wanted (id INTEGER PRIMARY KEY);")
        .map_err(|e| classify("cannot create the schema", e))?;
    Ok(conn)
}

impl Cache {
    /// Opens the cache for `me`, creating it if needed. A file that is damaged, not
    /// a database, or from a newer version is moved aside and a fresh cache made:
    /// the server has everything but the outbox, and an unreadable outbox is lost
    /// either way. Never fails twice in a row for the same reason.
    pub fn open(path: &Path, me: &Me) -> Result<(Cache, Option<Rebuilt>)> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ClientError::new(EngineCode::Cache, format!("{}: {e}", dir.display()))
            })?;
        }
        let (conn, rebuilt) = match open_checked(path) {
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
                let conn = open_checked(path).map_err(|e| match e {
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
        let path = self.path.clone();
        std::thread::Builder::new()
            .name("cache-check".into())
            .spawn(move || {
                std::thread::sleep(delay);
                check(&path)
            })
            .ok()
    }

    /// A second connection to the same file for reading only: with WAL, its
    /// reads never wait behind this one's write transactions (and see only what
    /// they committed). The engine reads the UI's lists, conversations and
    /// searches through one.
    pub fn reader(&self) -> Result<Cache> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "query_only", true)?;
        let snippets = search::SnippetPicker::register(&conn)?;
        Ok(Cache {
            conn,
            path: self.path.clone(),
            me: self.me.clone(),
            snippets,
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

    /// The stream cursor: the last event sequence applied, if a snapshot was taken.
    pub fn cursor(&self) -> Result<Option<i64>> {
        Ok(self.meta("cursor")?.and_then(|v| v.parse().ok()))
    }

    /// Marks the file as written by another schema version (tests of the rebuild).
    #[doc(hidden)]
    pub fn set_user_version_for_tests(&self, v: i64) -> Result<()> {
        self.conn.pragma_update(None, "user_version", v)?;
        Ok(())
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
mod tests {
    use super::*;
    use switchboard_protocol::{ConversationDetail, Event, EventKind, Snapshot};

    #[test]
    fn the_queue_is_served_oldest_wait_first_then_the_customers_not_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let me = crate::test_fixtures::me();
        let (mut cache, _) = Cache::open(&dir.path().join("c.sqlite3"), &me).unwrap();
        let t0 = chrono::Utc::now();
        let at = |secs: i64| t0 - chrono::Duration::seconds(secs);
        let queued = |id: i64, waited: Option<i64>, last: i64| {
            let mut c = crate::test_fixtures::conversation(id, None, Some("hello"), 1);
            c.last_message_at = Some(at(last));
            match waited {
                // Sub-second and whole-second stamps: compared as times, not text.
                Some(w) => {
                    c.unanswered.as_mut().unwrap().waiting_since =
                        at(w) + chrono::Duration::milliseconds(if id % 2 == 0 { 0 } else { 250 })
                }
                None => c.unanswered = None,
            }
            c
        };
        let queue = vec![
            queued(1, Some(60), 5),
            queued(2, None, 30),
            queued(3, Some(600), 1),
            queued(4, None, 10),
            queued(5, Some(60), 2),
            queued(6, Some(60), 2),
        ];
        cache
            .apply_snapshot(&Snapshot {
                seq: 1,
                me: me.clone(),
                mine: vec![],
                queue,
                others: vec![],
                archive: vec![],
                subjects: vec![],
            })
            .unwrap();
        let order: Vec<i64> = cache.lists().unwrap().queue.iter().map(|c| c.id).collect();
        // 3 waited 10 minutes; 6 a minute exactly, 1 and 5 a quarter second less
        // (ties by id); then 4 and 2, who wait for nothing, latest message first.
        assert_eq!(order, vec![3, 6, 1, 5, 4, 2]);
    }

    #[test]
    fn a_reader_never_waits_behind_a_write_batch_and_sees_only_what_was_committed() {
        let dir = tempfile::tempdir().unwrap();
        let me = crate::test_fixtures::me();
        let (mut writer, _) = Cache::open(&dir.path().join("c.sqlite3"), &me).unwrap();
        let reader = writer.reader().unwrap();
        let created = |id: i64| Event {
            seq: id,
            at: chrono::Utc::now(),
            kind: EventKind::ConversationCreated {
                conversation: crate::test_fixtures::conversation(id, None, Some("hello"), id),
            },
        };
        writer.apply_events(&[created(1)], 1).unwrap();

        // A write batch in progress (the writer's transaction holds the write
        // lock): the reader answers at once, from the last commit.
        let tx = writer.conn.transaction().unwrap();
        tx.execute(
            "UPDATE conversations SET state = 'archived' WHERE id = 1",
            [],
        )
        .unwrap();
        let (sent, got) = std::sync::mpsc::channel();
        let reading = std::thread::spawn(move || {
            let lists = reader.read(Cache::lists).unwrap();
            sent.send(lists.queue.len()).unwrap();
            reader
        });
        // Not a timing: a reader waiting on the lock would time out (busy)
        // after 5 s and fail, or answer only after the rollback below.
        assert_eq!(
            got.recv_timeout(std::time::Duration::from_secs(4)),
            Ok(1),
            "the reader answered during the write, from the last commit"
        );
        let reader = reading.join().unwrap();
        tx.rollback().unwrap();

        // Readers write nothing.
        assert!(reader
            .conn
            .execute("DELETE FROM conversations", [])
            .is_err());
        // What the writer commits, the reader sees.
        writer
            .apply_detail(&ConversationDetail {
                conversation: crate::test_fixtures::conversation(2, None, None, 2),
                messages: vec![],
                earlier: vec![],
            })
            .unwrap();
        assert_eq!(reader.read(Cache::lists).unwrap().queue.len(), 2);
    }

    /// Runs the background check at once and waits for what it found.
    fn check_now(cache: &Cache) -> Option<String> {
        cache
            .check_in_background(std::time::Duration::ZERO)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn a_damaged_page_found_by_the_background_check_has_the_cache_rebuilt_at_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let me = crate::test_fixtures::me();
        let path = dir.path().join("c.sqlite3");
        let (mut cache, _) = Cache::open(&path, &me).unwrap();
        let events: Vec<Event> = (1..=300)
            .map(|id| Event {
                seq: id,
                at: chrono::Utc::now(),
                kind: EventKind::ConversationCreated {
                    conversation: crate::test_fixtures::conversation(id, None, Some("hello"), id),
                },
            })
            .collect();
        cache.apply_events(&events, 300).unwrap();
        // A sound file passes.
        assert_eq!(check_now(&cache), None);
        drop(cache);

        // Garbage over pages in the middle of the file; its header is intact, so
        // opening does not notice.
        let mut bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 16 * 4096, "{} bytes", bytes.len());
        for b in &mut bytes[8 * 4096..12 * 4096] {
            *b = 0x5a;
        }
        std::fs::write(&path, bytes).unwrap();
        let (cache, rebuilt) = Cache::open(&path, &me).unwrap();
        assert_eq!(rebuilt, None);
        let found = check_now(&cache);
        assert!(
            found.as_deref().is_some_and(|f| f.contains("damaged")),
            "{found:?}"
        );
        drop(cache);

        let (cache, rebuilt) = Cache::open(&path, &me).unwrap();
        let rebuilt = rebuilt.expect("set aside at the next open");
        assert_eq!(Some(rebuilt.reason), found);
        assert!(rebuilt.moved_to.exists());
        assert!(!damage_marker(&path).exists());
        assert!(cache.lists().unwrap().queue.is_empty(), "a fresh cache");
        assert_eq!(check_now(&cache), None);
    }

    #[test]
    fn a_wanted_history_is_remembered_across_restarts_until_it_is_stored() {
        use switchboard_protocol::Snapshot;
        let dir = tempfile::tempdir().unwrap();
        let me = crate::test_fixtures::me();
        let path = dir.path().join("c.sqlite3");
        let (mut cache, _) = Cache::open(&path, &me).unwrap();
        // Met in a snapshot with messages this cache has not got.
        let mut c = crate::test_fixtures::conversation(7, None, Some("hello"), 3);
        c.last_message_at = Some(chrono::Utc::now());
        cache
            .apply_snapshot(&Snapshot {
                seq: 3,
                me: me.clone(),
                mine: vec![],
                queue: vec![c.clone()],
                others: vec![],
                archive: vec![],
                subjects: vec![],
            })
            .unwrap();
        assert_eq!(cache.histories_wanted().unwrap(), vec![7]);
        drop(cache);
        // A crash before the history came: the next run still wants it.
        let (mut cache, _) = Cache::open(&path, &me).unwrap();
        assert_eq!(cache.histories_wanted().unwrap(), vec![7]);
        cache
            .apply_detail(&ConversationDetail {
                conversation: c,
                messages: vec![],
                earlier: vec![],
            })
            .unwrap();
        assert!(cache.histories_wanted().unwrap().is_empty());
    }

    #[test]
    fn the_archive_comes_as_its_first_rows_and_its_size_then_a_page_at_a_time() {
        use switchboard_protocol::{
            AgentRef, ArchivePage, ArchivedConversation, Closure, ConversationState, Mood,
            Questionnaire, SubjectAnswer,
        };
        let dir = tempfile::tempdir().unwrap();
        let me = crate::test_fixtures::me();
        let (mut cache, _) = Cache::open(&dir.path().join("c.sqlite3"), &me).unwrap();
        let total = ARCHIVE_HEAD as i64 + 50;
        let archived = |id: i64| {
            let mut c = crate::test_fixtures::conversation(id, None, None, id);
            c.state = ConversationState::Archived;
            c.closure = Some(Closure {
                // Conversation 1 closed last.
                closed_at: chrono::DateTime::from_timestamp(2_000_000_000 - id * 60, 0).unwrap(),
                closed_by: AgentRef {
                    id: me.id,
                    name: me.name.clone(),
                },
                questionnaire: Questionnaire {
                    subject: SubjectAnswer::DontKnow,
                    mood: Mood::Happy,
                },
            });
            ArchivedConversation {
                conversation: c,
                messages: vec![],
            }
        };
        let page = ArchivePage {
            conversations: (1..=total).map(archived).collect(),
            removed: vec![],
            next_cursor: total,
            has_more: false,
            remaining: 0,
        };
        cache.apply_archive_page(&page, 1).unwrap();
        let lists = cache.lists().unwrap();
        assert_eq!(lists.archive_total as i64, total);
        let head: Vec<i64> = lists.archive.iter().map(|c| c.id).collect();
        assert_eq!(head, (1..=ARCHIVE_HEAD as i64).collect::<Vec<_>>());
        let rest: Vec<i64> = cache
            .archive_rows(ARCHIVE_HEAD, 100)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(rest, (ARCHIVE_HEAD as i64 + 1..=total).collect::<Vec<_>>());
        assert!(cache.archive_rows(total as u32, 100).unwrap().is_empty());
        assert_eq!(
            cache.archive_rows(0, 10_000).unwrap().len() as i64,
            total.min(500)
        );
    }

    #[test]
    fn a_changed_row_is_placed_in_the_list_that_reading_the_lists_puts_it_in() {
        use switchboard_protocol::{
            AgentRef, Closure, ConversationState, ConversationSummary, Questionnaire, Role,
        };
        let closed = |id: i64, by: i64| {
            let mut c = crate::test_fixtures::conversation(id, None, None, 1);
            c.state = ConversationState::Archived;
            c.closure = Some(Closure {
                closed_at: chrono::Utc::now(),
                closed_by: AgentRef {
                    id: by,
                    name: format!("Agent {by}"),
                },
                questionnaire: Questionnaire {
                    subject: switchboard_protocol::SubjectAnswer::DontKnow,
                    mood: switchboard_protocol::Mood::DontKnow,
                },
            });
            c
        };
        let mut spam = crate::test_fixtures::conversation(6, None, None, 1);
        spam.state = ConversationState::Spam;
        let all = [
            crate::test_fixtures::conversation(1, None, Some("hi"), 1),
            crate::test_fixtures::conversation(2, Some(1), None, 1),
            crate::test_fixtures::conversation(3, Some(2), None, 1),
            closed(4, 1),
            closed(5, 2),
            spam,
        ];
        for role in [Role::Agent, Role::Supervisor] {
            let dir = tempfile::tempdir().unwrap();
            let me = Me {
                role,
                ..crate::test_fixtures::me()
            };
            let (mut cache, _) = Cache::open(&dir.path().join("c.sqlite3"), &me).unwrap();
            let events: Vec<Event> = all
                .iter()
                .enumerate()
                .map(|(i, c)| Event {
                    seq: i as i64 + 1,
                    at: chrono::Utc::now(),
                    kind: EventKind::ConversationCreated {
                        conversation: c.clone(),
                    },
                })
                .collect();
            cache.apply_events(&events, 6).unwrap();
            let lists = cache.lists().unwrap();
            let ids: Vec<i64> = all.iter().map(|c| c.id).collect();
            let rows = cache.list_rows(&ids).unwrap();
            let mut placed = std::collections::BTreeMap::<&str, Vec<i64>>::new();
            for r in &rows {
                if let Some(l) = &r.listed {
                    assert_eq!(l.summary.id, r.id);
                    placed
                        .entry(format!("{:?}", l.list).leak())
                        .or_default()
                        .push(r.id);
                }
            }
            let read = |v: &Vec<ConversationSummary>| v.iter().map(|c| c.id).collect::<Vec<_>>();
            let mut expected = std::collections::BTreeMap::<&str, Vec<i64>>::new();
            for (name, list) in [
                ("Mine", &lists.mine),
                ("Queue", &lists.queue),
                ("Others", &lists.others),
                ("Archive", &lists.archive),
            ] {
                if !list.is_empty() {
                    expected.insert(name, read(list));
                }
            }
            assert_eq!(placed, expected, "{role:?}");
            assert_eq!(cache.archive_total().unwrap(), lists.archive_total);
            // What the lists show, by role: a supervisor also sees Agent 2's.
            let others = if role == Role::Agent {
                None
            } else {
                Some(&vec![3])
            };
            assert_eq!(expected.get("Others"), others);
            assert_eq!(expected.get("Archive"), Some(&vec![4]));
        }
    }
}
