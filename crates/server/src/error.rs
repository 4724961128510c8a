//! The server's error: an HTTP status with the wire `{code, message}` body.

use switchboard_i18n::{FluentArgs, Lang};
use switchboard_protocol::{AgentRef, ApiError, ErrorCode};

/// An error a request ends with. Store functions return it too, so a handler is a
/// plain `?` away from a response.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub status: u16,
    pub body: ApiError,
    /// The message as a catalog's (`locales/<language>/server.ftl`), when it
    /// has one: the answer speaks the language the request asks for
    /// (Accept-Language); `body.message` is its English.
    pub words: Option<Words>,
}

/// A message of the server's catalogs with its variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// A variable of [`Words`].
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// A request's field, named by the catalog's `field-<name>`.
    Field(&'static str),
}

/// A request's field as a variable of [`Words`] (`field = Field("title")`).
pub struct Field(pub &'static str);

impl From<Field> for Arg {
    fn from(f: Field) -> Arg {
        Arg::Field(f.0)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Number(n.into())
    }
}

impl Words {
    /// The message in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            match value {
                Arg::Text(t) => args.set(*name, t.clone()),
                Arg::Number(n) => args.set(*name, *n),
                Arg::Field(f) => args.set(*name, lang.text(&format!("field-{f}"))),
            }
        }
        lang.format(self.id, Some(&args))
    }
}

/// `words!("id", name = value, ...)`: [`Words`] for `Error::said`.
#[macro_export]
macro_rules! words {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::error::Words {
            id: $id,
            args: vec![$((stringify!($name), $crate::error::Arg::from($value))),*],
        }
    };
}

/// Shorthand for results in the server.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with the status that goes with `code`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        let status = match code {
            ErrorCode::InvalidRequest
            | ErrorCode::InvalidField
            | ErrorCode::BodyTooLarge
            | ErrorCode::MessageTooLong => 400,
            ErrorCode::Unauthorized | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::UnknownNumber => 404,
            ErrorCode::ConversationTaken
            | ErrorCode::NotOccupant
            | ErrorCode::InvalidState
            | ErrorCode::OpIdReused
            | ErrorCode::TryAgain
            | ErrorCode::ResyncRequired
            | ErrorCode::SurveyAnswered
            | ErrorCode::CustomerOptedOut
            | ErrorCode::AtCapacity
            | ErrorCode::AgentUnavailable
            | ErrorCode::AgentAtCapacity
            | ErrorCode::ShortcutTaken => 409,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        };
        Error {
            status,
            body: ApiError {
                code,
                message: message.into(),
                holder: None,
            },
            words: None,
        }
    }

    /// An error whose message is a catalog's: English in `body.message`, and
    /// in the request's language in the answer.
    pub fn said(code: ErrorCode, words: Words) -> Error {
        let mut e = Error::new(code, words.say(Lang::ENGLISH));
        e.words = Some(words);
        e
    }

    /// 400 `invalid_field` in the catalog's words.
    pub fn field_said(words: Words) -> Error {
        Error::said(ErrorCode::InvalidField, words)
    }

    /// The message in `lang`: the catalog's words when it has them.
    pub fn message_in(&self, lang: Lang) -> String {
        match &self.words {
            Some(w) if lang != Lang::ENGLISH => w.say(lang),
            _ => self.body.message.clone(),
        }
    }

    /// 409 `conversation_taken`, naming who holds it.
    pub fn taken(holder: AgentRef) -> Error {
        let mut e = Error::new(
            ErrorCode::ConversationTaken,
            format!("{} has already taken this conversation", holder.name),
        );
        e.body.holder = Some(holder);
        e
    }

    /// 400 `invalid_field`.
    pub fn field(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidField, message)
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Error {
        Error::new(ErrorCode::NotFound, format!("no such {what}"))
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Forbidden, message)
    }

    /// 409 `invalid_state`.
    pub fn state(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidState, message)
    }

    /// 500 `internal`: logged here, never detailed to the caller.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Error {
        tracing::error!("{context}: {err}");
        Error::new(
            ErrorCode::Internal,
            "the server could not complete this request; nothing was changed",
        )
    }

    /// Whether a retry with the same op id must get this same answer (a decision
    /// about the request, not a passing fault).
    pub fn is_final(&self) -> bool {
        !self.body.code.is_retryable()
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Error {
        Error::internal("database", e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::internal("json", e)
    }
}
