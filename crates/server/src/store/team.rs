//! Team routing: handing a conversation to a named colleague, who is available,
//! how many conversations each may hold, and the team at a glance.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Ended;
use crate::store::agents::Caller;
use crate::store::blocks::messages;
use crate::store::blocks::occupancy::{
    agent_changed, changed, presence_cutoffs, refusal, standing, unoccupy, CONNECTED_SQL,
};
use crate::store::events::{conversation_event, visibility};
use crate::store::ops::{fingerprint, Emitted};
use crate::store::{rows, Store};
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    AgentId, AgentRef, Availability, ConversationId, ConversationState, ConversationSummary,
    ErrorCode, EventKind, Role, SystemLine, Team, TeamMember, TransferRequest, MAX_NOTE_CHARS,
};

/// The largest capacity a supervisor may set.
pub const MAX_CAPACITY: u32 = 1_000;

/// Checks a transfer note: absent or blank means none.
fn note(note: Option<&str>) -> Result<Option<String>> {
    let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if n.chars().count() > MAX_NOTE_CHARS {
        return Err(crate::validate::too_long("note", MAX_NOTE_CHARS));
    }
    if n.contains('\0') {
        return Err(Error::field_said(crate::words!(
            "error-nul-character",
            field = crate::error::Field("note")
        )));
    }
    Ok(Some(n.to_owned()))
}

/// How many neglected conversations one sweep returns at most (the next sweep
/// takes the rest).
const RETURN_BATCH: i64 = 100;

/// Tells everyone who could see it that a conversation went back to the queue
/// from `from` (`current` is how it was), with a system line saying why.
async fn back_in_queue(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    current: &ConversationSummary,
    from: AgentRef,
    by: Option<&Caller>,
    line: SystemLine,
) -> Result<()> {
    let id = current.id;
    let (ev, _) = conversation_event(conn, id, visibility(current), |conversation| {
        EventKind::ConversationReturned { conversation, from }
    })
    .await?;
    emitted.push(ev);
    let by = by.map(|c| (c.id, c.name.as_str()));
    messages::system(conn, emitted, id, by, line).await?;
    Ok(())
}

impl Store {
    /// Hand a conversation to a named colleague. The occupant or a supervisor may;
    /// the target must be available and under capacity unless a supervisor
    /// overrides. Decided by the database against a concurrent take, free or
    /// transfer, once per op id.
    pub async fn transfer(
        &self,
        caller: &Caller,
        id: ConversationId,
        req: TransferRequest,
    ) -> Result<ConversationSummary> {
        let note = note(req.note.as_deref())?;
        let me = caller.clone();
        let fp = fingerprint("transfer", id, &(req.to, &note, req.override_capacity));
        self.run_op(caller.id, req.op_id, fp, move |conn, emitted| {
            Box::pin(async move {
                let current = rows::summary(conn, id).await?;
                let from = match (&current.state, &current.occupant) {
                    _ if current.customer.blocked => {
                        return Err(Error::state("this customer is blocked"))
                    }
                    (ConversationState::Occupied, Some(o))
                        if o.id == me.id || me.sees_everything() =>
                    {
                        o.clone()
                    }
                    _ => return Err(refusal(&current, &me, "transfer")),
                };
                if req.to == from.id {
                    // A conflict with the present state: the same request is
                    // fine for a conversation someone else holds.
                    return Err(Error::state(format!(
                        "{} already occupies this conversation",
                        from.name
                    )));
                }
                let Some(target) = standing(conn, req.to).await? else {
                    return Err(Error::not_found("agent"));
                };
                let overridden = req.override_capacity && me.sees_everything();
                if !overridden && target.availability == Availability::Away {
                    return Err(Error::new(
                        ErrorCode::AgentUnavailable,
                        format!("{} is away", target.name),
                    ));
                }
                if !overridden && !target.connected {
                    return Err(Error::new(
                        ErrorCode::AgentUnavailable,
                        format!("{} is offline: their app is closed", target.name),
                    ));
                }
                if !overridden && target.full() {
                    return Err(Error::new(
                        ErrorCode::AgentAtCapacity,
                        format!(
                            "{} already has {} conversations, their capacity",
                            target.name, target.load
                        ),
                    ));
                }
                let n = sqlx::query(
                    "UPDATE conversations SET occupant_id = $1, occupied_since = $2 \
                     WHERE id = $3 AND state = 'occupied' AND occupant_id = $4",
                )
                .bind(req.to)
                .bind(now_ms())
                .bind(id)
                .bind(from.id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                changed(n)?;
                let to = AgentRef {
                    id: req.to,
                    name: target.name.clone(),
                };
                let by = me.agent_ref();
                let event_note = note.clone();
                let (ev, _) = conversation_event(conn, id, visibility(&current), |conversation| {
                    EventKind::ConversationTransferred {
                        conversation,
                        by,
                        from,
                        to,
                        note: event_note,
                    }
                })
                .await?;
                emitted.push(ev);
                let line = SystemLine::Transferred {
                    to: target.name.clone(),
                    note,
                };
                messages::system(conn, emitted, id, Some((me.id, &me.name)), line).await
            })
        })
        .await
    }

    /// Returns to the queue every occupied conversation whose customer has
    /// waited more than `after_ms` for an answer from the agent holding it
    /// (counted from when they started waiting or from when the agent got it,
    /// whichever is later). Each is a conditional update in the writer's
    /// transaction, so with several nodes sweeping each conversation returns
    /// once. Returns how many it returned.
    pub async fn return_neglected(&self, after_ms: i64) -> Result<usize> {
        let cutoff = now_ms() - after_ms;
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let due = sqlx::query(
            "SELECT c.id, c.occupant_id, c.unanswered_since, a.name FROM conversations c \
             JOIN agents a ON a.id = c.occupant_id \
             WHERE c.state = 'occupied' AND c.unanswered_since IS NOT NULL \
             AND c.unanswered_since <= $1 AND (c.occupied_since IS NULL OR c.occupied_since <= $1) \
             ORDER BY c.unanswered_since, c.id LIMIT $2",
        )
        .bind(cutoff)
        .bind(RETURN_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut returned = 0;
        for r in due {
            let id: ConversationId = r.try_get("id")?;
            let from = AgentRef {
                id: r.try_get("occupant_id")?,
                name: r.try_get("name")?,
            };
            let since: i64 = r.try_get("unanswered_since")?;
            let current = rows::summary(&mut tx, id).await?;
            let n = sqlx::query(
                "UPDATE conversations SET state = 'not_assigned', occupant_id = NULL, occupied_since = NULL \
                 WHERE id = $1 AND state = 'occupied' AND occupant_id = $2 AND unanswered_since = $3",
            )
            .bind(id)
            .bind(from.id)
            .bind(since)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                continue;
            }
            let line = SystemLine::ReturnedUnanswered {
                from: from.name.clone(),
                after_secs: after_ms / 1000,
            };
            back_in_queue(&mut tx, &mut emitted, &current, from, None, line).await?;
            returned += 1;
        }
        self.commit(tx, emitted).await?;
        Ok(returned)
    }

    /// Become available or away.
    pub async fn set_availability(
        &self,
        caller: &Caller,
        availability: Availability,
    ) -> Result<()> {
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let n = sqlx::query(
            "UPDATE agents SET availability = $1, availability_since = $2 \
             WHERE id = $3 AND availability <> $1",
        )
        .bind(availability.as_str())
        .bind(now_ms())
        .bind(caller.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 1 {
            agent_changed(&mut tx, &mut emitted, caller.id).await?;
        }
        self.commit(tx, emitted).await
    }

    /// Sets how many conversations an agent may occupy at once (None: no limit).
    /// Supervisors through the API; the admin CLI with `caller` None.
    pub async fn set_capacity(
        &self,
        caller: Option<&Caller>,
        agent: AgentId,
        capacity: Option<u32>,
    ) -> Result<()> {
        if caller.is_some_and(|c| !c.sees_everything()) {
            return Err(Error::forbidden("only supervisors can set capacities"));
        }
        if capacity.is_some_and(|c| c == 0 || c > MAX_CAPACITY) {
            return Err(Error::field_said(crate::words!(
                "error-capacity",
                max = MAX_CAPACITY
            )));
        }
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let n = sqlx::query("UPDATE agents SET capacity = $1 WHERE id = $2 AND removed_at IS NULL")
            .bind(capacity.map(i64::from))
            .bind(agent)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::not_found("agent"));
        }
        agent_changed(&mut tx, &mut emitted, agent).await?;
        self.commit(tx, emitted).await
    }

    /// Removes an agent from the team (supervisors; the admin CLI): they can no
    /// longer sign in (their tokens go, so their open streams close at the next
    /// heartbeat), are no longer offered for transfers or counted in the team,
    /// and the conversations they held go back to the queue with a line saying
    /// why. Their name stays on the history and in the reports. One
    /// transaction: a take, transfer or free racing it is decided by the database.
    pub async fn remove_agent(&self, caller: Option<&Caller>, agent: AgentId) -> Result<()> {
        if caller.is_some_and(|c| !c.sees_everything()) {
            return Err(Error::forbidden("only supervisors can remove agents"));
        }
        if caller.is_some_and(|c| c.id == agent) {
            return Err(Error::state("you cannot remove yourself"));
        }
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE agents SET removed_at = $1, availability = 'away', availability_since = $1 \
             WHERE id = $2 AND removed_at IS NULL",
        )
        .bind(now)
        .bind(agent)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::not_found("agent"));
        }
        sqlx::query("DELETE FROM sessions WHERE agent_id = $1")
            .bind(agent)
            .execute(&mut *tx)
            .await?;
        let name: String = sqlx::query("SELECT name FROM agents WHERE id = $1")
            .bind(agent)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let held: Vec<ConversationId> = sqlx::query(
            "SELECT id FROM conversations WHERE state = 'occupied' AND occupant_id = $1 ORDER BY id",
        )
        .bind(agent)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
        for id in held {
            let current = rows::summary(&mut tx, id).await?;
            unoccupy(&mut tx, id, agent).await?;
            let from = AgentRef {
                id: agent,
                name: name.clone(),
            };
            let line = SystemLine::ReturnedRemoved { from: name.clone() };
            back_in_queue(&mut tx, &mut emitted, &current, from, caller, line).await?;
        }
        agent_changed(&mut tx, &mut emitted, agent).await?;
        self.commit(tx, emitted).await?;
        self.end_streams(Ended::Agent { agent }).await;
        Ok(())
    }

    /// Every agent with availability, load, capacity and their longest-waiting
    /// customer; the queue's length and longest wait.
    pub async fn team(&self) -> Result<Team> {
        let mut tx = self.db.read().await?;
        let connected = CONNECTED_SQL
            .replace("$1", "a.id")
            .replace("$2", "$1")
            .replace("$3", "$2");
        let (seen, closed) = presence_cutoffs(now_ms());
        let rows = sqlx::query(&format!(
            "SELECT a.id, a.name, a.role, a.availability, a.availability_since, a.capacity, \
             COUNT(c.id) AS load, MIN(c.unanswered_since) AS oldest, \
             CASE WHEN {connected} THEN 1 ELSE 0 END AS connected \
             FROM agents a LEFT JOIN conversations c \
             ON c.occupant_id = a.id AND c.state = 'occupied' \
             WHERE a.removed_at IS NULL \
             GROUP BY a.id, a.name, a.role, a.availability, a.availability_since, a.capacity \
             ORDER BY a.name, a.id"
        ))
        .bind(seen)
        .bind(closed)
        .fetch_all(&mut *tx)
        .await?;
        let agents = rows
            .iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                let availability: String = r.try_get("availability")?;
                let load: i64 = r.try_get("load")?;
                let capacity: Option<i64> = r.try_get("capacity")?;
                Ok(TeamMember {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    role: Role::parse(&role).ok_or_else(|| Error::internal("role", &role))?,
                    availability: Availability::parse(&availability)
                        .ok_or_else(|| Error::internal("availability", &availability))?,
                    connected: r.try_get::<i64, _>("connected")? == 1,
                    availability_since: r.try_get::<Option<i64>, _>("availability_since")?.map(ts),
                    load: u32::try_from(load).unwrap_or(u32::MAX),
                    capacity: capacity.and_then(|c| u32::try_from(c).ok()),
                    oldest_wait_since: r.try_get::<Option<i64>, _>("oldest")?.map(ts),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let queue = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(unanswered_since) AS oldest FROM conversations \
             WHERE state = 'not_assigned'",
        )
        .fetch_one(&mut *tx)
        .await?;
        // Ended now: a read transaction left to the pool would keep its old
        // snapshot until the connection is next used.
        tx.commit().await?;
        let n: i64 = queue.try_get("n")?;
        Ok(Team {
            agents,
            queue_length: u32::try_from(n).unwrap_or(u32::MAX),
            queue_oldest_wait_since: queue.try_get::<Option<i64>, _>("oldest")?.map(ts),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::blocks::messages::english;

    #[test]
    fn notes_are_trimmed_checked_and_blank_means_none() {
        assert_eq!(note(None).unwrap(), None);
        assert_eq!(note(Some("  \n ")).unwrap(), None);
        assert_eq!(note(Some(" VIP ")).unwrap(), Some("VIP".into()));
        assert_eq!(
            note(Some(&"é".repeat(MAX_NOTE_CHARS)))
                .unwrap()
                .map(|n| n.chars().count()),
            Some(MAX_NOTE_CHARS)
        );
        let long = note(Some(&"x".repeat(MAX_NOTE_CHARS + 1))).unwrap_err();
        assert_eq!(long.body.code, ErrorCode::InvalidField);
        assert_eq!(note(Some("a\0b")).unwrap_err().status, 400);
    }

    #[test]
    fn the_returned_line_says_whose_answer_was_missing_and_for_how_long() {
        let returned = |from: &str, after_secs| {
            english(
                &SystemLine::ReturnedUnanswered {
                    from: from.into(),
                    after_secs,
                },
                "",
            )
        };
        assert_eq!(
            returned("Alice", 600),
            "Returned to the queue: no answer from Alice for 10 min"
        );
        assert_eq!(
            returned("Bob", 1),
            "Returned to the queue: no answer from Bob for 1 s"
        );
        assert_eq!(
            returned("Bob", 0),
            "Returned to the queue: no answer from Bob for 1 s"
        );
    }

    #[test]
    fn the_line_names_both_agents_and_carries_the_note() {
        let transferred = |note: Option<&str>| SystemLine::Transferred {
            to: "Bob".into(),
            note: note.map(Into::into),
        };
        assert_eq!(
            english(&transferred(None), "Alice"),
            "Transferred by Alice to Bob"
        );
        assert_eq!(
            english(&transferred(Some("refund approved")), "Sam"),
            "Transferred by Sam to Bob. Note: refund approved"
        );
    }
}
