//! The agents' actions on conversations: take, reply, free, end, reopen, spam,
//! unblock. Each is a conditional update decided by the database inside one
//! transaction with its events, run once per op id.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::agents::Caller;
use crate::store::blocks::occupancy::{answered, changed, check_own_capacity, refusal, unoccupy};
use crate::store::blocks::texts::{self, TextKind};
use crate::store::blocks::{messages, surveys};
use crate::store::events::{self, conversation_event, visibility};
use crate::store::ops::{fingerprint, Emitted};
use crate::store::{rows, rules, Store};
use crate::validate;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    ConversationId, ConversationState, ConversationSummary, Customer, CustomerId, EndRequest,
    ErrorCode, EventKind, Message, SubjectAnswer, SystemLine,
};
use uuid::Uuid;

/// Adds a system line ("Taken by Alice") and its event.
async fn system_line(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    caller: &Caller,
    what: SystemLine,
) -> Result<ConversationSummary> {
    messages::system(conn, emitted, id, Some((caller.id, &caller.name)), what).await
}

/// Records that a conversation left an agent's archive at `seq`.
async fn archive_removal(
    conn: &mut AnyConnection,
    agent: i64,
    id: ConversationId,
    seq: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO archive_removals (agent_id, conversation_id, seq) VALUES ($1, $2, $3)",
    )
    .bind(agent)
    .bind(id)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Take a conversation from the queue. Exactly one concurrent taker wins; the
    /// others get `conversation_taken` with the winner's name. A take beyond the
    /// caller's capacity is refused (`at_capacity`) unless a supervisor overrides it.
    pub async fn take(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
        override_capacity: bool,
    ) -> Result<ConversationSummary> {
        let me = caller.clone();
        self.run_op(
            caller.id,
            op_id,
            // A plain take keeps the fingerprint it always had.
            if override_capacity {
                fingerprint("take_override", id, &())
            } else {
                fingerprint("take", id, &())
            },
            move |conn, emitted| {
                Box::pin(async move {
                    let current = rows::summary(conn, id).await?;
                    if current.is_occupied_by(me.id) {
                        return Ok(current);
                    }
                    if current.state == ConversationState::NotAssigned {
                        check_own_capacity(conn, &me, override_capacity).await?;
                    }
                    let won = sqlx::query(
                        "UPDATE conversations SET state = 'occupied', occupant_id = $1, occupied_since = $3 \
                     WHERE id = $2 AND state = 'not_assigned' \
                     AND customer_id IN (SELECT id FROM customers WHERE blocked = 0)",
                    )
                    .bind(me.id)
                    .bind(id)
                    .bind(now_ms())
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                    if won == 0 {
                        let current = rows::summary(conn, id).await?;
                        return match (&current.state, &current.occupant) {
                            (ConversationState::Occupied, Some(o)) if o.id == me.id => Ok(current),
                            (ConversationState::Occupied, Some(o)) => Err(Error::taken(o.clone())),
                            _ => Err(refusal(&current, &me, "take")),
                        };
                    }
                    let by = me.agent_ref();
                    let (ev, _) = conversation_event(conn, id, Audience::ALL, |conversation| {
                        EventKind::ConversationTaken { conversation, by }
                    })
                    .await?;
                    emitted.push(ev);
                    system_line(conn, emitted, id, &me, SystemLine::Taken).await
                })
            },
        )
        .await
    }

    /// Reply to a conversation the caller occupies.
    pub async fn reply(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
        body: String,
    ) -> Result<Message> {
        validate::message(&body)?;
        let me = caller.clone();
        let metrics = self.metrics.clone();
        let fp = fingerprint("reply", id, &body);
        let answer = self
            .run_op(caller.id, op_id, fp, move |conn, emitted| {
                Box::pin(async move {
                    let now = now_ms();
                    // The first reply after the customer's first message: their first response time.
                    let first: Option<i64> = sqlx::query(
                        "SELECT MIN(created_at) AS first FROM messages WHERE conversation_id = $1 \
                     AND author = 'customer' AND NOT EXISTS \
                     (SELECT 1 FROM messages WHERE conversation_id = $1 AND author = 'agent')",
                    )
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get("first")?;
                    answered(conn, id, &me, now, "reply to").await?;
                    let texted_to = texts::recipient(conn, id).await?;
                    if texted_to.is_some() {
                        let n = body.chars().count();
                        if n > rules::MAX_TEXT_CHARS {
                            return Err(Error::new(
                                ErrorCode::MessageTooLong,
                                format!(
                                "a text message carries at most {} characters; this reply has {n}",
                                rules::MAX_TEXT_CHARS
                            ),
                            ));
                        }
                    }
                    let message =
                        messages::agent(conn, emitted, id, me.id, &body, now, None).await?;
                    if let Some(to) = texted_to {
                        texts::queue(conn, id, Some(message.id), &to, &body, TextKind::Reply)
                            .await?;
                    }
                    if let Some(first) = first {
                        metrics.first_response(now - first);
                    }
                    Ok(message)
                })
            })
            .await;
        self.texts.notify_one();
        answer
    }

    /// Free a conversation: back to the queue with its history. The occupant or a
    /// supervisor may free it.
    pub async fn free(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
    ) -> Result<ConversationSummary> {
        let me = caller.clone();
        self.run_op(
            caller.id,
            op_id,
            fingerprint("free", id, &()),
            move |conn, emitted| {
                Box::pin(async move {
                    let current = rows::summary(conn, id).await?;
                    let occupant = match (&current.state, &current.occupant) {
                        (ConversationState::Occupied, Some(o))
                            if o.id == me.id || me.sees_everything() =>
                        {
                            o.id
                        }
                        _ => return Err(refusal(&current, &me, "free")),
                    };
                    unoccupy(conn, id, occupant).await?;
                    let by = me.agent_ref();
                    let (ev, _) =
                        conversation_event(conn, id, visibility(&current), |conversation| {
                            EventKind::ConversationFreed { conversation, by }
                        })
                        .await?;
                    emitted.push(ev);
                    system_line(conn, emitted, id, &me, SystemLine::Freed).await
                })
            },
        )
        .await
    }

    /// End a conversation with the questionnaire: it moves to the archive.
    pub async fn end(
        &self,
        caller: &Caller,
        id: ConversationId,
        req: EndRequest,
    ) -> Result<ConversationSummary> {
        let me = caller.clone();
        let metrics = self.metrics.clone();
        let language = self.config.language;
        let fp = fingerprint("end", id, &(&req.subject, &req.mood));
        let answer = self.run_op(caller.id, req.op_id, fp, move |conn, emitted| {
            Box::pin(async move {
                let (subject, known) = match &req.subject {
                    SubjectAnswer::Known(s) => {
                        let listed = sqlx::query("SELECT 1 FROM subjects WHERE name = $1")
                            .bind(s)
                            .fetch_optional(&mut *conn)
                            .await?;
                        if listed.is_none() {
                            return Err(Error::field_said(crate::words!("error-subject-unknown")));
                        }
                        (Some(s.clone()), 1i64)
                    }
                    SubjectAnswer::DontKnow => (None, 0i64),
                };
                let current = rows::summary(conn, id).await?;
                if !current.is_occupied_by(me.id) {
                    return Err(refusal(&current, &me, "end"));
                }
                let now = now_ms();
                let since: Option<i64> = sqlx::query("SELECT occupied_since FROM conversations WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                let n = sqlx::query(
                    "UPDATE conversations SET state = 'archived', occupant_id = NULL, closed_at = $1, \
                     closed_by = $2, subject = $3, subject_known = $4, mood = $5 \
                     WHERE id = $6 AND state = 'occupied' AND occupant_id = $2",
                )
                .bind(now)
                .bind(me.id)
                .bind(subject.clone())
                .bind(known)
                .bind(req.mood.as_str())
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                changed(n)?;
                let closure: i64 = sqlx::query(
                    "INSERT INTO closures (conversation_id, closed_at, closed_by, subject, mood, started_at) \
                     VALUES ($1, $2, $3, $4, $5, (SELECT occupied_since FROM conversations WHERE id = $1)) \
                     RETURNING id",
                )
                .bind(id)
                .bind(now)
                .bind(me.id)
                .bind(subject)
                .bind(req.mood.as_str())
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
                sqlx::query("UPDATE conversations SET closure_id = $1, occupied_since = NULL WHERE id = $2")
                    .bind(closure)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                let customer = &current.customer;
                let ask = rules::survey_ask(
                    current.channel,
                    customer.phone.as_deref(),
                    customer.sms_opted_out,
                    customer.blocked,
                );
                if let Some(to) = ask.text_to {
                    let language = rules::texts_language(current.language.as_deref(), language);
                    let question = language.text("sms-survey-question");
                    texts::queue(conn, id, None, to, &question, TextKind::Survey).await?;
                }
                surveys::insert(conn, closure, &current, me.id, now, &ask).await?;
                system_line(conn, emitted, id, &me, SystemLine::Ended).await?;
                let by = me.agent_ref();
                let (ev, summary) = conversation_event(conn, id, Audience::agent(me.id), |conversation| {
                    EventKind::ConversationEnded { conversation, by }
                })
                .await?;
                emitted.push(ev);
                if let Some(since) = since {
                    metrics.handling(now - since);
                }
                Ok(summary)
            })
        })
        .await;
        self.texts.notify_one();
        answer
    }

    /// Reopen an archived conversation: it becomes the reopening agent's.
    pub async fn reopen(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
    ) -> Result<ConversationSummary> {
        let me = caller.clone();
        self.run_op(caller.id, op_id, fingerprint("reopen", id, &()), move |conn, emitted| {
            Box::pin(async move {
                let current = rows::summary(conn, id).await?;
                let closer = current.closure.as_ref().map(|c| c.closed_by.id);
                if current.state != ConversationState::Archived || current.customer.blocked {
                    return Err(Error::state("only an archived conversation can be reopened"));
                }
                if closer != Some(me.id) && !me.sees_everything() {
                    return Err(Error::forbidden("only the agent who closed it or a supervisor can reopen it"));
                }
                let n = sqlx::query(
                    "UPDATE conversations SET state = 'occupied', occupant_id = $1, closed_at = NULL, \
                     closed_by = NULL, subject = NULL, subject_known = NULL, mood = NULL, \
                     closure_id = NULL, occupied_since = $4 \
                     WHERE id = $2 AND state = 'archived' AND closed_by = $3",
                )
                .bind(me.id)
                .bind(id)
                .bind(closer)
                .bind(now_ms())
                .execute(&mut *conn)
                .await?
                .rows_affected();
                changed(n)?;
                let by = me.agent_ref();
                let (ev, _) = conversation_event(conn, id, visibility(&current), |conversation| {
                    EventKind::ConversationReopened { conversation, by }
                })
                .await?;
                if let Some(closer) = closer {
                    archive_removal(conn, closer, id, ev.seq).await?;
                }
                emitted.push(ev);
                system_line(conn, emitted, id, &me, SystemLine::Reopened).await
            })
        })
        .await
    }

    /// Report as spam: the customer is blocked and all their conversations leave
    /// every list. From the queue (any agent) or one's own conversation.
    pub async fn spam(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
    ) -> Result<ConversationSummary> {
        let me = caller.clone();
        self.run_op(caller.id, op_id, fingerprint("spam", id, &()), move |conn, emitted| {
            Box::pin(async move {
                let current = rows::summary(conn, id).await?;
                let allowed = match current.state {
                    ConversationState::NotAssigned => !current.customer.blocked,
                    ConversationState::Occupied => current.is_occupied_by(me.id) || me.sees_everything(),
                    _ => false,
                };
                if !allowed {
                    return Err(refusal(&current, &me, "report"));
                }
                let customer = current.customer.id;
                // Decided by the database: the conversation is still as it was read.
                let n = sqlx::query(
                    "UPDATE conversations SET state = 'spam', occupant_id = NULL, occupied_since = NULL \
                     WHERE id = $1 AND state = $2 AND COALESCE(occupant_id, 0) = $3",
                )
                .bind(id)
                .bind(rows::state_str(current.state))
                .bind(current.occupant.as_ref().map_or(0, |o| o.id))
                .execute(&mut *conn)
                .await?
                .rows_affected();
                changed(n)?;
                let now = now_ms();
                let n = sqlx::query(
                    "UPDATE customers SET blocked = 1, blocked_at = $1, blocked_by = $2 WHERE id = $3 AND blocked = 0",
                )
                .bind(now)
                .bind(me.id)
                .bind(customer)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                changed(n)?;
                sqlx::query(
                    "UPDATE conversations SET state = 'spam', occupant_id = NULL, occupied_since = NULL \
                     WHERE customer_id = $1 AND state IN ('not_assigned', 'occupied')",
                )
                .bind(customer)
                .execute(&mut *conn)
                .await?;
                let ids: Vec<i64> = sqlx::query("SELECT id FROM conversations WHERE customer_id = $1 ORDER BY id")
                    .bind(customer)
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| r.try_get(0))
                    .collect::<Result<_, _>>()?;
                let seq = events::next_seq(conn).await?;
                sqlx::query("UPDATE conversations SET version = $1 WHERE customer_id = $2")
                    .bind(seq)
                    .bind(customer)
                    .execute(&mut *conn)
                    .await?;
                let closers = sqlx::query(
                    "SELECT id, closed_by FROM conversations WHERE customer_id = $1 AND state = 'archived'",
                )
                .bind(customer)
                .fetch_all(&mut *conn)
                .await?;
                for r in closers {
                    archive_removal(conn, r.try_get("closed_by")?, r.try_get("id")?, seq).await?;
                }
                let kind = EventKind::CustomerBlocked {
                    customer_id: customer,
                    conversation_ids: ids,
                    by: me.agent_ref(),
                };
                emitted.push(events::insert(conn, seq, kind, Audience::ALL).await?);
                system_line(conn, emitted, id, &me, SystemLine::ReportedSpam).await
            })
        })
        .await
    }

    /// Unblock a customer (supervisors): their spam conversations return to the
    /// queue with what they wrote meanwhile, their archive returns to its closers.
    pub async fn unblock(
        &self,
        caller: &Caller,
        customer: CustomerId,
        op_id: Uuid,
    ) -> Result<Customer> {
        if !caller.sees_everything() {
            return Err(Error::forbidden("only supervisors can unblock customers"));
        }
        let me = caller.clone();
        self.run_op(caller.id, op_id, fingerprint("unblock", customer, &()), move |conn, emitted| {
            Box::pin(async move {
                let n = sqlx::query(
                    "UPDATE customers SET blocked = 0, blocked_at = NULL, blocked_by = NULL WHERE id = $1 AND blocked = 1",
                )
                .bind(customer)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if n == 0 {
                    let exists = sqlx::query("SELECT 1 FROM customers WHERE id = $1")
                        .bind(customer)
                        .fetch_optional(&mut *conn)
                        .await?;
                    return Err(match exists {
                        Some(_) => Error::state("this customer is not blocked"),
                        None => Error::not_found("customer"),
                    });
                }
                messages::unhide(conn, customer).await?;
                sqlx::query("UPDATE conversations SET state = 'not_assigned' WHERE customer_id = $1 AND state = 'spam'")
                    .bind(customer)
                    .execute(&mut *conn)
                    .await?;
                let seq = events::next_seq(conn).await?;
                let kind = EventKind::CustomerUnblocked {
                    customer_id: customer,
                    by: me.agent_ref(),
                };
                emitted.push(events::insert(conn, seq, kind, Audience::ALL).await?);
                let back = rows::summaries(conn, "WHERE c.customer_id = $1 ORDER BY c.id", &[customer]).await?;
                for c in back {
                    if matches!(c.state, ConversationState::NotAssigned | ConversationState::Archived) {
                        let (ev, _) = conversation_event(conn, c.id, Audience::SUPERVISORS, |conversation| {
                            EventKind::ConversationRestored { conversation }
                        })
                        .await?;
                        emitted.push(ev);
                    }
                }
                let customer_row = sqlx::query("SELECT id, name, email, phone, sms_opted_out FROM customers WHERE id = $1")
                    .bind(customer)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(Customer {
                    id: customer_row.try_get(0)?,
                    name: customer_row.try_get(1)?,
                    email: customer_row.try_get(2)?,
                    phone: customer_row.try_get(3)?,
                    blocked: false,
                    sms_opted_out: customer_row.try_get::<i64, _>(4)? != 0,
                })
            })
        })
        .await
    }
}
