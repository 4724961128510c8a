//! Idempotent agent mutations: the answer to every op id is stored with the change.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::hub::HubEvent;
use crate::store::Store;
use futures_util::future::BoxFuture;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Acquire, AnyConnection, Row};
use std::sync::Arc;
use switchboard_protocol::{AgentId, ApiError, ErrorCode};
use uuid::Uuid;

/// The identity of a request, so that reusing an op id for something else is caught.
pub fn fingerprint(action: &str, target: i64, body: &impl Serialize) -> String {
    let json = serde_json::to_vec(body).unwrap_or_default();
    format!("{action}:{target}:{}", hex::encode(Sha256::digest(json)))
}

/// Forgets op ids, and customers' client-made post ids, older than `max_age_ms`:
/// a retry after that runs afresh. The retention must outlast any outbox (the
/// default is 30 days).
pub async fn prune_ops(writer: &sqlx::AnyPool, max_age_ms: i64) -> Result<u64> {
    let cutoff = now_ms().saturating_sub(max_age_ms);
    let mut pruned = 0;
    for sql in [
        "DELETE FROM ops WHERE created_at < $1",
        "DELETE FROM customer_posts WHERE created_at < $1",
    ] {
        pruned += sqlx::query(sql)
            .bind(cutoff)
            .execute(writer)
            .await?
            .rows_affected();
    }
    Ok(pruned)
}

/// Events a mutation appended, published once it commits.
pub type Emitted = Vec<Arc<HubEvent>>;

/// What an op stored as its answer.
pub enum Stored {
    /// Nothing stored yet: this is the first attempt.
    Fresh,
    /// The answer given, as JSON.
    Done(String),
    Failed(Error),
}

impl Store {
    /// Runs `action` once per `(agent, op_id)`: the first call changes state and
    /// stores its answer (success or a final refusal) in the same transaction; any
    /// retry gets that answer back and changes nothing.
    pub async fn run_op<T, F>(
        &self,
        agent: AgentId,
        op_id: Uuid,
        fingerprint: String,
        action: F,
    ) -> Result<T>
    where
        T: Serialize + DeserializeOwned + Send,
        F: for<'c> FnOnce(&'c mut AnyConnection, &'c mut Emitted) -> BoxFuture<'c, Result<T>>
            + Send,
    {
        let started = std::time::Instant::now();
        let mut tx = self.db.write().await?;
        // Claim the op id first: on PostgreSQL a concurrent retry blocks here until
        // the first attempt commits, then finds its answer.
        let claimed = sqlx::query(
            "INSERT INTO ops (agent_id, op_id, fingerprint, status, response, created_at) \
             VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (agent_id, op_id) DO NOTHING",
        )
        .bind(agent)
        .bind(op_id.to_string())
        .bind(&fingerprint)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return match stored(&mut tx, agent, op_id, &fingerprint).await? {
                Stored::Done(answer) => serde_json::from_str(&answer)
                    .map_err(|e| Error::internal("stored op answer", e)),
                Stored::Failed(e) => Err(e),
                Stored::Fresh => Err(Error::internal("op", "claimed op has no answer")),
            };
        }
        let mut emitted = Vec::new();
        // The action runs in a savepoint, so a refusal can be undone and still be
        // recorded in the same transaction as the claim.
        let mut attempt = tx.begin().await?;
        let outcome = action(&mut attempt, &mut emitted).await;
        let (status, response, result) = match outcome {
            Ok(answer) => {
                attempt.commit().await?;
                (200i64, serde_json::to_string(&answer)?, Ok(answer))
            }
            Err(err) => {
                attempt.rollback().await?;
                if !err.is_final() {
                    // A passing fault: forget the claim so a retry runs afresh.
                    return Err(err);
                }
                emitted.clear();
                (
                    i64::from(err.status),
                    serde_json::to_string(&err.body)?,
                    Err(err),
                )
            }
        };
        sqlx::query("UPDATE ops SET status = $1, response = $2 WHERE agent_id = $3 AND op_id = $4")
            .bind(status)
            .bind(response)
            .bind(agent)
            .bind(op_id.to_string())
            .execute(&mut *tx)
            .await?;
        self.commit(tx, emitted).await?;
        self.metrics
            .transaction("agent_op", started.elapsed().as_secs_f64());
        result
    }
}

async fn stored(
    conn: &mut AnyConnection,
    agent: AgentId,
    op_id: Uuid,
    fingerprint: &str,
) -> Result<Stored> {
    let row = sqlx::query(
        "SELECT fingerprint, status, response FROM ops WHERE agent_id = $1 AND op_id = $2",
    )
    .bind(agent)
    .bind(op_id.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(Stored::Fresh);
    };
    let stored_fp: String = row.try_get(0)?;
    if stored_fp != fingerprint {
        return Err(Error::new(
            ErrorCode::OpIdReused,
            "this op_id was already used for a different request",
        ));
    }
    let status: i64 = row.try_get(1)?;
    let response: String = row.try_get(2)?;
    if status == 200 {
        Ok(Stored::Done(response))
    } else {
        let body: ApiError = serde_json::from_str(&response)?;
        // Replayed in English (the message as stored; its catalog words are
        // not kept, so a first answer in French is replayed in English).
        Ok(Stored::Failed(Error {
            status: u16::try_from(status).unwrap_or(500),
            body,
            words: None,
        }))
    }
}
