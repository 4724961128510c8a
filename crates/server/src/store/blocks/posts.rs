//! Customers' client-made post ids: a line or a file from the chat page (or
//! the customer API) carries a fresh UUID, so that a retry after a lost answer
//! stores nothing twice and gets the first answer again. The only writer of
//! `customer_posts` besides the retention sweep.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::store::blocks::tokens;
use crate::store::rows;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    ConversationId, CustomerId, CustomerMessageResponse, CustomerSession, ErrorCode, MessageId,
};
use uuid::Uuid;

/// What a post carries, to tell a retry from another post reusing its id.
pub enum Posting<'a> {
    /// A line of text.
    Line(&'a str),
    /// A file: its name as kept and its content's SHA-256.
    File { name: &'a str, sha256: &'a str },
}

/// Whether message `posted` is what `what` describes.
async fn same(
    conn: &mut AnyConnection,
    posted: MessageId,
    body: &str,
    what: &Posting<'_>,
) -> Result<bool> {
    match what {
        Posting::Line(line) => Ok(body == *line),
        Posting::File { name, sha256 } => {
            let file = sqlx::query("SELECT name, sha256 FROM attachments WHERE message_id = $1")
                .bind(posted)
                .fetch_optional(&mut *conn)
                .await?;
            Ok(match file {
                Some(r) => {
                    let (n, s): (String, String) = (r.try_get(0)?, r.try_get(1)?);
                    n == *name && s == *sha256
                }
                None => false,
            })
        }
    }
}

/// Claims post id `client` for conversation `id`. The first claim gets `None`
/// (post now, in this transaction, then [`record`]); a retry gets the first
/// answer again: the same message, with a fresh token when it went to another
/// conversation. The same id for something else is refused
/// (`op_id_reused`). On PostgreSQL a concurrent retry waits here for the
/// first attempt to commit.
pub async fn claim(
    conn: &mut AnyConnection,
    id: ConversationId,
    client: Uuid,
    what: Posting<'_>,
) -> Result<Option<CustomerMessageResponse>> {
    let claimed = sqlx::query(
        "INSERT INTO customer_posts (conversation_id, client_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (conversation_id, client_id) DO NOTHING",
    )
    .bind(id)
    .bind(client.to_string())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 1 {
        return Ok(None);
    }
    let posted: Option<i64> = sqlx::query(
        "SELECT message_id FROM customer_posts WHERE conversation_id = $1 AND client_id = $2",
    )
    .bind(id)
    .bind(client.to_string())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let posted =
        posted.ok_or_else(|| Error::internal("customer post", "claimed without a message"))?;
    let message = rows::message(conn, posted).await?;
    if !same(conn, posted, &message.body, &what).await? {
        return Err(Error::new(
            ErrorCode::OpIdReused,
            "this client_id was already used for a different message",
        ));
    }
    let session = if message.conversation_id == id {
        None
    } else {
        Some(CustomerSession {
            conversation_id: message.conversation_id,
            token: tokens::issue(conn, message.conversation_id).await?,
        })
    };
    Ok(Some(CustomerMessageResponse {
        message: rows::customers_own(message),
        session,
    }))
}

/// Records the message a claimed post id made (same transaction as the claim).
pub async fn record(
    conn: &mut AnyConnection,
    id: ConversationId,
    client: Uuid,
    message: MessageId,
) -> Result<()> {
    sqlx::query(
        "UPDATE customer_posts SET message_id = $1 WHERE conversation_id = $2 AND client_id = $3",
    )
    .bind(message)
    .bind(id)
    .bind(client.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets `customer`'s post ids (an erasure; before their messages go).
pub async fn erase(conn: &mut AnyConnection, customer: CustomerId) -> Result<()> {
    sqlx::query(
        "DELETE FROM customer_posts WHERE conversation_id IN \
         (SELECT id FROM conversations WHERE customer_id = $1)",
    )
    .bind(customer)
    .execute(conn)
    .await?;
    Ok(())
}
