//! Canned replies: answers agents give all day, saved by supervisors and
//! inserted from the composer for editing (never sent as they are).

use crate::wire;
use chrono::{DateTime, Utc};

/// Longest canned reply title, in characters.
pub const MAX_CANNED_TITLE_CHARS: usize = 100;
/// Longest canned reply shortcut, in characters.
pub const MAX_CANNED_SHORTCUT_CHARS: usize = 32;
/// The placeholders a canned reply's body may hold, filled in when inserted.
pub const CANNED_PLACEHOLDERS: [&str; 2] = ["{customer.name}", "{agent.name}"];

wire! {
    /// A saved reply.
    pub struct CannedReply {
        pub id: i64,
        pub title: String,
        /// Typed after `/` in the composer: lowercase letters, digits, `-` and `_`.
        pub shortcut: String,
        /// The text, where `{customer.name}` and `{agent.name}` are filled in when
        /// the reply is inserted.
        pub body: String,
        pub updated_at: DateTime<Utc>,
    }

    /// `GET /api/v1/canned-replies`: every canned reply, by shortcut.
    pub struct CannedReplyList {
        pub replies: Vec<CannedReply>,
    }

    /// `POST /api/v1/canned-replies` and `PUT /api/v1/canned-replies/{id}`
    /// (supervisors). The shortcut is stored in lowercase; it must be unused.
    #[serde(deny_unknown_fields)]
    pub struct CannedReplyRequest {
        /// Up to 100 characters once trimmed, not blank.
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = r"^[^\x00]*\S[^\x00]*$"))]
        pub title: String,
        /// 1 to 32 of `a-z 0-9 - _` (capitals are stored in lowercase; the server
        /// also trims spaces around it).
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32, pattern = r"^[A-Za-z0-9_-]+$"))]
        pub shortcut: String,
        /// Up to 10,000 characters, not blank; `{customer.name}` and
        /// `{agent.name}` are the only placeholders.
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000, pattern = r"^(?![\s\S]*\{(?!customer\.name\}|agent\.name\})[A-Za-z0-9._]+\})[^\x00]*\S[^\x00]*$"))]
        pub body: String,
    }
}
