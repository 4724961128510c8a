//! Internal notes: what agents write in a conversation for each other. A note
//! is kept with the conversation's history for the team and never reaches the
//! customer (the customer API and stream list customer and agent lines only,
//! and no text is queued for it).
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::error::{Error, Result};
use crate::store::agents::Caller;
use crate::store::blocks::conversations::may_read;
use crate::store::blocks::messages;
use crate::store::ops::fingerprint;
use crate::store::{rows, Store};
use crate::validate;
use switchboard_protocol::{ConversationId, Message};
use uuid::Uuid;

impl Store {
    /// Write an internal note in a conversation the caller may read, in any
    /// state (the queue, someone's, the archive), once per op id.
    pub async fn note(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
        body: String,
    ) -> Result<Message> {
        validate::message(&body)?;
        let me = caller.clone();
        let fp = fingerprint("note", id, &body);
        self.run_op(caller.id, op_id, fp, move |conn, emitted| {
            Box::pin(async move {
                let current = rows::summary(conn, id).await?;
                if !may_read(conn, &me, &current).await? {
                    return Err(Error::forbidden(
                        "this conversation is not yours to write notes in",
                    ));
                }
                messages::note(conn, emitted, id, me.id, &body).await
            })
        })
        .await
    }
}
