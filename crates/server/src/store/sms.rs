//! Texts: what an inbound text does, and the outbox of texts to send.
//!
//! Texts to send are written in the same transaction as the reply or end that
//! causes them, so none is lost; a worker (`crate::sms`) sends them in order per
//! recipient and records the outcome here.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::store::actions::system_message;
use crate::store::customers::{add_customer_message, open_conversation};
use crate::store::ops::Emitted;
use crate::store::surveys::{self, parse_rating, CLARIFICATION, SMS_SURVEY_WINDOW_MS, THANKS};
use crate::store::Store;
use crate::validate;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{Channel, ConversationId, CustomerId, ErrorCode};

/// Why a text is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Reply,
    Survey,
    Clarification,
    Thanks,
}

impl TextKind {
    fn as_str(self) -> &'static str {
        match self {
            TextKind::Reply => "reply",
            TextKind::Survey => "survey",
            TextKind::Clarification => "clarification",
            TextKind::Thanks => "thanks",
        }
    }
}

/// The longest text the provider accepts (Twilio: 1,600 characters).
pub const MAX_TEXT_CHARS: usize = 1_600;

/// Texts that opt a number out of every further text (the provider's standard
/// opt-out keywords, matched on the whole text).
pub const OPT_OUT_WORDS: &[&str] = &[
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "revoke",
    "optout",
];
/// Texts that opt a number back in.
pub const OPT_IN_WORDS: &[&str] = &["start", "unstop", "yes"];

/// The number agents' replies go to: `Some` for a texted conversation, `None` for
/// the web. A customer who opted out cannot be texted: 409 `customer_opted_out`.
pub async fn recipient(conn: &mut AnyConnection, id: ConversationId) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT c.channel, cu.phone, cu.sms_opted_out FROM conversations c \
         JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await?;
    if row.try_get::<String, _>(0)? != Channel::Sms.as_str() {
        return Ok(None);
    }
    if row.try_get::<i64, _>(2)? != 0 {
        return Err(Error::new(
            ErrorCode::CustomerOptedOut,
            "the customer texted STOP, so no text can reach them until they text START",
        ));
    }
    match row.try_get::<Option<String>, _>(1)? {
        Some(phone) => Ok(Some(phone)),
        None => Err(Error::internal(
            "texted conversation",
            "customer has no phone",
        )),
    }
}

/// Queues a text for the worker.
pub async fn queue_text(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    message: Option<i64>,
    to: &str,
    body: &str,
    kind: TextKind,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sms_outbox (conversation_id, message_id, to_number, body, kind, status, \
         attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
    )
    .bind(conversation)
    .bind(message)
    .bind(to)
    .bind(body)
    .bind(kind.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// An inbound text, as the provider's webhook delivered it.
#[derive(Debug, Clone)]
pub struct InboundText {
    /// The provider's id for the text: a repeat is stored once.
    pub sid: String,
    /// The customer's number (E.164).
    pub from: String,
    pub body: String,
}

/// A text the worker is to send now.
#[derive(Debug, Clone)]
pub struct OutgoingText {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub to: String,
    pub body: String,
    pub kind: String,
    /// Attempts including this one.
    pub attempts: i64,
}

/// What became of one attempt to send a text.
#[derive(Debug, Clone)]
pub enum SendOutcome {
    /// The provider accepted it (with its id for the message, when it gave one).
    Sent(Option<String>),
    /// A passing fault (network, 5xx, 429): try again later.
    Retry(String),
    /// The provider refused it for good (with its error code, when it gave one).
    Refused { code: Option<i64>, message: String },
}

/// The provider's error code for a recipient who opted out with the carrier.
pub const PROVIDER_UNSUBSCRIBED: i64 = 21610;

fn normalized_keyword(body: &str) -> String {
    body.trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase()
}

impl Store {
    /// Handles an inbound text: opt-out and opt-in keywords, the answer to a
    /// survey, or a message that continues the number's open conversation (or
    /// starts one). A repeated provider id changes nothing.
    pub async fn sms_inbound(&self, text: &InboundText) -> Result<()> {
        validate::message(&text.body)?;
        let mut tx = self.db.write().await?;
        let now = now_ms();
        let fresh = sqlx::query(
            "INSERT INTO sms_inbound (message_sid, from_number, received_at) VALUES ($1, $2, $3) \
             ON CONFLICT (message_sid) DO NOTHING",
        )
        .bind(&text.sid)
        .bind(&text.from)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if fresh == 0 {
            tx.commit().await?;
            return Ok(());
        }
        let row = sqlx::query(
            "INSERT INTO customers (name, phone, blocked, created_at) VALUES ($1, $1, 0, $2) \
             ON CONFLICT (phone) DO UPDATE SET phone = excluded.phone \
             RETURNING id, blocked, sms_opted_out",
        )
        .bind(&text.from)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let customer: CustomerId = row.try_get(0)?;
        let blocked = row.try_get::<i64, _>(1)? != 0;
        let opted_out = row.try_get::<i64, _>(2)? != 0;
        let mut emitted = Vec::new();
        let keyword = normalized_keyword(&text.body);
        let open = open_conversation_of(&mut tx, customer).await?;
        let target = if OPT_OUT_WORDS.contains(&keyword.as_str()) {
            set_opted_out(&mut tx, customer, true).await?;
            // Texts already queued for the number would be refused by the carrier.
            sqlx::query(
                "UPDATE sms_outbox SET status = 'failed', last_error = 'the customer texted STOP' \
                 WHERE to_number = $1 AND status = 'pending'",
            )
            .bind(&text.from)
            .execute(&mut *tx)
            .await?;
            close_text_surveys(&mut tx, customer).await?;
            if let Some(id) = open {
                add_customer_message(&mut tx, &mut emitted, id, &text.body, blocked).await?;
                system_message(
                    &mut tx,
                    &mut emitted,
                    id,
                    None,
                    "The customer texted STOP: no texts reach them until they text START.".into(),
                )
                .await?;
            }
            open
        } else if opted_out && OPT_IN_WORDS.contains(&keyword.as_str()) {
            set_opted_out(&mut tx, customer, false).await?;
            if let Some(id) = open {
                add_customer_message(&mut tx, &mut emitted, id, &text.body, blocked).await?;
                system_message(
                    &mut tx,
                    &mut emitted,
                    id,
                    None,
                    "The customer texted START: texts reach them again.".into(),
                )
                .await?;
            }
            open
        } else {
            match survey_reply(
                &mut tx,
                &mut emitted,
                customer,
                &text.from,
                &text.body,
                open,
            )
            .await?
            {
                SurveyReply::Handled(id) => Some(id),
                SurveyReply::Ordinary(earlier) => {
                    let id = match open {
                        Some(id) => id,
                        None => {
                            open_conversation(&mut tx, &mut emitted, customer, Channel::Sms)
                                .await?
                                .conversation_id
                        }
                    };
                    if let Some(earlier) = earlier {
                        add_customer_message(&mut tx, &mut emitted, id, &earlier, blocked).await?;
                    }
                    add_customer_message(&mut tx, &mut emitted, id, &text.body, blocked).await?;
                    Some(id)
                }
            }
        };
        sqlx::query("UPDATE sms_inbound SET conversation_id = $1 WHERE message_sid = $2")
            .bind(target)
            .bind(&text.sid)
            .execute(&mut *tx)
            .await?;
        self.commit(tx, emitted).await?;
        self.texts.notify_one();
        Ok(())
    }

    /// Claims the next text due, oldest first, skipping numbers with an older text
    /// still pending (texts to one number go in order). The claim is a lease: if
    /// this node dies mid-send, the text is tried again after `lease_ms`.
    pub async fn claim_text(&self, lease_ms: i64) -> Result<Option<OutgoingText>> {
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE sms_outbox SET attempts = attempts + 1, next_attempt_at = $2 \
             WHERE id = (SELECT o.id FROM sms_outbox o WHERE o.status = 'pending' \
               AND o.next_attempt_at <= $1 AND NOT EXISTS (SELECT 1 FROM sms_outbox p \
               WHERE p.to_number = o.to_number AND p.status = 'pending' AND p.id < o.id) \
               ORDER BY o.id LIMIT 1) \
             AND status = 'pending' AND next_attempt_at <= $1 \
             RETURNING id, conversation_id, to_number, body, kind, attempts",
        )
        .bind(now)
        .bind(now + lease_ms)
        .fetch_optional(&self.db.writer)
        .await?;
        row.map(|r| {
            Ok(OutgoingText {
                id: r.try_get(0)?,
                conversation_id: r.try_get(1)?,
                to: r.try_get(2)?,
                body: r.try_get(3)?,
                kind: r.try_get(4)?,
                attempts: r.try_get(5)?,
            })
        })
        .transpose()
    }

    /// When the next pending text is due (ms since the epoch), if any.
    pub async fn next_text_due(&self) -> Result<Option<i64>> {
        // Only the oldest pending text of each number can be sent next.
        Ok(sqlx::query(
            "SELECT MIN(o.next_attempt_at) FROM sms_outbox o WHERE o.status = 'pending' \
             AND NOT EXISTS (SELECT 1 FROM sms_outbox p WHERE p.to_number = o.to_number \
             AND p.status = 'pending' AND p.id < o.id)",
        )
        .fetch_one(&self.db.reader)
        .await?
        .try_get(0)?)
    }

    /// Records an attempt's outcome. A text that fails for good (refused, or out
    /// of attempts) is marked failed and the conversation gets a system line
    /// saying so: the agent sees it, nothing is dropped silently.
    pub async fn text_outcome(
        &self,
        text: &OutgoingText,
        outcome: SendOutcome,
        max_attempts: i64,
        retry_in_ms: i64,
    ) -> Result<()> {
        let mut tx = self.db.write().await?;
        let now = now_ms();
        let mut emitted = Vec::new();
        let failure = match outcome {
            SendOutcome::Sent(sid) => {
                sqlx::query(
                    "UPDATE sms_outbox SET status = 'sent', provider_sid = $1, sent_at = $2, \
                     last_error = NULL WHERE id = $3",
                )
                .bind(sid)
                .bind(now)
                .bind(text.id)
                .execute(&mut *tx)
                .await?;
                None
            }
            SendOutcome::Retry(why) if text.attempts < max_attempts => {
                sqlx::query(
                    "UPDATE sms_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(now + retry_in_ms)
                .bind(&why)
                .bind(text.id)
                .execute(&mut *tx)
                .await?;
                None
            }
            SendOutcome::Retry(why) => {
                Some(format!("{why} (gave up after {} attempts)", text.attempts))
            }
            SendOutcome::Refused { code, message } => {
                if code == Some(PROVIDER_UNSUBSCRIBED) {
                    // The carrier's own opt-out: every text still queued would be refused too.
                    sqlx::query("UPDATE customers SET sms_opted_out = 1 WHERE phone = $1")
                        .bind(&text.to)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "UPDATE sms_outbox SET status = 'failed', \
                         last_error = 'the customer opted out with their carrier' \
                         WHERE to_number = $1 AND status = 'pending' AND id <> $2",
                    )
                    .bind(&text.to)
                    .bind(text.id)
                    .execute(&mut *tx)
                    .await?;
                    let customer: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
                            .bind(&text.to)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if let Some(c) = customer {
                        close_text_surveys(&mut tx, c).await?;
                    }
                }
                Some(match code {
                    Some(c) => format!("{message} (provider error {c})"),
                    None => message,
                })
            }
        };
        if let Some(reason) = failure {
            sqlx::query("UPDATE sms_outbox SET status = 'failed', last_error = $1 WHERE id = $2")
                .bind(&reason)
                .bind(text.id)
                .execute(&mut *tx)
                .await?;
            if text.kind == "survey" {
                // Never asked: the next text is not read as an answer, nor counted.
                sqlx::query(
                    "UPDATE surveys SET asked = 0, sms_state = 'closed' WHERE rating IS NULL \
                     AND closure_id = (SELECT closure_id FROM conversations WHERE id = $1)",
                )
                .bind(text.conversation_id)
                .execute(&mut *tx)
                .await?;
            }
            let what = match text.kind.as_str() {
                "reply" => "A reply",
                "survey" => "The survey question",
                "clarification" => "The survey's clarification",
                _ => "The thank-you for the rating",
            };
            system_message(
                &mut tx,
                &mut emitted,
                text.conversation_id,
                None,
                format!(
                    "{what} could not be texted to {}: {reason}. It was not delivered.",
                    text.to
                ),
            )
            .await?;
        }
        self.commit(tx, emitted).await?;
        Ok(())
    }
}

/// A customer who cannot be texted any more is not waiting to answer a survey.
async fn close_text_surveys(conn: &mut AnyConnection, customer: CustomerId) -> Result<()> {
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

async fn set_opted_out(conn: &mut AnyConnection, customer: CustomerId, out: bool) -> Result<()> {
    sqlx::query("UPDATE customers SET sms_opted_out = $1 WHERE id = $2")
        .bind(i64::from(out))
        .bind(customer)
        .execute(conn)
        .await?;
    Ok(())
}

/// The customer's conversation still going (queue, occupied, or spam), if any.
async fn open_conversation_of(
    conn: &mut AnyConnection,
    customer: CustomerId,
) -> Result<Option<ConversationId>> {
    Ok(sqlx::query(
        "SELECT id FROM conversations WHERE customer_id = $1 \
         AND state IN ('not_assigned', 'occupied', 'spam') ORDER BY id DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get::<i64, _>(0))
    .transpose()?)
}

enum SurveyReply {
    /// The text answered (or was clarified for) the survey of this conversation.
    Handled(ConversationId),
    /// An ordinary message; with the earlier unclear reply to deliver first.
    Ordinary(Option<String>),
}

/// A text while the survey of the customer's latest end waits for an answer: a
/// rating is stored; the first unclear reply gets one clarification; the next
/// one ends the survey and both are treated as ordinary messages.
async fn survey_reply(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    customer: CustomerId,
    from: &str,
    body: &str,
    open: Option<ConversationId>,
) -> Result<SurveyReply> {
    if open.is_some() {
        return Ok(SurveyReply::Ordinary(None));
    }
    let reachable: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM customers WHERE id = $1 AND sms_opted_out = 0 AND blocked = 0",
    )
    .bind(customer)
    .fetch_optional(&mut *conn)
    .await?;
    if reachable.is_none() {
        return Ok(SurveyReply::Ordinary(None));
    }
    let row = sqlx::query(
        "SELECT c.id, s.closure_id, s.sms_state, s.sms_unclear FROM conversations c \
         JOIN surveys s ON s.closure_id = c.closure_id \
         WHERE c.customer_id = $1 AND c.state = 'archived' AND s.rating IS NULL \
         AND s.sms_state IN ('asked', 'clarified') AND s.requested_at > $2 \
         ORDER BY c.id DESC LIMIT 1",
    )
    .bind(customer)
    .bind(now_ms() - SMS_SURVEY_WINDOW_MS)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(SurveyReply::Ordinary(None));
    };
    let id: ConversationId = row.try_get(0)?;
    let closure: i64 = row.try_get(1)?;
    let state: String = row.try_get(2)?;
    if let Some(rating) = parse_rating(body) {
        surveys::answer(conn, emitted, id, rating, None).await?;
        queue_text(conn, id, None, from, THANKS, TextKind::Thanks).await?;
        return Ok(SurveyReply::Handled(id));
    }
    if state == "asked" {
        sqlx::query(
            "UPDATE surveys SET sms_state = 'clarified', sms_unclear = $1 WHERE closure_id = $2",
        )
        .bind(body)
        .bind(closure)
        .execute(&mut *conn)
        .await?;
        queue_text(conn, id, None, from, CLARIFICATION, TextKind::Clarification).await?;
        return Ok(SurveyReply::Handled(id));
    }
    sqlx::query("UPDATE surveys SET sms_state = 'closed' WHERE closure_id = $1")
        .bind(closure)
        .execute(&mut *conn)
        .await?;
    Ok(SurveyReply::Ordinary(row.try_get(3)?))
}
