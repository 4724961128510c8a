//! What agents read: the snapshot, one conversation, the archive in pages, the
//! blocked customers.

use crate::db::{ts, Backend};
use crate::error::{Error, Result};
use crate::store::agents::Caller;
use crate::store::blocks::conversations::may_read;
use crate::store::{events, rows, Store};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use switchboard_protocol::{
    AgentRef, ArchivePage, ArchiveQuery, ArchiveRemoval, ArchivedConversation, Availability,
    BlockedCustomer, ConversationDetail, ConversationId, ConversationSummary, Customer, ErrorCode,
    Message, Snapshot,
};

/// How many archived conversations the snapshot carries.
const SNAPSHOT_ARCHIVE: i64 = 50;

async fn subjects(conn: &mut AnyConnection) -> Result<Vec<String>> {
    sqlx::query("SELECT name FROM subjects ORDER BY position")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
}

/// A message as [`messages_of`] aggregates it: id, author, agent id, agent
/// name, body, created at (ms), system line (JSON).
type MessageTuple = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    i64,
    Option<String>,
);

/// The visible messages of several conversations, by conversation, oldest
/// first. The database hands each conversation's messages over as one JSON
/// array: an archive page holds thousands of messages, and the driver's cost
/// is per row (it converts and sends every row between threads).
async fn messages_of(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &[ConversationId],
) -> Result<HashMap<ConversationId, Vec<Message>>> {
    let aggregate = match backend {
        Backend::Sqlite => {
            "json_group_array(json_array(m.id, m.author, m.agent_id, a.name, m.body, m.created_at, m.system))"
        }
        Backend::Postgres => {
            "CAST(json_agg(json_build_array(m.id, m.author, m.agent_id, a.name, m.body, m.created_at, m.system) \
             ORDER BY m.id) AS TEXT)"
        }
    };
    let mut out: HashMap<ConversationId, Vec<Message>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT m.conversation_id, {aggregate} FROM messages m \
             LEFT JOIN agents a ON a.id = m.agent_id \
             WHERE m.conversation_id IN ({}) AND m.hidden = 0 GROUP BY m.conversation_id",
            rows::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let conversation_id: ConversationId = r.try_get(0)?;
            let json: String = r.try_get(1)?;
            let tuples: Vec<MessageTuple> = serde_json::from_str(&json)
                .map_err(|e| Error::internal("a conversation's messages", e))?;
            let mut messages = tuples
                .into_iter()
                .map(
                    |(id, author, agent_id, agent_name, body, created_at, system)| {
                        Ok(Message {
                            id,
                            conversation_id,
                            author: rows::parse_author(&author)?,
                            agent: rows::agent_ref(agent_id, agent_name),
                            body,
                            created_at: ts(created_at),
                            attachments: Vec::new(),
                            system: rows::system_line(system),
                        })
                    },
                )
                .collect::<Result<Vec<_>>>()?;
            messages.sort_unstable_by_key(|m| m.id);
            out.insert(conversation_id, messages);
        }
    }
    let ids: Vec<i64> = out.values().flatten().map(|m| m.id).collect();
    let mut files = rows::attachments_of(conn, &ids).await?;
    if !files.is_empty() {
        for m in out.values_mut().flatten() {
            m.attachments = files.remove(&m.id).unwrap_or_default();
        }
    }
    Ok(out)
}

impl Store {
    /// The three lists and the sequence number they reflect, read in one
    /// transaction so that streaming from `seq` misses and repeats nothing.
    pub async fn snapshot(&self, caller: &Caller) -> Result<Snapshot> {
        let mut tx = self.db.read().await?;
        let seq: i64 = sqlx::query("SELECT seq FROM event_counter WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let me = caller.id;
        let mine = rows::summaries(
            &mut tx,
            "WHERE c.state = 'occupied' AND c.occupant_id = $1 AND cu.blocked = 0 ORDER BY c.id",
            &[me],
        )
        .await?;
        let queue = rows::summaries(
            &mut tx,
            "WHERE c.state = 'not_assigned' AND cu.blocked = 0 ORDER BY c.id",
            &[],
        )
        .await?;
        let others = if caller.sees_everything() {
            rows::summaries(
                &mut tx,
                "WHERE c.state = 'occupied' AND c.occupant_id <> $1 AND cu.blocked = 0 ORDER BY c.id",
                &[me],
            )
            .await?
        } else {
            Vec::new()
        };
        let archive = rows::summaries(
            &mut tx,
            "WHERE c.state = 'archived' AND c.closed_by = $1 AND cu.blocked = 0 \
             ORDER BY c.closed_at DESC, c.id DESC LIMIT $2",
            &[me, SNAPSHOT_ARCHIVE],
        )
        .await?;
        let subjects = subjects(&mut tx).await?;
        let canned_replies = crate::store::canned::all(&mut tx).await?;
        let availability: String = sqlx::query("SELECT availability FROM agents WHERE id = $1")
            .bind(me)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        tx.commit().await?;
        Ok(Snapshot {
            availability: Availability::parse(&availability).unwrap_or_default(),
            seq,
            me: caller.me(),
            mine,
            queue,
            others,
            archive,
            subjects,
            canned_replies,
        })
    }

    /// The questionnaire's subjects.
    pub async fn subjects(&self) -> Result<Vec<String>> {
        let mut conn = self.db.reader.acquire().await?;
        subjects(&mut conn).await
    }

    /// One conversation with its history, if the caller may read it: supervisors
    /// all; agents the queue, their own, their archive, and the earlier
    /// conversations of a customer they can see.
    pub async fn conversation(
        &self,
        caller: &Caller,
        id: ConversationId,
    ) -> Result<ConversationDetail> {
        let mut tx = self.db.read().await?;
        let conversation = rows::summary(&mut tx, id).await?;
        if !may_read(&mut tx, caller, &conversation).await? {
            return Err(Error::forbidden("this conversation is not yours to read"));
        }
        let messages = rows::messages(&mut tx, id).await?;
        let earlier = rows::summaries(
            &mut tx,
            "WHERE c.customer_id = $1 AND c.id < $2 AND c.state = 'archived' ORDER BY c.id DESC",
            &[conversation.customer.id, id],
        )
        .await?;
        tx.commit().await?;
        Ok(ConversationDetail {
            conversation,
            messages,
            earlier,
        })
    }

    /// A page of closed conversations with their messages, in the order they last
    /// changed, after `after`.
    pub async fn archive(&self, caller: &Caller, q: &ArchiveQuery) -> Result<ArchivePage> {
        let limit = i64::from(q.limit.unwrap_or(50));
        if !(1..=200).contains(&limit) {
            return Err(Error::field_said(crate::words!(
                "error-page-size",
                max = 200u32
            )));
        }
        let after = q.after.unwrap_or(0);
        let whose = if caller.sees_everything() {
            match (q.all.unwrap_or(false), q.agent_id) {
                (true, Some(_)) => {
                    return Err(Error::field_said(crate::words!("error-all-or-agent")))
                }
                (true, None) => None,
                (false, agent) => Some(agent.unwrap_or(caller.id)),
            }
        } else {
            if q.all == Some(true) || q.agent_id.is_some_and(|id| id != caller.id) {
                return Err(Error::forbidden("agents can only page their own archive"));
            }
            Some(caller.id)
        };
        let mut tx = self.db.read().await?;
        let pruned = events::pruned_through(&mut tx).await?;
        if after > 0 && after < pruned {
            tx.commit().await?;
            return Err(Error::new(
                ErrorCode::ResyncRequired,
                format!(
                    "removals from the archive before {pruned} are no longer kept: page from the start (after=0)"
                ),
            ));
        }
        let base = "WHERE c.state = 'archived' AND cu.blocked = 0 AND c.version > $1 ";
        let list = match whose {
            Some(agent) => {
                rows::summaries(
                    &mut tx,
                    &format!("{base}AND c.closed_by = $3 ORDER BY c.version LIMIT $2"),
                    &[after, limit + 1, agent],
                )
                .await?
            }
            None => {
                rows::summaries(
                    &mut tx,
                    &format!("{base}ORDER BY c.version LIMIT $2"),
                    &[after, limit + 1],
                )
                .await?
            }
        };
        let has_more = list.len() as i64 > limit;
        let remaining: i64 = if has_more {
            let count = "SELECT COUNT(*) FROM conversations c \
                         JOIN customers cu ON cu.id = c.customer_id ";
            let sql = match whose {
                Some(_) => format!("{count}{base}AND c.closed_by = $2"),
                None => format!("{count}{base}AND $2 = $2"),
            };
            let q = sqlx::query(&sql).bind(after).bind(whose.unwrap_or(0));
            q.fetch_one(&mut *tx).await?.try_get(0)?
        } else {
            list.len() as i64
        };
        let list: Vec<ConversationSummary> = list.into_iter().take(limit as usize).collect();
        let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
        let mut messages = messages_of(&mut tx, self.db.backend, &ids).await?;
        // A full page ends at its last row; the last page covers everything so far.
        let next_cursor = match (has_more, list.last()) {
            (true, Some(c)) => c.version,
            _ => sqlx::query("SELECT seq FROM event_counter WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?,
        };
        let removed_sql = match whose {
            Some(_) => {
                "SELECT conversation_id, seq FROM archive_removals \
                        WHERE seq > $1 AND seq <= $2 AND agent_id = $3 ORDER BY seq"
            }
            None => {
                "SELECT conversation_id, seq FROM archive_removals \
                     WHERE seq > $1 AND seq <= $2 AND $3 = $3 ORDER BY seq"
            }
        };
        let removed = sqlx::query(removed_sql)
            .bind(after)
            .bind(next_cursor)
            .bind(whose.unwrap_or(0))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok(ArchiveRemoval {
                    conversation_id: r.try_get(0)?,
                    seq: r.try_get(1)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        tx.commit().await?;
        Ok(ArchivePage {
            conversations: list
                .into_iter()
                .map(|c| ArchivedConversation {
                    messages: messages.remove(&c.id).unwrap_or_default(),
                    conversation: c,
                })
                .collect(),
            removed,
            next_cursor,
            has_more,
            remaining,
        })
    }

    /// Blocked customers with their conversations and what they wrote while
    /// blocked (supervisors).
    pub async fn blocked_customers(&self, caller: &Caller) -> Result<Vec<BlockedCustomer>> {
        if !caller.sees_everything() {
            return Err(Error::forbidden(
                "only supervisors can list blocked customers",
            ));
        }
        let mut tx = self.db.read().await?;
        let rows_ = sqlx::query(
            "SELECT cu.id, cu.name, cu.email, cu.phone, cu.sms_opted_out, cu.blocked_at, cu.blocked_by, a.name AS blocker \
             FROM customers cu LEFT JOIN agents a ON a.id = cu.blocked_by \
             WHERE cu.blocked = 1 ORDER BY cu.blocked_at DESC, cu.id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows_.len());
        for r in rows_ {
            let id: i64 = r.try_get("id")?;
            let conversations =
                rows::summaries(&mut tx, "WHERE c.customer_id = $1 ORDER BY c.id", &[id]).await?;
            let sql = format!(
                "{}WHERE m.hidden = 1 AND m.conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1) ORDER BY m.id",
                rows::MESSAGE_SELECT
            );
            let hidden_messages = sqlx::query(&sql)
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(rows::message_from_row)
                .collect::<Result<Vec<_>>>()?;
            let blocked_by = match (
                r.try_get::<Option<i64>, _>("blocked_by")?,
                r.try_get::<Option<String>, _>("blocker")?,
            ) {
                (Some(id), Some(name)) => Some(AgentRef { id, name }),
                _ => None,
            };
            out.push(BlockedCustomer {
                customer: Customer {
                    id,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    phone: r.try_get("phone")?,
                    blocked: true,
                    sms_opted_out: r.try_get::<i64, _>("sms_opted_out")? != 0,
                },
                blocked_at: ts(r.try_get::<Option<i64>, _>("blocked_at")?.unwrap_or(0)),
                blocked_by,
                conversations,
                hidden_messages,
            });
        }
        tx.commit().await?;
        Ok(out)
    }
}
