//! End-of-chat surveys: one per end, credited to the agent who ended the
//! conversation, answered once, on the chat page or by text.

use crate::db::{now_ms, ts};
use crate::error::{Error, Result};
use crate::hub::Audience;
use crate::store::customers::authorize;
use crate::store::events::conversation_event;
use crate::store::ops::Emitted;
use crate::store::sms::{self, TextKind};
use crate::store::Store;
use crate::validate;
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{
    Channel, ConversationId, ConversationSummary, CustomerSurvey, ErrorCode, EventKind,
    SurveyRequest, SurveyResult,
};

/// The survey text sent when a texted conversation ends.
pub const SURVEY_QUESTION: &str = "How did we do? Reply with a number from 1 to 5.";
/// The one answer to a reply that is not a rating.
pub const CLARIFICATION: &str =
    "Sorry, we didn't catch that. Please reply with just a number from 1 (poor) to 5 (excellent).";
/// The answer to a rating by text.
pub const THANKS: &str = "Thank you for your feedback!";
/// How long after the end a text is read as the survey's answer.
pub const SMS_SURVEY_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// Longest survey comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1_000;

/// Records that an end asks the customer to rate it: on the chat page, or by a
/// text for texted conversations (unless the customer opted out or is blocked).
pub async fn request(
    conn: &mut AnyConnection,
    closure: i64,
    current: &ConversationSummary,
    agent: i64,
    now: i64,
) -> Result<()> {
    let texted = current.channel == Channel::Sms;
    let phone = current.customer.phone.as_deref();
    let can_text = texted && !current.customer.sms_opted_out && !current.customer.blocked;
    let asked = !texted || can_text;
    if let (true, Some(to)) = (can_text, phone) {
        sms::queue_text(
            conn,
            current.id,
            None,
            to,
            SURVEY_QUESTION,
            TextKind::Survey,
        )
        .await?;
    }
    sqlx::query(
        "INSERT INTO surveys (closure_id, conversation_id, agent_id, channel, asked, requested_at, sms_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(closure)
    .bind(current.id)
    .bind(agent)
    .bind(current.channel.as_str())
    .bind(i64::from(asked))
    .bind(now)
    .bind(can_text.then_some("asked"))
    .execute(conn)
    .await?;
    Ok(())
}

/// The survey of the conversation's current end, as its customer sees it.
pub async fn current(
    conn: &mut AnyConnection,
    id: ConversationId,
) -> Result<Option<CustomerSurvey>> {
    let row = sqlx::query(
        "SELECT s.rating, s.comment, s.answered_at FROM conversations c \
         JOIN surveys s ON s.closure_id = c.closure_id WHERE c.id = $1 AND c.state = 'archived'",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(CustomerSurvey {
            rating: r
                .try_get::<Option<i64>, _>(0)?
                .and_then(|v| u8::try_from(v).ok()),
            comment: r.try_get(1)?,
            answered_at: r.try_get::<Option<i64>, _>(2)?.map(ts),
        })
    })
    .transpose()
}

/// Stores the rating of the conversation's current end, once, and tells the
/// agent who ended it (the survey reaches their archive).
pub async fn answer(
    conn: &mut AnyConnection,
    emitted: &mut Emitted,
    id: ConversationId,
    rating: u8,
    comment: Option<&str>,
) -> Result<SurveyResult> {
    let row = sqlx::query(
        "SELECT c.state, s.closure_id, s.rating FROM conversations c \
         LEFT JOIN surveys s ON s.closure_id = c.closure_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("conversation"))?;
    let state: String = row.try_get(0)?;
    let closure: Option<i64> = row.try_get(1)?;
    let closure = match (state.as_str(), closure) {
        ("archived", Some(c)) => c,
        _ => {
            return Err(Error::state(
                "this conversation has not ended, so there is nothing to rate yet",
            ))
        }
    };
    if row.try_get::<Option<i64>, _>(2)?.is_some() {
        return Err(already_answered());
    }
    let now = now_ms();
    let n = sqlx::query(
        "UPDATE surveys SET rating = $1, comment = $2, answered_at = $3 \
         WHERE closure_id = $4 AND rating IS NULL",
    )
    .bind(i64::from(rating))
    .bind(comment)
    .bind(now)
    .bind(closure)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(already_answered());
    }
    let (ev, _) = conversation_event(conn, id, Audience::SUPERVISORS, |conversation| {
        EventKind::SurveyAnswered { conversation }
    })
    .await?;
    emitted.push(ev);
    Ok(SurveyResult {
        rating,
        comment: comment.map(str::to_owned),
        answered_at: ts(now),
    })
}

fn already_answered() -> Error {
    Error::new(
        ErrorCode::SurveyAnswered,
        "this survey was already answered; the first answer stands",
    )
}

/// Checks a rating from the page: a whole number from 1 to 5.
pub fn check_rating(rating: i64) -> Result<u8> {
    match u8::try_from(rating) {
        Ok(r @ 1..=5) => Ok(r),
        _ => Err(Error::field(format!(
            "rating must be a whole number from 1 to 5, not {rating}"
        ))),
    }
}

/// Reads a text as a rating: "5", " 4 ", "5 stars", "five", "4/5", "3 out of 5",
/// "★★★★". Anything else is not a rating.
pub fn parse_rating(text: &str) -> Option<u8> {
    let t = text
        .trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase();
    let stars = t.chars().filter(|c| matches!(c, '★' | '⭐')).count();
    if stars > 0
        && t.chars()
            .all(|c| matches!(c, '★' | '⭐' | '\u{fe0f}' | ' '))
    {
        return u8::try_from(stars).ok().filter(|n| (1..=5).contains(n));
    }
    let mut words = t.split_whitespace();
    let first = words.next()?;
    let (number, rest_of_first) = match first.split_once('/') {
        Some((n, "5")) => (n, true),
        Some(_) => return None,
        None => (first, false),
    };
    let n = match number {
        "1" | "one" => 1,
        "2" | "two" => 2,
        "3" | "three" => 3,
        "4" | "four" => 4,
        "5" | "five" => 5,
        _ => return None,
    };
    let rest: Vec<&str> = words.collect();
    let ok = matches!(
        (rest_of_first, rest.as_slice()),
        (_, [])
            | (false, ["star" | "stars"])
            | (false, ["/", "5"])
            | (false, ["out", "of", "5" | "five"])
            | (false, ["out", "of", "5" | "five", "stars"])
    );
    ok.then_some(n)
}

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
        authorize(&mut tx, id, token).await?;
        let mut emitted = Vec::new();
        let result = answer(&mut tx, &mut emitted, id, rating, comment).await?;
        self.commit(tx, emitted).await?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_people_text_are_read() {
        for (text, want) in [
            ("5", Some(5)),
            (" 4 ", Some(4)),
            ("5 stars", Some(5)),
            ("1 star", Some(1)),
            ("five", Some(5)),
            ("Five!", Some(5)),
            ("THREE", Some(3)),
            ("4/5", Some(4)),
            ("4 / 5", Some(4)),
            ("2 out of 5", Some(2)),
            ("3.", Some(3)),
            ("★★★★", Some(4)),
            ("⭐⭐⭐⭐⭐", Some(5)),
            ("\n2\n", Some(2)),
        ] {
            assert_eq!(parse_rating(text), want, "{text:?}");
        }
    }

    #[test]
    fn everything_else_is_not_a_rating() {
        for text in [
            "",
            "0",
            "6",
            "10",
            "3.5",
            "45",
            "-1",
            "5 but slow",
            "thanks",
            "stop",
            "4/10",
            "★★★★★★",
            "one two",
            "5 out of 10",
            "1,000",
        ] {
            assert_eq!(parse_rating(text), None, "{text:?}");
        }
    }

    #[test]
    fn page_ratings_outside_one_to_five_are_refused() {
        assert_eq!(check_rating(1).unwrap(), 1);
        assert_eq!(check_rating(5).unwrap(), 5);
        for bad in [0, 6, -1, 256, i64::MAX] {
            assert_eq!(
                check_rating(bad).unwrap_err().body.code,
                ErrorCode::InvalidField
            );
        }
    }
}
