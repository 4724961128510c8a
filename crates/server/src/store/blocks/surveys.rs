//! End-of-chat surveys: the only writer of the `surveys` table. One survey per
//! end, credited to the agent who ended the conversation, answered once, on the
//! chat page or by text.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::events::conversation_event;
use crate::store::ops::Emitted;
use crate::store::rules::SurveyAsk;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    ConversationId, ConversationSummary, CustomerId, CustomerSurvey, ErrorCode, EventKind,
    SurveyResult,
};

/// Records that an end (`closure`) asks its customer for a rating, as the rules
/// decided (`ask`). The question's text, if any, is queued by the caller.
pub async fn insert(
    conn: &mut AnyConnection,
    closure: i64,
    current: &ConversationSummary,
    agent: i64,
    now: i64,
    ask: &SurveyAsk<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO surveys (closure_id, conversation_id, agent_id, channel, asked, requested_at, sms_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(closure)
    .bind(current.id)
    .bind(agent)
    .bind(current.channel.as_str())
    .bind(i64::from(ask.asked))
    .bind(now)
    .bind(ask.by_text.then_some("asked"))
    .execute(conn)
    .await?;
    Ok(())
}

/// The survey of the conversation's current end, as its customer sees it.
pub async fn current(
    conn: &mut AnyConnection,
    id: ConversationId,
) -> Result<Option<CustomerSurvey>> {
    let row = sqlx::query(
        "SELECT s.rating, s.comment, s.answered_at FROM conversations c \
         JOIN surveys s ON s.closure_id = c.closure_id WHERE c.id = $1 AND c.state = 'archived'",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(CustomerSurvey {
            rating: r
                .try_get::<Option<i64>, _>(0)?
                .and_then(|v| u8::try_from(v).ok()),
            comment: r.try_get(1)?,
            answered_at: r.try_get::<Option<i64>, _>(2)?.map(ts),
        })
    })
    .transpose()
}

/// Stores the rating of the conversation's current end, once, and tells the
/// agent who ended it (the survey reaches their archive).
pub async fn answer(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    rating: u8,
    comment: Option<&str>,
) -> Result<SurveyResult> {
    let row = sqlx::query(
        "SELECT c.state, s.closure_id, s.rating FROM conversations c \
         LEFT JOIN surveys s ON s.closure_id = c.closure_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("conversation"))?;
    let state: String = row.try_get(0)?;
    let closure: Option<i64> = row.try_get(1)?;
    let closure = match (state.as_str(), closure) {
        ("archived", Some(c)) => c,
        _ => {
            return Err(Error::state(
                "this conversation has not ended, so there is nothing to rate yet",
            ))
        }
    };
    if row.try_get::<Option<i64>, _>(2)?.is_some() {
        return Err(already_answered());
    }
    let now = now_ms();
    let n = sqlx::query(
        "UPDATE surveys SET rating = $1, comment = $2, answered_at = $3 \
         WHERE closure_id = $4 AND rating IS NULL",
    )
    .bind(i64::from(rating))
    .bind(comment)
    .bind(now)
    .bind(closure)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(already_answered());
    }
    let (ev, _) = conversation_event(conn, id, Audience::SUPERVISORS, |conversation| {
        EventKind::SurveyAnswered { conversation }
    })
    .await?;
    emitted.push(ev);
    Ok(SurveyResult {
        rating,
        comment: comment.map(str::to_owned),
        answered_at: ts(now),
    })
}

fn already_answered() -> Error {
    Error::new(
        ErrorCode::SurveyAnswered,
        "this survey was already answered; the first answer stands",
    )
}

/// A survey waiting for its answer by text.
#[derive(Debug, Clone)]
pub struct AwaitedByText {
    /// The conversation whose end it rates.
    pub conversation: ConversationId,
    pub closure: i64,
    /// One unclear reply has already had its clarification.
    pub clarified: bool,
    /// That unclear reply.
    pub unclear: Option<String>,
    /// The conversation's own language, if it has one.
    pub language: Option<String>,
}

/// The unanswered survey of the customer's latest end that waits for a text,
/// asked after `since`.
pub async fn awaited_by_text(
    conn: &mut AnyConnection,
    customer: CustomerId,
    since: i64,
) -> Result<Option<AwaitedByText>> {
    let row = sqlx::query(
        "SELECT c.id, s.closure_id, s.sms_state, s.sms_unclear, c.language FROM conversations c \
         JOIN surveys s ON s.closure_id = c.closure_id \
         WHERE c.customer_id = $1 AND c.state = 'archived' AND s.rating IS NULL \
         AND s.sms_state IN ('asked', 'clarified') AND s.requested_at > $2 \
         ORDER BY c.id DESC LIMIT 1",
    )
    .bind(customer)
    .bind(since)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(AwaitedByText {
            conversation: r.try_get(0)?,
            closure: r.try_get(1)?,
            clarified: r.try_get::<String, _>(2)? != "asked",
            unclear: r.try_get(3)?,
            language: r.try_get(4)?,
        })
    })
    .transpose()
}

/// Remembers the first unclear reply, to which the clarification is sent.
pub async fn clarified(conn: &mut AnyConnection, closure: i64, unclear: &str) -> Result<()> {
    sqlx::query(
        "UPDATE surveys SET sms_state = 'clarified', sms_unclear = $1 WHERE closure_id = $2",
    )
    .bind(unclear)
    .bind(closure)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stops reading texts as this survey's answer.
pub async fn close_by_text(conn: &mut AnyConnection, closure: i64) -> Result<()> {
    sqlx::query("UPDATE surveys SET sms_state = 'closed' WHERE closure_id = $1")
        .bind(closure)
        .execute(conn)
        .await?;
    Ok(())
}

/// A customer who cannot be texted any more is not waiting to answer a survey.
pub async fn close_by_text_for(conn: &mut AnyConnection, customer: CustomerId) -> Result<()> {
    sqlx::query(
        "UPDATE surveys SET sms_state = 'closed' WHERE rating IS NULL \
         AND sms_state IN ('asked', 'clarified') \
         AND conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)",
    )
    .bind(customer)
    .execute(conn)
    .await?;
    Ok(())
}

/// The survey question of the conversation's current end could not be texted:
/// never asked, so the next text is not read as an answer, nor counted.
pub async fn never_asked(conn: &mut AnyConnection, id: ConversationId) -> Result<()> {
    sqlx::query(
        "UPDATE surveys SET asked = 0, sms_state = 'closed' WHERE rating IS NULL \
         AND closure_id = (SELECT closure_id FROM conversations WHERE id = $1)",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the surveys of `customer`'s conversations, rating and comment (an
/// erasure). Returns how many.
pub async fn erase(conn: &mut AnyConnection, customer: CustomerId) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM surveys WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}
