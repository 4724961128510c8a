//! The engine: keeps the cache in step with the server (snapshot, then the event
//! stream from the saved cursor), sends the outbox, backfills the archive, and
//! tells the app what changed. Reads always come from the cache.

mod change;
mod files;
mod notifications;
mod sync;
mod workers;

pub use change::{Change, ConnectionState};
pub use files::file_name;
use sync::sync_loop;
pub use sync::{backoff, parse_frame};
use workers::{backfill_loop, files_loop, history_loop, outbox_loop};

use crate::api::Api;
use crate::cache::{
    Applied, Cache, CacheKey, Lists, OutboxAction, OutboxItem, Rebuilt, SearchHit, Snippet,
};
use crate::error::{ClientError, ErrorCode, Result};
use crate::session::Session;
use notifications::NotifyCtl;
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use switchboard_protocol::{
    AgentRef, Availability, ConversationSummary, Message, Mood, SubjectAnswer, MAX_NOTE_CHARS,
};
use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;

/// A conversation as the app shows it: from the cache, with what is still queued.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationView {
    pub conversation: ConversationSummary,
    pub messages: Vec<Message>,
    /// Actions not yet acknowledged (pending) or refused (failed), oldest first.
    pub outbox: Vec<OutboxItem>,
}

/// Tuning knobs (tests shorten them).
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Longest wait between reconnection attempts.
    pub max_backoff: Duration,
    /// Archive page size.
    pub archive_page: u32,
    /// How often the archive is re-checked for changes once backfilled.
    pub archive_refresh: Duration,
    /// When, after the start, the cache file is checked for damage (off the
    /// launch: the check reads the whole file).
    pub cache_check_after: Duration,
    /// Most bytes of attachments kept for offline viewing.
    pub file_cache_bytes: u64,
    /// Months of archive kept in the cache, by closing date (None: all).
    pub archive_months: Option<u32>,
}

/// The default for [`EngineOptions::file_cache_bytes`] (and the setting's).
pub const DEFAULT_FILE_CACHE_MIB: u32 = 500;

/// The largest file the app sends (the server's own limit, 10 MiB unless
/// its operator set another, is checked by the server).
pub const MAX_ATTACH_BYTES: u64 = 100 * 1024 * 1024;

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            max_backoff: Duration::from_secs(30),
            archive_page: 200,
            archive_refresh: Duration::from_secs(300),
            cache_check_after: Duration::from_secs(20),
            file_cache_bytes: u64::from(DEFAULT_FILE_CACHE_MIB) * 1024 * 1024,
            archive_months: None,
        }
    }
}

struct Inner {
    api: Api,
    /// The writer: the stream, the outbox, histories and the backfill.
    cache: Mutex<Cache>,
    /// What the UI reads through, never waiting behind a write batch.
    reader: Mutex<Cache>,
    changes: broadcast::Sender<Change>,
    applied: broadcast::Sender<Arc<Applied>>,
    state: watch::Sender<ConnectionState>,
    outbox_wake: Notify,
    /// The stream (re)connected: actions waiting out a backoff go now.
    reconnected: Notify,
    backfill_wake: Notify,
    retry_now: Notify,
    /// Conversations whose full history should be fetched into the cache.
    history: tokio::sync::mpsc::UnboundedSender<i64>,
    notify_ctl: Mutex<Option<tokio::sync::mpsc::UnboundedSender<NotifyCtl>>>,
    options: EngineOptions,
    /// Wakes the worker that fetches attachments ahead for offline viewing.
    files_wake: Notify,
    /// Most bytes of attachments kept (the agent's setting).
    file_cap: AtomicU64,
}

/// A running engine. Dropping it stops its tasks.
pub struct Engine {
    inner: Arc<Inner>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Inner {
    fn cache(&self) -> MutexGuard<'_, Cache> {
        // A panic while holding the lock cannot leave SQLite half-written (its
        // transactions roll back), so a poisoned lock is still usable.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn reader(&self) -> MutexGuard<'_, Cache> {
        self.reader.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn emit(&self, change: Change) {
        if matches!(change, Change::Conversation { .. }) {
            // New messages may carry files to keep for offline viewing.
            self.files_wake.notify_one();
        }
        let _ = self.changes.send(change);
    }

    fn file_cap(&self) -> u64 {
        self.file_cap.load(Ordering::Relaxed)
    }

    fn set_state(&self, s: ConnectionState) {
        if *self.state.borrow() != s {
            self.state.send_replace(s);
            self.emit(Change::Connection { state: s });
        }
    }

    /// Sets aside the rows reads found unreadable, fetches the conversations
    /// among them again, and tells the app. Run after the app's own reads, so
    /// that the app, which reads after it subscribes, hears of it.
    fn set_aside_unreadable(&self) {
        if !self.reader().has_unreadable() {
            return;
        }
        let moved = self.cache().set_aside_unreadable();
        match moved {
            Ok(moved) if moved.moved > 0 => {
                for id in &moved.conversations {
                    let _ = self.history.send(*id);
                }
                self.emit(Change::SetAside { moved: moved.moved });
                self.emit(Change::Lists);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("setting unreadable rows aside: {e}"),
        }
    }

    /// Tells the app the rows of conversations a write just changed. Called with
    /// the writer still held, so that rows reach the app in commit order.
    fn emit_rows(&self, cache: &Cache, ids: &[i64]) {
        if ids.is_empty() {
            return;
        }
        match cache
            .list_rows(ids)
            .and_then(|rows| Ok((rows, cache.archive_total()?)))
        {
            Ok((rows, archive_total)) => self.emit(Change::Rows {
                rows,
                archive_total,
            }),
            Err(e) => {
                tracing::warn!("reading changed rows: {e}");
                self.emit(Change::Lists);
            }
        }
    }

    fn publish(&self, applied: Applied) {
        if applied.resynced {
            self.emit(Change::Lists);
        }
        for id in &applied.conversations {
            self.emit(Change::Conversation { id: *id });
        }
        let team = applied
            .events
            .iter()
            .any(|e| matches!(e.kind, switchboard_protocol::EventKind::AgentChanged { .. }));
        if team || applied.resynced {
            self.emit(Change::Team);
        }
        let canned = applied.events.iter().any(|e| {
            matches!(
                e.kind,
                switchboard_protocol::EventKind::CannedRepliesChanged { .. }
            )
        });
        if canned || applied.resynced {
            self.emit(Change::CannedReplies);
        }
        let erased = applied.events.iter().any(|e| {
            matches!(
                e.kind,
                switchboard_protocol::EventKind::CustomerErased { .. }
            )
        });
        if erased {
            // The anonymised, empty rows of the archive come back now, not at
            // the next refresh.
            self.backfill_wake.notify_one();
        }
        let _ = self.applied.send(Arc::new(applied));
    }
}

impl Engine {
    /// Opens the cache at `cache_path` with its key (rebuilding an unusable one)
    /// and starts syncing. The lists are readable at once, from the cache. The
    /// app always gives a key ([`crate::Accounts::cache_key`]); without one the
    /// cache is a plain file (benchmarks' baseline).
    pub fn start(
        session: &Session,
        cache_path: &Path,
        key: Option<&CacheKey>,
        options: EngineOptions,
    ) -> Result<(Engine, Option<Rebuilt>)> {
        let (mut cache, rebuilt) = Cache::open(cache_path, &session.me, key)?;
        if cache.set_archive_months(options.archive_months)? {
            cache.restart_backfill()?;
        }
        crate::startup_mark("cache opened");
        cache.check_in_background(options.cache_check_after);
        let reader = cache.reader()?;
        let (changes, _) = broadcast::channel(1024);
        let (applied, _) = broadcast::channel(1024);
        let (state, _) = watch::channel(ConnectionState::Connecting);
        let (history, history_rx) = tokio::sync::mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            api: session.api(),
            cache: Mutex::new(cache),
            reader: Mutex::new(reader),
            changes,
            applied,
            state,
            outbox_wake: Notify::new(),
            reconnected: Notify::new(),
            backfill_wake: Notify::new(),
            retry_now: Notify::new(),
            history,
            notify_ctl: Mutex::new(None),
            file_cap: AtomicU64::new(options.file_cache_bytes),
            files_wake: Notify::new(),
            options,
        });
        // Histories an earlier run did not get to fetch: those it recorded as
        // wanted, and open conversations with no message at all.
        {
            let cache = inner.cache();
            let mut ids = cache.histories_wanted()?;
            let lists = cache.lists()?;
            for c in lists.mine.iter().chain(&lists.queue).chain(&lists.others) {
                if !ids.contains(&c.id) && !cache.has_messages(c.id)? {
                    ids.push(c.id);
                }
            }
            for id in ids {
                let _ = inner.history.send(id);
            }
        }
        let tasks = vec![
            tokio::spawn(sync_loop(inner.clone())),
            tokio::spawn(outbox_loop(inner.clone())),
            tokio::spawn(backfill_loop(inner.clone())),
            tokio::spawn(history_loop(inner.clone(), history_rx)),
            tokio::spawn(files_loop(inner.clone())),
        ];
        Ok((Engine { inner, tasks }, rebuilt))
    }

    /// Everything that changes from now on.
    pub fn changes(&self) -> broadcast::Receiver<Change> {
        self.inner.changes.subscribe()
    }

    /// Every applied batch of events (the notification policy's input).
    pub fn applied(&self) -> broadcast::Receiver<Arc<Applied>> {
        self.inner.applied.subscribe()
    }

    /// The link's state now, and a receiver of its changes.
    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        self.inner.state.subscribe()
    }

    /// Try to reconnect now instead of waiting for the backoff.
    pub fn retry_now(&self) {
        self.inner.retry_now.notify_one();
    }

    /// The lists, from the cache.
    pub fn lists(&self) -> Result<Lists> {
        let lists = self.inner.reader().read(Cache::lists);
        self.inner.set_aside_unreadable();
        lists
    }

    /// Rows of the archive list past its first ones, from the cache.
    pub fn archive_rows(&self, offset: u32, limit: u32) -> Result<Vec<ConversationSummary>> {
        self.inner.reader().archive_rows(offset, limit)
    }

    /// A conversation from the cache, with its queued actions.
    pub fn conversation(&self, id: i64) -> Result<ConversationView> {
        let view = self.inner.reader().read(|cache| {
            Ok(ConversationView {
                conversation: cache.summary(id)?,
                messages: cache.messages(id)?,
                outbox: cache.outbox(Some(id))?,
            })
        });
        self.inner.set_aside_unreadable();
        view
    }

    /// Fetches a conversation's full history into the cache (when opening one
    /// whose messages the stream has not brought yet).
    pub async fn refresh_conversation(&self, id: i64) -> Result<ConversationView> {
        let detail = self.inner.api.conversation(id).await?;
        {
            let mut cache = self.inner.cache();
            cache.apply_detail(&detail)?;
            self.inner.emit_rows(&cache, &[id]);
        }
        self.conversation(id)
    }

    /// Full-text search of the cache; works offline.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.inner.reader().read(|c| c.search(query, limit))
    }

    /// The messages of one conversation that match a search, marked.
    pub fn search_in(&self, conversation_id: i64, query: &str) -> Result<Vec<Snippet>> {
        self.inner
            .reader()
            .read(|c| c.search_in(conversation_id, query))
    }

    /// The whole outbox (pending and failed).
    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        let outbox = self.inner.reader().outbox(None);
        self.inner.set_aside_unreadable();
        outbox
    }

    /// The questionnaire's subjects as last synced.
    pub fn subjects(&self) -> Result<Vec<String>> {
        let raw = self.inner.reader().meta("subjects")?;
        Ok(raw
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    /// The team's canned replies, by shortcut, as last synced (offline too).
    pub fn canned_replies(&self) -> Result<Vec<switchboard_protocol::CannedReply>> {
        let raw = self.inner.reader().meta("canned_replies")?;
        Ok(raw
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    fn enqueue(&self, id: i64, action: OutboxAction) -> Result<OutboxItem> {
        let item = self.inner.cache().enqueue(id, action)?;
        self.inner.outbox_wake.notify_one();
        self.inner.emit(Change::Outbox {
            conversation_id: id,
        });
        Ok(item)
    }

    /// Queues a reply; it is sent when online, exactly once.
    pub fn reply(&self, id: i64, body: &str) -> Result<OutboxItem> {
        checked_body(body, self.inner.api.lang())?;
        self.enqueue(
            id,
            OutboxAction::Reply {
                body: body.to_string(),
            },
        )
    }

    /// Queues an internal note for the team; sent when online, exactly once,
    /// never to the customer.
    pub fn note(&self, id: i64, body: &str) -> Result<OutboxItem> {
        checked_body(body, self.inner.api.lang())?;
        self.enqueue(
            id,
            OutboxAction::Note {
                body: body.to_string(),
            },
        )
    }

    pub fn take(&self, id: i64) -> Result<OutboxItem> {
        self.enqueue(id, OutboxAction::Take)
    }

    pub fn free(&self, id: i64) -> Result<OutboxItem> {
        self.enqueue(id, OutboxAction::Free)
    }

    pub fn end(&self, id: i64, subject: SubjectAnswer, mood: Mood) -> Result<OutboxItem> {
        self.enqueue(id, OutboxAction::End { subject, mood })
    }

    pub fn reopen(&self, id: i64) -> Result<OutboxItem> {
        self.enqueue(id, OutboxAction::Reopen)
    }

    pub fn spam(&self, id: i64) -> Result<OutboxItem> {
        self.enqueue(id, OutboxAction::Spam)
    }

    /// Queues a transfer to a colleague, with an optional note for them.
    pub fn transfer(&self, id: i64, to: AgentRef, note: Option<String>) -> Result<OutboxItem> {
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if let Some(n) = &note {
            let count = n.chars().count();
            if count > MAX_NOTE_CHARS {
                return Err(ClientError::new(
                    ErrorCode::InvalidField,
                    switchboard_i18n::tr!(
                        self.inner.api.lang(),
                        "engine-note-too-long",
                        count = count,
                        max = MAX_NOTE_CHARS
                    ),
                ));
            }
        }
        let me = self.inner.reader().me().clone();
        if to.id == me.id {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                switchboard_i18n::tr!(self.inner.api.lang(), "engine-transfer-self"),
            ));
        }
        self.enqueue(
            id,
            OutboxAction::Transfer {
                to,
                note,
                override_capacity: me.role.sees_everything(),
            },
        )
    }

    /// Whether the agent is available or away, as last synced.
    pub fn availability(&self) -> Result<Availability> {
        self.inner.reader().availability()
    }

    /// Forgets a failed action the agent has seen.
    pub fn dismiss(&self, seq: i64) -> Result<()> {
        self.inner.cache().outbox_dismiss(seq)
    }

    /// Conversations in my list or the queue whose customer waits for an answer
    /// (the tray's count).
    pub fn unanswered_count(&self) -> Result<usize> {
        let lists = self.lists()?;
        Ok(lists
            .mine
            .iter()
            .chain(&lists.queue)
            .filter(|c| c.unanswered.is_some())
            .count())
    }

    /// The stream cursor (diagnostics and tests).
    pub fn cursor(&self) -> Result<Option<i64>> {
        self.inner.cache().cursor()
    }

    /// `PRAGMA integrity_check` of the cache.
    pub fn integrity_check(&self) -> Result<String> {
        self.inner.cache().integrity_check()
    }
}

/// A reply's or note's text as the server will take it: not blank, not too long.
fn checked_body(body: &str, lang: switchboard_i18n::Lang) -> Result<()> {
    if body.trim().is_empty() {
        return Err(ClientError::new(
            ErrorCode::InvalidField,
            switchboard_i18n::tr!(lang, "engine-write-first"),
        ));
    }
    let n = body.chars().count();
    if n > switchboard_protocol::MAX_MESSAGE_CHARS {
        return Err(ClientError::new(
            ErrorCode::MessageTooLong,
            switchboard_i18n::tr!(
                lang,
                "engine-message-too-long",
                count = n,
                max = switchboard_protocol::MAX_MESSAGE_CHARS
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let cap = Duration::from_secs(30);
        for attempt in 1..40 {
            let d = backoff(attempt, cap);
            assert!(d <= cap, "{attempt}: {d:?}");
            let ceiling = (250u64 << attempt.min(16)).min(30_000);
            assert!(d.as_millis() as u64 >= ceiling / 2, "{attempt}: {d:?}");
        }
        assert!(backoff(1, cap) <= Duration::from_millis(500));
    }

    #[tokio::test]
    async fn the_ui_reads_while_a_write_batch_holds_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session {
            server: "http://127.0.0.1:9/".parse().unwrap(),
            token: "t".into(),
            me: crate::test_fixtures::me(),
            speaks: Default::default(),
        };
        let path = dir.path().join("c.sqlite3");
        let (engine, _) = Engine::start(
            &session,
            &path,
            Some(&crate::test_fixtures::key()),
            EngineOptions::default(),
        )
        .unwrap();
        let (sent, got) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            // Held as a backfill page holds it while it is stored.
            let writing = engine.inner.cache();
            s.spawn(|| {
                let answered = engine.lists().is_ok()
                    && engine.search("parcel", 50).is_ok()
                    && engine.outbox().is_ok();
                sent.send(answered).unwrap();
            });
            // Not a timing: reads that needed the writer would never answer
            // while it is held.
            assert_eq!(got.recv_timeout(Duration::from_secs(10)), Ok(true));
            drop(writing);
        });
    }
}
