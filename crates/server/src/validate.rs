//! Field checks shared by every route. Text is stored exactly as sent: these only
//! refuse what cannot be used, they never rewrite.

use crate::error::{Error, Result};
use switchboard_protocol::{ErrorCode, MAX_MESSAGE_CHARS, MAX_SHORT_TEXT_CHARS};

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
}
