//! Texts: what an inbound text does, and the sender's side of the outbox of
//! texts (claim the next, record the outcome).
//!
//! Texts to send are queued (`blocks::texts`) in the same transaction as the
//! reply or end that causes them, so none is lost; a worker (`crate::sms`)
//! sends them in order per recipient and records the outcome here.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::now_ms;
use crate::error::Result;
use crate::store::blocks::texts::{self, TextKind};
use crate::store::blocks::{conversations, messages, surveys};
use crate::store::ops::Emitted;
use crate::store::rules::{self, parse_rating, Keyword, SMS_SURVEY_WINDOW_MS};
use crate::store::Store;
use crate::validate;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{Channel, ConversationId, CustomerId, SystemLine, TextPurpose};

pub use crate::store::blocks::texts::OutgoingText;

/// An inbound text, as the provider's webhook delivered it.
#[derive(Debug, Clone)]
pub struct InboundText {
    /// The provider's id for the text: a repeat is stored once.
    pub sid: String,
    /// The customer's number (E.164).
    pub from: String,
    /// May be empty when files came (MMS).
    pub body: String,
    /// The files of an MMS, fetched from the provider: (name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
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

impl Store {
    /// Handles an inbound text: opt-out and opt-in keywords, the answer to a
    /// survey, or a message that continues the number's open conversation (or
    /// starts one). A repeated provider id changes nothing.
    pub async fn sms_inbound(&self, text: &InboundText) -> Result<()> {
        if text.files.is_empty() || !text.body.is_empty() {
            validate::message(&text.body)?;
        }
        // Sniffed and thumbnailed before the write; one that cannot be kept
        // (empty, too large) is said in words on the customer's line.
        let mut files = Vec::new();
        let mut body = text.body.clone();
        for (name, bytes) in &text.files {
            match self.prepared(name, bytes.clone()).await {
                Ok(file) => files.push(file),
                Err(e) => {
                    if !body.is_empty() {
                        body.push('\n');
                    }
                    body.push_str(&format!(
                        "[A file sent by text could not be kept: {}]",
                        e.body.message
                    ));
                }
            }
        }
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
        let open = conversations::ongoing(&mut tx, customer).await?;
        // Files make a text a message: never a keyword nor a survey's rating.
        let keyword = if files.is_empty() {
            rules::keyword(&text.body)
        } else {
            None
        };
        let target = match keyword {
            Some(Keyword::OptOut) => {
                set_opted_out(&mut tx, customer, true).await?;
                // Texts already queued for the number would be refused by the carrier.
                texts::fail_pending(&mut tx, &text.from, "the customer texted STOP", None).await?;
                surveys::close_by_text_for(&mut tx, customer).await?;
                let notice = SystemLine::TextedStop;
                keyword_lines(&mut tx, &mut emitted, open, &text.body, blocked, notice).await?;
                open
            }
            Some(Keyword::OptIn) if opted_out => {
                set_opted_out(&mut tx, customer, false).await?;
                let notice = SystemLine::TextedStart;
                keyword_lines(&mut tx, &mut emitted, open, &text.body, blocked, notice).await?;
                open
            }
            _ => {
                let reply = if files.is_empty() {
                    let lang = self.config.language;
                    survey_reply(
                        &mut tx,
                        &mut emitted,
                        customer,
                        &text.from,
                        &body,
                        open,
                        lang,
                    )
                    .await?
                } else {
                    SurveyReply::Ordinary(None)
                };
                match reply {
                    SurveyReply::Handled(id) => Some(id),
                    SurveyReply::Ordinary(earlier) => {
                        let id = match open {
                            Some(id) => id,
                            None => {
                                conversations::open(
                                    &mut tx,
                                    &mut emitted,
                                    customer,
                                    Channel::Sms,
                                    None,
                                )
                                .await?
                                .conversation_id
                            }
                        };
                        if let Some(earlier) = earlier {
                            messages::customer(&mut tx, &mut emitted, id, &earlier, blocked, None)
                                .await?;
                        }
                        // The words carry the first file; each further file is a line of its own.
                        let mut files = files.iter();
                        let first = files.next().map(|(name, f)| (f, name.as_str()));
                        messages::customer(&mut tx, &mut emitted, id, &body, blocked, first)
                            .await?;
                        for (name, f) in files {
                            messages::customer(
                                &mut tx,
                                &mut emitted,
                                id,
                                "",
                                blocked,
                                Some((f, name)),
                            )
                            .await?;
                        }
                        Some(id)
                    }
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
        let mut conn = self.db.writer.acquire().await?;
        texts::claim(&mut conn, lease_ms).await
    }

    /// When the next pending text is due (ms since the epoch), if any.
    pub async fn next_text_due(&self) -> Result<Option<i64>> {
        let mut conn = self.db.reader.acquire().await?;
        texts::next_due(&mut conn).await
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
                texts::sent(&mut tx, text.id, sid, now).await?;
                None
            }
            SendOutcome::Retry(why) if text.attempts < max_attempts => {
                texts::retry_at(&mut tx, text.id, now + retry_in_ms, &why).await?;
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
                    texts::fail_pending(
                        &mut tx,
                        &text.to,
                        "the customer opted out with their carrier",
                        Some(text.id),
                    )
                    .await?;
                    let customer: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
                            .bind(&text.to)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if let Some(c) = customer {
                        surveys::close_by_text_for(&mut tx, c).await?;
                    }
                }
                Some(match code {
                    Some(c) => format!("{message} (provider error {c})"),
                    None => message,
                })
            }
        };
        if let Some(reason) = failure {
            texts::failed(&mut tx, text.id, &reason).await?;
            if text.kind == "survey" {
                surveys::never_asked(&mut tx, text.conversation_id).await?;
            }
            let purpose = match text.kind.as_str() {
                "reply" => TextPurpose::Reply,
                "survey" => TextPurpose::Survey,
                "clarification" => TextPurpose::Clarification,
                _ => TextPurpose::Thanks,
            };
            let line = SystemLine::TextFailed {
                text: purpose,
                to: text.to.clone(),
                reason: reason.clone(),
            };
            messages::system(&mut tx, &mut emitted, text.conversation_id, None, line).await?;
        }
        self.commit(tx, emitted).await?;
        Ok(())
    }
}

/// A STOP or START text in the customer's open conversation, if any: their line,
/// then the notice saying what it changed.
async fn keyword_lines(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    open: Option<ConversationId>,
    body: &str,
    blocked: bool,
    notice: SystemLine,
) -> Result<()> {
    if let Some(id) = open {
        messages::customer(conn, emitted, id, body, blocked, None).await?;
        messages::system(conn, emitted, id, None, notice).await?;
    }
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

enum SurveyReply {
    /// The text answered (or was clarified for) the survey of this conversation.
    Handled(ConversationId),
    /// An ordinary message; with the earlier unclear reply to deliver first.
    Ordinary(Option<String>),
}

/// A text while the survey of the customer's latest end waits for an answer: a
/// rating is stored; the first unclear reply gets one clarification; the next
/// one ends the survey and both are treated as ordinary messages. The answers
/// are in the conversation's language if it has one, else in `lang` (the
/// server's).
async fn survey_reply(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    customer: CustomerId,
    from: &str,
    body: &str,
    open: Option<ConversationId>,
    lang: switchboard_i18n::Lang,
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
    let awaited = surveys::awaited_by_text(conn, customer, now_ms() - SMS_SURVEY_WINDOW_MS).await?;
    let Some(survey) = awaited else {
        return Ok(SurveyReply::Ordinary(None));
    };
    let id = survey.conversation;
    let lang = rules::texts_language(survey.language.as_deref(), lang);
    if let Some(rating) = parse_rating(body) {
        surveys::answer(conn, emitted, id, rating, None).await?;
        let thanks = lang.text("sms-thanks");
        texts::queue(conn, id, None, from, &thanks, TextKind::Thanks).await?;
        return Ok(SurveyReply::Handled(id));
    }
    if !survey.clarified {
        surveys::clarified(conn, survey.closure, body).await?;
        let clarification = lang.text("sms-clarification");
        texts::queue(
            conn,
            id,
            None,
            from,
            &clarification,
            TextKind::Clarification,
        )
        .await?;
        return Ok(SurveyReply::Handled(id));
    }
    surveys::close_by_text(conn, survey.closure).await?;
    Ok(SurveyReply::Ordinary(survey.unclear))
}
