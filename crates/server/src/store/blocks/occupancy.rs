//! Who occupies a conversation: why an action is refused in its present state,
//! whether a conditional update won, and how many conversations an agent holds
//! against their capacity.

use crate::error::{Error, Result};
use crate::store::agents::Caller;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    AgentId, Availability, ConversationState, ConversationSummary, ErrorCode,
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

/// An agent's standing for new work, read in the writer's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub name: String,
    pub availability: Availability,
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
        "SELECT name, availability, capacity, \
         (SELECT COUNT(*) FROM conversations WHERE state = 'occupied' AND occupant_id = $1) AS load \
         FROM agents WHERE id = $1",
    )
    .bind(agent)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let availability: String = r.try_get("availability")?;
    Ok(Some(Standing {
        name: r.try_get("name")?,
        availability: Availability::parse(&availability)
            .ok_or_else(|| Error::internal("availability", &availability))?,
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
