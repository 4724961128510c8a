//! Field checks shared by every route. Text is stored exactly as sent: these only
//! refuse what cannot be used, they never rewrite.

use crate::error::{Error, Field, Result};
use crate::words;
use switchboard_protocol::{
    ErrorCode, MAX_LANGUAGE_TAG_CHARS, MAX_MESSAGE_CHARS, MAX_SHORT_TEXT_CHARS,
};

/// Text no database can store: U+0000 (PostgreSQL refuses it in text columns).
fn storable(field: &'static str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(Error::field_said(words!(
            "error-nul-character",
            field = Field(field)
        )));
    }
    Ok(())
}

/// A name, email or subject: not blank, at most 1,000 characters.
pub fn short_text(field: &'static str, value: &str) -> Result<()> {
    storable(field, value)?;
    if value.trim().is_empty() {
        return Err(blank(field));
    }
    if value.chars().count() > MAX_SHORT_TEXT_CHARS {
        return Err(too_long(field, MAX_SHORT_TEXT_CHARS));
    }
    Ok(())
}

/// An email address: short text with an `@` between something and something.
pub fn email(value: &str) -> Result<()> {
    short_text("email", value)?;
    match value.trim().rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => Err(Error::field_said(words!("error-email"))),
    }
}

/// 400 `invalid_field`: `field` is blank.
pub fn blank(field: &'static str) -> Error {
    Error::field_said(words!("error-blank", field = Field(field)))
}

/// 400 `invalid_field`: `field` is longer than `max` characters.
pub fn too_long(field: &'static str, max: usize) -> Error {
    Error::field_said(words!("error-too-long", field = Field(field), max = max))
}

/// `field` has `count` characters, more than `max`.
fn too_many(code: ErrorCode, field: &'static str, count: usize, max: usize) -> Error {
    Error::said(
        code,
        words!(
            "error-too-many-characters",
            field = Field(field),
            count = count,
            max = max
        ),
    )
}

/// A message body: not blank, at most 10,000 characters.
pub fn message(body: &str) -> Result<()> {
    message_in("message", body)
}

/// A message-like text in request field `field` (a canned reply's body).
pub fn message_in(field: &'static str, body: &str) -> Result<()> {
    storable(field, body)?;
    if body.trim().is_empty() {
        return Err(blank(field));
    }
    let n = body.chars().count();
    if n > MAX_MESSAGE_CHARS {
        return Err(too_many(
            ErrorCode::MessageTooLong,
            field,
            n,
            MAX_MESSAGE_CHARS,
        ));
    }
    Ok(())
}

/// An optional free-text comment: storable, at most `max` characters.
pub fn comment(value: &str, max: usize) -> Result<()> {
    storable("comment", value)?;
    let n = value.chars().count();
    if n > max {
        return Err(too_many(ErrorCode::InvalidField, "comment", n, max));
    }
    Ok(())
}

/// A page's language: a BCP 47 tag of at most 35 characters (language, then
/// script, region and variants; no extensions), answered with the nearest
/// language the server has (English when none: `pt-BR` on a server without
/// Portuguese). A tag that is not one is refused; one the server lacks is not.
pub fn language(tag: &str) -> Result<switchboard_i18n::Lang> {
    let n = tag.chars().count();
    if n > MAX_LANGUAGE_TAG_CHARS {
        return Err(too_many(
            ErrorCode::InvalidField,
            "language",
            n,
            MAX_LANGUAGE_TAG_CHARS,
        ));
    }
    let well_formed = tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && tag.parse::<unic_langid::LanguageIdentifier>().is_ok();
    if !well_formed {
        return Err(Error::field_said(words!("error-language-tag")));
    }
    Ok(switchboard_i18n::Lang::negotiate([tag]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_long_text_is_refused_with_codes() {
        assert_eq!(
            message(" \n\t").unwrap_err().body.code,
            ErrorCode::InvalidField
        );
        let long = "é".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            message(&long).unwrap_err().body.code,
            ErrorCode::MessageTooLong
        );
        assert!(message(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert!(email("a@b").is_ok());
        assert!(email("@b").is_err());
        assert!(email("ab").is_err());
        assert!(email("a@b@c").is_ok());
        assert_eq!(
            message("a\0b").unwrap_err().body.code,
            ErrorCode::InvalidField
        );
        assert_eq!(
            short_text("name", "\0").unwrap_err().body.code,
            ErrorCode::InvalidField
        );
    }

    #[test]
    fn refusals_are_the_apis_english_and_say_the_same_in_french() {
        let fr = switchboard_i18n::Lang::from_tag("fr").unwrap();
        let said = |e: Error| (e.body.message.clone(), e.message_in(fr));
        assert_eq!(
            said(short_text("title", " ").unwrap_err()),
            (
                "title must not be blank".to_string(),
                "le titre ne doit pas être vide".to_string()
            )
        );
        let n = MAX_MESSAGE_CHARS + 1;
        assert_eq!(
            said(message(&"é".repeat(n)).unwrap_err()),
            (
                format!("message has {n} characters; the limit is {MAX_MESSAGE_CHARS}"),
                format!(
                    "le message fait {n} caractères\u{a0}; la limite est de {MAX_MESSAGE_CHARS}"
                )
            )
        );
        assert_eq!(
            short_text("name", &"x".repeat(MAX_SHORT_TEXT_CHARS + 1))
                .unwrap_err()
                .body
                .message,
            format!("name must be at most {MAX_SHORT_TEXT_CHARS} characters")
        );
        assert_eq!(
            said(email("ab").unwrap_err()).0,
            "email must look like name@example.com"
        );
        assert_eq!(
            said(message("a\0b").unwrap_err()).1,
            "le message ne doit pas contenir le caractère NUL"
        );
        // English asked, or no catalog words: the message as it is.
        let plain = Error::field("x must be y");
        assert_eq!(plain.message_in(fr), "x must be y");
    }

    #[test]
    fn a_language_tag_is_kept_as_the_nearest_language_the_server_has() {
        let kept = |tag: &str| language(tag).map(|l| l.tag());
        assert_eq!(kept("fr").unwrap(), "fr");
        assert_eq!(kept("fr-CA").unwrap(), "fr");
        assert_eq!(kept("FR-ca").unwrap(), "fr");
        assert_eq!(kept("en-Latn-GB-oxendict").unwrap(), "en");
        // Well formed, but a language the server lacks: English, never an error.
        assert_eq!(kept("pt-BR").unwrap(), "en");
        assert_eq!(kept("und").unwrap(), "en");
        assert_eq!(kept("sr-Cyrl-RS-1996").unwrap(), "en");
        let long = format!("fr-{}", ["abcdefgh"; 4].join("-"));
        assert_eq!(long.len(), 38);
        for bad in [
            "",
            " fr",
            "fr ",
            "fr\n",
            "f",
            "fr-",
            "-fr",
            "french!",
            "fr_FR",
            "fr-FR.UTF-8",
            "en-US-u-ca-gregory",
            "x-private",
            "12",
            "abcd",
            "fr--CA",
            "é",
            &long,
        ] {
            let e = language(bad).unwrap_err();
            assert_eq!(e.body.code, ErrorCode::InvalidField, "{bad:?}");
            assert_eq!(e.status, 400, "{bad:?}");
        }
    }
}
