//! The event log: append in the writer's transaction, read after a cursor, prune.

use crate::db::Db;
use crate::db::{now_ms, ts};
use crate::error::Result;
use crate::hub::{Audience, HubEvent};
use crate::store::rows;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use switchboard_protocol::{
    ConversationId, ConversationState, ConversationSummary, Event, EventKind,
};

/// Who may see a conversation in its current state.
pub fn visibility(c: &ConversationSummary) -> Audience {
    if c.customer.blocked {
        return Audience::SUPERVISORS;
    }
    match c.state {
        ConversationState::NotAssigned => Audience::ALL,
        ConversationState::Occupied => c
            .occupant
            .as_ref()
            .map_or(Audience::SUPERVISORS, |o| Audience::agent(o.id)),
        ConversationState::Archived => c
            .closure
            .as_ref()
            .map_or(Audience::SUPERVISORS, |cl| Audience::agent(cl.closed_by.id)),
        ConversationState::Spam => Audience::SUPERVISORS,
    }
}

/// Takes the next sequence number. The counter row stays locked until commit, so
/// transactions commit in sequence order.
pub async fn next_seq(conn: &mut AnyConnection) -> Result<i64> {
    let row = sqlx::query("UPDATE event_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq")
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}

/// Deletes the events about `customer`'s conversations (an erasure: their
/// payloads carry the customer's name and words). Clients that had not read
/// them yet skip them, as they skip events meant for others. Returns how many.
pub async fn erase_conversations(
    conn: &mut AnyConnection,
    customer: switchboard_protocol::CustomerId,
) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM events WHERE conversation_id IN \
         (SELECT id FROM conversations WHERE customer_id = $1)",
    )
    .bind(customer)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Writes an event with a sequence number from [`next_seq`].
pub async fn insert(
    conn: &mut AnyConnection,
    seq: i64,
    kind: EventKind,
    audience: Audience,
) -> Result<Arc<HubEvent>> {
    let at = now_ms();
    let conversation = kind.conversation().map(|c| c.id);
    let json = serde_json::to_string(&Event {
        seq,
        at: ts(at),
        kind,
    })?;
    sqlx::query(
        "INSERT INTO events (seq, at, audience_all, agent_a, agent_b, payload, conversation_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq)
    .bind(at)
    .bind(i64::from(audience.all))
    .bind(audience.a)
    .bind(audience.b)
    .bind(&json)
    .bind(conversation)
    .execute(conn)
    .await?;
    Ok(Arc::new(HubEvent::new(
        seq,
        audience,
        conversation,
        json.into(),
    )))
}

/// Appends an event about one conversation: bumps its version, reads its new
/// summary, and tells everyone who could see it before or can see it now.
pub async fn conversation_event(
    conn: &mut AnyConnection,
    id: ConversationId,
    seen_before: Audience,
    make: impl FnOnce(ConversationSummary) -> EventKind,
) -> Result<(Arc<HubEvent>, ConversationSummary)> {
    let seq = if conn.backend_name() == "PostgreSQL" {
        // The counter and the version in one statement: a round trip fewer.
        sqlx::query(
            "WITH s AS (UPDATE event_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq) \
             UPDATE conversations SET version = (SELECT seq FROM s) WHERE id = $1 RETURNING version",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| crate::error::Error::not_found("conversation"))?
        .try_get(0)?
    } else {
        let seq = next_seq(conn).await?;
        sqlx::query("UPDATE conversations SET version = $1 WHERE id = $2")
            .bind(seq)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        seq
    };
    let summary = rows::summary(conn, id).await?;
    let audience = seen_before.union(visibility(&summary));
    let event = insert(conn, seq, make(summary.clone()), audience).await?;
    Ok((event, summary))
}

/// What a stream reads from the table after its cursor.
pub enum CatchUp {
    /// The cursor is older than retention, or newer than the log (a reset server).
    Resync { oldest_available: i64 },
    /// Visible events after the cursor, and where the stream now stands.
    Batch {
        events: Vec<(i64, Arc<str>)>,
        cursor: i64,
        more: bool,
    },
}

/// Reads up to `limit` events after `cursor` that this agent may see.
pub async fn read_after(
    db: &Db,
    cursor: i64,
    agent: i64,
    sees_everything: bool,
    limit: i64,
) -> Result<CatchUp> {
    let mut tx = db.read().await?;
    let pruned: i64 = pruned_through(&mut tx).await?;
    let latest: i64 = sqlx::query("SELECT seq FROM event_counter WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if cursor < pruned || cursor > latest {
        // Ended, not dropped: a dropped read transaction can leave its
        // connection on an old snapshot for the next reader.
        tx.commit().await?;
        return Ok(CatchUp::Resync {
            oldest_available: pruned,
        });
    }
    let rows = sqlx::query(
        "SELECT seq, payload FROM events WHERE seq > $1 AND seq <= $2 \
         AND (audience_all = 1 OR agent_a = $3 OR agent_b = $3 OR $4 = 1) \
         ORDER BY seq LIMIT $5",
    )
    .bind(cursor)
    .bind(latest)
    .bind(agent)
    .bind(i64::from(sees_everything))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let more = rows.len() as i64 == limit;
    let mut events = Vec::with_capacity(rows.len());
    for r in &rows {
        events.push((
            r.try_get::<i64, _>(0)?,
            Arc::<str>::from(r.try_get::<String, _>(1)?),
        ));
    }
    let cursor = match (more, events.last()) {
        (true, Some((seq, _))) => *seq,
        _ => latest,
    };
    Ok(CatchUp::Batch {
        events,
        cursor,
        more,
    })
}

/// The event sequence through which events (and archive removals) were pruned.
pub async fn pruned_through(conn: &mut AnyConnection) -> Result<i64> {
    let v: String = sqlx::query("SELECT value FROM meta WHERE key = 'pruned_through'")
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    Ok(v.parse().unwrap_or(0))
}

/// Deletes events beyond the newest `keep_events` or older than `max_age_ms`.
/// Returns the new `pruned_through`.
pub async fn prune(db: &Db, keep_events: i64, max_age_ms: i64) -> Result<i64> {
    let mut tx = db.write().await?;
    let latest: i64 = sqlx::query("SELECT seq FROM event_counter WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let by_age: Option<i64> = sqlx::query("SELECT MAX(seq) FROM events WHERE at < $1")
        .bind(now_ms() - max_age_ms)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let old = pruned_through(&mut tx).await?;
    let through = (latest - keep_events).max(by_age.unwrap_or(0)).max(old);
    if through > old {
        sqlx::query("DELETE FROM events WHERE seq <= $1")
            .bind(through)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE meta SET value = $1 WHERE key = 'pruned_through'")
            .bind(through.to_string())
            .execute(&mut *tx)
            .await?;
    }
    // An archive page after a cursor lists the removals since it; removals as
    // old as the events pruned go with them (an older cursor is told to page
    // from the start: `Store::archive`).
    sqlx::query("DELETE FROM archive_removals WHERE seq <= $1")
        .bind(through)
        .execute(&mut *tx)
        .await?;
    // Expired sign-ins go with old events.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(through)
}

/// Every event after `after`, oldest first, up to `limit`, as the hub carries
/// them. Nodes sharing a PostgreSQL database feed their hubs from this.
pub async fn tail(db: &Db, after: i64, limit: i64) -> Result<Vec<Arc<HubEvent>>> {
    let rows = sqlx::query(
        "SELECT seq, audience_all, agent_a, agent_b, conversation_id, payload FROM events \
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&db.reader)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Arc::new(HubEvent::new(
                r.try_get(0)?,
                Audience {
                    all: r.try_get::<i64, _>(1)? != 0,
                    a: r.try_get(2)?,
                    b: r.try_get(3)?,
                },
                r.try_get(4)?,
                Arc::<str>::from(r.try_get::<String, _>(5)?),
            )))
        })
        .collect()
}

/// The newest sequence number handed out.
pub async fn latest(db: &Db) -> Result<i64> {
    Ok(sqlx::query("SELECT seq FROM event_counter WHERE id = 1")
        .fetch_one(&db.reader)
        .await?
        .try_get(0)?)
}
