//! What the engine tells the app: the state of its link to the server and
//! what changed, for the app to redraw.

use crate::cache::ListRow;
use serde::Serialize;

/// The link to the server, as the app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ConnectionState {
    Connecting,
    Online,
    Offline,
    /// Taking a fresh snapshot after the server could not resume the stream.
    Resyncing,
    /// The server no longer accepts the token: sign in again.
    SignedOut,
}

/// What changed, for the app to redraw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Change {
    /// The lists may have changed anywhere (a snapshot, an archive page, a
    /// burst the app missed): read them again.
    Lists,
    /// These conversations changed: each row is moved into its list, or out of
    /// them all. `archive_total` is the size of "Archived" after the change.
    Rows {
        rows: Vec<ListRow>,
        archive_total: u32,
    },
    /// A conversation's state or history changed.
    Conversation {
        id: i64,
    },
    Connection {
        state: ConnectionState,
    },
    /// Archive backfill progress: conversations fetched so far in this pass, of
    /// `total` the server reported for it (a first sync, or what changed since).
    Backfill {
        fetched: u64,
        total: u64,
        done: bool,
    },
    /// An outbox item was sent or failed.
    Outbox {
        conversation_id: i64,
    },
    /// The agent clicked a conversation's desktop notification: open it.
    NotificationClicked {
        conversation_id: i64,
    },
    /// A customer started waiting while the window was not focused: the shell
    /// asks for the agent's attention (taskbar flash, dock bounce).
    Attention {
        conversation_id: i64,
    },
    /// The agent's settings changed (in the app or from the tray), or a snooze ended.
    Settings,
    /// An agent became available or away, or their capacity changed (the
    /// signed-in agent too): read the team and the availability again.
    Team,
    /// A supervisor changed the canned replies: read them again.
    CannedReplies,
    /// The customer of this conversation is typing (about once a second while
    /// they type): show it for a few seconds unless another comes.
    Typing {
        conversation_id: i64,
        name: String,
    },
    /// Cached rows this version cannot read were set aside (kept in the cache
    /// for diagnosis); the conversations among them are fetched again. Said
    /// once per batch: the app tells the agent.
    SetAside {
        moved: u64,
    },
}
