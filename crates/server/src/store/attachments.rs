//! Attachments: customers attach files on the chat page, the occupant in the
//! app; each becomes a line of the conversation carrying the file. Downloads
//! are for those who may read the conversation, and for its customer (never a
//! note's).
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::error::{Error, Result};
use crate::store::agents::Caller;
use crate::store::blocks::attachments::{self, Content, Prepared};
use crate::store::blocks::conversations::may_read;
use crate::store::blocks::occupancy::answered;
use crate::store::blocks::posts::{self, Posting};
use crate::store::blocks::{messages, texts, tokens};
use crate::store::ops::fingerprint;
use crate::store::{rows, Store};
use switchboard_protocol::{
    ConversationId, ConversationState, CustomerMessageResponse, ErrorCode, Message,
};
use uuid::Uuid;

impl Store {
    /// Checks the name and size, then hashes, sniffs and makes the thumbnail on
    /// a blocking thread (before any transaction).
    pub(super) async fn prepared(&self, name: &str, bytes: Vec<u8>) -> Result<(String, Prepared)> {
        let name = attachments::clean_name(name)?;
        if bytes.is_empty() {
            return Err(Error::field_said(crate::words!("error-file-empty")));
        }
        let max = self.config.attachment_max_bytes;
        if bytes.len() > max {
            return Err(Error::new(
                ErrorCode::BodyTooLarge,
                format!("a file may have at most {} MiB", max / (1024 * 1024)),
            ));
        }
        let file = tokio::task::spawn_blocking(move || attachments::prepare(bytes))
            .await
            .map_err(|e| Error::internal("preparing an attachment", e))?;
        Ok((name, file))
    }

    /// The customer attaches a file: a line of theirs that carries it. Not on
    /// an ended conversation (writing starts a new one) nor a blocked customer's.
    /// With a client-made id, a retry stores nothing new and gets the first
    /// answer again (as for lines).
    pub async fn customer_attach(
        &self,
        id: ConversationId,
        token: &str,
        name: &str,
        bytes: Vec<u8>,
        client_id: Option<Uuid>,
    ) -> Result<CustomerMessageResponse> {
        let (name, file) = self.prepared(name, bytes).await?;
        let mut tx = self.db.write().await?;
        tokens::check(&mut tx, id, token).await?;
        if let Some(client) = client_id {
            let what = Posting::File {
                name: &name,
                sha256: &file.sha256,
            };
            if let Some(first) = posts::claim(&mut tx, id, client, what).await? {
                self.commit(tx, Vec::new()).await?;
                return Ok(first);
            }
        }
        let current = rows::summary(&mut tx, id).await?;
        if current.customer.blocked || current.state == ConversationState::Spam {
            return Err(Error::forbidden(
                "files cannot be sent to this conversation",
            ));
        }
        if current.state == ConversationState::Archived {
            return Err(Error::state(
                "this conversation has ended: write a message to start a new one",
            ));
        }
        let mut emitted = Vec::new();
        let message =
            messages::customer(&mut tx, &mut emitted, id, "", false, Some((&file, &name))).await?;
        if let Some(client) = client_id {
            posts::record(&mut tx, id, client, message.id).await?;
        }
        self.commit(tx, emitted).await?;
        Ok(CustomerMessageResponse {
            message: rows::customers_own(message),
            session: None,
        })
    }

    /// The occupant attaches a file: a reply that carries it, once per op id.
    /// To a customer who writes by text it goes as MMS (queued with the line),
    /// when the server's public address is known for the provider to fetch it.
    pub async fn agent_attach(
        &self,
        caller: &Caller,
        id: ConversationId,
        op_id: Uuid,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<Message> {
        let (name, file) = self.prepared(name, bytes).await?;
        let me = caller.clone();
        let by_text = self.config.texts_carry_files;
        let fp = fingerprint("attach", id, &(&name, &file.sha256));
        let message = self
            .run_op(caller.id, op_id, fp, move |conn, emitted| {
                Box::pin(async move {
                    let now = crate::db::now_ms();
                    answered(conn, id, &me, now, "send files to").await?;
                    let phone = texts::recipient(conn, id).await?;
                    if phone.is_some() && !by_text {
                        return Err(Error::state(
                            "this customer writes by text, and files can go by text only when \
                         the server knows its public address (serve --public-url)",
                        ));
                    }
                    let line =
                        messages::agent(conn, emitted, id, me.id, "", now, Some((&file, &name)))
                            .await?;
                    if let (Some(to), Some(a)) = (phone, line.attachments.first()) {
                        texts::queue_file(conn, id, line.id, &to, a.id).await?;
                    }
                    Ok(line)
                })
            })
            .await?;
        self.texts.notify_one();
        Ok(message)
    }

    /// A file texted to a customer, for the SMS provider (by its media token).
    pub async fn sms_media(&self, token: &str) -> Result<Content> {
        let gone = || Error::not_found("texted file");
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(gone());
        }
        let mut tx = self.db.read().await?;
        let Some(attachment) = texts::media(&mut tx, token).await? else {
            return Err(gone());
        };
        let content = attachments::content(&mut tx, attachment, false).await?;
        tx.commit().await?;
        content.ok_or_else(gone)
    }

    /// An attachment's content (or thumbnail) for an agent who may read its
    /// conversation.
    pub async fn agent_download(
        &self,
        caller: &Caller,
        attachment: i64,
        thumbnail: bool,
    ) -> Result<Content> {
        let mut tx = self.db.read().await?;
        let content = attachments::content(&mut tx, attachment, thumbnail).await?;
        let Some(content) = content else {
            return Err(Error::not_found("thumbnail of this attachment"));
        };
        let conversation = rows::summary(&mut tx, content.conversation).await?;
        if !may_read(&mut tx, caller, &conversation).await? {
            return Err(Error::forbidden("this conversation is not yours to read"));
        }
        tx.commit().await?;
        Ok(content)
    }

    /// An attachment's content (or thumbnail) for the customer of its
    /// conversation: their files and the agents', never a note's.
    pub async fn customer_download(
        &self,
        id: ConversationId,
        token: &str,
        attachment: i64,
        thumbnail: bool,
    ) -> Result<Content> {
        let mut tx = self.db.read().await?;
        tokens::check(&mut tx, id, token).await?;
        let content = attachments::content(&mut tx, attachment, thumbnail).await;
        tx.commit().await?;
        match content? {
            Some(c)
                if c.conversation == id && matches!(c.author.as_str(), "customer" | "agent") =>
            {
                Ok(c)
            }
            _ => Err(Error::not_found("attachment in this conversation")),
        }
    }
}
