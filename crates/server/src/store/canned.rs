//! Canned replies: supervisors keep the team's saved answers; every agent's app
//! caches them from the snapshot and the `canned_replies_changed` event.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::agents::Caller;
use crate::store::events;
use crate::store::ops::Emitted;
use crate::store::Store;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    CannedReply, CannedReplyRequest, ErrorCode, EventKind, CANNED_PLACEHOLDERS,
    MAX_CANNED_SHORTCUT_CHARS, MAX_CANNED_TITLE_CHARS,
};

/// Every canned reply, by shortcut.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<CannedReply>> {
    sqlx::query(
        "SELECT id, title, shortcut, body, updated_at FROM canned_replies ORDER BY shortcut",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(CannedReply {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            shortcut: r.try_get("shortcut")?,
            body: r.try_get("body")?,
            updated_at: ts(r.try_get("updated_at")?),
        })
    })
    .collect()
}

/// A checked request: title trimmed, shortcut trimmed and in lowercase, body
/// kept as written.
fn checked(req: CannedReplyRequest) -> Result<CannedReplyRequest> {
    let title = req.title.trim().to_owned();
    crate::validate::short_text("title", &title)?;
    if title.chars().count() > MAX_CANNED_TITLE_CHARS {
        return Err(crate::validate::too_long("title", MAX_CANNED_TITLE_CHARS));
    }
    let shortcut = req.shortcut.trim().to_ascii_lowercase();
    let fits = (1..=MAX_CANNED_SHORTCUT_CHARS).contains(&shortcut.len())
        && shortcut
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !fits {
        return Err(Error::field_said(crate::words!(
            "error-shortcut",
            max = MAX_CANNED_SHORTCUT_CHARS
        )));
    }
    crate::validate::message_in("body", &req.body)?;
    if let Some(unknown) = unknown_placeholder(&req.body) {
        let [first, second] = CANNED_PLACEHOLDERS;
        return Err(Error::field_said(crate::words!(
            "error-placeholder",
            placeholder = unknown,
            first = first,
            second = second
        )));
    }
    Ok(CannedReplyRequest {
        title,
        shortcut,
        body: req.body,
    })
}

/// The first `{word.word}` in `body` that is not a known placeholder. Braces
/// around anything else (a space, a quote) are text.
fn unknown_placeholder(body: &str) -> Option<&str> {
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let inner_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(after.len());
        if inner_len > 0 && after[inner_len..].starts_with('}') {
            let candidate = &rest[open..open + inner_len + 2];
            if !CANNED_PLACEHOLDERS.contains(&candidate) {
                return Some(candidate);
            }
        }
        rest = after;
    }
    None
}

fn supervisors_only(caller: Option<&Caller>) -> Result<()> {
    if caller.is_some_and(|c| !c.sees_everything()) {
        return Err(Error::forbidden(
            "only supervisors can change canned replies",
        ));
    }
    Ok(())
}

async fn shortcut_free(
    conn: &mut AnyConnection,
    shortcut: &str,
    except: Option<i64>,
) -> Result<()> {
    let taken = sqlx::query("SELECT id FROM canned_replies WHERE shortcut = $1 AND id <> $2")
        .bind(shortcut)
        .bind(except.unwrap_or(0))
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    if taken {
        return Err(Error::new(
            ErrorCode::ShortcutTaken,
            format!("another canned reply has the shortcut /{shortcut}"),
        ));
    }
    Ok(())
}

/// Tells every app the canned replies as they are now.
async fn changed(conn: &mut AnyConnection, emitted: &mut Emitted) -> Result<()> {
    let replies = all(conn).await?;
    let seq = events::next_seq(conn).await?;
    emitted.push(
        events::insert(
            conn,
            seq,
            EventKind::CannedRepliesChanged { replies },
            Audience::ALL,
        )
        .await?,
    );
    Ok(())
}

async fn one(conn: &mut AnyConnection, id: i64) -> Result<CannedReply> {
    all(conn)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Error::not_found("canned reply"))
}

impl Store {
    /// Every canned reply, by shortcut (any agent).
    pub async fn canned_replies(&self) -> Result<Vec<CannedReply>> {
        let mut conn = self.db.reader.acquire().await?;
        all(&mut conn).await
    }

    /// Adds a canned reply (supervisors; the admin CLI).
    pub async fn add_canned_reply(
        &self,
        caller: Option<&Caller>,
        req: CannedReplyRequest,
    ) -> Result<CannedReply> {
        self.save_canned_reply(caller, None, req).await
    }

    /// Replaces a canned reply's title, shortcut and body (supervisors).
    pub async fn update_canned_reply(
        &self,
        caller: Option<&Caller>,
        id: i64,
        req: CannedReplyRequest,
    ) -> Result<CannedReply> {
        self.save_canned_reply(caller, Some(id), req).await
    }

    /// Adds (`id` None) or replaces a canned reply, and tells every app.
    async fn save_canned_reply(
        &self,
        caller: Option<&Caller>,
        id: Option<i64>,
        req: CannedReplyRequest,
    ) -> Result<CannedReply> {
        supervisors_only(caller)?;
        let req = checked(req)?;
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        if let Some(id) = id {
            one(&mut tx, id).await?;
        }
        shortcut_free(&mut tx, &req.shortcut, id).await?;
        let sql = match id {
            None => {
                "INSERT INTO canned_replies (title, shortcut, body, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id"
            }
            Some(_) => {
                "UPDATE canned_replies SET title = $1, shortcut = $2, body = $3, updated_at = $4 \
                 WHERE id = $5 RETURNING id"
            }
        };
        let last = match id {
            None => caller.map(|c| c.id),
            Some(id) => Some(id),
        };
        let saved: i64 = sqlx::query(sql)
            .bind(&req.title)
            .bind(&req.shortcut)
            .bind(&req.body)
            .bind(now_ms())
            .bind(last)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let reply = one(&mut tx, saved).await?;
        changed(&mut tx, &mut emitted).await?;
        self.commit(tx, emitted).await?;
        Ok(reply)
    }

    /// Deletes a canned reply (supervisors; the admin CLI).
    pub async fn delete_canned_reply(&self, caller: Option<&Caller>, id: i64) -> Result<()> {
        supervisors_only(caller)?;
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let n = sqlx::query("DELETE FROM canned_replies WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::not_found("canned reply"));
        }
        changed(&mut tx, &mut emitted).await?;
        self.commit(tx, emitted).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_placeholders_pass_and_other_braces_are_text() {
        assert_eq!(
            unknown_placeholder("Hi {customer.name}, I am {agent.name}."),
            None
        );
        assert_eq!(
            unknown_placeholder("Hi {customer.email}"),
            Some("{customer.email}")
        );
        assert_eq!(unknown_placeholder("Hi {name}"), Some("{name}"));
        assert_eq!(
            unknown_placeholder("a { b } {} {{customer.name}} {x y}"),
            None
        );
        assert_eq!(unknown_placeholder("unclosed {customer.name"), None);
        assert_eq!(unknown_placeholder("é {agent.nom}"), Some("{agent.nom}"));
    }

    #[test]
    fn shortcuts_are_lowercased_and_checked() {
        let req = |shortcut: &str| CannedReplyRequest {
            title: " Refund ".into(),
            shortcut: shortcut.into(),
            body: "Refunded.".into(),
        };
        let ok = checked(req(" Refund-2_x ")).unwrap();
        assert_eq!(
            (ok.title.as_str(), ok.shortcut.as_str()),
            ("Refund", "refund-2_x")
        );
        for bad in ["", "  ", "has space", "/refund", "é", &"x".repeat(33)] {
            let refused = checked(req(bad)).unwrap_err();
            assert_eq!(refused.body.code, ErrorCode::InvalidField, "{bad:?}");
        }
    }
}
