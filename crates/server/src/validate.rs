//! Field checks shared by every route. Text is stored exactly as sent: these only
//! refuse what cannot be used, they never rewrite.

use crate::error::{Error, Result};
use switchboard_protocol::{
    ErrorCode, MAX_LANGUAGE_TAG_CHARS, MAX_MESSAGE_CHARS, MAX_SHORT_TEXT_CHARS,
};

/// Text no database can store: U+0000 (PostgreSQL refuses it in text columns).
fn storable(field: &str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(Error::field(format!(
            "{field} must not contain the NUL character"
        )));
    }
    Ok(())
}

/// A name, email or subject: not blank, at most 1,000 characters.
pub fn short_text(field: &str, value: &str) -> Result<()> {
    storable(field, value)?;
    if value.trim().is_empty() {
        return Err(Error::field(format!("{field} must not be blank")));
    }
    if value.chars().count() > MAX_SHORT_TEXT_CHARS {
        return Err(Error::field(format!(
            "{field} must be at most {MAX_SHORT_TEXT_CHARS} characters"
        )));
    }
    Ok(())
}

/// An email address: short text with an `@` between something and something.
pub fn email(value: &str) -> Result<()> {
    short_text("email", value)?;
    match value.trim().rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => Err(Error::field("email must look like name@example.com")),
    }
}

/// A message body: not blank, at most 10,000 characters.
pub fn message(body: &str) -> Result<()> {
    storable("message", body)?;
    if body.trim().is_empty() {
        return Err(Error::field("message must not be blank"));
    }
    let n = body.chars().count();
    if n > MAX_MESSAGE_CHARS {
        return Err(Error::new(
            ErrorCode::MessageTooLong,
            format!("message has {n} characters; the limit is {MAX_MESSAGE_CHARS}"),
        ));
    }
    Ok(())
}

/// An optional free-text comment: storable, at most `max` characters.
pub fn comment(value: &str, max: usize) -> Result<()> {
    storable("comment", value)?;
    let n = value.chars().count();
    if n > max {
        return Err(Error::field(format!(
            "comment has {n} characters; the limit is {max}"
        )));
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
        return Err(Error::field(format!(
            "language has {n} characters; the limit is {MAX_LANGUAGE_TAG_CHARS}"
        )));
    }
    let well_formed = tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && tag.parse::<unic_langid::LanguageIdentifier>().is_ok();
    if !well_formed {
        return Err(Error::field(
            "language must be a BCP 47 language tag such as \"fr\" or \"pt-BR\"",
        ));
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
