//! Reading conversations, customers and messages into wire types.

use crate::db::ts;
use crate::error::{Error, Result};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use switchboard_protocol::{
    AgentRef, Attachment, Author, Channel, Closure, ConversationId, ConversationState,
    ConversationSummary, Customer, Message, MessageId, Mood, Questionnaire, SubjectAnswer,
    SurveyResult, Unanswered,
};

/// Columns of a conversation row with everything its summary needs.
pub const SUMMARY_SELECT: &str = "SELECT c.id, c.state, c.created_at, c.last_message_at, \
    c.unanswered_body, c.unanswered_since, c.previous_id, c.version, c.seen_message_id, \
    c.occupant_id, oa.name AS occupant_name, c.closed_at, c.closed_by, ca.name AS closer_name, \
    c.subject, c.subject_known, c.mood, c.channel, c.language, \
    cu.id AS customer_id, cu.name AS customer_name, cu.email, cu.phone, cu.blocked, cu.sms_opted_out, \
    s.rating, s.comment, s.answered_at \
    FROM conversations c JOIN customers cu ON cu.id = c.customer_id \
    LEFT JOIN agents oa ON oa.id = c.occupant_id \
    LEFT JOIN agents ca ON ca.id = c.closed_by \
    LEFT JOIN surveys s ON s.closure_id = c.closure_id ";

/// The database spelling of a state.
pub fn state_str(s: ConversationState) -> &'static str {
    match s {
        ConversationState::NotAssigned => "not_assigned",
        ConversationState::Occupied => "occupied",
        ConversationState::Archived => "archived",
        ConversationState::Spam => "spam",
    }
}

fn parse_state(s: &str) -> Result<ConversationState> {
    Ok(match s {
        "not_assigned" => ConversationState::NotAssigned,
        "occupied" => ConversationState::Occupied,
        "archived" => ConversationState::Archived,
        "spam" => ConversationState::Spam,
        other => return Err(Error::internal("conversation state", other)),
    })
}

fn parse_channel(s: &str) -> Result<Channel> {
    Ok(match s {
        "web" => Channel::Web,
        "sms" => Channel::Sms,
        other => return Err(Error::internal("conversation channel", other)),
    })
}

pub fn agent_ref(id: Option<i64>, name: Option<String>) -> Option<AgentRef> {
    Some(AgentRef {
        id: id?,
        name: name?,
    })
}

/// Maps a row selected with [`SUMMARY_SELECT`].
pub fn summary_from_row(r: &AnyRow) -> Result<ConversationSummary> {
    let state = parse_state(&r.try_get::<String, _>("state")?)?;
    let unanswered = match (
        r.try_get::<Option<String>, _>("unanswered_body")?,
        r.try_get::<Option<i64>, _>("unanswered_since")?,
    ) {
        (Some(body), Some(since)) => Some(Unanswered {
            body,
            waiting_since: ts(since),
        }),
        _ => None,
    };
    let closure = match (
        r.try_get::<Option<i64>, _>("closed_at")?,
        agent_ref(r.try_get("closed_by")?, r.try_get("closer_name")?),
    ) {
        (Some(at), Some(by)) => {
            let subject = match r.try_get::<Option<i64>, _>("subject_known")? {
                Some(1) => SubjectAnswer::Known(
                    r.try_get::<Option<String>, _>("subject")?
                        .unwrap_or_default(),
                ),
                _ => SubjectAnswer::DontKnow,
            };
            let mood = r
                .try_get::<Option<String>, _>("mood")?
                .and_then(|m| Mood::parse(&m))
                .unwrap_or(Mood::DontKnow);
            Some(Closure {
                closed_at: ts(at),
                closed_by: by,
                questionnaire: Questionnaire { subject, mood },
            })
        }
        _ => None,
    };
    let survey = match r.try_get::<Option<i64>, _>("rating")? {
        Some(rating) => Some(SurveyResult {
            rating: u8::try_from(rating).unwrap_or(0),
            comment: r.try_get("comment")?,
            answered_at: ts(r.try_get::<Option<i64>, _>("answered_at")?.unwrap_or(0)),
        }),
        None => None,
    };
    Ok(ConversationSummary {
        id: r.try_get("id")?,
        customer: Customer {
            id: r.try_get("customer_id")?,
            name: r.try_get("customer_name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            blocked: r.try_get::<i64, _>("blocked")? != 0,
            sms_opted_out: r.try_get::<i64, _>("sms_opted_out")? != 0,
        },
        state,
        channel: parse_channel(&r.try_get::<String, _>("channel")?)?,
        occupant: agent_ref(r.try_get("occupant_id")?, r.try_get("occupant_name")?),
        created_at: ts(r.try_get("created_at")?),
        last_message_at: r.try_get::<Option<i64>, _>("last_message_at")?.map(ts),
        unanswered,
        closure,
        survey,
        previous_conversation_id: r.try_get("previous_id")?,
        version: r.try_get("version")?,
        seen_message_id: r.try_get("seen_message_id")?,
        language: r.try_get("language")?,
    })
}

/// Loads summaries with a `WHERE …` tail (which may bind `$1`…) and binds.
pub async fn summaries(
    conn: &mut AnyConnection,
    tail: &str,
    binds: &[i64],
) -> Result<Vec<ConversationSummary>> {
    let sql = format!("{SUMMARY_SELECT}{tail}");
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_all(conn)
        .await?
        .iter()
        .map(summary_from_row)
        .collect()
}

/// One conversation's summary, or 404.
pub async fn summary(conn: &mut AnyConnection, id: ConversationId) -> Result<ConversationSummary> {
    summaries(conn, "WHERE c.id = $1", &[id])
        .await?
        .pop()
        .ok_or_else(|| Error::not_found("conversation"))
}

/// Columns of a message row.
pub const MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, m.author, m.agent_id, \
    a.name AS agent_name, m.body, m.created_at, m.system \
    FROM messages m LEFT JOIN agents a ON a.id = m.agent_id ";

/// A message's author as stored.
pub fn parse_author(s: &str) -> Result<Author> {
    match s {
        "customer" => Ok(Author::Customer),
        "agent" => Ok(Author::Agent),
        "system" => Ok(Author::System),
        "note" => Ok(Author::Note),
        other => Err(Error::internal("message author", other)),
    }
}

/// Maps a row selected with [`MESSAGE_SELECT`] (without its attachments).
pub fn message_from_row(r: &AnyRow) -> Result<Message> {
    Ok(Message {
        id: r.try_get("id")?,
        conversation_id: r.try_get("conversation_id")?,
        author: parse_author(&r.try_get::<String, _>("author")?)?,
        agent: agent_ref(r.try_get("agent_id")?, r.try_get("agent_name")?),
        body: r.try_get("body")?,
        created_at: ts(r.try_get("created_at")?),
        attachments: Vec::new(),
        system: system_line(r.try_get("system")?),
    })
}

/// A stored system line's meaning; None when there is none, or one this
/// build cannot read (its English body still says it).
pub fn system_line(json: Option<String>) -> Option<switchboard_protocol::SystemLine> {
    serde_json::from_str(json.as_deref()?).ok()
}

/// A customer's own line as their page shows it.
pub fn customers_own(m: Message) -> switchboard_protocol::CustomerVisibleMessage {
    switchboard_protocol::CustomerVisibleMessage {
        id: m.id,
        from: switchboard_protocol::CustomerSide::Me,
        agent_name: None,
        body: m.body,
        created_at: m.created_at,
        attachments: m.attachments,
    }
}

/// Fills in the messages' attachments.
pub async fn with_attachments(
    conn: &mut AnyConnection,
    mut messages: Vec<Message>,
) -> Result<Vec<Message>> {
    let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
    let mut files = attachments_of(conn, &ids).await?;
    for m in &mut messages {
        m.attachments = files.remove(&m.id).unwrap_or_default();
    }
    Ok(messages)
}

/// The visible history of one conversation, oldest first.
pub async fn messages(conn: &mut AnyConnection, id: ConversationId) -> Result<Vec<Message>> {
    let sql =
        format!("{MESSAGE_SELECT}WHERE m.conversation_id = $1 AND m.hidden = 0 ORDER BY m.id");
    let list = sqlx::query(&sql)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>>>()?;
    with_attachments(conn, list).await
}

/// One message by id.
pub async fn message(conn: &mut AnyConnection, id: i64) -> Result<Message> {
    let sql = format!("{MESSAGE_SELECT}WHERE m.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(&mut *conn).await?;
    let one = vec![message_from_row(&row)?];
    Ok(with_attachments(conn, one).await?.remove(0))
}

/// The attachments of these messages, by message, in the order they came.
pub async fn attachments_of(
    conn: &mut AnyConnection,
    messages: &[MessageId],
) -> Result<HashMap<MessageId, Vec<Attachment>>> {
    let mut out: HashMap<MessageId, Vec<Attachment>> = HashMap::new();
    for chunk in messages.chunks(500) {
        let sql = format!(
            "SELECT a.id, a.message_id, a.name, b.size, b.content_type, \
             CASE WHEN b.thumbnail IS NULL THEN 0 ELSE 1 END AS thumb \
             FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 \
             WHERE a.message_id IN ({}) ORDER BY a.id",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let content_type: String = r.try_get("content_type")?;
            out.entry(r.try_get("message_id")?)
                .or_default()
                .push(Attachment {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    size: r.try_get("size")?,
                    image: crate::store::rules::inline(&content_type),
                    content_type,
                    thumbnail: r.try_get::<i64, _>("thumb")? != 0,
                });
        }
    }
    Ok(out)
}

/// `$k, $k+1, …` for `n` values, for IN lists.
pub fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
