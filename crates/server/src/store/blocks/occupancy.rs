//! Who occupies a conversation and who can take one: why an action is refused
//! in its present state, whether a conditional update won, how many
//! conversations an agent holds against their capacity, whether their app is
//! open, and the event that says an agent changed.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::agents::Caller;
use crate::store::events;
use crate::store::ops::Emitted;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    AgentId, AgentRef, Availability, ConversationId, ConversationState, ConversationSummary,
    ErrorCode, EventKind,
};

/// Why the caller may not act on a conversation in its present state.
pub fn refusal(current: &ConversationSummary, caller: &Caller, verb: &str) -> Error {
    match current.state {
        ConversationState::NotAssigned => Error::new(
            ErrorCode::NotOccupant,
            format!("take the conversation before you {verb} it"),
        ),
        ConversationState::Occupied => match &current.occupant {
            Some(o) if o.id != caller.id => {
                let mut e = Error::new(
                    ErrorCode::NotOccupant,
                    format!(
                        "{} occupies this conversation; only they can {verb} it",
                        o.name
                    ),
                );
                e.body.holder = Some(o.clone());
                e
            }
            _ => Error::state(format!("this conversation cannot be {verb}ed now")),
        },
        ConversationState::Archived => {
            Error::state("this conversation is archived: reopen it first")
        }
        ConversationState::Spam => Error::state("this conversation was reported as spam"),
    }
}

/// The occupant answers at `now` (a reply, a file): the conversation is up to
/// date. Anyone else, or another state, is refused as `verb` says.
pub async fn answered(
    conn: &mut AnyConnection,
    id: ConversationId,
    caller: &Caller,
    now: i64,
    verb: &str,
) -> Result<()> {
    let ok = sqlx::query(
        "UPDATE conversations SET last_message_at = $1, unanswered_body = NULL, \
         unanswered_since = NULL WHERE id = $2 AND state = 'occupied' AND occupant_id = $3",
    )
    .bind(now)
    .bind(id)
    .bind(caller.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if ok == 0 {
        let current = crate::store::rows::summary(conn, id).await?;
        return Err(refusal(&current, caller, verb));
    }
    Ok(())
}

/// Makes sure the conditional update touched exactly the row it expected.
pub fn changed(rows_affected: u64) -> Result<()> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(Error::state(
            "the conversation changed meanwhile; try again",
        ))
    }
}

/// Puts a conversation `occupant` holds back in the queue; fails (changing
/// nothing) when it is no longer theirs.
pub async fn unoccupy(
    conn: &mut AnyConnection,
    id: ConversationId,
    occupant: AgentId,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE conversations SET state = 'not_assigned', occupant_id = NULL, occupied_since = NULL \
         WHERE id = $1 AND state = 'occupied' AND occupant_id = $2",
    )
    .bind(id)
    .bind(occupant)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    changed(n)
}

/// An agent's standing for new work, read in the writer's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub name: String,
    pub availability: Availability,
    /// Their app is open.
    pub connected: bool,
    /// Conversations they occupy now.
    pub load: i64,
    pub capacity: Option<i64>,
}

impl Standing {
    /// Whether one more conversation would exceed their capacity.
    pub fn full(&self) -> bool {
        self.capacity.is_some_and(|c| self.load >= c)
    }
}

/// The agent's availability, load and capacity (None: no such agent).
pub async fn standing(conn: &mut AnyConnection, agent: AgentId) -> Result<Option<Standing>> {
    let row = sqlx::query(
        &format!(
            "SELECT name, availability, capacity, \
             (SELECT COUNT(*) FROM conversations WHERE state = 'occupied' AND occupant_id = $1) AS load, \
             CASE WHEN {CONNECTED_SQL} THEN 1 ELSE 0 END AS connected \
             FROM agents WHERE id = $1 AND removed_at IS NULL"
        ),
    )
    .bind(agent)
    .bind(presence_cutoffs(now_ms()).0)
    .bind(presence_cutoffs(now_ms()).1)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let availability: String = r.try_get("availability")?;
    Ok(Some(Standing {
        name: r.try_get("name")?,
        availability: Availability::parse(&availability)
            .ok_or_else(|| Error::internal("availability", &availability))?,
        connected: r.try_get::<i64, _>("connected")? == 1,
        load: r.try_get("load")?,
        capacity: r.try_get("capacity")?,
    }))
}

/// Refuses a take that would put the caller over their capacity, unless a
/// supervisor overrides it.
pub async fn check_own_capacity(
    conn: &mut AnyConnection,
    caller: &Caller,
    override_capacity: bool,
) -> Result<()> {
    if override_capacity && caller.sees_everything() {
        return Ok(());
    }
    match standing(conn, caller.id).await? {
        Some(s) if s.full() => Err(Error::new(
            ErrorCode::AtCapacity,
            format!(
                "you already have {} conversations, your capacity; end or pass one on first",
                s.load
            ),
        )),
        _ => Ok(()),
    }
}

/// How long a node's presence rows count without being refreshed (the node
/// refreshes them every [`PRESENCE_REFRESH_MS`]).
pub const PRESENCE_TTL_MS: i64 = 30_000;
/// How often a node refreshes its presence rows.
pub const PRESENCE_REFRESH_MS: u64 = 10_000;
/// How long an agent still counts as connected after their last stream closed:
/// an app restarting or a link dropping for a moment is not "offline".
pub const PRESENCE_GRACE_MS: i64 = 5_000;

/// The cut-offs [`CONNECTED_SQL`] takes as `$2` and `$3`, at `now`.
pub fn presence_cutoffs(now: i64) -> (i64, i64) {
    (now - PRESENCE_TTL_MS, now - PRESENCE_GRACE_MS)
}

/// SQL: whether agent `$1` has an open stream on a node seen after `$2`, or
/// closed their last one after `$3`.
pub const CONNECTED_SQL: &str = "EXISTS (SELECT 1 FROM presence p WHERE p.agent_id = $1 AND \
     ((p.streams > 0 AND p.seen_at > $2) OR (p.streams = 0 AND p.seen_at > $3)))";

/// Whether the agent's app is open (a stream on a node seen recently).
pub async fn connected(conn: &mut AnyConnection, agent: AgentId) -> Result<bool> {
    let live: i64 = sqlx::query(&format!(
        "SELECT CASE WHEN {CONNECTED_SQL} THEN 1 ELSE 0 END"
    ))
    .bind(agent)
    .bind(presence_cutoffs(now_ms()).0)
    .bind(presence_cutoffs(now_ms()).1)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(live == 1)
}

/// Appends an agent's change (availability, capacity, app opened or closed)
/// to the log for everyone.
pub async fn agent_changed(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: AgentId,
) -> Result<()> {
    let row = sqlx::query("SELECT name, availability, capacity FROM agents WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let availability: String = row.try_get("availability")?;
    let capacity: Option<i64> = row.try_get("capacity")?;
    let kind = EventKind::AgentChanged {
        agent: AgentRef {
            id,
            name: row.try_get("name")?,
        },
        availability: Availability::parse(&availability)
            .ok_or_else(|| Error::internal("availability", &availability))?,
        capacity: capacity.and_then(|c| u32::try_from(c).ok()),
        connected: connected(conn, id).await?,
    };
    let seq = events::next_seq(conn).await?;
    emitted.push(events::insert(conn, seq, kind, Audience::ALL).await?);
    Ok(())
}
