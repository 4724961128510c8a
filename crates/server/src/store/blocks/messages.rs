//! Messages: the only writer of the `messages` table. Each new message updates
//! what the lists show and appends its event.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::blocks::attachments::{self, Prepared};
use crate::store::events::conversation_event;
use crate::store::ops::Emitted;
use crate::store::rows;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    Author, ConversationId, ConversationSummary, CustomerId, EventKind, Message, SystemLine,
    TextPurpose,
};

/// What the lists show for a line: its text, or the file it carries.
fn shown(body: &str, file: Option<(&Prepared, &str)>) -> String {
    match file {
        Some((_, name)) if body.trim().is_empty() => format!("Attachment: {name}"),
        _ => body.to_string(),
    }
}

/// Appends a customer's message (hidden while they are blocked), with the file
/// it carries if any, and its event.
pub async fn customer(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    target: ConversationId,
    body: &str,
    blocked: bool,
    file: Option<(&Prepared, &str)>,
) -> Result<Message> {
    let now = now_ms();
    sqlx::query(
        "UPDATE conversations SET last_message_at = $1, unanswered_body = $2, \
         unanswered_since = COALESCE(unanswered_since, $1) WHERE id = $3",
    )
    .bind(now)
    .bind(shown(body, file))
    .bind(target)
    .execute(&mut *conn)
    .await?;
    let msg_id: i64 = sqlx::query(
        "INSERT INTO messages (conversation_id, author, body, hidden, created_at) \
         VALUES ($1, 'customer', $2, $3, $4) RETURNING id",
    )
    .bind(target)
    .bind(body)
    .bind(i64::from(blocked))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let message = match file {
        Some((f, name)) => {
            attachments::attach(conn, msg_id, target, f, name).await?;
            rows::message(conn, msg_id).await?
        }
        // Nothing to read back: two round trips fewer on every customer post.
        None => Message {
            id: msg_id,
            conversation_id: target,
            author: Author::Customer,
            agent: None,
            body: body.to_string(),
            created_at: ts(now),
            attachments: Vec::new(),
            system: None,
        },
    };
    let (ev, _) = conversation_event(conn, target, Audience::SUPERVISORS, |conversation| {
        EventKind::MessagePosted {
            conversation,
            message: message.clone(),
        }
    })
    .await?;
    emitted.push(ev);
    Ok(message)
}

/// Inserts a line by `author` (`agent`, `note` or `system`) with the file it
/// carries if any, and appends its event for `seen_before` and whoever sees
/// the conversation now.
#[allow(clippy::too_many_arguments)]
async fn line(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    seen_before: Audience,
    author: &str,
    agent: Option<i64>,
    body: &str,
    now: i64,
    file: Option<(&Prepared, &str)>,
    system: Option<&SystemLine>,
) -> Result<(Message, ConversationSummary)> {
    let system = system
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::internal("a system line", e))?;
    let msg_id: i64 = sqlx::query(
        "INSERT INTO messages (conversation_id, author, agent_id, body, hidden, created_at, system) \
         VALUES ($1, $2, $3, $4, 0, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(author)
    .bind(agent)
    .bind(body)
    .bind(now)
    .bind(system)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    if let Some((f, name)) = file {
        attachments::attach(conn, msg_id, id, f, name).await?;
    }
    let message = rows::message(conn, msg_id).await?;
    let posted = message.clone();
    let (ev, summary) = conversation_event(conn, id, seen_before, |conversation| {
        EventKind::MessagePosted {
            conversation,
            message: posted,
        }
    })
    .await?;
    emitted.push(ev);
    Ok((message, summary))
}

/// Appends an agent's reply, written at `now`, with the file it carries if
/// any, and its event (seen by the agent and supervisors). The caller has
/// already updated the conversation's row.
pub async fn agent(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    agent: i64,
    body: &str,
    now: i64,
    file: Option<(&Prepared, &str)>,
) -> Result<Message> {
    let (message, _) = line(
        conn,
        emitted,
        id,
        Audience::agent(agent),
        "agent",
        Some(agent),
        body,
        now,
        file,
        None,
    )
    .await?;
    Ok(message)
}

/// Appends an agent's internal note and its event (seen by the agent, whoever
/// sees the conversation, and supervisors). It answers nobody: the
/// conversation's unanswered state, order and texts stay as they are.
pub async fn note(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    agent: i64,
    body: &str,
) -> Result<Message> {
    let (message, _) = line(
        conn,
        emitted,
        id,
        Audience::agent(agent),
        "note",
        Some(agent),
        body,
        now_ms(),
        None,
        None,
    )
    .await?;
    Ok(message)
}

/// A system line in English, as kept in its body: what clients show when
/// they cannot say `what` in their own words.
pub fn english(what: &SystemLine, by: &str) -> String {
    match what {
        SystemLine::Taken => format!("Taken by {by}"),
        SystemLine::Freed => format!("Freed by {by}"),
        SystemLine::Ended => format!("Ended by {by}"),
        SystemLine::Reopened => format!("Reopened by {by}"),
        SystemLine::ReportedSpam => format!("Reported as spam by {by}"),
        SystemLine::Transferred { to, note: Some(n) } => {
            format!("Transferred by {by} to {to}. Note: {n}")
        }
        SystemLine::Transferred { to, note: None } => format!("Transferred by {by} to {to}"),
        SystemLine::ReturnedUnanswered { from, after_secs } => {
            let wait = if *after_secs >= 60 {
                format!("{} min", after_secs / 60)
            } else {
                format!("{} s", (*after_secs).max(1))
            };
            format!("Returned to the queue: no answer from {from} for {wait}")
        }
        SystemLine::ReturnedRemoved { from } => {
            format!("Returned to the queue: {from} was removed from the team")
        }
        SystemLine::TextFailed { text, to, reason } => {
            let what = match text {
                TextPurpose::Reply => "A reply",
                TextPurpose::Survey => "The survey question",
                TextPurpose::Clarification => "The survey's clarification",
                TextPurpose::Thanks => "The thank-you for the rating",
            };
            format!("{what} could not be texted to {to}: {reason}. It was not delivered.")
        }
        SystemLine::TextedStop => {
            "The customer texted STOP: no texts reach them until they text START.".into()
        }
        SystemLine::TextedStart => "The customer texted START: texts reach them again.".into(),
    }
}

/// Appends a system line ("Taken by Alice"), caused by an agent (`by`: id
/// and name) or by the server itself, and its event. Its body says it in
/// English; `what` lets each client say it in its agent's language.
pub async fn system(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    by: Option<(i64, &str)>,
    what: SystemLine,
) -> Result<ConversationSummary> {
    let body = english(&what, by.map_or("", |(_, name)| name));
    let (_, summary) = line(
        conn,
        emitted,
        id,
        Audience::SUPERVISORS,
        "system",
        by.map(|(agent, _)| agent),
        &body,
        now_ms(),
        None,
        Some(&what),
    )
    .await?;
    Ok(summary)
}

/// Shows again what a customer wrote while blocked.
pub async fn unhide(conn: &mut AnyConnection, customer: CustomerId) -> Result<()> {
    sqlx::query(
        "UPDATE messages SET hidden = 0 WHERE conversation_id IN \
         (SELECT id FROM conversations WHERE customer_id = $1)",
    )
    .bind(customer)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes every message, note and system line of `customer`'s conversations
/// (an erasure; their files, texts and post ids go first, through their
/// blocks), and clears what the lists showed of them.
/// Returns how many messages.
pub async fn erase(conn: &mut AnyConnection, customer: CustomerId) -> Result<u64> {
    let n = sqlx::query("DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query(
        "UPDATE conversations SET unanswered_body = NULL, unanswered_since = NULL \
         WHERE customer_id = $1",
    )
    .bind(customer)
    .execute(&mut *conn)
    .await?;
    Ok(n)
}
