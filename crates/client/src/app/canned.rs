//! Canned replies as the composer offers them: the team's list from the cache
//! (offline too), and a reply's text for one conversation, to edit before sending.

use super::App;
use crate::error::{ClientError, ErrorCode, Result};
use switchboard_protocol::{CannedReply, CannedReplyRequest};

/// `body` with `{customer.name}` and `{agent.name}` filled in. Other braces stay
/// as they are; the values are inserted as text, never read for placeholders.
pub fn fill_placeholders(body: &str, customer: &str, agent: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let next = [("{customer.name}", customer), ("{agent.name}", agent)]
            .into_iter()
            .filter_map(|(p, v)| rest.find(p).map(|at| (at, p, v)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, placeholder, value)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str(value);
        rest = &rest[at + placeholder.len()..];
    }
}

impl App {
    /// The team's canned replies, by shortcut, as last synced.
    pub async fn canned_replies(&self) -> Result<Vec<CannedReply>> {
        self.with(|e| e.canned_replies()).await
    }

    /// Canned reply `reply`'s text for conversation `conversation`, its
    /// placeholders filled in: the composer inserts it for editing; nothing is sent.
    pub async fn canned_text(&self, conversation: i64, reply: i64) -> Result<String> {
        let me = self.session_info().await?.map(|s| s.me.name);
        self.with(|e| {
            let reply = e
                .canned_replies()?
                .into_iter()
                .find(|r| r.id == reply)
                .ok_or_else(|| ClientError::new(ErrorCode::NotFound, "no such canned reply"))?;
            let customer = e.conversation(conversation)?.conversation.customer.name;
            Ok(fill_placeholders(
                &reply.body,
                &customer,
                me.as_deref().unwrap_or_default(),
            ))
        })
        .await
    }

    /// Adds a canned reply (`id` None) or changes one (supervisors; needs the
    /// server). Every app, this one too, hears the new list through the stream.
    pub async fn save_canned_reply(
        &self,
        id: Option<i64>,
        title: String,
        shortcut: String,
        body: String,
    ) -> Result<CannedReply> {
        let req = CannedReplyRequest {
            title,
            shortcut,
            body,
        };
        let api = self.api().await?;
        match id {
            None => api.add_canned_reply(&req).await,
            Some(id) => api.update_canned_reply(id, &req).await,
        }
    }

    /// Deletes a canned reply (supervisors; needs the server).
    pub async fn delete_canned_reply(&self, id: i64) -> Result<()> {
        self.api().await?.delete_canned_reply(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::fill_placeholders;

    #[test]
    fn placeholders_are_filled_and_values_are_not_read_again() {
        assert_eq!(
            fill_placeholders(
                "Hi {customer.name}, {agent.name} here. {customer.name}?",
                "Maria",
                "Alice"
            ),
            "Hi Maria, Alice here. Maria?"
        );
        // A customer who calls herself "{agent.name}" gets her name, not Alice's.
        assert_eq!(
            fill_placeholders("Hello {customer.name}", "{agent.name}", "Alice"),
            "Hello {agent.name}"
        );
        assert_eq!(
            fill_placeholders("{x} {customer.name", "M", "A"),
            "{x} {customer.name"
        );
        assert_eq!(fill_placeholders("", "M", "A"), "");
    }
}
