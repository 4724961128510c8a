//! The desktop app's state, for any shell (the Tauri app, tests): who is signed
//! in, the running engine, the agent's settings, and every operation the UI asks
//! for. A shell's commands are one call each into [`App`].

use crate::cache::{Lists, OutboxItem, SearchHit, Snippet};
use crate::error::{ClientError, EngineCode, ErrorCode, Result};
use crate::notify::policy::{Settings, View};
use crate::session::{Accounts, Session, TokenStore};
use crate::{Change, ConnectionState, ConversationView, Engine, EngineOptions};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use switchboard_i18n::Lang;
use switchboard_protocol::{Me, Mood, SubjectAnswer};
use tokio::sync::{broadcast, watch, Mutex};
use tokio::task::JoinHandle;

mod canned;
mod files;
pub mod language;
mod reports;
mod settings;
pub use settings::{snooze_end, Snooze, MORNING_HOUR};
mod team;

/// Who is signed in, where.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionInfo {
    pub me: Me,
    pub server: String,
    /// Where the offline cache's key is kept: the OS keychain, or a private
    /// file beside the cache where no keychain took it (the settings say which).
    pub cache_key_kept: TokenStore,
}

/// The agent's settings, kept in the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppSettings {
    /// Remind about a customer still waiting this often (None: no reminders).
    pub reminder_minutes: Option<u32>,
    /// Do Not Disturb until turned off: no desktop notifications.
    pub do_not_disturb: bool,
    /// Notifications snoozed until then ([`App::snooze`] sets it; an ended snooze
    /// reads as none).
    #[serde(default)]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Flash the taskbar (bounce the dock) when a customer starts waiting while
    /// the window is not focused.
    #[serde(default = "on")]
    pub attention: bool,
    /// A sound with the notification of a customer who starts waiting.
    #[serde(default = "on")]
    pub sound: bool,
    /// Start the app, minimised to the tray, when the agent logs in to the computer.
    #[serde(default)]
    pub start_at_login: bool,
    /// Closing the window leaves the app running in the tray (Quit is in the
    /// tray's menu); otherwise closing it quits.
    #[serde(default)]
    pub close_to_tray: bool,
    /// Become away after this many seconds without keyboard or mouse input at
    /// the desktop, and available again at the first input (None: never). The
    /// app offers minutes; seconds let a test wait less.
    #[serde(default)]
    pub away_when_idle_secs: Option<u32>,
    /// Most megabytes (MiB) of attachments kept for viewing offline.
    #[serde(default = "file_cache_mib")]
    pub file_cache_mib: u32,
    /// Months of archive kept on this computer, by closing date (None: all).
    /// Older conversations are still on the server, not in offline search.
    #[serde(default)]
    pub archive_months: Option<u32>,
    /// The language the app speaks (a catalogs' tag, `fr`); None: the OS's.
    #[serde(default, with = "language::tag")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub language: Option<Lang>,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            reminder_minutes: Some(2),
            do_not_disturb: false,
            snoozed_until: None,
            attention: true,
            sound: true,
            start_at_login: false,
            close_to_tray: false,
            away_when_idle_secs: None,
            file_cache_mib: file_cache_mib(),
            archive_months: None,
            language: None,
        }
    }
}

fn on() -> bool {
    true
}

fn file_cache_mib() -> u32 {
    crate::engine::DEFAULT_FILE_CACHE_MIB
}

/// What only the shell can do on this OS, for the settings that reach outside
/// the app.
pub trait Desktop: Send + Sync {
    /// Whether the OS starts the app at login now.
    fn starts_at_login(&self) -> std::result::Result<bool, String>;
    /// Makes the OS start the app at login (minimised to the tray), or stop.
    fn start_at_login(&self, on: bool) -> std::result::Result<(), String>;
}

impl AppSettings {
    fn policy(self) -> Settings {
        Settings {
            reminder: self
                .reminder_minutes
                .filter(|m| *m > 0)
                .map(|m| Duration::from_secs(u64::from(m) * 60)),
            do_not_disturb: self.do_not_disturb,
            snoozed_until: self.snoozed_until,
            attention: self.attention,
            sound: self.sound,
            lang: self.lang(),
        }
    }

    /// Nothing is shown now: Do Not Disturb, or a snooze that has not ended.
    pub fn quiet(&self) -> bool {
        self.do_not_disturb || self.snoozed_until.is_some_and(|t| t > Utc::now())
    }
}

struct Running {
    session: Session,
    cache_key_kept: TokenStore,
    engine: Arc<Engine>,
    forward: JoinHandle<()>,
    idle: JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.forward.abort();
        self.idle.abort();
    }
}

/// The app: accounts, the running engine, settings, and the changes the UI hears.
pub struct App {
    accounts: Accounts,
    running: Mutex<Option<Running>>,
    changes: broadcast::Sender<Change>,
    /// The running engine's link, as last forwarded (signed out when none runs).
    connection: Arc<watch::Sender<ConnectionState>>,
    notifications: bool,
    desktop: std::sync::OnceLock<Box<dyn Desktop>>,
    /// Says [`Change::Settings`] when the snooze ends.
    snooze_watch: std::sync::Mutex<Option<JoinHandle<()>>>,
    /// Held while the session is restored at start-up (see [`App::starting`]):
    /// the UI's first [`App::session_info`] waits for it.
    startup: Arc<Mutex<()>>,
    /// Whether the agent is away for want of input (see [`crate::idle`]).
    idle_away: Arc<std::sync::Mutex<crate::idle::IdleAway>>,
    /// The language the agent reads, shared with the session's API clients.
    speaks: crate::api::Speaks,
}

/// Held by whoever restores the session at start-up; dropping it lets
/// [`App::session_info`] answer.
pub struct Starting(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>);

/// The changes one listener (a window, the tray) hears, for as long as the app
/// runs. A burst that overflows the channel is never a stale screen: it becomes
/// "reload the lists" followed by the link's state as it is now.
pub struct Changes {
    rx: broadcast::Receiver<Change>,
    connection: watch::Receiver<ConnectionState>,
    after_lag: Option<Change>,
}

impl Changes {
    /// The next change; None once the app is gone.
    pub async fn next(&mut self) -> Option<Change> {
        if let Some(c) = self.after_lag.take() {
            return Some(c);
        }
        match self.rx.recv().await {
            Ok(c) => Some(c),
            Err(broadcast::error::RecvError::Lagged(_)) => {
                self.after_lag = Some(Change::Connection {
                    state: *self.connection.borrow(),
                });
                Some(Change::Lists)
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

fn not_signed_in() -> ClientError {
    ClientError::new(EngineCode::NotSignedIn, "sign in first")
}

impl App {
    /// An app over a data directory (the platform's by default). With
    /// `notifications`, the engine shows desktop notifications.
    pub fn new(root: Option<PathBuf>, use_keychain: bool, notifications: bool) -> Result<App> {
        let (changes, _) = broadcast::channel(1024);
        let app = App {
            accounts: Accounts::new(root, use_keychain)?,
            running: Mutex::new(None),
            changes,
            connection: Arc::new(watch::channel(ConnectionState::SignedOut).0),
            notifications,
            desktop: std::sync::OnceLock::new(),
            snooze_watch: std::sync::Mutex::new(None),
            startup: Arc::new(Mutex::new(())),
            idle_away: Arc::default(),
            speaks: crate::api::Speaks::default(),
        };
        // The server's refusals, and the engine's, in the agent's language.
        app.speaks.set(app.settings().lang());
        Ok(app)
    }

    /// Marks the session as being restored at start-up, off the window's path:
    /// the shell takes this before the window exists, restores the session (or
    /// signs a demo in) in the background and drops it when done; until then
    /// [`App::session_info`] waits rather than answering "signed out".
    /// None when it is already taken.
    pub fn starting(&self) -> Option<Starting> {
        self.startup.clone().try_lock_owned().ok().map(Starting)
    }

    /// The start-up work behind [`App::starting`]: restores the saved session,
    /// or signs in with `demo` (server, email, password) when there is none.
    pub async fn start_up(&self, starting: Starting, demo: Option<(String, String, String)>) {
        match self.restore_session().await {
            Ok(Some(_)) => {}
            Ok(None) => {
                if let Some((server, email, password)) = demo {
                    if let Err(e) = self.sign_in(&server, &email, &password).await {
                        tracing::warn!("demo sign-in failed: {e}");
                    }
                }
            }
            Err(e) => tracing::warn!("the saved session was not restored: {e}"),
        }
        drop(starting);
    }

    /// Every change the UI should hear about, for as long as the app runs (across
    /// sign-ins).
    pub fn subscribe(&self) -> Changes {
        Changes {
            rx: self.changes.subscribe(),
            connection: self.connection.subscribe(),
            after_lag: None,
        }
    }

    async fn start(&self, mut session: Session) -> Result<SessionInfo> {
        session.speaks = self.speaks.clone();
        let options = EngineOptions {
            file_cache_bytes: settings::mib(self.settings().file_cache_mib),
            archive_months: self.settings().archive_months,
            ..EngineOptions::default()
        };
        let cache_path = self.accounts.cache_path(&session);
        let (key, cache_key_kept) = self.accounts.cache_key(&cache_path).await?;
        crate::startup_mark("cache key read");
        let (mut engine, rebuilt) = Engine::start(&session, &cache_path, Some(&key), options)?;
        crate::startup_mark("engine started");
        if let Some(r) = rebuilt {
            tracing::warn!("the offline cache was rebuilt: {}", r.reason);
        }
        let settings = self.settings();
        if self.notifications {
            let sink = engine.desktop_sink();
            engine.start_notifications(Box::new(sink), settings.policy());
        }
        self.watch_snooze(&settings);
        let mut from_engine = engine.changes();
        let mut link = engine.connection();
        let to_ui = self.changes.clone();
        let connection = self.connection.clone();
        connection.send_replace(*link.borrow_and_update());
        // The link's state is forwarded from the engine's watch, which always
        // holds the latest state: a burst of other changes cannot drop it.
        let forward = tokio::spawn(async move {
            loop {
                tokio::select! {
                    changed = link.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let state = *link.borrow_and_update();
                        connection.send_replace(state);
                        let _ = to_ui.send(Change::Connection { state });
                    }
                    change = from_engine.recv() => match change {
                        Ok(Change::Connection { .. }) => {}
                        Ok(c) => {
                            let _ = to_ui.send(c);
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let _ = to_ui.send(Change::Lists);
                        }
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                }
            }
        });
        let info = SessionInfo {
            me: session.me.clone(),
            server: session.server.to_string(),
            cache_key_kept,
        };
        let engine = Arc::new(engine);
        let idle = self.watch_idle(engine.clone(), session.api());
        *self.running.lock().await = Some(Running {
            session,
            cache_key_kept,
            engine,
            forward,
            idle,
        });
        let _ = self.changes.send(Change::Lists);
        Ok(info)
    }

    /// Restores the saved session, if any, and starts syncing from the cache.
    pub async fn session_info(&self) -> Result<Option<SessionInfo>> {
        drop(self.startup.lock().await);
        self.restore_session().await
    }

    async fn restore_session(&self) -> Result<Option<SessionInfo>> {
        if let Some(r) = self.running.lock().await.as_ref() {
            return Ok(Some(SessionInfo {
                me: r.session.me.clone(),
                server: r.session.server.to_string(),
                cache_key_kept: r.cache_key_kept,
            }));
        }
        match self.accounts.restore().await? {
            Some(session) => {
                crate::startup_mark("session restored");
                self.start(session).await.map(Some)
            }
            None => Ok(None),
        }
    }

    /// Signs in (replacing any running session) and starts syncing.
    pub async fn sign_in(&self, server: &str, email: &str, password: &str) -> Result<SessionInfo> {
        let (session, _) = self.accounts.sign_in(server, email, password).await?;
        self.running.lock().await.take();
        self.start(session).await
    }

    /// Signs out: the server forgets the token, and so does this machine. The
    /// cache stays for the next sign-in.
    pub async fn sign_out(&self) -> Result<()> {
        let running = self.running.lock().await.take();
        if let Some(r) = running {
            self.accounts.sign_out(&r.session).await?;
        }
        self.connection.send_replace(ConnectionState::SignedOut);
        let _ = self.changes.send(Change::Connection {
            state: ConnectionState::SignedOut,
        });
        Ok(())
    }

    /// The running engine. The lock is held only to clone it: a slow network call
    /// must not hold up every other command.
    async fn engine(&self) -> Result<Arc<Engine>> {
        // A call made while the session is restored at start-up waits for it.
        drop(self.startup.lock().await);
        let guard = self.running.lock().await;
        Ok(guard.as_ref().ok_or_else(not_signed_in)?.engine.clone())
    }

    async fn with<T>(&self, f: impl FnOnce(&Engine) -> Result<T>) -> Result<T> {
        f(&*self.engine().await?)
    }

    async fn api(&self) -> Result<crate::api::Api> {
        let guard = self.running.lock().await;
        Ok(guard.as_ref().ok_or_else(not_signed_in)?.session.api())
    }

    pub async fn lists(&self) -> Result<Lists> {
        crate::startup_mark("lists called");
        let lists = self.with(|e| e.lists()).await;
        crate::startup_mark("lists read");
        lists
    }

    /// Rows of the archive list past the first ones `lists` brings.
    pub async fn archive_rows(
        &self,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<switchboard_protocol::ConversationSummary>> {
        self.with(|e| e.archive_rows(offset, limit)).await
    }

    pub async fn conversation(&self, id: i64) -> Result<ConversationView> {
        self.with(|e| e.conversation(id)).await
    }

    /// Fetches a conversation's history from the server (the cache when offline).
    pub async fn refresh_conversation(&self, id: i64) -> Result<ConversationView> {
        self.engine().await?.refresh_conversation(id).await
    }

    pub async fn search(&self, query: &str) -> Result<Vec<SearchHit>> {
        self.with(|e| e.search(query, 100)).await
    }

    pub async fn search_in(&self, conversation_id: i64, query: &str) -> Result<Vec<Snippet>> {
        self.with(|e| e.search_in(conversation_id, query)).await
    }

    pub async fn subjects(&self) -> Result<Vec<String>> {
        self.with(|e| e.subjects()).await
    }

    pub async fn take(&self, id: i64) -> Result<OutboxItem> {
        self.with(|e| e.take(id)).await
    }

    pub async fn free(&self, id: i64) -> Result<OutboxItem> {
        self.with(|e| e.free(id)).await
    }

    pub async fn reopen(&self, id: i64) -> Result<OutboxItem> {
        self.with(|e| e.reopen(id)).await
    }

    pub async fn spam(&self, id: i64) -> Result<OutboxItem> {
        self.with(|e| e.spam(id)).await
    }

    pub async fn reply(&self, id: i64, body: &str) -> Result<OutboxItem> {
        self.with(|e| e.reply(id, body)).await
    }

    /// Tells the customer's chat page the agent is typing a reply (needs the
    /// server; the UI says so about once a second while the agent types one).
    pub async fn typing(&self, id: i64) -> Result<()> {
        self.api().await?.typing(id).await
    }

    /// Queues an internal note for the team (never sent to the customer).
    pub async fn note(&self, id: i64, body: &str) -> Result<OutboxItem> {
        self.with(|e| e.note(id, body)).await
    }

    pub async fn end(&self, id: i64, subject: SubjectAnswer, mood: Mood) -> Result<OutboxItem> {
        self.with(|e| e.end(id, subject, mood)).await
    }

    /// Every queued action (pending or failed), also of conversations that have
    /// left the lists (a take lost to another agent).
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>> {
        self.with(|e| e.outbox()).await
    }

    /// Forgets a failed outbox item once the agent has read why.
    pub async fn dismiss(&self, seq: i64) -> Result<()> {
        self.with(|e| e.dismiss(seq)).await
    }

    /// The link's state, as the last change the UI heard said it.
    pub async fn connection(&self) -> ConnectionState {
        *self.connection.borrow()
    }

    /// Customers waiting for an answer in my conversations and the queue (the tray count).
    pub async fn unanswered_count(&self) -> usize {
        self.with(|e| e.unanswered_count()).await.unwrap_or(0)
    }

    /// What the agent is looking at: no notification for it.
    pub async fn set_view(&self, focused: bool, conversation: Option<i64>) -> Result<()> {
        self.with(|e| {
            e.set_view(View {
                focused,
                conversation,
            });
            Ok(())
        })
        .await
    }
}

/// Writes a file the agent asked for (settings, an export), making its folder.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| ClientError::new(EngineCode::Cache, format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| ClientError::new(EngineCode::Cache, format!("{}: {e}", path.display())))
}

/// `name` in `dir`, or `stem (2).ext`, … when that exists: a file the app
/// writes never overwrites an earlier one.
fn unused_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

impl App {
    /// [`openable_link`], refused in the agent's language.
    pub fn openable_link(&self, url: &str) -> Result<url::Url> {
        openable_link(url, self.speaks.lang())
    }
}

/// Whether a link in a message may be opened in the system browser: http, https
/// and mailto only.
pub fn openable_link(url: &str, lang: Lang) -> Result<url::Url> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| {
        ClientError::new(
            ErrorCode::InvalidField,
            switchboard_i18n::tr!(lang, "engine-not-a-link"),
        )
    })?;
    match parsed.scheme() {
        "http" | "https" | "mailto" => Ok(parsed),
        other => Err(ClientError::new(
            ErrorCode::InvalidField,
            switchboard_i18n::tr!(lang, "engine-link-kind", scheme = other.to_owned()),
        )),
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
