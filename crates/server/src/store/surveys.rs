//! The chat page's end-of-chat survey. (Surveys by text are read in `sms`; the
//! `surveys` table is written only by `blocks::surveys`.)
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::error::Result;
use crate::store::blocks::{surveys, tokens};
use crate::store::rules::{check_rating, MAX_COMMENT_CHARS};
use crate::store::Store;
use crate::validate;
use switchboard_protocol::{ConversationId, SurveyRequest, SurveyResult};

impl Store {
    /// The chat page's survey: a rating of 1 to 5 and an optional comment, for the
    /// conversation's current end, accepted once.
    pub async fn customer_survey(
        &self,
        id: ConversationId,
        token: &str,
        req: &SurveyRequest,
    ) -> Result<SurveyResult> {
        let rating = check_rating(req.rating)?;
        let comment = match req.comment.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) => req.comment.as_deref(),
        };
        if let Some(c) = comment {
            validate::comment(c, MAX_COMMENT_CHARS)?;
        }
        let mut tx = self.db.write().await?;
        tokens::check(&mut tx, id, token).await?;
        let mut emitted = Vec::new();
        let result = surveys::answer(&mut tx, &mut emitted, id, rating, comment).await?;
        self.commit(tx, emitted).await?;
        Ok(result)
    }
}
