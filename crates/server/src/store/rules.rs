//! Pure rules: what a text means (a rating, an opt-out or opt-in keyword), what
//! the customer is told by text, and the limits of texts and surveys. No
//! database, no clock: the use cases and building blocks apply them.

use crate::error::{Error, Result};
use switchboard_protocol::Channel;

/// The longest text the provider accepts (Twilio: 1,600 characters).
pub const MAX_TEXT_CHARS: usize = 1_600;

/// Texts that opt a number out of every further text (the provider's standard
/// opt-out keywords, matched on the whole text).
pub const OPT_OUT_WORDS: &[&str] = &[
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "revoke",
    "optout",
];
/// Texts that opt a number back in.
pub const OPT_IN_WORDS: &[&str] = &["start", "unstop", "yes"];

/// How long after the end a text is read as the survey's answer.
pub const SMS_SURVEY_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// Longest survey comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1_000;

/// A keyword that changes whether a number may be texted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// STOP and its synonyms: no more texts.
    OptOut,
    /// START and its synonyms: texts again (only means something after an opt-out).
    OptIn,
}

/// Reads a whole text as an opt-out or opt-in keyword ("STOP", " stop! ").
pub fn keyword(body: &str) -> Option<Keyword> {
    let word = body
        .trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase();
    if OPT_OUT_WORDS.contains(&word.as_str()) {
        Some(Keyword::OptOut)
    } else if OPT_IN_WORDS.contains(&word.as_str()) {
        Some(Keyword::OptIn)
    } else {
        None
    }
}

/// How an end asks its customer for a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyAsk<'a> {
    /// The customer is asked at all (a texted customer who cannot be texted is
    /// not, and does not count as asked).
    pub asked: bool,
    /// The answer is awaited by text.
    pub by_text: bool,
    /// The number the question is texted to.
    pub text_to: Option<&'a str>,
}

/// On the chat page, or by a text for texted conversations unless the customer
/// opted out or is blocked.
pub fn survey_ask(
    channel: Channel,
    phone: Option<&str>,
    opted_out: bool,
    blocked: bool,
) -> SurveyAsk<'_> {
    let texted = channel == Channel::Sms;
    let by_text = texted && !opted_out && !blocked;
    SurveyAsk {
        asked: !texted || by_text,
        by_text,
        text_to: if by_text { phone } else { None },
    }
}

/// Checks a rating from the page: a whole number from 1 to 5.
pub fn check_rating(rating: i64) -> Result<u8> {
    match u8::try_from(rating) {
        Ok(r @ 1..=5) => Ok(r),
        _ => Err(Error::field_said(crate::words!(
            "error-rating",
            // As text: a number past 2^53 would be rounded as a Fluent number.
            rating = rating.to_string()
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

/// Attachment types shown inline (`Content-Disposition: inline`) and given a
/// thumbnail. SVG, HTML and everything else download.
pub const INLINE: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The language of the server's texts to a conversation's customer: the
/// conversation's own (the chat page's) when it is one the server has, else the
/// server's (`serve --language`).
pub fn texts_language(
    conversation: Option<&str>,
    server: switchboard_i18n::Lang,
) -> switchboard_i18n::Lang {
    conversation
        .and_then(switchboard_i18n::Lang::from_tag)
        .unwrap_or(server)
}

/// Whether attachments of this type are shown inline.
pub fn inline(content_type: &str) -> bool {
    INLINE.contains(&content_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::ErrorCode;

    #[test]
    fn texts_speak_the_conversations_language_else_the_servers() {
        use switchboard_i18n::Lang;
        let fr = Lang::from_tag("fr").unwrap();
        assert_eq!(texts_language(Some("fr"), Lang::ENGLISH), fr);
        assert_eq!(texts_language(Some("en"), fr), Lang::ENGLISH);
        assert_eq!(texts_language(None, fr), fr);
        assert_eq!(texts_language(None, Lang::ENGLISH), Lang::ENGLISH);
        // A language this build lacks (kept by another build): the server's.
        assert_eq!(texts_language(Some("xx"), fr), fr);
    }

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

    #[test]
    fn keywords_are_whole_texts_in_any_case() {
        for text in OPT_OUT_WORDS {
            assert_eq!(keyword(text), Some(Keyword::OptOut), "{text:?}");
        }
        for text in OPT_IN_WORDS {
            assert_eq!(keyword(text), Some(Keyword::OptIn), "{text:?}");
        }
        for (text, want) in [
            ("STOP", Some(Keyword::OptOut)),
            (" Stop! ", Some(Keyword::OptOut)),
            ("End.", Some(Keyword::OptOut)),
            ("\nUNSUBSCRIBE\n", Some(Keyword::OptOut)),
            ("Start", Some(Keyword::OptIn)),
            ("YES!", Some(Keyword::OptIn)),
            ("stop please", None),
            ("please stop", None),
            ("stopped", None),
            ("yes 5", None),
            ("5", None),
            ("", None),
        ] {
            assert_eq!(keyword(text), want, "{text:?}");
        }
    }

    #[test]
    fn a_survey_is_texted_only_to_a_reachable_texter() {
        let web = survey_ask(Channel::Web, None, false, false);
        assert_eq!(
            web,
            SurveyAsk {
                asked: true,
                by_text: false,
                text_to: None
            }
        );
        let texted = survey_ask(Channel::Sms, Some("+15550100"), false, false);
        assert_eq!(
            texted,
            SurveyAsk {
                asked: true,
                by_text: true,
                text_to: Some("+15550100")
            }
        );
        for (opted_out, blocked) in [(true, false), (false, true), (true, true)] {
            assert_eq!(
                survey_ask(Channel::Sms, Some("+15550100"), opted_out, blocked),
                SurveyAsk {
                    asked: false,
                    by_text: false,
                    text_to: None
                }
            );
        }
        // A web customer's phone (none today) never makes the survey a text.
        assert_eq!(
            survey_ask(Channel::Web, Some("+15550100"), false, false).text_to,
            None
        );
    }
}
